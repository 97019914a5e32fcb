/**
 * Fits a confidence calibration (src/confluence/calibration.ts) from training samples: each
 * sample's signal strength and whether its side was right (the sign of score − 50 matched the
 * sign of the mid move at the horizon; zero moves are left out by the caller). Samples are sorted
 * by strength and cut into at most `bins` groups of about equal count (equal strengths never
 * split), each group's hit rate is its observed probability, and pool-adjacent-violators makes
 * the curve non-decreasing; a knot sits at each pooled block's mean strength.
 */
import { InvalidParameterError } from "../errors.js";
import type { ConfidenceCalibration } from "../confluence/calibration.js";
import { isotonicBlocks } from "./isotonic.js";

export function fitCalibration(strength: ArrayLike<number>, hit: ArrayLike<boolean>, bins = 20): ConfidenceCalibration {
  const n = strength.length;
  if (hit.length !== n) throw new InvalidParameterError("hit", hit.length, `as many as strengths (${n})`);
  if (n === 0) throw new InvalidParameterError("samples", 0, "at least one sample");
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidParameterError("bins", bins, "an integer ≥ 1");
  const order = Array.from({ length: n }, (_, i) => i);
  for (const i of order) {
    const s = strength[i]!;
    if (!(s >= 0 && s <= 1)) throw new InvalidParameterError(`strength[${i}]`, s, "a number in [0, 1]");
  }
  order.sort((a, b) => strength[a]! - strength[b]! || a - b);

  const meanStrength: number[] = [],
    hitRate: number[] = [],
    count: number[] = [];
  const target = n / bins;
  for (let i = 0; i < n; ) {
    let j = i,
      sumS = 0,
      hits = 0;
    // fill the group to its share, then keep equal strengths together
    while (j < n && (j - i < target || strength[order[j]!] === strength[order[j - 1]!])) {
      sumS += strength[order[j]!]!;
      if (hit[order[j]!]) hits++;
      j++;
    }
    meanStrength.push(sumS / (j - i));
    hitRate.push(hits / (j - i));
    count.push(j - i);
    i = j;
  }
  const blocks = isotonicBlocks(hitRate, count);
  const knots = blocks.map((b) => {
    let s = 0;
    for (let k = b.start; k < b.end; k++) s += meanStrength[k]! * count[k]!;
    return { strength: s / b.weight, probability: b.value };
  });
  return { strength: knots.map((k) => k.strength), probability: knots.map((k) => k.probability) };
}
