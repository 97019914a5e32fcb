/**
 * The IC on non-overlapping samples and its t-statistic. Forward moves of updates less than a
 * horizon apart share most of their path, so the n of an IC over every update overstates the
 * evidence many times over. Keeping one sample per horizon-length step — the first, then each
 * first one at least a horizon after the one kept before — leaves moves that do not overlap,
 * and for those the usual t = r·√((n − 2)/(1 − r²)) (the t-test of a correlation, as
 * scipy.stats.spearmanr's p-value uses) is a fair, if still optimistic, measure of significance:
 * |t| above 2 is the rule of thumb for "not noise".
 */

/** Indices of samples at least `horizonMs` apart: the first, then each first one at or after the last kept + horizonMs. `times` ascending. */
export function nonOverlapping(times: Float64Array, horizonMs: number): Int32Array {
  const kept: number[] = [];
  let next = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (t >= next) {
      kept.push(i);
      next = t + horizonMs;
    }
  }
  return Int32Array.from(kept);
}

/** The t-statistic of a correlation `r` over `n` samples; NaN when n < 3, r is NaN or |r| = 1 (infinite). */
export function tStatistic(r: number, n: number): number {
  if (n < 3 || !(r > -1 && r < 1)) return NaN;
  return r * Math.sqrt((n - 2) / (1 - r * r));
}
