/**
 * extractComponents: the seed formulas bias = (score − 50)/50 and strength =
 * |score − 50|/50 on hand-computed cases, ranges over every valid input, and typed
 * errors for out-of-range or non-finite fields.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { ArgumentTypeError, InvalidValueError } from "../../src/errors.js";
import { extractComponents } from "../../src/score/extract.js";
import { requireInRange, requirePositive } from "../../src/checks.js";

const RUNS = { numRuns: 500 };
const within = (lo: number, hi: number) =>
  fc.oneof(fc.constantFrom(lo, hi, (lo + hi) / 2, 0), fc.double({ min: lo, max: hi, noNaN: true }));

describe("extractComponents", () => {
  test("seed formulas, hand-computed", () => {
    // score 75: bias (75 − 50)/50 = 0.5, strength |25|/50 = 0.5
    expect(extractComponents({ score: 75, confidence: 0.8, momentum: 0.3, meanReversion: -0.2 })).toEqual({
      directionalBias: 0.5,
      signalStrength: 0.5,
      reliability: 0.8,
      momentum: 0.3,
      meanReversion: -0.2,
    });
    // score 20: bias (20 − 50)/50 = −0.6, strength |−30|/50 = 0.6
    const sell = extractComponents({ score: 20, confidence: 0, momentum: -1, meanReversion: 1 });
    expect([sell.directionalBias, sell.signalStrength, sell.reliability]).toEqual([-0.6, 0.6, 0]);
    // the ends and the middle: 0 → −1, 100 → 1, 50 → 0 with strength 0
    expect(extractComponents({ score: 0, confidence: 1, momentum: 0, meanReversion: 0 }).directionalBias).toBe(-1);
    expect(extractComponents({ score: 100, confidence: 1, momentum: 0, meanReversion: 0 }).signalStrength).toBe(1);
    const flat = extractComponents({ score: 50, confidence: 1, momentum: 0, meanReversion: 0 });
    expect([flat.directionalBias, flat.signalStrength]).toEqual([0, 0]);
  });

  test("every output in its range and never NaN (property)", () => {
    fc.assert(
      fc.property(within(0, 100), within(0, 1), within(-1, 1), within(-1, 1), (score, confidence, momentum, meanReversion) => {
        const c = extractComponents({ score, confidence, momentum, meanReversion });
        expect(c.directionalBias, "bias in [−1, 1]").toBeGreaterThanOrEqual(-1);
        expect(c.directionalBias, "bias in [−1, 1]").toBeLessThanOrEqual(1);
        expect(c.signalStrength, "strength in [0, 1]").toBeGreaterThanOrEqual(0);
        expect(c.signalStrength, "strength in [0, 1]").toBeLessThanOrEqual(1);
        expect(c.signalStrength, "strength = |bias|").toBe(Math.abs(c.directionalBias));
        expect([c.reliability, c.momentum, c.meanReversion], "passed through").toEqual([confidence, momentum, meanReversion]);
      }),
      RUNS,
    );
  });

  test("out-of-range and non-finite fields are InvalidValueError naming the field", () => {
    const ok = { score: 50, confidence: 0.5, momentum: 0, meanReversion: 0 };
    expect(() => extractComponents({ ...ok, score: 100.5 })).toThrow("score[0] = 100.5: expected a number from 0 to 100");
    expect(() => extractComponents({ ...ok, score: -1 })).toThrow(InvalidValueError);
    expect(() => extractComponents({ ...ok, score: NaN })).toThrow(InvalidValueError);
    expect(() => extractComponents({ ...ok, confidence: 1.01 })).toThrow("confidence[0] = 1.01");
    expect(() => extractComponents({ ...ok, momentum: -Infinity })).toThrow("momentum[0] = -Infinity");
    expect(() => extractComponents({ ...ok, meanReversion: 2 })).toThrow("meanReversion[0] = 2");
  });
});

describe("range checks", () => {
  test("requireInRange accepts the closed range and says what it expected otherwise", () => {
    expect(() => requireInRange("x", 1, -1, 1)).not.toThrow();
    expect(() => requireInRange("x", -0, 0, 1)).not.toThrow();
    expect(() => requireInRange("x", 2, -1, 1, 3)).toThrow("x[3] = 2: expected a number from -1 to 1");
    expect(() => requireInRange("v", Infinity, 0, Infinity)).toThrow("v[0] = Infinity: expected a finite number ≥ 0");
    expect(() => requireInRange("p", NaN, -Infinity, Infinity)).toThrow("p[0] = NaN: expected a finite number");
  });
  test("requirePositive rejects 0, negatives and non-finite values", () => {
    expect(() => requirePositive("mid", 1e-300)).not.toThrow();
    for (const bad of [0, -1, NaN, Infinity]) expect(() => requirePositive("mid", bad), `mid ${bad}`).toThrow(InvalidValueError);
  });
  test("a numeric string is never coerced: ArgumentTypeError, in range or not", () => {
    expect(() => requireInRange("x", "0.5" as never, 0, 1)).toThrow("x is a string: expected a number");
    expect(() => requireInRange("t", "1" as never, -Infinity, Infinity)).toThrow(ArgumentTypeError);
    expect(() => requirePositive("mid", "100" as never)).toThrow(ArgumentTypeError);
    expect(() => requirePositive("mid", true as never), "true > 0 in JavaScript").toThrow(ArgumentTypeError);
  });
});
