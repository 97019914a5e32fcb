/**
 * Fits a confidence calibration (src/confluence/calibration.ts) from training samples: each
 * sample's signal strength and whether its side was right (the sign of score − 50 matched the
 * sign of the mid move at the horizon; zero moves are left out by the caller). Samples are sorted
 * by strength and cut into at most `bins` groups of about equal count (equal strengths never
 * split), each group's hit rate is its observed probability, and pool-adjacent-violators makes
 * the curve non-decreasing; a knot sits at each pooled block's mean strength.
 */
import { InvalidParameterError } from "../errors.js";
import { calibratedConfidence, type ConfidenceCalibration } from "../confluence/calibration.js";
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

/**
 * The calibration `outer ∘ inner`: strength → inner's probability → outer's probability, as
 * knots. Both are non-decreasing and piecewise linear, so the composition is too, with a knot
 * at each of inner's knots and wherever inner crosses one of outer's knots; between those it is
 * exactly linear, so the knots reproduce outer(inner(s)) at every strength up to rounding.
 * Outside inner's knots it is flat, as every calibration is. At most as many knots as the two
 * have together.
 */
export function composeCalibrations(outer: ConfidenceCalibration, inner: ConfidenceCalibration): ConfidenceCalibration {
  const xs = inner.strength,
    ps = inner.probability,
    qs = outer.strength;
  const at: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    at.push(xs[i]!);
    if (i + 1 === xs.length || !(ps[i + 1]! > ps[i]!)) continue;
    // where the segment's line reaches each of outer's knots strictly inside its probability range
    for (const q of qs) {
      if (!(q > ps[i]! && q < ps[i + 1]!)) continue;
      const s = xs[i]! + ((q - ps[i]!) / (ps[i + 1]! - ps[i]!)) * (xs[i + 1]! - xs[i]!);
      if (s > at[at.length - 1]! && s < xs[i + 1]!) at.push(s);
    }
  }
  const strength: number[] = [],
    probability: number[] = [];
  for (const s of at) {
    const p = calibratedConfidence(outer, calibratedConfidence(inner, s));
    strength.push(s);
    // monotone by construction; the max only guards the last bit of rounding
    probability.push(probability.length > 0 ? Math.max(p, probability[probability.length - 1]!) : p);
  }
  return { strength, probability };
}
