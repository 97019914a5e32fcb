/**
 * Shared helpers for the kernel specs (not a spec itself: only *.spec.ts files are
 * test entries). Buffers come from the kernels' own allocator (assembly/memory.ts),
 * zero-filled, and are addressed by raw pointers exactly as the JS boundary does.
 * Blocks are never freed: each spec file is its own short-lived module instance.
 */
import { alloc } from "../memory";

/** A zeroed block of `n` f64 (at least 8 bytes so a pointer is always valid). */
export function f64buf(n: i32): usize {
  return alloc(<usize>max(n, 1) << 3);
}

/** A block of `n` f64 all set to `v` (sentinels for "must not be written"). */
export function filled(n: i32, v: f64): usize {
  const p = f64buf(n);
  for (let i = 0; i < n; i++) store<f64>(p + (<usize>i << 3), v);
  return p;
}

/** Copies `values` into a fresh f64 block. */
export function f64s(values: f64[]): usize {
  const p = f64buf(values.length);
  for (let i = 0; i < values.length; i++) store<f64>(p + (<usize>i << 3), values[i]);
  return p;
}

/** Copies `values` into a fresh byte block (buyer flags). */
export function u8s(values: u8[]): usize {
  const p = alloc(<usize>max(values.length, 1));
  for (let i = 0; i < values.length; i++) store<u8>(p + <usize>i, values[i]);
  return p;
}

/** Element `i` of an f64 block. */
export function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** Overwrites element `i` of an f64 block. */
export function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** Exact equality (==), or NaN when `expected` is NaN. */
export function eq(actual: f64, expected: f64, what: string = ""): void {
  if (isNaN(expected)) expect<f64>(actual).toBeNaN(what);
  else expect<f64>(actual).toBe(expected, what);
}

/** Bit-exact equality (also tells +0 from −0); use for order-of-summation checks. */
export function bits(actual: f64, expected: f64, what: string = ""): void {
  expect<u64>(reinterpret<u64>(actual)).toBe(reinterpret<u64>(expected), what);
}

/** |actual − expected| ≤ rel·|expected| (rel·1 when expected is 0). */
export function close(actual: f64, expected: f64, rel: f64, what: string = ""): void {
  const scale = expected == 0 ? 1.0 : abs(expected);
  expect<f64>(actual).toBeFinite(what);
  expect<f64>(abs(actual - expected)).toBeLessThanOrEqual(rel * scale, what);
}

/** Checks n elements of block `p` against `expected` with eq(). */
export function eqAll(p: usize, expected: f64[], what: string = ""): void {
  for (let i = 0; i < expected.length; i++) eq(at(p, i), expected[i], what + " [" + i.toString() + "]");
}

/** 2^53: the first f64 above which +1 is lost, used to make summation order visible. */
export const P53: f64 = 9007199254740992;

/**
 * NaNs with a known sign bit. A bare `NaN` literal happens to be 0x7FF8… (sign clear),
 * but arithmetic NaNs may carry either sign, and the check value (common/check.ts)
 * tells the two apart, so specs that depend on it store these exact bit patterns.
 */
export const POS_NAN_BITS: u64 = 0x7FF8000000000000;
export const NEG_NAN_BITS: u64 = 0xFFF8000000000000;
/** Overwrites element `i` of an f64 block with a raw bit pattern (bit-exact, no f64 round trip). */
export function putBits(p: usize, i: i32, b: u64): void {
  store<u64>(p + (<usize>i << 3), b);
}

/** Element `i` of an f64 block as its raw bits. */
export function bitsAt(p: usize, i: i32): u64 {
  return load<u64>(p + (<usize>i << 3));
}

/** Sets element `i` to a NaN with the sign bit clear, and checks that it is stored as such. */
export function putPosNaN(p: usize, i: i32): void {
  putBits(p, i, POS_NAN_BITS);
  expect<u64>(bitsAt(p, i) >> 63).toBe(0, "positive NaN stored with a clear sign bit");
  expect<f64>(at(p, i)).toBeNaN("positive NaN stored");
}

/** Sets element `i` to a NaN with the sign bit set. */
export function putNegNaN(p: usize, i: i32): void {
  putBits(p, i, NEG_NAN_BITS);
  expect<u64>(bitsAt(p, i) >> 63).toBe(1, "negative NaN stored with the sign bit set");
  expect<f64>(at(p, i)).toBeNaN("negative NaN stored");
}

/**
 * Check value (common/check.ts) "all valid": exactly +0. The kernels build it as a sum
 * of t − t over finite t, which is +0 in round-to-nearest, or return the literal 0.
 */
export function checkOk(actual: f64, what: string = ""): void {
  bits(actual, 0, what + " (check = +0)");
}

/** Check value "some sign bit was set": exactly −1. */
export function checkSign(actual: f64, what: string = ""): void {
  bits(actual, -1, what + " (check = −1)");
}

/** Check value "+∞ or a NaN with a clear sign bit, or a sum overflowed": NaN (of either sign). */
export function checkNaN(actual: f64, what: string = ""): void {
  expect<f64>(actual).toBeNaN(what + " (check = NaN)");
}

/**
 * xorshift32 (Marsaglia 2003), as test/support/twinHash.ts: a spec and its JS twin test
 * drive the two implementations through the same sequence of operations.
 */
export class XorShift32 {
  constructor(private x: u32) {}
  next(): u32 {
    let x = this.x;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    this.x = x;
    return x;
  }
}

/** FNV-1a over the two 32-bit words of each double (low word first), as test/support/twinHash.ts: the twins' answers folded into one hash. */
export class Fold {
  h: u32 = 2166136261;
  add(x: f64): void {
    const b = reinterpret<u64>(x);
    this.h = (this.h ^ <u32>b) * 16777619;
    this.h = (this.h ^ <u32>(b >> 32)) * 16777619;
  }
}
