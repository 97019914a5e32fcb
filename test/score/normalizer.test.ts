/**
 * ScoreNormalizer on every backend: hand-computed z-score and percentile values, the
 * fallback below minSamples, results bit-identical across backends and equal to a naive
 * two-pass reference (property), ranges and no NaN for any valid stream, the streaming
 * contract (isStable, reset, dispose) and typed errors. volatilityAdaptive: the seed
 * formula at and around its thresholds.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { DisposedError, InvalidParameterError, InvalidValueError, UnknownConfigKeyError, type Kernels } from "../../src/index.js";
import { ScoreNormalizer, signedPercentile, volatilityAdaptive, type NormalizedScore } from "../../src/score/normalizer.js";
import { TANH_APPROX_MAX_ERROR } from "../../src/score/tanhTable.js";
import { tanh } from "../../src/kernels/js/common/transcendental.js";
import { backends } from "../support/backends.js";
import { expectClose } from "../support/close.js";

const RUNS = { numRuns: 500 };

/** Scores with ties, the ends, the middle and arbitrary doubles. */
const score = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(0, 50, 100, 49.99, 50.01, 75) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 100 }) },
  { weight: 3, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) },
);
const stream = fc.oneof(
  fc.array(score, { minLength: 1, maxLength: 60 }),
  fc.tuple(score, fc.integer({ min: 1, max: 40 })).map(([s, n]) => Array.from({ length: n }, () => s)),
);
const options = fc.integer({ min: 2, max: 12 }).chain((zWindow) =>
  fc.integer({ min: 2, max: 12 }).chain((percentileWindow) =>
    fc.record({
      zWindow: fc.constant(zWindow),
      percentileWindow: fc.constant(percentileWindow),
      minSamples: fc.integer({ min: 1, max: Math.min(zWindow, percentileWindow) }),
      approximate: fc.boolean(),
    }),
  ),
);

/**
 * Naive reference: two-pass sample std over the last zWindow scores, counts over the last
 * percentileWindow. `zTolerance` is the z-score's conditioning: (x − mean)/std carries an
 * error of a few ulps of the largest score over std, halved by tanh(z/2) (slope ≤ 1/2);
 * below a spread of 1e-150 squares are subnormal and the z-score has no precision left
 * (only its range is checked), and a window of equal scores must give exactly 0.
 */
function reference(
  scores: number[],
  o: { zWindow: number; percentileWindow: number; minSamples: number },
): (NormalizedScore & { zTolerance: number })[] {
  return scores.map((x, i) => {
    if (i + 1 < o.minSamples) return { zscore: (x - 50) / 50, percentile: (x - 50) / 50, zTolerance: 0 };
    const zw = scores.slice(Math.max(0, i + 1 - o.zWindow), i + 1);
    const mean = zw.reduce((a, b) => a + b, 0) / zw.length;
    const sd = zw.length > 1 ? Math.sqrt(zw.reduce((a, b) => a + (b - mean) ** 2, 0) / (zw.length - 1)) : 0;
    const pw = scores.slice(Math.max(0, i + 1 - o.percentileWindow), i + 1);
    const below = pw.filter((v) => v < x).length,
      above = pw.filter((v) => v > x).length;
    const flat = zw.every((v) => v === x),
      precise = sd > 1e-150;
    return {
      zscore: flat || !precise ? 0 : Math.tanh((x - mean) / sd / 2),
      percentile: (below - above) / pw.length,
      zTolerance: flat ? 0 : precise ? 1e-9 + (1e-13 * Math.max(...zw)) / sd : 1,
    };
  });
}

function run(k: Kernels, scores: number[], o: ConstructorParameters<typeof ScoreNormalizer>[1]): NormalizedScore[] {
  const n = new ScoreNormalizer(k, o);
  try {
    return scores.map((s) => n.onScore(s));
  } finally {
    n.dispose();
  }
}

describe.each(backends)("ScoreNormalizer on $backend", (k: Kernels) => {
  test("hand-computed: fallback, then z-score and percentile", () => {
    const n = new ScoreNormalizer(k, { zWindow: 4, minSamples: 3, percentileWindow: 3 });
    // fewer than 3 scores: both are (s − 50)/50
    expect(n.onScore(40)).toEqual({ zscore: -0.2, percentile: -0.2 });
    expect(n.onScore(60)).toEqual({ zscore: 0.2, percentile: 0.2 });
    expect(n.isStable).toBe(false);
    // [40, 60, 50]: mean 50, so z = 0; 50 has one score below and one above: (1 − 1)/3 = 0
    expect(n.onScore(50)).toEqual({ zscore: 0, percentile: 0 });
    expect(n.isStable).toBe(true);
    // z window [40, 60, 50, 80]: mean 57.5, deviations −17.5, 2.5, −7.5, 22.5,
    // squares 306.25 + 6.25 + 56.25 + 506.25 = 875, std √(875/3) = 17.078…, z = 22.5/17.078 = 1.3175
    // percentile window [60, 50, 80]: 80 is the highest of 3: avgRank 3, 2·(3 − 0.5)/3 − 1 = 2/3
    const r = n.onScore(80);
    expectClose(r.zscore, Math.tanh(22.5 / Math.sqrt(875 / 3) / 2), 1e-15, 0, "tanh(z/2), z = 1.3175");
    expectClose(r.zscore, 0.57752, 0, 1e-5, "tanh(0.65874) ≈ 0.57752");
    expect(r.percentile).toBeCloseTo(2 / 3, 15);
    // z window [60, 50, 80, 0]: mean 47.5, deviations 12.5, 2.5, 32.5, −47.5,
    // squares 156.25 + 6.25 + 1056.25 + 2256.25 = 3475, z = −47.5/√(3475/3) = −1.3956
    // percentile window [50, 80, 0]: 0 is the lowest of 3: −(1 − 1/3) = −2/3
    const low = n.onScore(0);
    expectClose(low.zscore, Math.tanh(-47.5 / Math.sqrt(3475 / 3) / 2), 1e-15, 0, "tanh(z/2), z = −1.3956");
    expectClose(low.zscore, -0.60299, 0, 1e-5, "tanh(−0.69783) ≈ −0.60299");
    expect(low.percentile).toBeCloseTo(-2 / 3, 15);
    n.dispose();
  });

  test("equal scores: spread 0 gives zscore 0 and percentile 0", () => {
    const out = run(k, [70, 70, 70, 70, 70], { zWindow: 3, percentileWindow: 3, minSamples: 2 });
    expect(out[0], "fallback (70 − 50)/50").toEqual({ zscore: 0.4, percentile: 0.4 });
    for (const r of out.slice(1)) expect(r).toEqual({ zscore: 0, percentile: 0 });
  });

  test("minSamples = 1: a single score has no spread (0) and is its own median (0)", () => {
    expect(run(k, [90], { zWindow: 2, percentileWindow: 2, minSamples: 1 })).toEqual([{ zscore: 0, percentile: 0 }]);
  });

  test("defaults: 30 samples of fallback, then statistics over 1000 / 100 scores", () => {
    const scores = Array.from({ length: 150 }, (_, i) => (i * 37) % 101);
    const out = run(k, scores, undefined);
    const ref = reference(scores, { zWindow: 1000, percentileWindow: 100, minSamples: 30 });
    expect(out[28]).toEqual({ zscore: (scores[28]! - 50) / 50, percentile: (scores[28]! - 50) / 50 });
    out.forEach((r, i) => {
      expectClose(r.zscore, ref[i]!.zscore, 0, ref[i]!.zTolerance, `zscore[${i}]`);
      expectClose(r.percentile, ref[i]!.percentile, 0, 1e-15, `percentile[${i}]`);
    });
  });

  test("approximate: within TANH_APPROX_MAX_ERROR of the exact normalizer, same percentiles", () => {
    const scores = Array.from({ length: 80 }, (_, i) => 50 + 40 * Math.sin(i * 0.7));
    const exact = run(k, scores, { zWindow: 20, minSamples: 5 });
    const approx = run(k, scores, { zWindow: 20, minSamples: 5, approximate: true });
    approx.forEach((r, i) => {
      expectClose(r.zscore, exact[i]!.zscore, 0, TANH_APPROX_MAX_ERROR, `zscore[${i}]`);
      expect(r.percentile, `percentile[${i}]`).toBe(exact[i]!.percentile);
    });
  });

  test("reset starts over with the fallback; dispose ends the object", () => {
    const n = new ScoreNormalizer(k, { zWindow: 2, percentileWindow: 2, minSamples: 2 });
    n.onScore(10);
    n.onScore(20);
    n.reset();
    expect(n.isStable).toBe(false);
    expect(n.onScore(90), "fallback again after reset").toEqual({ zscore: 0.8, percentile: 0.8 });
    n.dispose();
    n.dispose();
    expect(() => n.onScore(50)).toThrow(DisposedError);
    expect(() => n.reset()).toThrow(DisposedError);
  });

  test("a rejected score leaves the state unchanged", () => {
    const n = new ScoreNormalizer(k, { zWindow: 3, percentileWindow: 3, minSamples: 2 });
    n.onScore(40);
    expect(() => n.onScore(101)).toThrow("score[0] = 101: expected a number from 0 to 100");
    expect(() => n.onScore(NaN)).toThrow(InvalidValueError);
    expect(() => n.onScore(-Infinity)).toThrow(InvalidValueError);
    // [40, 60]: mean 50, std √200 = 14.142, z = 10/14.142 = 0.7071; 60 beats 40: (1 − 0)/2 = 0.5
    const r = n.onScore(60);
    expectClose(r.zscore, Math.tanh(Math.SQRT1_2 / 2), 1e-15, 0, "tanh(0.7071/2)");
    expect(r.percentile).toBe(0.5);
    n.dispose();
  });

  test("bad options are typed errors", () => {
    expect(() => new ScoreNormalizer(k, { zWindow: 1 })).toThrow(InvalidParameterError);
    expect(() => new ScoreNormalizer(k, { zWindow: 2.5 })).toThrow("zWindow = 2.5: expected an integer from 2 to 16777216");
    expect(() => new ScoreNormalizer(k, { percentileWindow: 0 })).toThrow(InvalidParameterError);
    expect(() => new ScoreNormalizer(k, { percentileWindow: 10 })).toThrow(
      "minSamples = 30: expected an integer from 1 to min(zWindow, percentileWindow) = 10",
    );
    expect(() => new ScoreNormalizer(k, { minSamples: 0 })).toThrow(InvalidParameterError);
    expect(() => new ScoreNormalizer(k, { approximate: "yes" as unknown as boolean })).toThrow(InvalidParameterError);
    expect(() => new ScoreNormalizer(k, { zwindow: 10 } as never)).toThrow(UnknownConfigKeyError);
  });
});

describe("ScoreNormalizer across backends (property)", () => {
  test("bit-identical on every backend, equal to the naive reference, in range, never NaN", () => {
    fc.assert(
      fc.property(stream, options, (scores, o) => {
        const [first, ...rest] = backends.map((k) => run(k, scores, o));
        for (const [b, out] of rest.entries()) {
          out.forEach((r, i) => {
            expect(
              Object.is(r.zscore, first![i]!.zscore) && Object.is(r.percentile, first![i]!.percentile),
              `${backends[b + 1]!.backend} vs ${backends[0]!.backend} at ${i}`,
            ).toBe(true);
          });
        }
        const ref = reference(scores, o);
        first!.forEach((r, i) => {
          expect(Number.isNaN(r.zscore) || Number.isNaN(r.percentile), `NaN at ${i}`).toBe(false);
          expect(Math.abs(r.zscore), `zscore in [−1, 1] at ${i}`).toBeLessThanOrEqual(1);
          const n = Math.min(i + 1, o.percentileWindow);
          const bound = i + 1 < o.minSamples ? 1 : 1 - 1 / n;
          expect(Math.abs(r.percentile), `percentile within ±(1 − 1/n) at ${i}`).toBeLessThanOrEqual(bound);
          expectClose(
            r.zscore,
            ref[i]!.zscore,
            0,
            (o.approximate ? TANH_APPROX_MAX_ERROR : 0) + ref[i]!.zTolerance,
            `zscore vs reference at ${i}`,
          );
          expect(r.percentile, `percentile vs reference at ${i}`).toBe(ref[i]!.percentile);
        });
      }),
      RUNS,
    );
  });
});

describe("signedPercentile", () => {
  test("recovers (below − above)/n exactly from pandas rank(pct=True)", () => {
    // n = 49, 30 below, 5 equal (the latest among them), 14 above: rank (30 + (5 + 1)/2)/49 = 33/49
    expect(signedPercentile(33 / 49, 49)).toBe((30 - 14) / 49);
    // the highest and lowest of 49 distinct values are exact negatives
    expect(signedPercentile(1, 49)).toBe(48 / 49);
    expect(signedPercentile(1 / 49, 49)).toBe(-48 / 49);
  });
});

describe("volatilityAdaptive", () => {
  test("seed formula: tanh(((score − 50)/50)·k), k by volatility regime, with the library's tanh (not Math.tanh)", () => {
    // score 75: bias 0.5
    expect(volatilityAdaptive(75, 0.03), "volatile (> 0.02): tanh(0.5·0.7) = tanh(0.35)").toBe(tanh(0.35));
    expectClose(volatilityAdaptive(75, 0.03), 0.33638, 0, 1e-5, "tanh(0.35) ≈ 0.33638");
    expect(volatilityAdaptive(75, 0.001), "calm (< 0.005): tanh(0.5·1.3) = tanh(0.65)").toBe(tanh(0.65));
    expect(volatilityAdaptive(75, 0.01), "normal: tanh(0.5)").toBe(tanh(0.5));
    // the thresholds themselves are normal: k = 1
    expect(volatilityAdaptive(25, 0.02)).toBe(tanh(-0.5));
    expect(volatilityAdaptive(25, 0.005)).toBe(tanh(-0.5));
    expect(volatilityAdaptive(50, 0)).toBe(0);
    expect(volatilityAdaptive(100, 0), "the maximum: tanh(1.3)").toBe(tanh(1.3));
    expectClose(volatilityAdaptive(100, 0), Math.tanh(1.3), 0, 4.5e-16, "within 2 ulp of the host's tanh");
  });

  test("range [−tanh 1.3, tanh 1.3], odd about 50, never NaN (property)", () => {
    const vol = fc.oneof(
      fc.constantFrom(0, 0.005, 0.02, Number.MAX_VALUE),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }),
    );
    fc.assert(
      fc.property(score, vol, (s, v) => {
        const y = volatilityAdaptive(s, v);
        expect(Math.abs(y), `|y| ≤ tanh(1.3) at ${s}, ${v}`).toBeLessThanOrEqual(tanh(1.3));
        expect(Math.sign(y), "same side as the score").toBe(Math.sign(s - 50));
      }),
      RUNS,
    );
  });

  test("bad input is InvalidValueError", () => {
    expect(() => volatilityAdaptive(120, 0.01)).toThrow(InvalidValueError);
    expect(() => volatilityAdaptive(50, -0.01)).toThrow("volatility[0] = -0.01: expected a finite number ≥ 0");
    expect(() => volatilityAdaptive(50, Infinity)).toThrow(InvalidValueError);
    expect(() => volatilityAdaptive(NaN, 0)).toThrow(InvalidValueError);
  });
});
