/**
 * Spearman's rank correlation with ties: each series is replaced by its ranks (tied values
 * share the average of the ranks they span, as pandas' `.rank()` and scipy's `rankdata` do),
 * and the correlation is Pearson's on the ranks (scipy.stats.spearmanr). To a quant it is the
 * information coefficient (IC) of a signal: +1 when ordering the updates by signal orders
 * their forward moves exactly, 0 when the signal says nothing about the move. Rank-based, it
 * ignores the scale of both and a few huge moves cannot dominate it.
 *
 * Only + − × ÷ √: the same bits on every engine.
 */
import { LengthMismatchError } from "../errors.js";

/** Indices 0…n−1 sorted by `values` ascending; equal values keep their order (a stable sort). */
export function sortedOrder(values: Float64Array): Int32Array {
  const order = new Int32Array(values.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => values[a]! - values[b]! || a - b);
}

/** For each position of `order` (sorted by `values`) that starts a group of equal values, the position just past that group. */
export function tieGroupEnds(values: Float64Array, order: Int32Array): Int32Array {
  const n = order.length;
  const ends = new Int32Array(n);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]!] === values[order[start]!]) end++;
    ends[start] = end;
    start = end;
  }
  return ends;
}

/** The average ranks (1-based) of `values`, ties sharing the mean of the ranks they span (pandas' `.rank()`). */
export function averageRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = sortedOrder(values);
  const ends = tieGroupEnds(values, order);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; start = ends[start]!) {
    const end = ends[start]!;
    // positions start…end−1 hold ranks start+1…end: their mean
    const rank = (start + 1 + end) / 2;
    for (let p = start; p < end; p++) ranks[order[p]!] = rank;
  }
  return ranks;
}

/** Pearson's correlation of `x` and `y` (two passes: means, then centred sums); NaN when either is constant or n < 2. */
export function pearson(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  if (y.length !== n) throw new LengthMismatchError("pearson y", n, y.length);
  if (n < 2) return NaN;
  let sx = 0,
    sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n,
    my = sy / n;
  let sxy = 0,
    sxx = 0,
    syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx,
      dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  // rounding may step just past ±1
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** Spearman's rank correlation of `x` and `y` (finite values, equal lengths); NaN when either is constant or n < 2. */
export function spearman(x: Float64Array, y: Float64Array): number {
  if (y.length !== x.length) throw new LengthMismatchError("spearman y", x.length, y.length);
  return pearson(averageRanks(x), averageRanks(y));
}
