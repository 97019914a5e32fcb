/**
 * Urgency grades from data: quantiles of strength × stability per capture, averaged, so a long
 * capture does not set the grades for a short one; typed errors for what has no quantile.
 */
import { describe, expect, test } from "vitest";
import { InvalidParameterError } from "../../src/errors.js";
import type { SampleSet } from "../../src/evaluate/sampleSet.js";
import { urgencyGrades } from "../../src/fit/urgencyGrades.js";

/** A sample set holding only what urgencyGrades reads. */
const set = (values: number[]): SampleSet => ({ urgencyInput: Float64Array.from(values) }) as unknown as SampleSet;
const ramp = (n: number, scale: number): number[] => Array.from({ length: n }, (_, i) => (scale * i) / n);

describe("urgencyGrades", () => {
  test("the median and 85th percentile of one capture", () => {
    expect(urgencyGrades([set(ramp(100, 1))])).toEqual({ urgencyMedium: 0.5, urgencyHigh: 0.85 });
  });

  test("each capture counts once: a capture ten times longer does not set the grades alone", () => {
    const long = set(ramp(1000, 0.5)),
      short = set(ramp(100, 1));
    // per capture: 0.25 / 0.425 and 0.5 / 0.85; pooled they would be near the long capture's
    expect(urgencyGrades([long, short])).toEqual({ urgencyMedium: 0.375, urgencyHigh: 0.6375 });
  });

  test("NaN readings and empty captures are left out; high never below medium; typed errors", () => {
    expect(urgencyGrades([set([Number.NaN, 0.2, 0.2, 0.2]), set([])])).toEqual({ urgencyMedium: 0.2, urgencyHigh: 0.2 });
    expect(() => urgencyGrades([set([])])).toThrow(InvalidParameterError);
    expect(() => urgencyGrades([set([0.1])], 0.9, 0.5)).toThrow(InvalidParameterError);
  });
});
