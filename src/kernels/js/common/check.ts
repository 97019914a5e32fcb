/**
 * The check value of assembly/common/check.ts, JS side: NaN when a value was ±∞/NaN or
 * a sum overflowed, else −1 when one was negative, else 0. (−0 gives 0 here and −1 in
 * WASM; both are accepted after a rescan.)
 */
export function checkResult(negative: boolean, finite: number): number {
  return finite !== finite ? finite : negative ? -1 : 0;
}

/** 0 for a finite t, NaN otherwise. */
export function finiteness(t: number): number {
  return t - t;
}

/** True for a finite value ≥ 0. */
export function valid(x: number): boolean {
  return x >= 0 && x <= Number.MAX_VALUE;
}
