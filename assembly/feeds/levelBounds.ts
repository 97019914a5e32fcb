/**
 * The event validator's level check (src/feeds/validate.ts, LIMITS) on levels in linear
 * memory: a depth diff decoded into columns is checked where it lies and applied from
 * there, its values never read by JavaScript. The bounds are LIMITS' (a contract test
 * checks both backends agree with validPrice/validQty at and around every bound); the
 * validator's predicates here serve the engine's run of quotes and trades too
 * (assembly/confluence/flowRun.ts).
 */
const MIN_PRICE: f64 = 1e-12;
const MAX_PRICE: f64 = 1e12;
const MIN_QTY: f64 = 1e-12;
const MAX_QTY: f64 = 1e15;
/** LIMITS.maxTime: the end of JavaScript's Date range, ms. */
const MAX_TIME: f64 = 8.64e15;

/** A price inside the bounds (false for NaN): validPrice. */
// @ts-ignore: decorator
@inline export function validPrice(p: f64): bool {
  return (p >= MIN_PRICE) & (p <= MAX_PRICE);
}

/** A time inside [0, MAX_TIME] (false for NaN): validTime. */
// @ts-ignore: decorator
@inline export function validTime(t: f64): bool {
  return (t >= 0) & (t <= MAX_TIME);
}

/** An id, an integer in [0, 2^53) (false for NaN): validId. */
// @ts-ignore: decorator
@inline export function validId(x: f64): bool {
  return (x >= 0) & (x <= 9007199254740991) & (Math.floor(x) == x);
}

/** A size of 0 or inside the bounds (false for NaN): validQty. */
// @ts-ignore: decorator
@inline export function validQty(q: f64): bool {
  return (q == 0) | ((q >= MIN_QTY) & (q <= MAX_QTY));
}

/**
 * 1 when every [price, qty] pair of the `values` f64 values at `p` is inside the bounds — a
 * price in [MIN_PRICE, MAX_PRICE], a size 0 or in [MIN_QTY, MAX_QTY] (NaN fails both) —, else 0.
 * `values` is even.
 */
export function levelsInBounds(p: usize, values: i32): i32 {
  let ok = true;
  // no early exit: a valid diff, the common case, is read in one branch-light pass
  for (let i = 0; i < values; i += 2) {
    const px = load<f64>(p + (<usize>i << 3));
    const q = load<f64>(p + (<usize>(i + 1) << 3));
    ok = ok & validPrice(px) & validQty(q);
  }
  return ok ? 1 : 0;
}
