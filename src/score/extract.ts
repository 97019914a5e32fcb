/**
 * Trading components of a confluence update: the 0–100 score re-expressed as a direction
 * and a strength, next to the update's confidence, momentum and mean-reversion reading.
 *
 * To a trader: `directionalBias` says which way (−1 all-out sell … +1 all-out buy),
 * `signalStrength` how loudly (0 neutral … 1 extreme) regardless of side, `reliability`
 * how much to believe it. Everything in the strategy layer starts from these.
 *
 * Formula (the scoring layer's seed): bias = (score − 50)/50, strength = |score − 50|/50.
 */
import { requireInRange } from "../checks.js";

/** The parts of a confluence update (ConfluenceAnalyzer.update) this layer reads. */
export interface ScoreReading {
  /** 0 (strong sell) … 50 (neutral) … 100 (strong buy). */
  readonly score: number;
  /** 0 … 1. */
  readonly confidence: number;
  /** −1 … 1. */
  readonly momentum: number;
  /** −1 … 1. */
  readonly meanReversion: number;
}

export interface Components {
  /** −1 … 1: (score − 50)/50. */
  readonly directionalBias: number;
  /** 0 … 1: |score − 50|/50. */
  readonly signalStrength: number;
  /** 0 … 1: the update's confidence. */
  readonly reliability: number;
  /** −1 … 1. */
  readonly momentum: number;
  /** −1 … 1. */
  readonly meanReversion: number;
}

export function extractComponents(update: ScoreReading): Components {
  const { score, confidence, momentum, meanReversion } = update;
  checkReading(score, confidence, momentum, meanReversion);
  const centred = (score - 50) / 50;
  return { directionalBias: centred, signalStrength: Math.abs(centred), reliability: confidence, momentum, meanReversion };
}

/** Checks a reading's values: a typed error (InvalidValueError) for any outside its range. */
export function checkReading(score: number, confidence: number, momentum: number, meanReversion: number): void {
  requireInRange("score", score, 0, 100);
  requireInRange("confidence", confidence, 0, 1);
  requireInRange("momentum", momentum, -1, 1);
  requireInRange("meanReversion", meanReversion, -1, 1);
}
