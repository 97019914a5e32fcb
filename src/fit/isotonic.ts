/**
 * Isotonic regression by pool-adjacent-violators (Barlow, Bartholomew, Bremner & Brunk, 1972):
 * the non-decreasing sequence closest to `y` in weighted least squares. `confluence fit` uses it
 * to calibrate confidence: the observed hit rate as a non-decreasing function of signal strength,
 * so a stronger signal never reads as less likely to be right than a weaker one.
 */
import { InvalidParameterError } from "../errors.js";

/** One pooled block: the fitted value over a run of consecutive inputs. */
export interface IsotonicBlock {
  /** Index of the first input in the block. */
  readonly start: number;
  /** One past the last input. */
  readonly end: number;
  /** The weighted mean of the block's y: the fitted value of each input in it. */
  readonly value: number;
  /** The block's total weight. */
  readonly weight: number;
}

/**
 * The blocks of the isotonic fit of `y` (in input order; sort by the predictor first), with
 * weights `w` (default 1 each). Every value finite, every weight finite and > 0, else an
 * InvalidParameterError. O(n).
 */
export function isotonicBlocks(y: ArrayLike<number>, w?: ArrayLike<number>): IsotonicBlock[] {
  const n = y.length;
  if (w !== undefined && w.length !== n) throw new InvalidParameterError("weights", w.length, `as many as the values (${n})`);
  const start: number[] = [],
    sum: number[] = [],
    weight: number[] = [];
  for (let i = 0; i < n; i++) {
    const yi = y[i]!,
      wi = w === undefined ? 1 : w[i]!;
    if (!Number.isFinite(yi)) throw new InvalidParameterError(`y[${i}]`, yi, "a finite number");
    if (!(wi > 0 && wi < Infinity)) throw new InvalidParameterError(`w[${i}]`, wi, "a finite number > 0");
    start.push(i);
    sum.push(wi * yi);
    weight.push(wi);
    // pool while the last block's mean is below the one before it
    let k = start.length - 1;
    while (k > 0 && sum[k - 1]! / weight[k - 1]! > sum[k]! / weight[k]!) {
      sum[k - 1]! += sum[k]!;
      weight[k - 1]! += weight[k]!;
      start.pop();
      sum.pop();
      weight.pop();
      k--;
    }
  }
  return start.map((s, k) => ({
    start: s,
    end: k + 1 < start.length ? start[k + 1]! : n,
    value: sum[k]! / weight[k]!,
    weight: weight[k]!,
  }));
}

/** The isotonic fit itself: one fitted value per input. */
export function isotonicFit(y: ArrayLike<number>, w?: ArrayLike<number>): Float64Array {
  const out = new Float64Array(y.length);
  for (const b of isotonicBlocks(y, w)) out.fill(b.value, b.start, b.end);
  return out;
}
