/**
 * Component weights and a confidence calibration from data, as `confluence fit` runs it: the
 * weights (non-negative, summing to 1) that maximise the rank IC of the score against the
 * forward mid move at one horizon, averaged over the training captures, found by
 * simplexSearch.ts; then the calibration (calibrate.ts) of the hit rate on signal strength
 * under those weights, and the confidence threshold that marks the strongest `actionableShare`
 * of the training updates actionable.
 *
 * Out of sample, by time-blocked cross-validation across captures: each capture's time span is
 * cut into `blocks` equal blocks; a fold scores one block of one capture with weights fitted on
 * the OTHER captures only, and only on their samples outside that block's minutes (widened by
 * the horizon on both sides, so no training label overlaps a test label in time). The captures
 * cover the same minutes in different markets, so this never fits and scores on the same
 * market or the same minutes. The score is 50 + 50·Σ w·signal (the core's combine), so the
 * rank IC of Σ w·signal is the score's.
 *
 * Two objectives: `mean`, the mean IC over the training captures (each counts once); and
 * `worst-gain`, the smallest gain of IC over the capture's own top-of-book imbalance — weights
 * that add to the touch on every training market rather than on average (a component that
 * helps three markets a lot and hurts the fourth scores by the fourth).
 */
import { InvalidParameterError } from "../errors.js";
import { COMPONENT_NAMES, type ComponentName } from "../kernels/coreLayout.js";
import type { ComponentWeights } from "../confluence/config.js";
import type { ConfidenceCalibration } from "../confluence/calibration.js";
import { calibratedConfidence } from "../confluence/calibration.js";
import { forwardMoves } from "../evaluate/forwardMoves.js";
import type { SampleSet } from "../evaluate/sampleSet.js";
import { averageRanks, pearson, spearman } from "../evaluate/spearman.js";
import { composeCalibrations, fitCalibration } from "./calibrate.js";
import {
  BlockBootstrap,
  DEFAULT_MIN_BLOCK_MS,
  DEFAULT_REPLICATES,
  DEFAULT_SEED,
  MIN_BLOCKS,
  denseIds,
  percentileInterval,
} from "../evaluate/blockBootstrap.js";
import { FIT_OBJECTIVES, type FitObjective } from "./objective.js";
import { maximizeOnSimplex } from "./simplexSearch.js";

export interface FitOptions {
  /** The horizon the score is fitted for (ms). */
  readonly horizonMs: number;
  /** `mean` IC (default), or the `worst-gain` of IC over the top-of-book imbalance, across training captures. */
  readonly objective?: FitObjective;
  /** Time blocks per capture in the cross-validation. Default 3. */
  readonly blocks?: number;
  /** Labelled samples per capture the weight search reads (evenly thinned beyond it). Default 8,000. */
  readonly maxSamplesPerSet?: number;
  /** The share of training updates the fitted threshold marks actionable. Default 0.3. */
  readonly actionableShare?: number;
  /** Components the fit may weigh; the rest get 0. Default: every component with data. */
  readonly components?: readonly ComponentName[];
}

/** A fold of the cross-validation: one block of one capture, scored with weights fitted elsewhere. */
interface FitFold {
  readonly capture: string;
  readonly symbol: string;
  readonly block: number;
  readonly samples: number;
  readonly weights: ComponentWeights;
  /** Rank IC on the fold of the score under those weights, and of the top-of-book imbalance. */
  readonly ic: number;
  readonly topOfBookIc: number;
}

/** One decile of the out-of-sample predictions: mean predicted probability, observed hit rate, samples. */
interface CalibrationDecile {
  readonly predicted: number;
  readonly observed: number;
  readonly samples: number;
  /** 95% interval of the observed rate: a block bootstrap over 10 s slots of the shared receive clock; null with fewer than MIN_BLOCKS blocks in the decile. */
  readonly observedInterval: readonly [number, number] | null;
}

export interface FitResult {
  readonly horizonMs: number;
  readonly objective: FitObjective;
  /** The components the fit could weigh (FitOptions.components). */
  readonly components: readonly ComponentName[];
  /** Fitted on every capture: what a preset takes. */
  readonly weights: ComponentWeights;
  readonly calibration: ConfidenceCalibration;
  readonly confidenceThreshold: number;
  /** Rank IC of the fitted score on each capture it was fitted on (in sample). */
  readonly inSample: readonly { readonly capture: string; readonly symbol: string; readonly ic: number; readonly topOfBookIc: number }[];
  readonly folds: readonly FitFold[];
  /**
   * Out of sample: the mean IC over the folds that have one (a block whose moves are all zero has none;
   * NaN when no fold has), and the calibration — every fold's updates with the
   * probability the calibration fitted on that fold's training captures gives them, pooled and cut
   * into deciles of prediction; `calibrationError` is the largest |predicted − observed| of them (NaN without any),
   * `calibrationMisses` the deciles whose observed rate's 95% interval does not hold the prediction.
   */
  readonly outOfSample: {
    readonly ic: number;
    readonly topOfBookIc: number;
    readonly calibration: readonly CalibrationDecile[];
    readonly calibrationError: number;
    /** Deciles whose prediction lies outside the 95% interval of their observed rate. */
    readonly calibrationMisses: number;
  };
}

/** One capture's labelled samples at the horizon: component signals, move, time, top-of-book. */
interface Labelled {
  readonly capture: string;
  readonly symbol: string;
  readonly time: Float64Array;
  readonly move: Float64Array;
  readonly signals: readonly Float64Array[];
  readonly topOfBook: Float64Array;
}

function labelled(set: SampleSet, horizonMs: number): Labelled {
  const { move } = forwardMoves(set, horizonMs);
  const keep: number[] = [];
  const tob = set.baselines.topOfBook;
  for (let i = 0; i < set.length; i++) if (move[i] === move[i] && tob[i] === tob[i]) keep.push(i);
  const pick = (column: Float64Array, f: (x: number) => number = (x) => x): Float64Array => Float64Array.from(keep, (i) => f(column[i]!));
  return {
    capture: set.capture,
    symbol: set.symbol,
    time: pick(set.receiveTime),
    move: pick(move),
    signals: COMPONENT_NAMES.map((name) => pick(set.components[name], (s) => (s - 50) / 50)),
    topOfBook: pick(tob),
  };
}

/** The rows of `l` for which `take(time)` holds, thinned evenly to at most `max`. */
function subset(l: Labelled, take: (t: number) => boolean, max = Infinity): Labelled {
  const rows: number[] = [];
  for (let i = 0; i < l.time.length; i++) if (take(l.time[i]!)) rows.push(i);
  const stride = rows.length > max ? rows.length / max : 1;
  const kept = stride === 1 ? rows : Array.from({ length: Math.floor(rows.length / stride) }, (_, k) => rows[Math.floor(k * stride)]!);
  const pick = (c: Float64Array): Float64Array => Float64Array.from(kept, (i) => c[i]!);
  return { ...l, time: pick(l.time), move: pick(l.move), signals: l.signals.map(pick), topOfBook: pick(l.topOfBook) };
}

function combined(l: Labelled, w: ArrayLike<number>): Float64Array {
  const x = new Float64Array(l.time.length);
  for (let c = 0; c < l.signals.length; c++) {
    const wc = w[c]!;
    if (wc === 0) continue;
    const s = l.signals[c]!;
    for (let i = 0; i < x.length; i++) x[i]! += wc * s[i]!;
  }
  return x;
}

/** The weights maximising `objective` over `train`: the mean rank IC (each capture counts once), or the worst gain over the touch. */
function searchWeights(train: readonly Labelled[], frozen: readonly boolean[], objective: FitObjective): Float64Array {
  const moveRanks = train.map((l) => averageRanks(l.move));
  const touchIc = train.map((l, k) => (objective === "mean" ? 0 : pearson(averageRanks(l.topOfBook), moveRanks[k]!)));
  const value = (w: Float64Array): number => {
    let sum = 0,
      worst = Infinity;
    for (let k = 0; k < train.length; k++) {
      const ic = pearson(averageRanks(combined(train[k]!, w)), moveRanks[k]!);
      sum += ic;
      worst = Math.min(worst, ic - touchIc[k]!);
    }
    return objective === "mean" ? sum / train.length : worst;
  };
  return maximizeOnSimplex(value, COMPONENT_NAMES.length, { frozen, initialStep: 0.25, minStep: 1 / 64 }).weights;
}

/**
 * Per labelled sample with a move and a side: the signal strength |Σ w·signal| (the score's
 * |score − 50|/50) and whether the side matched the move's sign. Zero moves and zero signals
 * say nothing about a side and are left out.
 */
function hits(sets: readonly Labelled[], w: ArrayLike<number>): [number[], boolean[], number[]] {
  const strength: number[] = [],
    hit: boolean[] = [],
    time: number[] = [];
  for (const l of sets) {
    const x = combined(l, w);
    for (let i = 0; i < x.length; i++) {
      const m = l.move[i]!;
      if (m === 0 || x[i] === 0) continue;
      strength.push(Math.min(Math.abs(x[i]!), 1));
      hit.push(m > 0 === x[i]! > 0);
      time.push(l.time[i]!);
    }
  }
  return [strength, hit, time];
}

/** The signal strength |Σ w·signal| (the score's |score − 50|/50) of every labelled sample. */
function strengths(sets: readonly Labelled[], w: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (const l of sets) for (const x of combined(l, w)) out.push(Math.min(Math.abs(x), 1));
  return out;
}

/**
 * Predictions cut into deciles of the predicted probability: each one's mean prediction and
 * observed hit rate, with a 95% interval for the observed rate from a block bootstrap (whole
 * `blockKey` blocks of time drawn with replacement; blockBootstrap.ts) — consecutive updates share
 * their outcome, so a decile of thousands of updates holds far fewer independent ones.
 */
function calibrationDeciles(p: number[], hit: boolean[], blockKey: number[]): CalibrationDecile[] {
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]! || a - b);
  const { ids, blocks } = denseIds(blockKey);
  const boot = new BlockBootstrap(Math.max(blocks, 1), DEFAULT_REPLICATES, DEFAULT_SEED);
  const draws = Array.from({ length: boot.replicates }, (_, r) => boot.draws(r));
  const out: CalibrationDecile[] = [];
  for (let d = 0; d < 10; d++) {
    const from = Math.floor((order.length * d) / 10),
      to = Math.floor((order.length * (d + 1)) / 10);
    if (to === from) continue;
    let predicted = 0,
      observed = 0;
    const n = new Float64Array(blocks),
      h = new Float64Array(blocks);
    for (let k = from; k < to; k++) {
      const i = order[k]!,
        b = ids[i]!;
      predicted += p[i]!;
      n[b]!++;
      if (hit[i]) {
        observed++;
        h[b]!++;
      }
    }
    // each replicate's rate: its blocks' hits over its blocks' samples, each block counted as often as drawn
    const rates = Float64Array.from(draws, (counts) => {
      let nn = 0,
        hh = 0;
      for (let b = 0; b < counts.length; b++) {
        nn += counts[b]! * n[b]!;
        hh += counts[b]! * h[b]!;
      }
      return nn > 0 ? hh / nn : NaN;
    });
    let held = 0;
    for (let b = 0; b < n.length; b++) if (n[b]! > 0) held++;
    out.push({
      predicted: predicted / (to - from),
      observed: observed / (to - from),
      samples: to - from,
      observedInterval: held >= MIN_BLOCKS ? percentileInterval(rates, 0.95) : null,
    });
  }
  return out;
}

/** One fold of the cross-validation: a time block of one capture, and the other captures outside its minutes. */
interface CrossFold {
  /** The tested block's index within its capture. */
  readonly b: number;
  readonly fold: Labelled;
  readonly train: readonly Labelled[];
}

/**
 * The cross-validation's folds: each capture's span cut into `blocks` blocks; a fold tests one
 * block of one capture against the OTHER captures' samples outside that block's minutes widened
 * by the horizon (so no training label overlaps a test label in time). Folds with fewer than two
 * samples, or nothing to train on, are skipped.
 */
function* crossFolds(sets: readonly Labelled[], blocks: number, horizonMs: number): Generator<CrossFold> {
  for (const [f, test] of sets.entries()) {
    if (test.time.length === 0) continue;
    const t0 = test.time[0]!,
      span = test.time[test.time.length - 1]! - t0;
    for (let b = 0; b < blocks; b++) {
      const lo = t0 + (span * b) / blocks,
        hi = b === blocks - 1 ? Infinity : t0 + (span * (b + 1)) / blocks;
      const fold = subset(test, (t) => t >= lo && t < hi);
      if (fold.time.length < 2) continue;
      const train = sets
        .filter((_, g) => g !== f)
        .map((l) => subset(l, (t) => t < lo - horizonMs || t >= hi + horizonMs))
        .filter((l) => l.time.length >= 2);
      if (train.length > 0) yield { b, fold, train };
    }
  }
}

/**
 * The confidence calibration for a market none of `sets` is: the curve of hit rate on strength
 * fitted on all of them (calibrate.ts), followed by a second non-decreasing curve that maps its
 * probability to the hit rate it achieves on a market and minutes it was not fitted on — learned
 * by the same cross-validation inside `sets` (each capture's blocks predicted by a curve fitted
 * on the others outside those minutes). The pooled curve alone promises each market the pooled
 * markets' hit rates; where markets differ (at 1 s the strongest fifth of updates hits 0.78 on
 * USD-M ETHUSDT and 0.92 on spot ETHUSDT), the second curve pulls the promise back to what an
 * unseen market gets. With a single set there is nothing to cross-validate: the pooled curve.
 */
function crossFittedCalibration(sets: readonly Labelled[], w: ArrayLike<number>, blocks: number, horizonMs: number): ConfidenceCalibration {
  const [pooledStrength, pooledHit] = hits(sets, w);
  const pooled = fitCalibration(pooledStrength, pooledHit);
  const predicted: number[] = [],
    hit: boolean[] = [];
  for (const { fold, train } of crossFolds(sets, blocks, horizonMs)) {
    const [trainStrength, trainHit] = hits(train, w);
    const [strength, foldHit] = hits([fold], w);
    if (trainStrength.length === 0) continue;
    const inner = fitCalibration(trainStrength, trainHit);
    for (const [i, s] of strength.entries()) {
      predicted.push(calibratedConfidence(inner, s));
      hit.push(foldHit[i]!);
    }
  }
  return predicted.length === 0 ? pooled : composeCalibrations(fitCalibration(predicted, hit), pooled);
}

const asWeights = (w: ArrayLike<number>): ComponentWeights =>
  Object.fromEntries(COMPONENT_NAMES.map((name, c) => [name, w[c]!])) as unknown as ComponentWeights;

/** Fits weights, calibration and threshold on `sets` (one per capture and symbol) and cross-validates them. */
export function fitWeights(sets: readonly SampleSet[], options: FitOptions): FitResult {
  const { horizonMs, blocks = 3, maxSamplesPerSet = 8_000, actionableShare = 0.3, objective = "mean" } = options;
  if (!(FIT_OBJECTIVES as readonly unknown[]).includes(objective))
    throw new InvalidParameterError("objective", objective, `one of ${FIT_OBJECTIVES.join(", ")}`);
  if (!(horizonMs > 0 && horizonMs < Infinity)) throw new InvalidParameterError("horizonMs", horizonMs, "a finite number of ms > 0");
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > 100)
    throw new InvalidParameterError("blocks", blocks, "an integer from 1 to 100");
  if (!(actionableShare > 0 && actionableShare < 1))
    throw new InvalidParameterError("actionableShare", actionableShare, "a number in (0, 1)");
  const all = sets.map((s) => labelled(s, horizonMs)).filter((l) => l.time.length >= 2);
  if (all.length < 2)
    throw new InvalidParameterError("captures", all.length, "at least two captures with labelled samples (one to fit, one to check)");
  const allowed = options.components ?? COMPONENT_NAMES;
  // a component is fitted when it is allowed and varies somewhere (sentiment has no data in a capture)
  const frozen = COMPONENT_NAMES.map(
    (name, c) => !allowed.includes(name) || all.every((l) => l.signals[c]!.every((x) => x === l.signals[c]![0])),
  );

  const folds: FitFold[] = [];
  const predicted: number[] = [],
    observed: boolean[] = [],
    blockOf: number[] = [];
  for (const { b, fold, train } of crossFolds(all, blocks, horizonMs)) {
    const w = searchWeights(
      train.map((l) => subset(l, () => true, maxSamplesPerSet)),
      frozen,
      objective,
    );
    const calibration = crossFittedCalibration(train, w, blocks, horizonMs);
    const [strength, hit, time] = hits([fold], w);
    for (const [i, s] of strength.entries()) {
      predicted.push(calibratedConfidence(calibration, s));
      observed.push(hit[i]!);
      // slots of the shared receive clock, as evaluate's: captures of the same minutes share a block (their outcomes are correlated)
      blockOf.push(Math.floor(time[i]! / Math.max(DEFAULT_MIN_BLOCK_MS, horizonMs)));
    }
    folds.push({
      capture: fold.capture,
      symbol: fold.symbol,
      block: b,
      samples: fold.time.length,
      weights: asWeights(w),
      ic: spearman(combined(fold, w), fold.move),
      topOfBookIc: spearman(fold.topOfBook, fold.move),
    });
  }

  if (folds.length === 0) {
    throw new InvalidParameterError(
      "folds",
      0,
      `a fold with training samples: captures longer than the horizon (${horizonMs} ms) around a block`,
    );
  }
  const w = searchWeights(
    all.map((l) => subset(l, () => true, maxSamplesPerSet)),
    frozen,
    objective,
  );
  const inSample = all.map((l) => ({
    capture: l.capture,
    symbol: l.symbol,
    ic: spearman(combined(l, w), l.move),
    topOfBookIc: spearman(l.topOfBook, l.move),
  }));

  const calibration = crossFittedCalibration(all, w, blocks, horizonMs);
  // the share is of every update: zero moves included (whether the mid moved is the outcome, not something known at the update)
  const confidences = strengths(all, w)
    .map((s) => calibratedConfidence(calibration, s))
    .sort((a, b) => a - b);
  const confidenceThreshold = confidences[Math.min(confidences.length - 1, Math.floor(confidences.length * (1 - actionableShare)))]!;

  // over the folds where the IC is defined (a block whose moves are all zero has none): one such block must not void the rest
  const mean = (xs: number[]): number => {
    const defined = xs.filter((x) => x === x);
    return defined.length > 0 ? defined.reduce((s, x) => s + x, 0) / defined.length : Number.NaN;
  };
  const deciles = calibrationDeciles(predicted, observed, blockOf);
  return {
    horizonMs,
    objective,
    components: [...allowed],
    weights: asWeights(w),
    calibration,
    confidenceThreshold,
    inSample,
    folds,
    outOfSample: {
      ic: mean(folds.map((f) => f.ic)),
      topOfBookIc: mean(folds.map((f) => f.topOfBookIc)),
      calibration: deciles,
      calibrationError: deciles.length > 0 ? Math.max(...deciles.map((d) => Math.abs(d.predicted - d.observed))) : Number.NaN,
      calibrationMisses: deciles.filter(
        (d) => d.observedInterval !== null && (d.predicted < d.observedInterval[0] || d.predicted > d.observedInterval[1]),
      ).length,
    },
  };
}
