/**
 * The IC on non-overlapping samples and its t-statistic. Forward moves of updates less than a
 * horizon apart share most of their path, so the n of an IC over every update overstates the
 * evidence many times over. Keeping the first sample, then each first one made at or after the
 * quote the kept one's move ended at — that is at least a horizon later, and later still when
 * no quote came exactly at t + h — leaves moves that share no price change, and for those the
 * usual t = r·√((n − 2)/(1 − r²)) (the t-test of a correlation, as scipy.stats.spearmanr's
 * p-value uses) is a fair, if still optimistic, measure of significance: |t| above 2 is the rule
 * of thumb for "not noise". Samples of markets that ran at the same time are not independent
 * either: pooled over captures, the samples are taken in time order across all of them (one
 * per step of the shared clock, evaluate.ts).
 */

/**
 * Indices (into `times`, ascending) of samples whose moves do not overlap: the first, then each
 * first one at or after the end of the last kept one's move (`ends`, the receive time of the
 * quote it ended at). `order`, when given, is the order to walk the samples in (time order of
 * samples gathered from several captures); the indices come back in that order.
 */
export function nonOverlapping(times: Float64Array, ends: Float64Array, order?: ArrayLike<number>): Int32Array {
  const kept: number[] = [];
  let next = -Infinity;
  for (let k = 0; k < times.length; k++) {
    const i = order === undefined ? k : order[k]!;
    const t = times[i]!;
    if (t >= next) {
      kept.push(i);
      next = ends[i]!;
    }
  }
  return Int32Array.from(kept);
}

/** The t-statistic of a correlation `r` over `n` samples; NaN when n < 3, r is NaN or |r| = 1 (infinite). */
export function tStatistic(r: number, n: number): number {
  if (n < 3 || !(r > -1 && r < 1)) return NaN;
  return r * Math.sqrt((n - 2) / (1 - r * r));
}
