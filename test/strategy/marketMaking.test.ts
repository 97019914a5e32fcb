/**
 * marketMakingParameters: the seed formulas on hand-computed cases, the inventory lean
 * (long → sell side), ranges for every valid input and typed errors.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { InvalidValueError } from "../../src/errors.js";
import { marketMakingParameters } from "../../src/strategy/marketMaking.js";

const RUNS = { numRuns: 500 };
const unit = fc.oneof(fc.constantFrom(-1, 0, 1), fc.double({ min: -1, max: 1, noNaN: true }));
const fraction = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));
const finite = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, Number.MAX_VALUE, -Number.MAX_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const positive = fc.oneof(
  fc.constantFrom(Number.MIN_VALUE, 1, Number.MAX_VALUE),
  fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
);

describe("marketMakingParameters", () => {
  test("seed formulas, hand-computed", () => {
    // bias 0.6, strength 0.6, reliability 0.75: spread 1 − 0.75 = 0.25, size 0.6·0.75 = 0.45,
    // skew 0.6·0.5 = 0.3, activity 0.6; no inventory: inventoryBias 0
    const p0 = marketMakingParameters({ directionalBias: 0.6, signalStrength: 0.6, reliability: 0.75 });
    expect(p0).toEqual({ inventoryBias: 0, spreadAdjustment: 0.25, sizeMultiplier: p0.sizeMultiplier, priceSkew: 0.3, activityLevel: 0.6 });
    expect(p0.sizeMultiplier).toBeCloseTo(0.45, 15);
    // bias −0.4, strength 0.4, reliability 0.5; long 3 of max 4: inventoryBias −3/4
    const p = marketMakingParameters({ directionalBias: -0.4, signalStrength: 0.4, reliability: 0.5 }, { position: 3, maxPosition: 4 });
    expect(p).toEqual({ inventoryBias: -0.75, spreadAdjustment: 0.5, sizeMultiplier: 0.2, priceSkew: -0.2, activityLevel: 0.4 });
  });

  test("inventory: long leans to selling, short to buying, beyond the limit saturates, flat is 0", () => {
    const c = { directionalBias: 0, signalStrength: 0, reliability: 1 };
    expect(marketMakingParameters(c, { position: 10, maxPosition: 4 }).inventoryBias, "long 10 of 4: −clamp(2.5) = −1").toBe(-1);
    expect(marketMakingParameters(c, { position: -1, maxPosition: 4 }).inventoryBias, "short 1 of 4: +0.25").toBe(0.25);
    expect(marketMakingParameters(c, { position: -9, maxPosition: 4 }).inventoryBias, "short beyond the limit: +1").toBe(1);
    expect(Object.is(marketMakingParameters(c, { position: 0, maxPosition: 4 }).inventoryBias, 0), "flat is +0").toBe(true);
    expect(Object.is(marketMakingParameters(c, { position: -0, maxPosition: 4 }).inventoryBias, 0), "−0 position is +0").toBe(true);
  });

  test("every output in its documented range and never NaN (property)", () => {
    const inventory = fc.option(fc.record({ position: finite, maxPosition: positive }), { nil: undefined });
    fc.assert(
      fc.property(unit, fc.tuple(fraction, fraction), inventory, (bias, [strength, reliability], inv) => {
        const p = marketMakingParameters({ directionalBias: bias, signalStrength: strength, reliability }, inv);
        const ranges = {
          inventoryBias: [-1, 1],
          spreadAdjustment: [0, 1],
          sizeMultiplier: [0, 1],
          priceSkew: [-0.5, 0.5],
          activityLevel: [0, 1],
        } as const;
        for (const [key, [lo, hi]] of Object.entries(ranges)) {
          const v = p[key as keyof typeof ranges];
          expect(v >= lo && v <= hi, `${key} = ${v} in [${lo}, ${hi}]`).toBe(true);
        }
        if (inv) expect(Math.sign(p.inventoryBias) * Math.sign(inv.position) <= 0, "leans against the position").toBe(true);
      }),
      RUNS,
    );
  });

  test("bad input is InvalidValueError naming the field", () => {
    const c = { directionalBias: 0, signalStrength: 0.5, reliability: 0.5 };
    expect(() => marketMakingParameters({ ...c, directionalBias: 1.5 })).toThrow(
      "directionalBias[0] = 1.5: expected a number from -1 to 1",
    );
    expect(() => marketMakingParameters({ ...c, signalStrength: -0.1 })).toThrow(InvalidValueError);
    expect(() => marketMakingParameters({ ...c, reliability: NaN })).toThrow(InvalidValueError);
    expect(() => marketMakingParameters(c, { position: 1, maxPosition: 0 })).toThrow("maxPosition[0] = 0: expected a finite number > 0");
    expect(() => marketMakingParameters(c, { position: 1, maxPosition: Infinity })).toThrow(InvalidValueError);
    expect(() => marketMakingParameters(c, { position: NaN, maxPosition: 1 })).toThrow("position[0] = NaN: expected a finite number");
  });
});
