/**
 * Combiners: ScoreCombiner.linear (Σ w·v, weights checked once), confidenceWeighted
 * (composite and ensemble confidence mean(c)·(1 − D)) with hand-computed cases and the
 * agreement / disagreement / monotonicity properties, and RankCombiner on every backend
 * (hand-computed, bit-identical across backends, naive reference).
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  DisposedError,
  InvalidParameterError,
  InvalidValueError,
  InvalidWeightsError,
  LengthMismatchError,
  type Kernels,
} from "../../src/index.js";
import { confidenceWeighted, RankCombiner, ScoreCombiner, type ModelReading } from "../../src/score/combiner.js";
import { backends } from "../support/backends.js";
import { expectClose } from "../support/close.js";

const RUNS = { numRuns: 500 };
const unit = fc.oneof(fc.constantFrom(-1, 0, 1, 0.5, -0.5), fc.double({ min: -1, max: 1, noNaN: true }));
const fraction = fc.oneof(fc.constantFrom(0, 1, 0.5, Number.MIN_VALUE), fc.double({ min: 0, max: 1, noNaN: true }));
const model = fc.record({ bias: unit, confidence: fraction });

describe("ScoreCombiner.linear", () => {
  test("Σ w·v, hand-computed", () => {
    // 0.5·0.8 + 0.3·(−0.4) + 0.2·0.1 = 0.4 − 0.12 + 0.02 = 0.3
    expect(new ScoreCombiner([0.5, 0.3, 0.2]).linear([0.8, -0.4, 0.1])).toBeCloseTo(0.3, 15);
    // one weight: the value itself
    expect(new ScoreCombiner([1]).linear([-0.7])).toBe(-0.7);
    // weights within 1e-9 of summing to 1 are accepted and rescaled: 0.5/(1 + 5e-10) ≈ 0.5
    expect(new ScoreCombiner([0.5, 0.5 + 5e-10]).linear([1, 1])).toBe(1);
  });

  test("in [−1, 1] and never NaN for any valid weights and values (property)", () => {
    const weightsAndValues = fc
      .array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 8 })
      .filter((raw) => raw.some((w) => w > 1e-6))
      .chain((raw) => {
        const total = raw.reduce((a, b) => a + b, 0);
        return fc.tuple(fc.constant(raw.map((w) => w / total)), fc.array(unit, { minLength: raw.length, maxLength: raw.length }));
      });
    fc.assert(
      fc.property(weightsAndValues, ([w, v]) => {
        const y = new ScoreCombiner(w).linear(v);
        expect(Math.abs(y), `|Σ w·v| ≤ 1 for ${w} · ${v}`).toBeLessThanOrEqual(1);
        const exact = w.reduce((a, wi, i) => a + wi * v[i]!, 0);
        expectClose(y, exact, 0, 1e-12, "Σ w·v");
      }),
      RUNS,
    );
    // all values at the ends: exactly ±1
    const c = new ScoreCombiner([0.1, 0.2, 0.7]);
    expect([c.linear([1, 1, 1]), c.linear([-1, -1, -1])]).toEqual([1, -1]);
  });

  test("bad weights are InvalidWeightsError, bad values InvalidValueError / LengthMismatchError", () => {
    expect(() => new ScoreCombiner([])).toThrow(InvalidWeightsError);
    expect(() => new ScoreCombiner([0.6, 0.6])).toThrow("they sum to 1.2: expected 1 within 1e-9");
    expect(() => new ScoreCombiner([0.5, 0.5 + 2e-9])).toThrow(InvalidWeightsError);
    expect(() => new ScoreCombiner([1.5, -0.5])).toThrow("weight[1] = -0.5: expected a finite number ≥ 0");
    expect(() => new ScoreCombiner([NaN, 1])).toThrow(InvalidWeightsError);
    expect(() => new ScoreCombiner([Infinity])).toThrow(InvalidWeightsError);
    const c = new ScoreCombiner([0.5, 0.5]);
    expect(() => c.linear([0.1])).toThrow(LengthMismatchError);
    expect(() => c.linear([0.1, 1.5])).toThrow("values[1] = 1.5: expected a number from -1 to 1");
    expect(() => c.linear([NaN, 0])).toThrow(InvalidValueError);
  });

  test("the weights are copied: changing the caller's array later changes nothing", () => {
    const w = [0.25, 0.75];
    const c = new ScoreCombiner(w);
    w[0] = 10;
    expect(c.linear([1, 0])).toBe(0.25);
  });
});

describe("confidenceWeighted", () => {
  test("hand-computed: composite, dispersion and ensemble confidence", () => {
    // Σc = 0.5 + 1 = 1.5; Σcb = 0.5·0.8 + 1·0.2 = 0.6; composite 0.6/1.5 = 0.4
    // D² = (0.5·(0.8 − 0.4)² + 1·(0.2 − 0.4)²)/1.5 = (0.08 + 0.04)/1.5 = 0.08, D = 0.28284
    // confidence = mean(c)·(1 − D) = 0.75·(1 − 0.28284) = 0.53787
    const r = confidenceWeighted([
      { bias: 0.8, confidence: 0.5 },
      { bias: 0.2, confidence: 1 },
    ]);
    expectClose(r.composite, 0.4, 1e-15, 0, "composite");
    expectClose(r.dispersion, Math.sqrt(0.08), 1e-14, 0, "D = √0.08");
    expectClose(r.confidence, 0.75 * (1 - Math.sqrt(0.08)), 1e-14, 0, "0.75·(1 − D)");
    expectClose(r.confidence, 0.53787, 0, 1e-5, "≈ 0.53787");
  });

  test("agreeing models: D = 0 and the ensemble keeps the mean confidence", () => {
    // three models at 0.5 with confidences 0.25, 0.5, 1: composite 0.5, D 0, confidence 1.75/3
    const r = confidenceWeighted([
      { bias: 0.5, confidence: 0.25 },
      { bias: 0.5, confidence: 0.5 },
      { bias: 0.5, confidence: 1 },
    ]);
    expect(r).toEqual({ composite: 0.5, dispersion: 0, confidence: 1.75 / 3 });
    fc.assert(
      fc.property(unit, fc.array(fraction, { minLength: 1, maxLength: 8 }), (b, cs) => {
        const e = confidenceWeighted(cs.map((confidence) => ({ bias: b, confidence })));
        if (cs.every((c) => c === 0)) return;
        expect(e.dispersion, `agreement at ${b}`).toBeLessThanOrEqual(1e-15);
        expectClose(e.composite, b, 1e-15, 0, "composite = the common bias");
      }),
      RUNS,
    );
  });

  test("opposite models with equal confidence: composite 0, D = 1, confidence 0", () => {
    // composite (0.6·1 + 0.6·(−1))/1.2 = 0; D² = (0.6·1 + 0.6·1)/1.2 = 1
    expect(
      confidenceWeighted([
        { bias: 1, confidence: 0.6 },
        { bias: -1, confidence: 0.6 },
      ]),
    ).toEqual({ composite: 0, confidence: 0, dispersion: 1 });
  });

  test("tiny confidences weight as precisely as large ones (only their ratios count)", () => {
    // one model at 5e-324: composite is its bias 0.3, not 0.3·5e-324/5e-324 rounded to 0
    expect(confidenceWeighted([{ bias: 0.3, confidence: 5e-324 }])).toEqual({ composite: 0.3, confidence: 5e-324, dispersion: 0 });
    // confidences 1e-310 and 3e-310 (ratio 1 : 3) weight like 0.25 and 0.75: 0.25·(−0.2) + 0.75·0.6 = 0.4
    expectClose(
      confidenceWeighted([
        { bias: -0.2, confidence: 1e-310 },
        { bias: 0.6, confidence: 3e-310 },
      ]).composite,
      0.4,
      1e-15,
      0,
      "ratio 1 : 3",
    );
  });

  test("no models or zero total confidence: composite 0, confidence 0", () => {
    expect(confidenceWeighted([])).toEqual({ composite: 0, confidence: 0, dispersion: 0 });
    expect(
      confidenceWeighted([
        { bias: 0.9, confidence: 0 },
        { bias: -0.3, confidence: 0 },
      ]),
    ).toEqual({ composite: 0, confidence: 0, dispersion: 0 });
  });

  test("ranges: composite in [−1, 1], confidence and D in [0, 1], never NaN (property)", () => {
    fc.assert(
      fc.property(fc.array(model, { maxLength: 10 }), (models) => {
        const r = confidenceWeighted(models);
        for (const [key, lo] of [
          ["composite", -1],
          ["confidence", 0],
          ["dispersion", 0],
        ] as const) {
          expect(r[key], `${key} ≥ ${lo}`).toBeGreaterThanOrEqual(lo);
          expect(r[key], `${key} ≤ 1`).toBeLessThanOrEqual(1);
        }
        const meanC = models.length ? models.reduce((a, m) => a + m.confidence, 0) / models.length : 0;
        expect(r.confidence, "never above the mean confidence").toBeLessThanOrEqual(meanC);
      }),
      RUNS,
    );
  });

  test("moving one model further from the consensus never raises the ensemble confidence (property)", () => {
    const setup = fc
      .array(model, { minLength: 2, maxLength: 8 })
      .chain((models) => fc.tuple(fc.constant(models), fc.nat({ max: models.length - 1 }), fc.double({ min: 0, max: 2, noNaN: true })));
    fc.assert(
      fc.property(setup, ([models, j, step]) => {
        const before = confidenceWeighted(models);
        const m = models[j]!;
        const away = Math.sign(m.bias - before.composite);
        const moved: ModelReading[] = models.map((x, i) => (i === j ? { ...x, bias: Math.max(-1, Math.min(1, x.bias + away * step)) } : x));
        const after = confidenceWeighted(moved);
        expect(
          after.confidence,
          `confidence rose: ${before.confidence} → ${after.confidence} moving model ${j} by ${away * step}`,
        ).toBeLessThanOrEqual(before.confidence + 1e-12);
      }),
      RUNS,
    );
  });

  test("bad readings are InvalidValueError naming the model", () => {
    expect(() =>
      confidenceWeighted([
        { bias: 0, confidence: 0.5 },
        { bias: 1.2, confidence: 0.5 },
      ]),
    ).toThrow("bias[1] = 1.2: expected a number from -1 to 1");
    expect(() => confidenceWeighted([{ bias: 0, confidence: -0.1 }])).toThrow("confidence[0] = -0.1");
    expect(() => confidenceWeighted([{ bias: NaN, confidence: 1 }])).toThrow(InvalidValueError);
  });
});

/** Naive reference: each model's (below − above)/n over its own last `window` scores, averaged. */
function rankReference(rows: number[][], window: number): number[] {
  return rows.map((_, t) => {
    const models = rows[0]!.length;
    let sum = 0;
    for (let m = 0; m < models; m++) {
      const hist = rows.slice(Math.max(0, t + 1 - window), t + 1).map((r) => r[m]!);
      const x = rows[t]![m]!;
      sum += (hist.filter((v) => v < x).length - hist.filter((v) => v > x).length) / hist.length;
    }
    return sum / models;
  });
}

describe.each(backends)("RankCombiner on $backend", (k: Kernels) => {
  test("hand-computed: each model against its own history, then the mean", () => {
    const c = new RankCombiner(k, 2, 3);
    // first row: every model's single score is its own median: (0 + 0)/2 = 0
    expect(c.update([80, 20])).toBe(0);
    // model 0 history [80, 90]: 90 highest of 2 → 1/2; model 1 [20, 10]: lowest → −1/2; mean 0
    expect(c.update([90, 10])).toBe(0);
    // model 0 [80, 90, 85]: one below, one above → 0; model 1 [20, 10, 30]: highest of 3 → 2/3; mean 1/3
    expect(c.update([85, 30])).toBeCloseTo(1 / 3, 15);
    // window 3: model 0 [90, 85, 95] → 2/3; model 1 [10, 30, 30]: one below, none above → 1/3; mean 1/2
    expect(c.update([95, 30])).toBeCloseTo(0.5, 15);
    expect(c.isStable).toBe(true);
    c.dispose();
  });

  test("reset, dispose and typed errors", () => {
    expect(() => new RankCombiner(k, 0)).toThrow(InvalidParameterError);
    expect(() => new RankCombiner(k, 1.5)).toThrow("modelCount = 1.5: expected an integer ≥ 1");
    expect(() => new RankCombiner(k, 2, 1)).toThrow("window = 1: expected an integer from 2 to 16777216");
    const c = new RankCombiner(k, 2);
    expect(c.window, "default window").toBe(100);
    expect(() => c.update([50])).toThrow(LengthMismatchError);
    expect(() => c.update([50, 101])).toThrow("scores[1] = 101: expected a number from 0 to 100");
    c.update([10, 90]);
    c.update([20, 80]);
    c.reset();
    expect(c.isStable).toBe(false);
    expect(c.update([50, 50]), "a fresh history after reset").toBe(0);
    c.dispose();
    c.dispose();
    expect(() => c.update([1, 2])).toThrow(DisposedError);
  });
});

describe("RankCombiner across backends (property)", () => {
  test("bit-identical on every backend, equal to the naive reference, in (−1, 1)", () => {
    const setup = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 8 }))
      .chain(([models, window]) =>
        fc.tuple(
          fc.constant(window),
          fc.array(
            fc.array(
              fc.oneof(fc.constantFrom(0, 50, 100), fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true })),
              { minLength: models, maxLength: models },
            ),
            { minLength: 1, maxLength: 30 },
          ),
        ),
      );
    fc.assert(
      fc.property(setup, ([window, rows]) => {
        const outs = backends.map((k) => {
          const c = new RankCombiner(k, rows[0]!.length, window);
          const out = rows.map((r) => c.update(r));
          c.dispose();
          return out;
        });
        const ref = rankReference(rows, window);
        outs[0]!.forEach((y, t) => {
          for (const [b, out] of outs.entries()) expect(Object.is(out[t], y), `${backends[b]!.backend} at ${t}`).toBe(true);
          expect(Math.abs(y), `|y| < 1 at ${t}`).toBeLessThan(1);
          expectClose(y, ref[t]!, 0, 1e-15, `reference at ${t}`);
        });
      }),
      RUNS,
    );
  });
});
