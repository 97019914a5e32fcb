/**
 * Execution decision: how urgently, how much of the volume, with which algorithm, on
 * which side, over what time and up to what price to act on a signal.
 *
 * To a trader: a strong, stable signal is worked fast and hard (aggressive TWAP, paying up
 * to a wider limit); a weak or jittery one is worked patiently (passive participation,
 * with a tight limit so a fading signal does not chase the market) — and every plan is
 * over within seconds, because that is how long the signal predicts the mid.
 *
 * Rules (the thresholds are the configuration's `decision` keys, confluence/decisionConfig.ts):
 *  - side: the side held by a DecisionTracker (hysteresis); for a single reading, the side
 *    the bias points to beyond the deadband: buy above +enter, sell below −enter, else none;
 *  - urgency from u = strength·stability: high when u ≥ urgencyHigh, medium when
 *    u ≥ urgencyMedium, else low — thresholds set at quantiles of u on the captures, so
 *    every level occurs (the seed's strength > 0.8 and stability > 0.7 never did together);
 *  - algorithm aggressive_twap / adaptive_vwap / passive_participation for high / medium /
 *    low, participation 0.3 / 0.2 / 0.1 for |bias| > 0.7 / > 0.3 / otherwise (the seed's);
 *  - time horizon = horizonMs·(1.5 − strength), rounded to the millisecond: 0.5–1.5×
 *    horizonMs, never longer for a stronger signal. horizonMs is the measured decay of the
 *    signal: the horizon at which the rank IC of the bias against the forward mid move
 *    falls to half its 100 ms value;
 *  - price limit = mid ± offset on the side held (a buy pays up to above mid, a sell
 *    accepts down to below it, never below 0), offset = max(spread/2,
 *    volatility·mid)·(0.5 + strength)·(0.25 + 0.75·stability): at least the half-spread
 *    or one volatility move, scaled from 0.125× (weak, unstable) to 1.5× (strong, stable).
 */
import { requireInRange, requirePositive } from "../checks.js";
import { PRESETS } from "../confluence/config.js";
import { resolveDecisionConfig, type DecisionConfig, type DecisionConfigInput } from "../confluence/decisionConfig.js";
import type { Components } from "../score/extract.js";

export type Urgency = "high" | "medium" | "low";
export type ExecutionAlgorithm = "aggressive_twap" | "adaptive_vwap" | "passive_participation";
export type Side = "buy" | "sell" | "none";

export interface ExecutionInput extends Pick<Components, "directionalBias" | "signalStrength"> {
  /** 0 … 1: how steady the signal has been. */
  readonly stability: number;
  /** Mid price, > 0. */
  readonly mid: number;
  /** Quoted spread, ≥ 0, in price units. */
  readonly spread: number;
  /** ≥ 0, a fraction of price per horizon unit. */
  readonly volatility: number;
}

export interface ExecutionDecision {
  readonly urgency: Urgency;
  /** 0.1, 0.2 or 0.3: the share of market volume to take. */
  readonly participationRate: number;
  readonly algorithm: ExecutionAlgorithm;
  readonly side: Side;
  /** 0.5–1.5 × the configured horizonMs (1.5–4.5 s with the default preset). */
  readonly timeHorizonMs: number;
  /** ≥ mid for a buy, in [0, mid] for a sell, null with no side (+Infinity only if mid + offset overflows). */
  readonly priceLimit: number | null;
}

const ALGORITHM = {
  high: "aggressive_twap",
  medium: "adaptive_vwap",
  low: "passive_participation",
} as const satisfies Record<Urgency, ExecutionAlgorithm>;

/** The decision for one reading, on its own: the side is where the bias points beyond ±enter (no memory; a stream of readings wants a DecisionTracker). */
export function executionDecision(input: ExecutionInput, config: DecisionConfigInput = {}): ExecutionDecision {
  return planExecution(input, null, resolveDecisionConfig(PRESETS.default.decision, config));
}

/**
 * The plan for `side` (null: the side of the bias beyond ±enter) under a resolved
 * configuration. Checks the input first: a bad value is a typed error, nothing is planned.
 */
export function planExecution(input: ExecutionInput, side: Side | null, config: DecisionConfig): ExecutionDecision {
  const { directionalBias: bias, signalStrength: strength, stability, mid, spread, volatility } = input;
  requireInRange("directionalBias", bias, -1, 1);
  requireInRange("signalStrength", strength, 0, 1);
  requireInRange("stability", stability, 0, 1);
  requirePositive("mid", mid);
  requireInRange("spread", spread, 0, Infinity);
  requireInRange("volatility", volatility, 0, Infinity);

  const held = side ?? (bias > config.enter ? "buy" : bias < -config.enter ? "sell" : "none");
  const u = strength * stability;
  const urgency: Urgency = u >= config.urgencyHigh ? "high" : u >= config.urgencyMedium ? "medium" : "low";
  const conviction = Math.abs(bias);
  let priceLimit: number | null = null;
  if (held !== "none") {
    const offset = Math.max(spread / 2, volatility * mid) * (0.5 + strength) * (0.25 + 0.75 * stability);
    priceLimit = held === "buy" ? mid + offset : Math.max(mid - offset, 0);
  }
  return {
    urgency,
    participationRate: conviction > 0.7 ? 0.3 : conviction > 0.3 ? 0.2 : 0.1,
    algorithm: ALGORITHM[urgency],
    side: held,
    timeHorizonMs: Math.round(config.horizonMs * (1.5 - strength)),
    priceLimit,
  };
}
