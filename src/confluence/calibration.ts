/**
 * Calibrated confidence: the probability that the sign of (score − 50) matches the sign of the
 * next mid move at the preset's horizon, read off a non-decreasing curve of signal strength
 * (|score − 50| / 50) that `confluence fit` measured on training captures (isotonic regression of
 * the observed hits). Between knots the curve is linear; outside them it is flat. Plain
 * arithmetic only: the same bits on every backend and engine.
 */
import { InvalidConfigError } from "../errors.js";

export interface ConfidenceCalibration {
  /** Signal strengths of the knots, strictly increasing, in [0, 1]. */
  readonly strength: readonly number[];
  /** The probability at each knot, non-decreasing, in [0, 1]. */
  readonly probability: readonly number[];
}

/** Knots a calibration may hold (what a fit writes is far fewer). */
const MAX_CALIBRATION_KNOTS = 64;

/** Checks a calibration from a config (user input): typed errors naming the key. */
export function validateCalibration(key: string, c: unknown): asserts c is ConfidenceCalibration {
  if (typeof c !== "object" || c === null) throw new InvalidConfigError(key, c, "an object { strength: number[], probability: number[] }");
  const { strength, probability } = c as Partial<ConfidenceCalibration>;
  if (!Array.isArray(strength) || !Array.isArray(probability)) {
    throw new InvalidConfigError(key, c, "an object { strength: number[], probability: number[] }");
  }
  if (strength.length < 1 || strength.length > MAX_CALIBRATION_KNOTS || probability.length !== strength.length) {
    throw new InvalidConfigError(`${key}.strength`, strength.length, `1 to ${MAX_CALIBRATION_KNOTS} knots, as many as probabilities`);
  }
  for (let i = 0; i < strength.length; i++) {
    const s = strength[i],
      p = probability[i];
    if (typeof s !== "number" || !(s >= 0 && s <= 1) || (i > 0 && !(s > strength[i - 1]!))) {
      throw new InvalidConfigError(`${key}.strength[${i}]`, s, "a number in [0, 1], above the one before");
    }
    if (typeof p !== "number" || !(p >= 0 && p <= 1) || (i > 0 && !(p >= probability[i - 1]!))) {
      throw new InvalidConfigError(`${key}.probability[${i}]`, p, "a number in [0, 1], not below the one before");
    }
  }
}

/** The calibrated probability at `strength` (in [0, 1]; a NaN strength reads as 0). */
export function calibratedConfidence(c: ConfidenceCalibration, strength: number): number {
  const xs = c.strength,
    ps = c.probability;
  const n = xs.length;
  if (!(strength > xs[0]!)) return ps[0]!;
  if (strength >= xs[n - 1]!) return ps[n - 1]!;
  let lo = 0,
    hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= strength) lo = mid;
    else hi = mid;
  }
  const t = (strength - xs[lo]!) / (xs[hi]! - xs[lo]!);
  return ps[lo]! + t * (ps[hi]! - ps[lo]!);
}
