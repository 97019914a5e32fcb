/**
 * Risk: riskAdjustedOpportunity and riskDiscount on hand-computed cases, ranges and no NaN
 * for every valid input; CorrelationTracker on every backend: hand-computed returns,
 * volatility and correlation, bit-identical across backends and equal to a naive
 * reference (property), the warm-up zeros, reset/dispose and typed errors.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { DisposedError, InvalidParameterError, InvalidValueError, type Kernels } from "../../src/index.js";
import { CorrelationTracker, riskAdjustedOpportunity, riskDiscount } from "../../src/strategy/risk.js";
import { backends } from "../support/backends.js";
import { expectClose } from "../support/close.js";

const RUNS = { numRuns: 500 };
const fraction = fc.oneof(fc.constantFrom(0, 1, 0.5), fc.double({ min: 0, max: 1, noNaN: true }));
const unit = fc.oneof(fc.constantFrom(-1, 0, 1), fc.double({ min: -1, max: 1, noNaN: true }));
const nonNegative = fc.oneof(
  fc.constantFrom(0, 0.005, 0.02, 1, Number.MAX_VALUE),
  fc.double({ min: 0, max: 0.1, noNaN: true }),
  fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
);

describe("riskAdjustedOpportunity", () => {
  test("seed formula, hand-computed", () => {
    // volatility 0.01 → penalty 0.01/0.02 = 0.5; liquidity 2 → bonus min(2, 1) = 1; correlation −0.5 → penalty 0.5
    // opportunity = 0.8·0.5·(1 − 0.3·0.5)·1·(1 − 0.2·0.5) = 0.4·0.85·0.9 = 0.306
    const r = riskAdjustedOpportunity({ signalStrength: 0.8, reliability: 0.5, volatility: 0.01, liquidity: 2, correlation: -0.5 });
    expect([r.volatilityPenalty, r.liquidityBonus, r.correlationPenalty]).toEqual([0.5, 1, 0.5]);
    expectClose(r.opportunity, 0.306, 1e-15, 0, "0.4·0.85·0.9");
    // volatility 0.05 saturates the penalty at 1; liquidity 0.5 halves; correlation 1
    // opportunity = 1·1·(1 − 0.3)·0.5·(1 − 0.2) = 0.7·0.5·0.8 = 0.28
    const wild = riskAdjustedOpportunity({ signalStrength: 1, reliability: 1, volatility: 0.05, liquidity: 0.5, correlation: 1 });
    expect([wild.volatilityPenalty, wild.liquidityBonus, wild.correlationPenalty]).toEqual([1, 0.5, 1]);
    expectClose(wild.opportunity, 0.28, 1e-15, 0, "0.7·0.5·0.8");
    // calm, normal, uncorrelated: nothing taken off, 0.6·0.5 = 0.3
    expect(
      riskAdjustedOpportunity({ signalStrength: 0.6, reliability: 0.5, volatility: 0, liquidity: 1, correlation: 0 }).opportunity,
    ).toBe(0.3);
  });

  test("riskDiscount = (1 − 0.3·min(vol/0.02, 1))·(1 − 0.2·|corr|), in [0.56, 1]", () => {
    // 0.004/0.02 = 0.2: (1 − 0.06)·(1 − 0.2·0.25) = 0.94·0.95 = 0.893
    expectClose(riskDiscount(0.004, 0.25), 0.893, 1e-15, 0, "0.94·0.95");
    expect(riskDiscount(1, -1), "the floor 0.7·0.8").toBeCloseTo(0.56, 15);
    expect(riskDiscount(0, 0)).toBe(1);
  });

  test("every output in [0, 1], never NaN, opportunity ≤ strength·reliability (property)", () => {
    fc.assert(
      fc.property(fraction, fraction, nonNegative, nonNegative, unit, (signalStrength, reliability, volatility, liquidity, correlation) => {
        const r = riskAdjustedOpportunity({ signalStrength, reliability, volatility, liquidity, correlation });
        for (const [key, v] of Object.entries(r)) expect(v >= 0 && v <= 1, `${key} = ${v} in [0, 1]`).toBe(true);
        expect(r.opportunity).toBeLessThanOrEqual(signalStrength * reliability);
        const d = riskDiscount(volatility, correlation);
        expect(d >= 0.56 - 1e-15 && d <= 1, `discount ${d} in [0.56, 1]`).toBe(true);
      }),
      RUNS,
    );
  });

  test("bad input is InvalidValueError naming the field", () => {
    const ok = { signalStrength: 0.5, reliability: 0.5, volatility: 0.01, liquidity: 1, correlation: 0 };
    expect(() => riskAdjustedOpportunity({ ...ok, volatility: -0.01 })).toThrow("volatility[0] = -0.01: expected a finite number ≥ 0");
    expect(() => riskAdjustedOpportunity({ ...ok, liquidity: Infinity })).toThrow(InvalidValueError);
    expect(() => riskAdjustedOpportunity({ ...ok, correlation: 1.1 })).toThrow("correlation[0] = 1.1: expected a number from -1 to 1");
    expect(() => riskAdjustedOpportunity({ ...ok, signalStrength: NaN })).toThrow(InvalidValueError);
    expect(() => riskAdjustedOpportunity({ ...ok, reliability: 2 })).toThrow(InvalidValueError);
    expect(() => riskDiscount(NaN, 0)).toThrow(InvalidValueError);
  });
});

/**
 * Naive reference: simple returns, two-pass sample std and Pearson correlation over the
 * last `window` returns; null while fewer are in. `volatilityFloor` is the std's conditioning (a few ulps of the
 * largest return); `correlationConditioned` is false where a series' spread is below
 * 1e-5 of its magnitude, where rounding decides the correlation (only its range is checked).
 */
function trackerReference(
  prices: [number, number][],
  window: number,
): ({ correlation: number; volatility: number; volatilityFloor: number; correlationConditioned: boolean } | null)[] {
  const rx: number[] = [],
    ry: number[] = [];
  return prices.map(([p, q], t) => {
    if (t > 0) {
      rx.push(p / prices[t - 1]![0] - 1);
      ry.push(q / prices[t - 1]![1] - 1);
    }
    if (rx.length < window) return null;
    const x = rx.slice(-window),
      y = ry.slice(-window);
    const mx = x.reduce((a, b) => a + b, 0) / window,
      my = y.reduce((a, b) => a + b, 0) / window;
    const sxx = x.reduce((a, v) => a + (v - mx) ** 2, 0),
      syy = y.reduce((a, v) => a + (v - my) ** 2, 0);
    const sxy = x.reduce((a, v, i) => a + (v - mx) * (y[i]! - my), 0);
    const flat = x.every((v) => v === x[0]) || y.every((v) => v === y[0]);
    const size = (v: number[]) => Math.max(...v.map(Math.abs));
    return {
      correlation: flat ? 0 : sxy / Math.sqrt(sxx) / Math.sqrt(syy),
      volatility: x.every((v) => v === x[0]) ? 0 : Math.sqrt(sxx / (window - 1)),
      volatilityFloor: 1e-13 * size(x),
      correlationConditioned: flat || (Math.sqrt(sxx) > 1e-5 * size(x) && Math.sqrt(syy) > 1e-5 * size(y)),
    };
  });
}

describe.each(backends)("CorrelationTracker on $backend", (k: Kernels) => {
  test("hand-computed returns, volatility and correlation; null until the window is full", () => {
    const t = new CorrelationTracker(k, 3);
    const prices: [number, number][] = [
      [100, 100],
      [110, 105],
      [99, 105],
      [99, 94.5],
    ];
    for (const [i, [p, q]] of prices.entries()) {
      const r = t.onPrice(p, q);
      if (i < 3) expect([r, t.latest, t.isStable], `warming up after ${i + 1} prices`).toEqual([null, null, false]);
    }
    expect(t.isStable).toBe(true);
    const { volatility, correlation } = t.result;
    // returns x = 110/100 − 1, 99/110 − 1, 0 = 0.1, −0.1, 0; y = 0.05, 0, −0.1 (up to rounding)
    // volatility: mean 0, √((0.01 + 0.01 + 0)/2) = 0.1
    expectClose(volatility, 0.1, 1e-14, 0, "std of 0.1, −0.1, 0");
    // correlation: my = −0.05/3; sxy = 0.1·(0.05 + 0.05/3) − 0.1·(0.05/3) + 0 = 0.005,
    // sxx = 0.02, syy = (0.2/3)² + (0.05/3)² + (0.25/3)² = 0.105/9 = 0.011667,
    // r = 0.005/√(0.02·0.011667) = 0.005/0.015275 = 0.32733
    expectClose(correlation, 0.005 / Math.sqrt(0.02 * (0.105 / 9)), 1e-13, 0, "Pearson r");
    expectClose(correlation, 0.32733, 0, 1e-5, "≈ 0.32733");
    t.dispose();
  });

  test("a flat reference makes the correlation undefined: it reads 0", () => {
    const t = new CorrelationTracker(k, 2);
    for (const p of [100, 101, 103, 102]) t.onPrice(p, 50);
    expect(t.result.correlation).toBe(0);
    expect(t.result.volatility, "the symbol's own volatility is still defined").toBeGreaterThan(0);
    t.dispose();
  });

  test("reset, dispose and typed errors; a rejected price changes nothing", () => {
    expect(() => new CorrelationTracker(k, 1)).toThrow(InvalidParameterError);
    expect(() => new CorrelationTracker(k, 2.5)).toThrow("window = 2.5: expected an integer from 2 to 16777216");
    expect(new CorrelationTracker(k).window, "default window").toBe(100);
    const t = new CorrelationTracker(k, 2);
    expect(() => t.onPrice(0, 1)).toThrow("price[0] = 0: expected a finite number > 0");
    expect(() => t.onPrice(1, -1)).toThrow(InvalidValueError);
    expect(() => t.onPrice(NaN, 1)).toThrow(InvalidValueError);
    t.onPrice(1e-200, 1);
    expect(() => t.onPrice(1e-40, 1), "a return of 1e160").toThrow(InvalidValueError);
    expect(() => t.onPrice(1e-200, 1e200)).toThrow("referencePrice[0] = 1e+200: expected a price whose return from 1 is at most 1e+150");
    // the rejected pairs were not recorded: returns are taken from (1e-200, 1)
    t.onPrice(2e-200, 2);
    t.onPrice(3e-200, 3);
    // returns 1 then 0.5 in both series: std √((0.25² + 0.25²)/1) = 0.35355, r = 1
    expectClose(t.result.volatility, Math.SQRT1_2 / 2, 1e-14, 0, "std of 1, 0.5");
    expectClose(t.result.correlation, 1, 0, 1e-14, "identical returns");
    t.reset();
    t.onPrice(10, 20);
    t.onPrice(11, 22);
    expect(t.isStable, "after reset the first pair is only recorded: one return so far").toBe(false);
    // returns x = y = 0.1, then 10/11 − 1 = −1/11 for both: identical series, r = 1
    t.onPrice(10, 20);
    expectClose(t.result.correlation, 1, 0, 1e-14, "identical returns");
    t.dispose();
    t.dispose();
    expect(() => t.onPrice(1, 1)).toThrow(DisposedError);
    expect(() => t.result).toThrow(DisposedError);
  });
});

describe("CorrelationTracker across backends (property)", () => {
  test("bit-identical on every backend, equal to the naive reference, in range, never NaN", () => {
    const price = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: -5, max: 5 }).map((s) => 100 + s * 0.5) },
      { weight: 2, arbitrary: fc.double({ min: 1e-3, max: 1e6, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(1e-60, 1e-30, 1, 1e30, 1e60) },
    );
    const setup = fc.tuple(fc.integer({ min: 2, max: 8 }), fc.array(fc.tuple(price, price), { minLength: 1, maxLength: 40 }));
    fc.assert(
      fc.property(setup, ([window, prices]) => {
        const outs = backends.map((k) => {
          const t = new CorrelationTracker(k, window);
          const out = prices.map(([p, q]) => t.onPrice(p, q));
          t.dispose();
          return out;
        });
        const ref = trackerReference(prices, window);
        outs[0]!.forEach((r, i) => {
          for (const [b, out] of outs.entries()) {
            const same =
              r === null ? out[i] === null : Object.is(out[i]?.correlation, r.correlation) && Object.is(out[i]?.volatility, r.volatility);
            expect(same, `${backends[b]!.backend} at ${i}`).toBe(true);
          }
          const want = ref[i]!;
          expect(r === null, `a reading at ${i} exactly when ${window} returns are in`).toBe(want === null);
          if (r === null || want === null) return;
          expect(r.correlation >= -1 && r.correlation <= 1, `correlation ${r.correlation} at ${i}`).toBe(true);
          expect(r.volatility >= 0 && r.volatility < Infinity, `volatility ${r.volatility} at ${i}`).toBe(true);
          expectClose(r.volatility, want.volatility, 1e-9, want.volatilityFloor, `volatility vs reference at ${i}`);
          if (want.correlationConditioned) expectClose(r.correlation, want.correlation, 0, 1e-9, `correlation vs reference at ${i}`);
        });
      }),
      RUNS,
    );
  });
});
