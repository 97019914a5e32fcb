/**
 * The urgency grades of a preset from data: urgency is graded on strength × stability
 * (src/strategy/execution.ts), so its thresholds are set at quantiles of that product over the
 * updates of training captures scored with the fitted preset — medium from the median, high
 * from the 85th percentile, per capture and averaged — and every grade occurs (thresholds fixed by hand drift out of the
 * range the product takes whenever the components or weights change).
 */
import { InvalidParameterError } from "../errors.js";
import type { SampleSet } from "../evaluate/sampleSet.js";

export interface UrgencyGrades {
  readonly urgencyMedium: number;
  readonly urgencyHigh: number;
}

/**
 * Grades at the `medium` and `high` quantiles of strength × stability, taken per capture and
 * averaged (each capture counts once: a long capture must not set the grades for all).
 */
export function urgencyGrades(sets: readonly SampleSet[], medium = 0.5, high = 0.85): UrgencyGrades {
  if (!(medium > 0 && medium < high && high < 1))
    throw new InvalidParameterError("quantiles", `${medium}, ${high}`, "0 < medium < high < 1");
  const per = sets
    .map((s) =>
      Float64Array.from(s.urgencyInput)
        .filter((u) => u === u)
        .sort(),
    )
    .filter((values) => values.length > 0)
    .map((values) => {
      const at = (q: number): number => values[Math.min(values.length - 1, Math.floor(q * values.length))]!;
      return [at(medium), at(high)] as const;
    });
  if (per.length === 0) throw new InvalidParameterError("samples", 0, "at least one update");
  const mean = (k: 0 | 1): number => per.reduce((sum, q) => sum + q[k], 0) / per.length;
  // to four decimals, as a preset file shows them; in [0, 1] with high ≥ medium (decisionConfig.ts)
  const round = (x: number): number => Math.min(Math.round(x * 10_000) / 10_000, 1);
  const urgencyMedium = round(mean(0));
  return { urgencyMedium, urgencyHigh: Math.max(round(mean(1)), urgencyMedium) };
}
