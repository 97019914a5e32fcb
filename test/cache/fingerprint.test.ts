/**
 * The fingerprint behind every cache key: FNV-1a 64 against the published test vectors
 * and a BigInt reference, the canonical form (key order and undefined members do not
 * matter; types, lengths, NaN payloads, −0 and typed-array kinds are handled as
 * documented), different inputs → different keys and the same inputs → the same key,
 * pinned values and a second Node process agreeing.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { cacheKey, scoreKey } from "../../src/cache/cacheKey.js";
import { fingerprint, fnv1a64 } from "../../src/cache/fingerprint.js";
import { InvalidParameterError, UnhashableInputError } from "../../src/errors.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function referenceFnv1a64(bytes: Uint8Array): string {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, "0");
}

/** A window-like input: the shapes cachedWindowScore hashes (config object, events with typed arrays, NaN times). */
const SAMPLE = {
  config: { depth: 10, lookback: 50, weights: { orderbook: 0.25, orderflow: 0.75 }, approximations: false },
  events: [
    {
      type: "depth",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255342,
      receiveTime: 1723161255342.5,
      bids: Float64Array.of(61837.63, 3.79),
      asks: Float64Array.of(61837.64, 0),
    },
    {
      type: "quote",
      symbol: "BTCUSDT",
      exchangeTime: NaN,
      receiveTime: 1723161255343.25,
      bidPx: 61837.63,
      bidQty: 3.79,
      askPx: 61837.64,
      askQty: 1.55,
    },
    {
      type: "trade",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255400,
      receiveTime: 1723161255401,
      price: 61837.64,
      qty: 0.02,
      buyerInitiated: true,
    },
  ],
  note: "µ€𝄞",
};
const SAMPLE_FINGERPRINT = fingerprint(SAMPLE);

describe("FNV-1a 64", () => {
  test('the published test vectors (Fowler–Noll–Vo reference: "", "a", "foobar")', () => {
    expect(fnv1a64(new Uint8Array(0))).toBe("cbf29ce484222325");
    expect(fnv1a64(utf8("a"))).toBe("af63dc4c8601ec8c");
    expect(fnv1a64(utf8("foobar"))).toBe("85944171f73967e8");
  });

  test("random bytes (property): the two-halves arithmetic equals a BigInt reference", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(fnv1a64(bytes)).toBe(referenceFnv1a64(bytes));
      }),
      { numRuns: 500 },
    );
  });
});

describe("canonical form", () => {
  test("the documented bytes: a string is tag 4, its u32 code-unit count and UTF-8; a number tag 3 and 8 bytes LE", () => {
    const s = "é𝄞"; // 3 code units, 2 + 4 UTF-8 bytes
    expect(fingerprint(s)).toBe(fnv1a64(Uint8Array.of(4, 3, 0, 0, 0, ...utf8(s))));
    const one = new Uint8Array(Float64Array.of(1).buffer);
    expect(fingerprint(1)).toBe(fnv1a64(Uint8Array.of(3, ...one)));
    expect(fingerprint({ b: true, a: null })).toBe(fnv1a64(Uint8Array.of(6, 2, 0, 0, 0, 1, 0, 0, 0, 97, 0, 1, 0, 0, 0, 98, 2)));
    expect(fingerprint(Float32Array.of(1))).toBe(fnv1a64(Uint8Array.of(7, 2, 1, 0, 0, 0, 0, 0, 0x80, 0x3f)));
  });

  test("object key order and undefined members do not matter; array order does", () => {
    expect(fingerprint({ a: 1, b: [1, 2], c: undefined })).toBe(fingerprint({ b: [1, 2], a: 1 }));
    expect(fingerprint([1, 2])).not.toBe(fingerprint([2, 1]));
  });

  test("what JSON would blur stays apart: types, nesting, −0, typed-array kinds; every NaN is one NaN", () => {
    const distinct = [
      null,
      false,
      true,
      0,
      -0,
      1,
      "1",
      "",
      [],
      {},
      [1, 2],
      "1,2",
      [[1], 2],
      [1, [2]],
      { a: 1 },
      { a: "1" },
      { "": 1 },
      Float64Array.of(1),
      Float32Array.of(1),
      [1],
      Uint8Array.of(1),
      Int8Array.of(1),
      new Float64Array(0),
      new Uint8Array(0),
      Float64Array.of(1, 2),
      Float64Array.of(2, 1),
      { a: [] },
      { a: {} },
      ["a", "b"],
      ["ab"],
      { ab: "" },
      { a: "b" },
    ];
    const prints = distinct.map(fingerprint);
    expect(new Set(prints).size, "every value in the list has its own fingerprint").toBe(distinct.length);
    const payloadNaN = new Float64Array(Uint32Array.of(1, 0x7ff00000).buffer)[0]!;
    expect(Number.isNaN(payloadNaN)).toBe(true);
    expect(fingerprint({ t: payloadNaN }), "a NaN with another payload is the canonical NaN").toBe(fingerprint({ t: NaN }));
  });

  test("a typed array is hashed over its own bytes, not its whole buffer", () => {
    const buffer = Float64Array.of(9, 1, 2, 9);
    expect(fingerprint(buffer.subarray(1, 3))).toBe(fingerprint(Float64Array.of(1, 2)));
  });

  test("random JSON values (property): a copy → the same fingerprint; different canonical JSON → a different one", () => {
    const canonical = (v: unknown): string =>
      JSON.stringify(v, (_, x) =>
        x && typeof x === "object" && !Array.isArray(x)
          ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
          : x,
      );
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const fa = fingerprint(a);
        expect(fingerprint(structuredClone(a)), "a deep copy has the same fingerprint").toBe(fa);
        if (canonical(a) !== canonical(b)) expect(fa, `${canonical(a)} vs ${canonical(b)}`).not.toBe(fingerprint(b));
      }),
      { numRuns: 1000 },
    );
  });

  test("one changed bit anywhere in a window's inputs changes the fingerprint", () => {
    const changed = structuredClone(SAMPLE);
    (changed.events[0] as { bids: Float64Array }).bids[1] = 3.7900000000000005; // one ulp above 3.79
    expect(fingerprint(changed)).not.toBe(SAMPLE_FINGERPRINT);
    const reordered = structuredClone(SAMPLE);
    reordered.events.reverse();
    expect(fingerprint(reordered)).not.toBe(SAMPLE_FINGERPRINT);
    expect(fingerprint(structuredClone(SAMPLE))).toBe(SAMPLE_FINGERPRINT);
  });

  test("inputs with no stable byte form are an UnhashableInputError naming the path", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: [unknown, string][] = [
      [undefined, "inputs"],
      [() => 1, "inputs"],
      [1n, "inputs"],
      [Symbol("s"), "inputs"],
      [{ a: [1, new Map()] }, "inputs.a[1]"],
      [{ d: new Date(0) }, "inputs.d"],
      [[undefined], "inputs[0]"],
      [cyclic, `inputs${".self".repeat(64)}`],
      [new DataView(new ArrayBuffer(8)), "inputs"],
      ["\uD800", "inputs"],
      [{ windowId: ["a\uDFFFb"] }, "inputs.windowId[0]"],
      [`${"x".repeat(100)}\uDBFF`, "inputs"],
    ];
    for (const [input, path] of cases) {
      let error: unknown;
      try {
        fingerprint(input);
      } catch (e) {
        error = e;
      }
      expect(error, `${String(path)}`).toBeInstanceOf(UnhashableInputError);
      expect((error as UnhashableInputError).path).toBe(path);
    }
    const nested = (n: number): unknown => (n === 0 ? 1 : [nested(n - 1)]);
    expect(() => fingerprint(nested(64)), "64 levels of arrays are fine").not.toThrow();
    expect(() => fingerprint(nested(65))).toThrow(/nested 64 levels deep \(a cycle\?\)/);
    expect(fingerprint("\uD83D\uDE00"), "a surrogate pair is a character like any other").not.toBe(fingerprint("\uFFFD"));
    const shared = [1];
    expect(fingerprint({ a: shared, b: shared }), "the same array twice is not a cycle").toBe(fingerprint({ a: [1], b: [1] }));
  });
});

describe("keys", () => {
  test("score:{SYMBOL} and {namespace}:{SYMBOL}:{16 hex digits}", () => {
    expect(scoreKey("BTCUSDT")).toBe("score:{BTCUSDT}");
    expect(cacheKey("window1", "BTC/USDT:USDT", SAMPLE)).toBe(`window1:BTC/USDT:USDT:${SAMPLE_FINGERPRINT}`);
    expect(SAMPLE_FINGERPRINT).toMatch(/^[0-9a-f]{16}$/);
    expect(() => cacheKey("a:b", "BTCUSDT", 1)).toThrow(InvalidParameterError);
    expect(() => cacheKey("window1", "", 1)).toThrow(InvalidParameterError);
  });

  test("pinned: the same inputs give the same key on every run and version (a change here invalidates shared caches)", () => {
    expect(fingerprint(SAMPLE)).toBe("64836b7f2b2f3be2");
    expect(fingerprint(null)).toBe(fnv1a64(Uint8Array.of(0)));
  });

  test("a second Node process computes the same key for the same inputs", async () => {
    const dir = join(process.cwd(), "test-output/cache");
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, "fingerprint-child.ts");
    writeFileSync(
      entry,
      `
import { cacheKey } from ${JSON.stringify(join(process.cwd(), "src/cache/cacheKey.ts"))};
const sample = ${JSON.stringify(SAMPLE, (_, v) => (ArrayBuffer.isView(v) ? { __f64: Array.from(v as Float64Array) } : typeof v === "number" && Number.isNaN(v) ? { __nan: 1 } : v))};
const revive = (v: any): any => Array.isArray(v) ? v.map(revive) : v && typeof v === "object" ? (v.__f64 ? Float64Array.from(v.__f64) : v.__nan ? NaN : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]))) : v;
process.stdout.write(cacheKey("window1", "BTCUSDT", revive(sample)));
`,
    );
    const out = join(dir, "fingerprint-child.mjs");
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "es2022",
      outfile: out,
      logLevel: "silent",
    });
    const key = execFileSync(process.execPath, [out], { encoding: "utf8" });
    expect(key).toBe(cacheKey("window1", "BTCUSDT", SAMPLE));
  });
});
