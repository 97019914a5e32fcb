/**
 * The library's own exp, expm1, log and tanh (assembly/common/transcendental.ts and its
 * JS twin src/kernels/js/common/transcendental.ts):
 *  - the port returns the same bits as the module's export, on the SIMD and on the scalar
 *    build: dense grids over the ranges used, a sweep of bit patterns, the thresholds of
 *    every branch, special values, and fast-check over all doubles (100,000 runs each);
 *  - accuracy against a 320-bit BigInt reference (test/support/bigMath.ts, itself checked
 *    against published digits of e, ln 2 and ln 10): exp, expm1, log < 1 ulp, tanh < 2 ulp;
 *  - special values: NaN, ±∞, ±0, overflow, underflow, subnormals;
 *  - the Kernels interface: every backend answers with these bits, NaN passes through,
 *    anything but a number is an ArgumentTypeError.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { ArgumentTypeError } from "../../src/index.js";
import { loadWasm } from "../../src/wasm/module.js";
import * as port from "../../src/kernels/js/common/transcendental.js";
import { backends } from "../support/backends.js";
import { bigExp, bigExpm1, bigLog, bigTanh, decimals, ulpError, type Big } from "../support/bigMath.js";

type Fn = "exp" | "expm1" | "log" | "tanh";
const FNS: readonly Fn[] = ["exp", "expm1", "log", "tanh"];

const modules = [
  { build: "simd", exports: (await loadWasm()).exports },
  { build: "scalar", exports: (await loadWasm({ forceScalar: true })).exports },
];

const bits = new BigUint64Array(1);
const asDouble = new Float64Array(bits.buffer);

function fromBits(b: bigint): number {
  bits[0] = b;
  return asDouble[0]!;
}

function toBits(x: number): bigint {
  asDouble[0] = x;
  return bits[0]!;
}

/** The next double above (+1) or below (−1) a finite x. */
function step(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * Number.MIN_VALUE;
  return fromBits(toBits(x) + BigInt((x > 0 ? 1 : -1) * dir));
}

/** n + 1 evenly spaced points over [lo, hi]. */
function grid(lo: number, hi: number, n: number): Float64Array {
  return Float64Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
}

/** n + 1 doubles whose bit patterns are evenly spaced from `from` to `to` (every binade between). */
function bitSweep(from: number, to: number, n: number): Float64Array {
  const a = toBits(from),
    b = toBits(to),
    span = b - a;
  return Float64Array.from({ length: n + 1 }, (_, i) => fromBits(a + (span * BigInt(i)) / BigInt(n)));
}

/** Each point and its 16 neighbours on either side. */
function around(...points: number[]): Float64Array {
  const out: number[] = [];
  for (const p of points) {
    let up = p,
      down = p;
    out.push(p);
    for (let i = 0; i < 16; i++) out.push((up = step(up, 1)), (down = step(down, -1)));
  }
  return Float64Array.from(out);
}

const SPECIALS = [
  NaN,
  -NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  2.2250738585072014e-308,
  -2.2250738585072014e-308,
  2.225073858507201e-308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1,
  -1,
  0.5,
  2,
  Math.LN2,
  -Math.LN2,
  1e-300,
  -1e-300,
];

/** Every branch boundary of the four functions (high-word thresholds and the over/underflow limits). */
const THRESHOLDS = around(
  0.5 * Math.LN2,
  -0.5 * Math.LN2,
  1.5 * Math.LN2,
  -1.5 * Math.LN2,
  2 ** -28,
  -(2 ** -28),
  2 ** -54,
  -(2 ** -54),
  56 * Math.LN2,
  -56 * Math.LN2,
  708.3964185322641,
  -708.3964185322641,
  709.782712893384,
  -745.1332191019411,
  0.5493061443340548,
  -0.5493061443340548,
  0.25541281188299536,
  -0.25541281188299536,
  20,
  -20,
  22,
  1,
  2 ** -1022,
  Math.SQRT2,
  Math.SQRT1_2,
);

const GRIDS: Record<Fn, Float64Array[]> = {
  exp: [grid(-745.2, 710, 1 << 20), bitSweep(Number.MIN_VALUE, 745.2, 1 << 18), bitSweep(-Number.MIN_VALUE, -745.2, 1 << 18)],
  expm1: [
    grid(-60, 710, 1 << 19),
    grid(-1.5, 1.5, 1 << 19),
    bitSweep(Number.MIN_VALUE, 710, 1 << 18),
    bitSweep(-Number.MIN_VALUE, -60, 1 << 18),
  ],
  tanh: [grid(-20, 20, 1 << 20), grid(-1, 1, 1 << 18), bitSweep(Number.MIN_VALUE, 30, 1 << 18), bitSweep(-Number.MIN_VALUE, -30, 1 << 18)],
  log: [bitSweep(Number.MIN_VALUE, Number.MAX_VALUE, 1 << 20), grid(0.5, 2, 1 << 19), grid(1e-3, 1e3, 1 << 18)],
};

/** The first x where the port and the export differ, described; null when none does. */
function firstMismatch(fn: Fn, exported: (x: number) => number, xs: Float64Array): string | null {
  const mine = port[fn];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!,
      a = exported(x),
      b = mine(x);
    if (!Object.is(a, b)) return `${fn}(${x}): module ${a} (0x${toBits(a).toString(16)}), port ${b} (0x${toBits(b).toString(16)})`;
  }
  return null;
}

describe.each(modules)("the port against the $build module, bit for bit", ({ exports }) => {
  test.each(FNS)("%s: dense grids, bit-pattern sweeps, every branch threshold and the special values", (fn) => {
    let points = 0;
    for (const xs of [...GRIDS[fn], THRESHOLDS, Float64Array.from(SPECIALS)]) {
      expect(firstMismatch(fn, exports[fn], xs), `${fn}: no input may give different bits`).toBeNull();
      points += xs.length;
    }
    expect(points, "the grids are dense").toBeGreaterThan(1_000_000);
  });

  test.each(FNS)("%s: any double (fast-check, 100,000 runs)", (fn) => {
    const x = fc.oneof(
      fc.double(),
      fc.double({ min: -746, max: 710 }),
      fc.double({ min: -21, max: 21 }),
      fc.double({ min: -2, max: 2 }),
      fc.double({ min: -Number.MIN_VALUE * 2 ** 53, max: Number.MIN_VALUE * 2 ** 53 }),
      fc.constantFrom(...SPECIALS),
    );
    fc.assert(
      fc.property(x, (v) => firstMismatch(fn, exports[fn], Float64Array.of(v)) === null),
      { numRuns: 100_000 },
    );
  });
});

describe("accuracy against the 320-bit reference", () => {
  test("the reference reproduces published digits: e (OEIS A001113), ln 2 (A002162), ln 10 (A002392)", () => {
    expect(decimals(bigExp(1), 60)).toBe("2.718281828459045235360287471352662497757247093699959574966967");
    expect(decimals(bigLog(2), 60)).toBe("0.693147180559945309417232121458176568075500134360255254120680");
    expect(decimals(bigLog(10), 60)).toBe("2.302585092994045684017991454684364207601101488628772976033327");
    expect(decimals(bigTanh(1), 40)).toBe("0.7615941559557648881194582826047935904127");
  });

  const cases: { fn: Fn; bound: number; ref: (x: number) => Big; xs: Float64Array }[] = [
    {
      fn: "exp",
      bound: 1,
      ref: bigExp,
      xs: concat(grid(-708, 709.78, 6000), grid(-745.13, -708, 1000), grid(-1, 1, 2000), bitSweep(2 ** -40, 700, 1000)),
    },
    {
      fn: "expm1",
      bound: 1,
      ref: bigExpm1,
      xs: concat(grid(-38, 709.78, 4000), grid(-1.1, 1.1, 4000), bitSweep(2 ** -200, 2, 1000), bitSweep(-(2 ** -200), -2, 1000)),
    },
    {
      fn: "log",
      bound: 1,
      ref: bigLog,
      xs: concat(bitSweep(Number.MIN_VALUE, Number.MAX_VALUE, 6000), grid(0.5, 2, 3000), grid(1 - 2 ** -20, 1 + 2 ** -20, 1000)),
    },
    {
      fn: "tanh",
      bound: 2,
      ref: bigTanh,
      xs: concat(grid(-20, 20, 6000), grid(0.1, 0.26, 2000), bitSweep(2 ** -200, 1, 1000), bitSweep(-(2 ** -200), -1, 1000)),
    },
  ];

  test.each(cases)("$fn: error < $bound ulp on sample points across its range", ({ fn, bound, ref, xs }) => {
    let worst = 0,
      at = NaN;
    for (const x of xs) {
      const err = ulpError(port[fn](x), ref(x));
      if (err > worst) [worst, at] = [err, x];
    }
    expect(worst, `${fn}: worst error ${worst.toFixed(3)} ulp at x = ${at}`).toBeLessThan(bound);
    expect(
      worst,
      `${fn}: worst error ${worst.toFixed(3)} ulp — an error this small means the reference is not being compared`,
    ).toBeGreaterThan(0.5);
  });

  test("tanh is x below 2^-27 and ±1 beyond 20, as exact arithmetic rounds it", () => {
    for (const x of bitSweep(Number.MIN_VALUE, 2 ** -28, 4000))
      expect(port.tanh(x) === x && port.tanh(-x) === -x, `tanh(±${x})`).toBe(true);
    for (const x of [20.000000000000004, 22, 100, 1e300]) expect([port.tanh(x), port.tanh(-x)], `tanh(±${x})`).toEqual([1, -1]);
  });
});

function concat(...parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("special values (C99 Annex F), on the port and both modules", () => {
  const table: [Fn, number, number][] = [
    ["exp", NaN, NaN],
    ["exp", Infinity, Infinity],
    ["exp", -Infinity, 0],
    ["exp", 0, 1],
    ["exp", -0, 1],
    ["exp", 709.79, Infinity],
    ["exp", Number.MAX_VALUE, Infinity],
    ["exp", -745.14, 0],
    ["exp", -Number.MAX_VALUE, 0],
    ["exp", -745.1332191019411, Number.MIN_VALUE],
    ["exp", -740, 4.1995579896506e-322],
    ["exp", Number.MIN_VALUE, 1],
    ["expm1", NaN, NaN],
    ["expm1", Infinity, Infinity],
    ["expm1", -Infinity, -1],
    ["expm1", 0, 0],
    ["expm1", -0, -0],
    ["expm1", 710, Infinity],
    ["expm1", -50, -1],
    ["expm1", Number.MIN_VALUE, Number.MIN_VALUE],
    ["expm1", 1e-300, 1e-300],
    ["log", NaN, NaN],
    ["log", Infinity, Infinity],
    ["log", -Infinity, NaN],
    ["log", 0, -Infinity],
    ["log", -0, -Infinity],
    ["log", -1, NaN],
    ["log", -Number.MIN_VALUE, NaN],
    ["log", 1, 0],
    ["log", Number.MIN_VALUE, -744.4400719213812],
    ["log", Number.MAX_VALUE, 709.782712893384],
    ["log", 2, Math.LN2],
    ["tanh", NaN, NaN],
    ["tanh", Infinity, 1],
    ["tanh", -Infinity, -1],
    ["tanh", 0, 0],
    ["tanh", -0, -0],
    ["tanh", Number.MIN_VALUE, Number.MIN_VALUE],
    ["tanh", -Number.MIN_VALUE, -Number.MIN_VALUE],
    ["tanh", 1e300, 1],
    ["tanh", -21, -1],
  ];

  test.each(table)("%s(%d) = %d", (fn, x, want) => {
    expect(port[fn](x), "port").toBe(want);
    for (const m of modules) expect(m.exports[fn](x), `${m.build} module`).toBe(want);
  });

  test("subnormal results of exp (x from −745 to −708.4) are within 1 ulp of the subnormal grid", () => {
    for (const x of grid(-745, -708.4, 2000)) {
      expect(ulpError(port.exp(x), bigExp(x)), `exp(${x}) = ${port.exp(x)}`).toBeLessThan(1);
    }
  });
});

describe.each(backends)("Kernels.exp/log/tanh on $backend", (k) => {
  test("the same bits as the port; NaN passes through", () => {
    for (const xs of [grid(-745, 710, 20_000), bitSweep(Number.MIN_VALUE, Number.MAX_VALUE, 20_000), Float64Array.from(SPECIALS)]) {
      for (const x of xs) {
        if (!Object.is(k.exp(x), port.exp(x)) || !Object.is(k.log(x), port.log(x)) || !Object.is(k.tanh(x), port.tanh(x))) {
          expect.unreachable(`${k.backend} differs from the port at x = ${x}`);
        }
      }
    }
    expect([k.exp(NaN), k.log(NaN), k.tanh(NaN)]).toEqual([NaN, NaN, NaN]);
  });

  test("anything but a number is an ArgumentTypeError that names the type", () => {
    const bad: unknown[] = ["1", null, undefined, 1n, [1], {}, new Float64Array(1), true];
    for (const fn of ["exp", "log", "tanh"] as const) {
      for (const v of bad) expect(() => k[fn](v as number), `${fn}(${String(v)})`).toThrow(ArgumentTypeError);
    }
    expect(() => k.exp("1" as unknown as number)).toThrow("x is a string: expected a number");
    expect(() => k.tanh(null as unknown as number)).toThrow("x is null: expected a number");
  });
});
