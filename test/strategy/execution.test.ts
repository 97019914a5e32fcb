/**
 * executionDecision: the seed rules (urgency, participation, algorithm) at and around
 * their thresholds, the defined time horizon and price limit on hand-computed cases,
 * their monotonicity in strength and stability and the side of the limit (properties),
 * and typed errors.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { InvalidValueError } from "../../src/errors.js";
import { executionDecision, type ExecutionInput } from "../../src/strategy/execution.js";
import { expectClose } from "../support/close.js";

const RUNS = { numRuns: 500 };
const unit = fc.oneof(fc.constantFrom(-1, 0, 1, 0.3, -0.3, 0.7, -0.7), fc.double({ min: -1, max: 1, noNaN: true }));
const fraction = fc.oneof(fc.constantFrom(0, 1, 0.5, 0.7, 0.8), fc.double({ min: 0, max: 1, noNaN: true }));
const positive = fc.oneof(
  fc.constantFrom(Number.MIN_VALUE, 1, 60000, Number.MAX_VALUE),
  fc.double({ min: 1e-8, max: 1e9, noNaN: true }),
  fc.double({ min: Number.MIN_VALUE, noNaN: true, noDefaultInfinity: true }),
);
const nonNegative = fc.oneof(
  fc.constantFrom(0, 0.01, Number.MAX_VALUE),
  fc.double({ min: 0, max: 0.1, noNaN: true }),
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
);
const input = fc.record({
  directionalBias: unit,
  signalStrength: fraction,
  stability: fraction,
  mid: positive,
  spread: nonNegative,
  volatility: nonNegative,
});

const base: ExecutionInput = { directionalBias: 0.5, signalStrength: 0.5, stability: 0.5, mid: 100, spread: 0.1, volatility: 0.001 };

describe("executionDecision", () => {
  test("urgency and algorithm: seed thresholds (strict inequalities)", () => {
    const at = (signalStrength: number, stability: number) => executionDecision({ ...base, signalStrength, stability });
    expect([at(0.9, 0.8).urgency, at(0.9, 0.8).algorithm]).toEqual(["high", "aggressive_twap"]);
    expect([at(0.81, 0.71).urgency, at(0.8, 0.8).urgency, at(0.9, 0.7).urgency], "0.8 and 0.7 themselves are not high").toEqual([
      "high",
      "medium",
      "medium",
    ]);
    expect([at(0.6, 0.6).urgency, at(0.6, 0.6).algorithm]).toEqual(["medium", "adaptive_vwap"]);
    expect([at(0.5, 0.9).urgency, at(0.9, 0.5).urgency], "0.5 itself is not medium").toEqual(["low", "low"]);
    expect([at(0.2, 0.2).urgency, at(0.2, 0.2).algorithm]).toEqual(["low", "passive_participation"]);
  });

  test("participation and side: seed thresholds on |bias|", () => {
    const at = (directionalBias: number) => executionDecision({ ...base, directionalBias });
    expect([0.9, -0.71, 0.7, -0.5, 0.31, 0.3, -0.1, 0].map((b) => at(b).participationRate)).toEqual([
      0.3, 0.3, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1,
    ]);
    expect([at(0.2).side, at(-0.2).side, at(0).side, at(-0).side]).toEqual(["buy", "sell", "none", "none"]);
  });

  test("time horizon = base·(1.5 − strength): hand-computed per band", () => {
    // high, strength 0.9: 5000·0.6 = 3000 ms; medium, 0.6: 30000·0.9 = 27000; low, 0.2: 120000·1.3 = 156000
    expect(executionDecision({ ...base, signalStrength: 0.9, stability: 0.9 }).timeHorizonMs).toBe(3000);
    expect(executionDecision({ ...base, signalStrength: 0.6, stability: 0.6 }).timeHorizonMs).toBe(27000);
    expect(executionDecision({ ...base, signalStrength: 0.2, stability: 0.9 }).timeHorizonMs).toBe(156000);
    // the extremes: high at strength 1 → 2500, low at strength 0 → 180000
    expect(executionDecision({ ...base, signalStrength: 1, stability: 1 }).timeHorizonMs).toBe(2500);
    expect(executionDecision({ ...base, signalStrength: 0, stability: 0 }).timeHorizonMs).toBe(180000);
  });

  test("price limit = mid ± max(spread/2, vol·mid)·(0.5 + strength)·(0.25 + 0.75·stability): hand-computed", () => {
    // buy, mid 100, spread 0.2 (half 0.1), vol 0.002 (0.2 in price): offset 0.2·(0.5 + 0.6)·(0.25 + 0.75·0.6)
    //   = 0.2·1.1·0.7 = 0.154 → limit 100.154
    const buy = executionDecision({ directionalBias: 0.6, signalStrength: 0.6, stability: 0.6, mid: 100, spread: 0.2, volatility: 0.002 });
    expectClose(buy.priceLimit!, 100.154, 1e-15, 0, "100 + 0.154");
    // sell, the half-spread dominates: 0.5·(0.5 + 0.4)·(0.25 + 0.75·0.2) = 0.5·0.9·0.4 = 0.18 → 99.82
    const sell = executionDecision({ directionalBias: -0.4, signalStrength: 0.4, stability: 0.2, mid: 100, spread: 1, volatility: 0.001 });
    expectClose(sell.priceLimit!, 99.82, 1e-15, 0, "100 − 0.18");
    // no side, no limit
    expect(executionDecision({ ...base, directionalBias: 0 }).priceLimit).toBeNull();
    // a sell limit never goes below 0: offset 100·2·1.5·1 = 300 > mid 100
    expect(executionDecision({ directionalBias: -1, signalStrength: 1, stability: 1, mid: 100, spread: 0, volatility: 2 }).priceLimit).toBe(
      0,
    );
    // no spread and no volatility: the limit is mid itself
    expect(executionDecision({ ...base, spread: 0, volatility: 0 }).priceLimit).toBe(100);
  });

  test("outputs in range and never NaN; the limit is on the bias's side of mid (property)", () => {
    fc.assert(
      fc.property(input, (x) => {
        const d = executionDecision(x);
        expect([0.1, 0.2, 0.3]).toContain(d.participationRate);
        expect(
          d.timeHorizonMs >= 2500 && d.timeHorizonMs <= 180000 && Number.isInteger(d.timeHorizonMs),
          `horizon ${d.timeHorizonMs}`,
        ).toBe(true);
        if (d.side === "none") expect(d.priceLimit).toBeNull();
        else if (d.side === "buy") expect(d.priceLimit! >= x.mid, `buy limit ${d.priceLimit} ≥ mid ${x.mid}`).toBe(true);
        else expect(d.priceLimit! <= x.mid && d.priceLimit! >= 0, `sell limit ${d.priceLimit} in [0, mid ${x.mid}]`).toBe(true);
        expect(Number.isNaN(d.priceLimit), "no NaN limit").toBe(false);
        expect(d.side).toBe(x.directionalBias > 0 ? "buy" : x.directionalBias < 0 ? "sell" : "none");
      }),
      RUNS,
    );
  });

  test("the horizon never grows when strength rises at a fixed stability (property)", () => {
    fc.assert(
      fc.property(input, fraction, (x, s2) => {
        const [lo, hi] = x.signalStrength <= s2 ? [x.signalStrength, s2] : [s2, x.signalStrength];
        const weak = executionDecision({ ...x, signalStrength: lo }),
          strong = executionDecision({ ...x, signalStrength: hi });
        expect(strong.timeHorizonMs, `strength ${lo} → ${hi} at stability ${x.stability}`).toBeLessThanOrEqual(weak.timeHorizonMs);
      }),
      RUNS,
    );
  });

  test("the limit's distance from mid never shrinks when stability rises (property)", () => {
    fc.assert(
      fc.property(
        input.filter((x) => x.directionalBias !== 0),
        fraction,
        (x, s2) => {
          const [lo, hi] = x.stability <= s2 ? [x.stability, s2] : [s2, x.stability];
          const jittery = executionDecision({ ...x, stability: lo }).priceLimit!,
            steady = executionDecision({ ...x, stability: hi }).priceLimit!;
          expect(Math.abs(steady - x.mid), `stability ${lo} → ${hi}: ${jittery} → ${steady}`).toBeGreaterThanOrEqual(
            Math.abs(jittery - x.mid),
          );
        },
      ),
      RUNS,
    );
  });

  test("bad input is InvalidValueError naming the field", () => {
    expect(() => executionDecision({ ...base, directionalBias: -1.5 })).toThrow(
      "directionalBias[0] = -1.5: expected a number from -1 to 1",
    );
    expect(() => executionDecision({ ...base, signalStrength: NaN })).toThrow(InvalidValueError);
    expect(() => executionDecision({ ...base, stability: 1.1 })).toThrow(InvalidValueError);
    expect(() => executionDecision({ ...base, mid: 0 })).toThrow("mid[0] = 0: expected a finite number > 0");
    expect(() => executionDecision({ ...base, spread: -0.1 })).toThrow(InvalidValueError);
    expect(() => executionDecision({ ...base, volatility: Infinity })).toThrow(InvalidValueError);
  });
});
