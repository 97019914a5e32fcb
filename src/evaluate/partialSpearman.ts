/**
 * Partial rank correlation: Spearman's correlation of x and y once z is accounted for —
 * Pearson's partial correlation of the three series' average ranks,
 * (r_xy − r_xz·r_yz)/√((1 − r_xz²)(1 − r_yz²)) (Kendall & Stuart, The Advanced Theory of
 * Statistics, vol. 2, §27; the rank form as in pingouin's partial_corr(method="spearman")).
 * To a quant: the IC a score keeps once the best one-line baseline is known — what the score
 * adds beyond it. Near 0, the score only repeats the baseline.
 */
import { LengthMismatchError } from "../errors.js";
import { averageRanks, pearson } from "./spearman.js";

/** The partial correlation from the three pairwise correlations; NaN when z explains x or y entirely, or any is NaN. */
export function partialCorrelation(rxy: number, rxz: number, ryz: number): number {
  const d = (1 - rxz * rxz) * (1 - ryz * ryz);
  if (!(d > 0)) return NaN;
  const r = (rxy - rxz * ryz) / Math.sqrt(d);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** The partial Spearman correlation of `x` and `y` given `z` (finite values, equal lengths). */
export function partialSpearman(x: Float64Array, y: Float64Array, z: Float64Array): number {
  if (y.length !== x.length) throw new LengthMismatchError("partialSpearman y", x.length, y.length);
  if (z.length !== x.length) throw new LengthMismatchError("partialSpearman z", x.length, z.length);
  const rx = averageRanks(x),
    ry = averageRanks(y),
    rz = averageRanks(z);
  return partialCorrelation(pearson(rx, ry), pearson(rx, rz), pearson(ry, rz));
}
