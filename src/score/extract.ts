/**
 * Trading components of a confluence update: the 0–100 score re-expressed as a direction
 * and a strength, next to the update's confidence, momentum and mean-reversion reading.
 *
 * To a trader: `directionalBias` says which way (−1 all-out sell … +1 all-out buy),
 * `signalStrength` how loudly (0 neutral … 1 extreme) regardless of side, `reliability`
 * how much to believe it. Everything in the strategy layer starts from these.
 *
 * Formula (the scoring layer's seed): bias = (score − 50)/50, strength = |score − 50|/50.
 * `requireInRange` and `requirePositive` are the checks every scoring and strategy input
 * goes through, so a bad value is named the same way wherever it enters.
 */
import { InvalidValueError } from "../errors.js";

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

/**
 * Throws InvalidValueError unless `lo ≤ value ≤ hi` (NaN never passes; with hi = Infinity
 * the value must still be finite). `index` names the element of an array input.
 */
export function requireInRange(what: string, value: number, lo: number, hi: number, index = 0): void {
  if (value >= lo && value <= hi && value - value === 0) return;
  const expected = hi !== Infinity ? `a number from ${lo} to ${hi}` : lo !== -Infinity ? `a finite number ≥ ${lo}` : "a finite number";
  throw new InvalidValueError(what, index, value, expected);
}

/** Throws InvalidValueError unless `value` is finite and > 0 (prices, sizes). */
export function requirePositive(what: string, value: number, index = 0): void {
  if (value > 0 && value < Infinity) return;
  throw new InvalidValueError(what, index, value, "a finite number > 0");
}

export function extractComponents(update: ScoreReading): Components {
  const { score, confidence, momentum, meanReversion } = update;
  requireInRange("score", score, 0, 100);
  requireInRange("confidence", confidence, 0, 1);
  requireInRange("momentum", momentum, -1, 1);
  requireInRange("meanReversion", meanReversion, -1, 1);
  const centred = (score - 50) / 50;
  return { directionalBias: centred, signalStrength: Math.abs(centred), reliability: confidence, momentum, meanReversion };
}
