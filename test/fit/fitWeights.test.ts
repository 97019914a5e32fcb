/**
 * The weight fit's two objectives on synthetic captures with a known truth: the mid moves by
 * touch + b·flow + noise, with the flow's coefficient b chosen per capture. Where the flow helps
 * two markets and hurts the third, the mean IC still buys some flow weight (and the third market
 * then scores below its own touch), while `worst-gain` buys none; where it helps every market,
 * both buy it and every market scores above its touch. (The fit on the real captures:
 * test/cli/fit.test.ts.)
 */
import { describe, expect, test } from "vitest";
import { fitWeights } from "../../src/fit/fitWeights.js";
import { fitCalibration } from "../../src/fit/calibrate.js";
import { mulberry32 } from "../../src/evaluate/mulberry32.js";
import type { SampleSet } from "../../src/evaluate/sampleSet.js";
import { COMPONENT_NAMES } from "../../src/kernels/coreLayout.js";
import { InvalidParameterError } from "../../src/errors.js";
import { calibratedConfidence } from "../../src/confluence/calibration.js";

/** `set` with the mid held still over every update where `still(i)`: its move there is 0, the others' as they were. */
function holdStill(set: SampleSet, still: (i: number) => boolean): SampleSet {
  const mid = set.quotes.mid;
  const held = new Float64Array(mid.length);
  held[0] = mid[0]!;
  for (let i = 0; i + 1 < mid.length; i++) held[i + 1] = still(i) ? held[i]! : held[i]! * (mid[i + 1]! / mid[i]!);
  return { ...set, quotes: { ...set.quotes, mid: held } };
}

/** A capture of n updates 100 ms apart, one quote each; the move from quote i to i + 1 is touch + b·flow + noise (bp). */
function capture(name: string, b: number, seed: number, n = 3000, noise = 1.5): SampleSet {
  const next = mulberry32(seed);
  const u = (): number => (next() / 4294967296) * 2 - 1;
  const touch = Float64Array.from({ length: n }, u);
  const flow = Float64Array.from({ length: n }, u);
  const mid = new Float64Array(n + 1);
  mid[0] = 100;
  for (let i = 0; i < n; i++) mid[i + 1] = mid[i]! * (1 + (touch[i]! + b * flow[i]! + noise * (u() + u() + u())) / 10_000);
  const constant = new Float64Array(n).fill(50);
  const components = Object.fromEntries(COMPONENT_NAMES.map((c) => [c, constant]));
  components.orderbook = touch.map((x) => 50 + 50 * x);
  components.orderflow = flow.map((x) => 50 + 50 * x);
  const set = {
    capture: name,
    symbol: "SYN",
    length: n,
    // an update and a quote every 100 ms (each move the next quote's): 3,000 updates span 300 s, 30 bootstrap blocks of 10 s
    receiveTime: Float64Array.from({ length: n }, (_, i) => i * 100),
    quoteIndex: Int32Array.from({ length: n }, (_, i) => i),
    quotes: { receiveTime: Float64Array.from({ length: n + 1 }, (_, i) => i * 100), mid },
    components,
    baselines: { topOfBook: touch },
  };
  return set as unknown as SampleSet;
}

const fitBy = (sets: SampleSet[], objective: "mean" | "worst-gain") =>
  fitWeights(sets, { horizonMs: 10, blocks: 3, objective, components: ["orderbook", "orderflow"] });

describe("fitWeights: the objective", () => {
  const mixed = [capture("a", 0.6, 1), capture("b", 0.6, 2), capture("c", -0.4, 3)];

  test("flow that helps two markets and hurts the third: the mean buys it, worst-gain does not", () => {
    const mean = fitBy(mixed, "mean");
    expect(mean.objective).toBe("mean");
    expect(mean.weights.orderflow, "the mean IC gains on a and b more than it loses on c").toBeGreaterThan(0);
    const c = mean.inSample.find((s) => s.capture === "c")!;
    expect(c.ic, "c scores below its own touch").toBeLessThan(c.topOfBookIc);

    const worst = fitBy(mixed, "worst-gain");
    expect(worst.objective).toBe("worst-gain");
    expect(worst.components).toEqual(["orderbook", "orderflow"]);
    expect(worst.weights.orderflow, "any flow weight costs c").toBe(0);
    expect(worst.weights.orderbook).toBe(1);
    for (const s of worst.inSample) expect(s.ic, s.capture).toBeCloseTo(s.topOfBookIc, 12);
  });

  test("flow that helps every market: both buy it, and every market scores above its touch", () => {
    const helps = [capture("a", 0.5, 4), capture("b", 0.3, 5), capture("c", 0.2, 6)];
    for (const objective of ["mean", "worst-gain"] as const) {
      const r = fitBy(helps, objective);
      expect(r.weights.orderflow, objective).toBeGreaterThan(0);
      for (const s of r.inSample) expect(s.ic, `${objective} ${s.capture}`).toBeGreaterThan(s.topOfBookIc);
      expect(r.outOfSample.ic, `${objective}: out of sample too`).toBeGreaterThan(r.outOfSample.topOfBookIc);
    }
  });

  test("an unknown objective is a typed error", () => {
    expect(() => fitWeights(mixed, { horizonMs: 10, objective: "median" as never })).toThrow(InvalidParameterError);
    expect(() => fitWeights(mixed, { horizonMs: 10, objective: "median" as never })).toThrow("objective = median");
  });
});

describe("fitWeights: the actionable threshold and the out-of-sample figures", () => {
  test("the threshold marks the --actionable-share of every update: those whose mid did not move count too", () => {
    // the mid stays put after every weak touch: half the updates have no move, and they are the weak half
    const sets = [1, 2, 3].map((k) => {
      const c = capture(`still${k}`, 0, 200 + k, 3000, 1);
      return holdStill(c, (i) => Math.abs(c.baselines.topOfBook[i]!) < 0.5);
    });
    const fit = fitWeights(sets, { horizonMs: 10, blocks: 3, components: ["orderbook", "orderflow"], actionableShare: 0.3 });
    let marked = 0,
      total = 0;
    for (const s of sets) {
      for (let i = 0; i < s.length; i++) {
        const x = COMPONENT_NAMES.reduce((sum, c) => sum + fit.weights[c] * ((s.components[c][i]! - 50) / 50), 0);
        if (calibratedConfidence(fit.calibration, Math.min(Math.abs(x), 1)) >= fit.confidenceThreshold) marked++;
        total++;
      }
    }
    // judged on the updates that moved alone, the cut would mark 30 % of the strong half: 15 % of all
    expect(marked / total).toBeGreaterThan(0.27);
    expect(marked / total).toBeLessThan(0.33);
  });

  test("a block whose moves are all zero has no IC, and the out-of-sample IC is the mean over the blocks that have one", () => {
    const sets = [1, 2, 3].map((k) => holdStill(capture(`quiet${k}`, 0, 300 + k), (i) => k === 1 && i < 1000));
    const fit = fitWeights(sets, { horizonMs: 10, blocks: 3, components: ["orderbook", "orderflow"] });
    const defined = fit.folds.filter((f) => Number.isFinite(f.ic));
    expect(fit.folds.length - defined.length, "the quiet block").toBe(1);
    expect(fit.outOfSample.ic).toBeCloseTo(defined.reduce((sum, f) => sum + f.ic, 0) / defined.length, 12);
  });
});

describe("fitWeights: the out-of-sample deciles' intervals", () => {
  /** `set` moved `ms` later on the receive clock (its updates and its quotes). */
  const later = (set: SampleSet, ms: number): SampleSet => ({
    ...set,
    receiveTime: set.receiveTime.map((t) => t + ms),
    quotes: { ...set.quotes, receiveTime: set.quotes.receiveTime.map((t) => t + ms) },
  });
  // 300 updates 100 ms apart: 30 s, three 10 s blocks a capture
  const short = [1, 2, 3, 4].map((k) => capture(`short${k}`, 0, 400 + k, 300, 1));
  const fitted = (sets: SampleSet[]) => fitWeights(sets, { horizonMs: 10, blocks: 3, components: ["orderbook", "orderflow"] });

  test("captures of the same 30 s share three blocks: too few for an interval, so none is given", () => {
    const deciles = fitted(short).outOfSample.calibration;
    expect(deciles.length).toBeGreaterThan(0);
    for (const d of deciles) expect(d.observedInterval).toBeNull();
  });

  test("the same captures an hour apart hold twelve blocks: deciles spread over ten or more have an interval, whatever the order of the captures", () => {
    const apart = short.map((s, k) => later(s, k * 3_600_000));
    const deciles = fitted(apart).outOfSample.calibration;
    const given = deciles.filter((d) => d.observedInterval !== null);
    expect(given.length).toBeGreaterThan(0);
    for (const d of given) {
      expect(d.observedInterval![0]).toBeLessThanOrEqual(d.observed);
      expect(d.observedInterval![1]).toBeGreaterThanOrEqual(d.observed);
    }
    const reversed = fitted([...apart].reverse()).outOfSample.calibration;
    expect(reversed.map((d) => d.observedInterval)).toEqual(deciles.map((d) => d.observedInterval));
  });

  test("no move anywhere: nothing to calibrate on is a typed error, not figures of NaN", () => {
    const still = [1, 2, 3].map((k) => holdStill(capture(`still${k}`, 0, 500 + k), () => true));
    expect(() => fitted(still)).toThrow(InvalidParameterError);
  });
});

describe("fitWeights: the confidence calibration", () => {
  /** Hits of the touch's side, for the pooled curve: strength |touch|, hit when the next move has its sign. */
  function pooledCurve(sets: SampleSet[]) {
    const strength: number[] = [],
      hit: boolean[] = [];
    for (const s of sets) {
      const touch = s.baselines.topOfBook,
        mid = s.quotes.mid;
      for (let i = 0; i < s.length; i++) {
        const m = mid[i + 1]! - mid[i]!;
        if (m === 0 || touch[i] === 0) continue;
        strength.push(Math.abs(touch[i]!));
        hit.push(m > 0 === touch[i]! > 0);
      }
    }
    return fitCalibration(strength, hit);
  }
  const top = (c: { probability: readonly number[] }): number => c.probability[c.probability.length - 1]!;

  test("on alike markets: calibrated out of sample, and the curve is the pooled one's within noise", () => {
    const sets = [1, 2, 3, 4].map((k) => capture(`alike${k}`, 0, 100 + k, 3000, 1));
    const fit = fitBy(sets, "mean");
    expect(fit.outOfSample.calibrationError).toBeLessThan(0.05);
    expect(fit.outOfSample.calibrationMisses).toBeLessThanOrEqual(2);
    for (const d of fit.outOfSample.calibration) {
      expect(d.observedInterval![0]).toBeLessThanOrEqual(d.observed);
      expect(d.observedInterval![1]).toBeGreaterThanOrEqual(d.observed);
    }
    expect(Math.abs(top(fit.calibration) - top(pooledCurve(sets)))).toBeLessThan(0.03);
  });

  test("on markets that differ: the strongest updates are promised less than the pooled markets' rate", () => {
    // three markets where the touch says much, one where noise drowns it
    const sets = [
      capture("clear1", 0, 201, 3000, 0.5),
      capture("clear2", 0, 202, 3000, 0.5),
      capture("clear3", 0, 203, 3000, 0.5),
      capture("noisy", 0, 204, 3000, 3),
    ];
    const fit = fitBy(sets, "mean");
    expect(top(fit.calibration)).toBeLessThan(top(pooledCurve(sets)) - 0.02);
  });
});
