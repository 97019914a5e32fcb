/**
 * A high-precision reference for exp, expm1, log and tanh in exact BigInt arithmetic, to
 * measure the library's own transcendentals in ulps.
 *
 * Every double is an exact rational m·2^e; the reference works in fixed point with
 * PREC = 320 fraction bits (absolute error a few units of 2^−320 per operation), from
 * the textbook series: ln 2 = Σ 1/(k·2^k); e^r = Σ r^n/n! after reducing x = k·ln2 + r,
 * |r| ≤ ln2/2; log m = 2·atanh((m − 1)/(m + 1)) = 2·Σ z^(2n+1)/(2n+1) for m in [1, 2);
 * tanh x = (e^2x − 1)/(e^2x + 1). The reference itself is checked against published
 * digits of e, ln 2 and ln 10 (test/kernels/transcendental.test.ts).
 */
const PREC = 320;
const P = BigInt(PREC);
const ONE = 1n << P;

/** A real number as value = mant · 2^exp2 (mant a BigInt, possibly negative). */
export interface Big {
  readonly mant: bigint;
  readonly exp2: number;
}

const view = new DataView(new ArrayBuffer(8));

/** x (finite) as an exact m·2^e. */
function exact(x: number): Big {
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const e = Number((bits >> 52n) & 0x7ffn);
  const f = bits & ((1n << 52n) - 1n);
  const mant = e === 0 ? f : f | (1n << 52n);
  const exp2 = (e === 0 ? 1 : e) - 1075;
  return { mant: negative ? -mant : mant, exp2 };
}

/** A fixed-point value (scale 2^−PREC) of x, truncated. */
function toFixed(x: number): bigint {
  const { mant, exp2 } = exact(x);
  const s = exp2 + PREC;
  return s >= 0 ? mant << BigInt(s) : mant / (1n << BigInt(-s));
}

const mul = (a: bigint, b: bigint): bigint => (a * b) >> P;
const div = (a: bigint, b: bigint): bigint => (a << P) / b;

const LN2: bigint = (() => {
  let sum = 0n;
  for (let k = 1n; k < P + 16n; k++) sum += ONE / (k << k);
  return sum;
})();

/** e^r for a fixed-point |r| ≤ 1. */
function expSeries(r: bigint): bigint {
  let sum = ONE,
    term = ONE;
  for (let n = 1n; term !== 0n; n++) {
    term = mul(term, r) / n;
    sum += term;
  }
  return sum;
}

/** e^x − 1 for a fixed-point |r| ≤ 1 (no cancellation near 0). */
function expm1Series(r: bigint): bigint {
  let sum = 0n,
    term = ONE;
  for (let n = 1n; ; n++) {
    term = mul(term, r) / n;
    if (term === 0n) return sum;
    sum += term;
  }
}

/** e^x = e^r · 2^k. */
export function bigExp(x: number): Big {
  const k = Math.round(x / Math.LN2);
  const r = toFixed(x) - BigInt(k) * LN2;
  return { mant: expSeries(r), exp2: k - PREC };
}

/** e^x − 1. */
export function bigExpm1(x: number): Big {
  if (Math.abs(x) <= 0.5) return { mant: expm1Series(toFixed(x)), exp2: -PREC };
  const e = bigExp(x);
  // e·2^exp2 − 1 at the finer of the two scales
  const shift = e.exp2 + PREC;
  return shift >= 0 ? { mant: (e.mant << BigInt(shift)) - ONE, exp2: -PREC } : { mant: e.mant - (ONE << BigInt(-shift)), exp2: e.exp2 };
}

/** ln x for x > 0. */
export function bigLog(x: number): Big {
  const { mant, exp2 } = exact(x);
  const b = mant.toString(2).length - 1; // x = (mant/2^b)·2^(b + exp2), mant/2^b in [1, 2)
  const m = mant << (P - BigInt(b));
  const z = div(m - ONE, m + ONE),
    z2 = mul(z, z);
  let sum = 0n,
    power = z;
  for (let n = 1n; power !== 0n; n += 2n) {
    sum += power / n;
    power = mul(power, z2);
  }
  return { mant: 2n * sum + BigInt(b + exp2) * LN2, exp2: -PREC };
}

/** tanh x for |x| ≤ 20 (beyond, tanh x rounds to ±1). */
export function bigTanh(x: number): Big {
  const em1 = bigExpm1(2 * x); // 2x is exact
  const shift = em1.exp2 + PREC;
  const n = shift >= 0 ? em1.mant << BigInt(shift) : em1.mant >> BigInt(-shift);
  return { mant: div(n, n + 2n * ONE), exp2: -PREC };
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : (v < 0n ? -v : v).toString(2).length;
}

/** v·2^shift as a double (|v| possibly far beyond 2^1024; precise to ~2^−60 relative). */
function scaled(v: bigint, shift: number): number {
  const excess = Math.max(0, bitLength(v) - 64);
  return Number(v >> BigInt(excess)) * 2 ** (shift + excess);
}

/** |y − ref| in units in the last place of ref (ulp of a subnormal is 2^−1074). */
export function ulpError(y: number, ref: Big): number {
  const yy = exact(y);
  const lo = Math.min(yy.exp2, ref.exp2);
  const diff = (yy.mant << BigInt(yy.exp2 - lo)) - (ref.mant << BigInt(ref.exp2 - lo));
  const top = bitLength(ref.mant) - 1 + ref.exp2; // floor(log2 |ref|)
  const ulp = Math.max(top - 52, -1074);
  return Math.abs(scaled(diff, lo - ulp));
}

/** The first `digits` decimal digits after the point of |ref| (to check the reference against published constants). */
export function decimals(ref: Big, digits: number): string {
  const scaledValue = ref.exp2 >= 0 ? ref.mant << BigInt(ref.exp2) : ref.mant;
  const den = ref.exp2 >= 0 ? 1n : 1n << BigInt(-ref.exp2);
  const abs = scaledValue < 0n ? -scaledValue : scaledValue;
  return `${abs / den}.${(((abs % den) * 10n ** BigInt(digits)) / den).toString().padStart(digits, "0")}`;
}
