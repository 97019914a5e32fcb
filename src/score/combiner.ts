/**
 * Score combiners: three ways to merge several models' readings of one symbol into one
 * signal in [−1, 1].
 *
 * To a trader: `ScoreCombiner.linear` is a fixed blend (say 50 % order flow, 30 % book,
 * 20 % momentum). `confidenceWeighted` lets sure models speak louder and reports less
 * confidence when they disagree: ensemble confidence = mean(cᵢ)·(1 − D), with D the
 * confidence-weighted standard deviation of the biases √(Σcᵢ(bᵢ − composite)²/Σcᵢ),
 * which lies in [0, 1] for biases in [−1, 1] (Popoviciu's inequality) — two equally sure
 * models at +1 and −1 give composite 0 and confidence 0. `RankCombiner` compares each
 * model only with its own recent history (signed percentile, as the ScoreNormalizer) and
 * averages, so a model that always reads 70 does not outvote one that rarely leaves 50.
 */
import { DisposedError, InvalidParameterError, InvalidWeightsError, LengthMismatchError } from "../errors.js";
import type { Kernels, RollingStatsWindow } from "../kernels/types.js";
import { MAX_WINDOW } from "../kernels/validate.js";
import { requireInRange } from "../checks.js";
import { signedPercentile } from "./normalizer.js";

const WEIGHT_SUM_TOLERANCE = 1e-9;

const clampUnit = (x: number): number => (x > 1 ? 1 : x < -1 ? -1 : x);

/** A fixed linear blend; the weights are checked once, here. */
export class ScoreCombiner {
  private readonly weights: Float64Array;

  /** Weights: at least one, each finite and ≥ 0, summing to 1 within 1e-9 (then rescaled to sum to 1). */
  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new InvalidWeightsError("ScoreCombiner weights", "none given: expected at least one weight");
    let sum = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0 && w < Infinity))
        throw new InvalidWeightsError("ScoreCombiner weights", `weight[${i}] = ${w}: expected a finite number ≥ 0`);
      sum += w;
    });
    if (!(Math.abs(sum - 1) <= WEIGHT_SUM_TOLERANCE)) {
      throw new InvalidWeightsError("ScoreCombiner weights", `they sum to ${sum}: expected 1 within ${WEIGHT_SUM_TOLERANCE}`);
    }
    this.weights = Float64Array.from(weights, (w) => w / sum);
  }

  /** Σ wᵢ·vᵢ over values in [−1, 1], one per weight; in [−1, 1]. */
  linear(values: readonly number[]): number {
    const w = this.weights;
    if (values.length !== w.length) throw new LengthMismatchError("ScoreCombiner.linear values", w.length, values.length);
    let sum = 0;
    for (let i = 0; i < w.length; i++) {
      const v = values[i]!;
      requireInRange("values", v, -1, 1, i);
      sum += w[i]! * v;
    }
    return clampUnit(sum);
  }
}

export interface ModelReading {
  /** −1 … 1. */
  readonly bias: number;
  /** 0 … 1. */
  readonly confidence: number;
}

export interface EnsembleReading {
  /** −1 … 1: Σcᵢbᵢ/Σcᵢ (0 when Σcᵢ = 0). */
  readonly composite: number;
  /** 0 … 1: mean(cᵢ)·(1 − dispersion). */
  readonly confidence: number;
  /** 0 … 1: D, the confidence-weighted standard deviation of the biases. */
  readonly dispersion: number;
}

/**
 * Confidences are scaled by the largest one before weighting (the ratios are what
 * count), so tiny or subnormal confidences weight as precisely as large ones.
 */
export function confidenceWeighted(models: readonly ModelReading[]): EnsembleReading {
  let total = 0,
    largest = 0;
  models.forEach(({ bias, confidence }, i) => {
    requireInRange("bias", bias, -1, 1, i);
    requireInRange("confidence", confidence, 0, 1, i);
    total += confidence;
    if (confidence > largest) largest = confidence;
  });
  if (largest === 0) return { composite: 0, confidence: 0, dispersion: 0 };
  let weight = 0,
    weighted = 0;
  for (const { bias, confidence } of models) {
    const w = confidence / largest;
    weight += w;
    weighted += w * bias;
  }
  const composite = clampUnit(weighted / weight);
  let spread = 0;
  for (const { bias, confidence } of models) spread += (confidence / largest) * (bias - composite) ** 2;
  const dispersion = Math.min(1, Math.sqrt(spread / weight));
  return { composite, confidence: (total / models.length) * (1 - dispersion), dispersion };
}

/** Mean over models of each model's signed percentile within its own last `window` scores. */
export class RankCombiner {
  private readonly windows: RollingStatsWindow[];
  private disposed = false;

  /** modelCount ≥ 1 models, each ranked over its last `window` (2 … MAX_WINDOW) scores. */
  constructor(
    kernels: Kernels,
    readonly modelCount: number,
    readonly window = 100,
  ) {
    if (!(Number.isInteger(modelCount) && modelCount >= 1)) throw new InvalidParameterError("modelCount", modelCount, "an integer ≥ 1");
    if (!(Number.isInteger(window) && window >= 2 && window <= MAX_WINDOW)) {
      throw new InvalidParameterError("window", window, `an integer from 2 to ${MAX_WINDOW}`);
    }
    this.windows = Array.from({ length: modelCount }, () => kernels.rollingStats(window, { minPeriods: 1 }));
  }

  /** One 0–100 score per model; returns the mean signed percentile, in (−1, 1). */
  update(scores: readonly number[]): number {
    this.requireLive();
    const windows = this.windows;
    if (scores.length !== windows.length) throw new LengthMismatchError("RankCombiner.update scores", windows.length, scores.length);
    for (let i = 0; i < scores.length; i++) requireInRange("scores", scores[i]!, 0, 100, i);
    let sum = 0;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      w.push(scores[i]!);
      sum += signedPercentile(w.rank(), w.count);
    }
    return sum / windows.length;
  }

  /** True once every model's window is full. */
  get isStable(): boolean {
    this.requireLive();
    return this.windows[0]!.isStable;
  }

  reset(): void {
    this.requireLive();
    for (const w of this.windows) w.reset();
  }

  /** Releases the kernel windows; any later use throws DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const w of this.windows) w.dispose();
  }

  private requireLive(): void {
    if (this.disposed) throw new DisposedError("RankCombiner");
  }
}
