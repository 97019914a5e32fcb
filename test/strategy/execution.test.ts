/**
 * executionDecision: urgency from strength × stability against the configured grades,
 * participation and algorithm (the seed's) at and around their thresholds, the side of a
 * single reading (the deadband ±enter), the time horizon (horizonMs·(1.5 − strength)) and
 * the price limit on hand-computed cases, their monotonicity in strength and stability
 * and the side of the limit (properties), and typed errors for bad input and bad keys.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { InvalidConfigError, InvalidValueError, UnknownConfigKeyError } from "../../src/errors.js";
import { executionDecision, type ExecutionInput } from "../../src/strategy/execution.js";
import { expectClose } from "../support/close.js";
import { PRESETS } from "../../src/confluence/config.js";

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
  test("urgency and algorithm: u = strength·stability against urgencyMedium and urgencyHigh (0.07 and 0.24 here; by default the default preset's)", () => {
    const grades = { urgencyMedium: 0.07, urgencyHigh: 0.24 };
    const at = (signalStrength: number, stability: number) => executionDecision({ ...base, signalStrength, stability }, grades);
    const { urgencyMedium, urgencyHigh } = PRESETS.default.decision;
    const byDefault = (u: number) => executionDecision({ ...base, signalStrength: u, stability: 1 }).urgency;
    expect([byDefault(urgencyMedium - 1e-9), byDefault(urgencyMedium), byDefault(urgencyHigh - 1e-9), byDefault(urgencyHigh)]).toEqual([
      "low",
      "medium",
      "medium",
      "high",
    ]);
    expect([at(0.6, 0.4).urgency, at(0.6, 0.4).algorithm], "u = 0.24 itself is high").toEqual(["high", "aggressive_twap"]);
    expect([at(0.9, 0.9).urgency, at(0.5, 0.47).urgency, at(0.25, 0.28).urgency], "0.81, 0.235, 0.07").toEqual([
      "high",
      "medium",
      "medium",
    ]);
    expect([at(0.4, 0.4).urgency, at(0.4, 0.4).algorithm]).toEqual(["medium", "adaptive_vwap"]);
    expect([at(0.2, 0.3).urgency, at(0.2, 0.3).algorithm], "u = 0.06").toEqual(["low", "passive_participation"]);
    expect([at(1, 0).urgency, at(0, 1).urgency], "no stability or no strength is low").toEqual(["low", "low"]);
    const graded = (signalStrength: number, stability: number) =>
      executionDecision({ ...base, signalStrength, stability }, { urgencyMedium: 0.5, urgencyHigh: 0.9 }).urgency;
    expect([graded(0.9, 0.9), graded(1, 0.9), graded(0.7, 0.75), graded(0.7, 0.7)], "configured grades: 0.81, 0.9, 0.525, 0.49").toEqual([
      "medium",
      "high",
      "medium",
      "low",
    ]);
  });

  test("participation (the seed's thresholds on |bias|) and the side of a single reading: beyond ±enter (0.3 here), strictly", () => {
    const at = (directionalBias: number) => executionDecision({ ...base, directionalBias }, { enter: 0.3 });
    expect([0.9, -0.71, 0.7, -0.5, 0.31, 0.3, -0.1, 0].map((b) => at(b).participationRate)).toEqual([
      0.3, 0.3, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1,
    ]);
    expect([0.31, -0.31, 0.3, -0.3, 0.2, 0, -0].map((b) => at(b).side)).toEqual(["buy", "sell", "none", "none", "none", "none", "none"]);
    expect(executionDecision({ ...base, directionalBias: 0.2 }, { enter: 0.1 }).side, "enter configured").toBe("buy");
  });

  test("time horizon = horizonMs·(1.5 − strength): hand-computed", () => {
    // horizonMs 3000: strength 0.9 → 3000·0.6 = 1800 ms; 0.2 → 3000·1.3 = 3900; the extremes 1 → 1500, 0 → 4500
    const keys = { horizonMs: 3000 };
    expect([0.9, 0.2, 1, 0, 0.5].map((s) => executionDecision({ ...base, signalStrength: s }, keys).timeHorizonMs)).toEqual([
      1800, 3900, 1500, 4500, 3000,
    ]);
    // urgency does not change it: the same strength at any stability
    expect([0, 0.5, 1].map((st) => executionDecision({ ...base, signalStrength: 0.6, stability: st }, keys).timeHorizonMs)).toEqual([
      2700, 2700, 2700,
    ]);
    expect(executionDecision({ ...base, signalStrength: 0.25 }, { horizonMs: 800 }).timeHorizonMs, "800·1.25").toBe(1000);
    expect(executionDecision({ ...base, signalStrength: 1 }, { horizonMs: 1 }).timeHorizonMs, "the shortest: round(0.5) = 1 ms").toBe(1);
  });

  test("price limit = mid ± max(spread/2, vol·mid)·(0.5 + strength)·(0.25 + 0.75·stability): hand-computed", () => {
    // buy, mid 100, spread 0.2 (half 0.1), vol 0.002 (0.2 in price): offset 0.2·(0.5 + 0.6)·(0.25 + 0.75·0.6)
    //   = 0.2·1.1·0.7 = 0.154 → limit 100.154
    const keys = { enter: 0.3 };
    const buy = executionDecision(
      { directionalBias: 0.6, signalStrength: 0.6, stability: 0.6, mid: 100, spread: 0.2, volatility: 0.002 },
      keys,
    );
    expectClose(buy.priceLimit!, 100.154, 1e-15, 0, "100 + 0.154");
    // sell, the half-spread dominates: 0.5·(0.5 + 0.4)·(0.25 + 0.75·0.2) = 0.5·0.9·0.4 = 0.18 → 99.82
    const sell = executionDecision(
      { directionalBias: -0.4, signalStrength: 0.4, stability: 0.2, mid: 100, spread: 1, volatility: 0.001 },
      keys,
    );
    expectClose(sell.priceLimit!, 99.82, 1e-15, 0, "100 − 0.18");
    // no side, no limit
    expect(executionDecision({ ...base, directionalBias: 0 }).priceLimit).toBeNull();
    // a sell limit never goes below 0: offset 100·2·1.5·1 = 300 > mid 100
    expect(executionDecision({ directionalBias: -1, signalStrength: 1, stability: 1, mid: 100, spread: 0, volatility: 2 }).priceLimit).toBe(
      0,
    );
    // no spread and no volatility: the limit is mid itself
    expect(executionDecision({ ...base, spread: 0, volatility: 0 }, keys).priceLimit).toBe(100);
  });

  test("outputs in range and never NaN; the limit is on the bias's side of mid (property)", () => {
    fc.assert(
      fc.property(input, (x) => {
        const d = executionDecision(x);
        const { enter, horizonMs } = PRESETS.default.decision;
        expect([0.1, 0.2, 0.3]).toContain(d.participationRate);
        expect(
          d.timeHorizonMs >= 0.5 * horizonMs && d.timeHorizonMs <= 1.5 * horizonMs && Number.isInteger(d.timeHorizonMs),
          `horizon ${d.timeHorizonMs} within 0.5–1.5 × the default's ${horizonMs} ms`,
        ).toBe(true);
        if (d.side === "none") expect(d.priceLimit).toBeNull();
        else if (d.side === "buy") expect(d.priceLimit! >= x.mid, `buy limit ${d.priceLimit} ≥ mid ${x.mid}`).toBe(true);
        else expect(d.priceLimit! <= x.mid && d.priceLimit! >= 0, `sell limit ${d.priceLimit} in [0, mid ${x.mid}]`).toBe(true);
        expect(Number.isNaN(d.priceLimit), "no NaN limit").toBe(false);
        expect(d.side).toBe(x.directionalBias > enter ? "buy" : x.directionalBias < -enter ? "sell" : "none");
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
        input.filter((x) => Math.abs(x.directionalBias) > PRESETS.default.decision.enter),
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

  test("bad decision keys are typed errors naming the key and what was expected", () => {
    expect(() => executionDecision(base, { enter: 1 })).toThrow("decision.enter = 1: expected a number in (0, 1)");
    expect(() => executionDecision(base, { enter: 0.2, exit: 0.2 })).toThrow(InvalidConfigError);
    expect(() => executionDecision(base, { horizonMs: 0 })).toThrow(InvalidConfigError);
    expect(() => executionDecision(base, { hold: 5 } as never)).toThrow(UnknownConfigKeyError);
  });
});
