/**
 * Confidence calibration: the runtime curve (interpolation, clamping, validation) and its fit
 * (binned hit rates made non-decreasing). The fit is checked against a known truth: hits drawn
 * with probability 0.5 + 0.4·strength by a seeded generator; the fitted curve must recover it.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { calibratedConfidence, validateCalibration, type ConfidenceCalibration } from "../../src/confluence/calibration.js";
import { composeCalibrations, fitCalibration } from "../../src/fit/calibrate.js";
import { InvalidConfigError, InvalidParameterError } from "../../src/errors.js";
import { mulberry32 } from "../../src/evaluate/mulberry32.js";

/** Uniform numbers in [0, 1) from the library's seeded 32-bit generator: the same samples on every run. */
function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

describe("calibratedConfidence", () => {
  const c: ConfidenceCalibration = { strength: [0.1, 0.3, 0.7], probability: [0.5, 0.6, 0.8] };
  test("linear between knots, flat outside, NaN reads as the first knot", () => {
    expect(calibratedConfidence(c, 0)).toBe(0.5);
    expect(calibratedConfidence(c, 0.1)).toBe(0.5);
    expect(calibratedConfidence(c, 0.2)).toBeCloseTo(0.55, 15);
    expect(calibratedConfidence(c, 0.5)).toBeCloseTo(0.7, 15);
    expect(calibratedConfidence(c, 0.7)).toBe(0.8);
    expect(calibratedConfidence(c, 1)).toBe(0.8);
    expect(calibratedConfidence(c, Number.NaN)).toBe(0.5);
    expect(calibratedConfidence({ strength: [0.4], probability: [0.6] }, 0.9)).toBe(0.6);
  });

  test("non-decreasing in strength (fast-check)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(calibratedConfidence(c, lo)).toBeLessThanOrEqual(calibratedConfidence(c, hi));
      }),
    );
  });

  test("validation: typed errors naming the knot", () => {
    expect(() => validateCalibration("calibration", { strength: [0.2, 0.1], probability: [0.5, 0.6] })).toThrow(
      "calibration.strength[1] = 0.1",
    );
    expect(() => validateCalibration("calibration", { strength: [0.1, 0.2], probability: [0.6, 0.5] })).toThrow(InvalidConfigError);
    expect(() => validateCalibration("calibration", { strength: [0.1], probability: [1.5] })).toThrow(InvalidConfigError);
    expect(() => validateCalibration("calibration", { strength: [], probability: [] })).toThrow(InvalidConfigError);
    expect(() => validateCalibration("calibration", null)).toThrow(InvalidConfigError);
    expect(() => validateCalibration("calibration", { strength: [0.1, 0.2] })).toThrow(InvalidConfigError);
    validateCalibration("calibration", c);
  });
});

describe("fitCalibration", () => {
  test("recovers a known hit probability 0.5 + 0.4·strength from 40,000 seeded samples", () => {
    const rand = uniform(12);
    const n = 40_000;
    const strength = Float64Array.from({ length: n }, () => rand());
    const hit = Array.from(strength, (s) => rand() < 0.5 + 0.4 * s);
    const c = fitCalibration(strength, hit, 20);
    validateCalibration("fitted", c);
    for (const s of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      expect(Math.abs(calibratedConfidence(c, s) - (0.5 + 0.4 * s)), `at strength ${s}`).toBeLessThan(0.03);
    }
    // out of sample: a fresh draw's hit rate per decile of strength is within 0.05 of the curve
    const test = Float64Array.from({ length: n }, () => rand());
    const testHit = Array.from(test, (s) => rand() < 0.5 + 0.4 * s);
    for (let d = 0; d < 10; d++) {
      let predicted = 0,
        observed = 0,
        count = 0;
      test.forEach((s, i) => {
        if (Math.min(Math.floor(s * 10), 9) !== d) return;
        predicted += calibratedConfidence(c, s);
        observed += testHit[i] ? 1 : 0;
        count++;
      });
      expect(Math.abs(predicted / count - observed / count), `decile ${d}`).toBeLessThan(0.05);
    }
  });

  test("a signal with no information fits a flat curve near its base rate; equal strengths are never split", () => {
    const rand = uniform(3);
    const strength = Float64Array.from({ length: 10_000 }, () => Math.round(rand() * 4) / 4);
    const hit = Array.from(strength, () => rand() < 0.55);
    const c = fitCalibration(strength, hit, 20);
    validateCalibration("fitted", c);
    expect(c.strength.length, "at most five distinct strengths, so at most five knots").toBeLessThanOrEqual(5);
    for (const p of c.probability) expect(Math.abs(p - 0.55)).toBeLessThan(0.03);
  });

  test("bad input: typed errors", () => {
    expect(() => fitCalibration([], [])).toThrow(InvalidParameterError);
    expect(() => fitCalibration([0.5], [true, false])).toThrow(InvalidParameterError);
    expect(() => fitCalibration([1.5], [true])).toThrow("strength[0] = 1.5");
    expect(() => fitCalibration([0.5], [true], 0)).toThrow(InvalidParameterError);
  });
});

describe("composeCalibrations", () => {
  /** A valid calibration: strictly increasing strengths in [0, 1], non-decreasing probabilities in [0, 1]. */
  const curve = fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 }).chain((xs) =>
    fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: xs.length, maxLength: xs.length }).map((ps) => ({
      strength: [...xs].sort((a, b) => a - b).map((x) => x / 1000),
      probability: [...ps].sort((a, b) => a - b).map((p) => p / 1000),
    })),
  );

  test("reproduces outer(inner(s)) at every strength, as a valid calibration with at most both curves' knots (fast-check)", () => {
    fc.assert(
      fc.property(
        curve,
        curve,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (outer, inner, at) => {
          const c = composeCalibrations(outer, inner);
          validateCalibration("composed", c);
          expect(c.strength.length).toBeLessThanOrEqual(outer.strength.length + inner.strength.length);
          for (const s of [...at, ...inner.strength]) {
            expect(Math.abs(calibratedConfidence(c, s) - calibratedConfidence(outer, calibratedConfidence(inner, s)))).toBeLessThan(1e-12);
          }
        },
      ),
    );
  });

  test("a knot where the inner curve crosses an outer knot, worked by hand", () => {
    // inner: 0.2 → 0.5, 0.6 → 0.9; outer: flat 0.55 up to p 0.6, then up to 0.8 at p 0.8
    const c = composeCalibrations({ strength: [0.6, 0.8], probability: [0.55, 0.8] }, { strength: [0.2, 0.6], probability: [0.5, 0.9] });
    expect(c.strength).toHaveLength(4);
    expect(c.strength[0]).toBe(0.2);
    expect(c.strength[1]).toBeCloseTo(0.3, 15); // inner reaches 0.6 at 0.3
    expect(c.strength[2]).toBeCloseTo(0.5, 15); // and 0.8 at 0.5
    expect(c.strength[3]).toBe(0.6);
    expect(c.probability).toEqual([0.55, 0.55, 0.8, 0.8]);
  });
});
