/**
 * Execution decision: how urgently, how much of the volume, with which algorithm, on
 * which side, over what time and up to what price to act on a signal.
 *
 * To a trader: a strong, stable signal is worked fast and hard (aggressive TWAP over a
 * few seconds, paying up to a wider limit); a weak or jittery one is worked patiently
 * (passive participation over minutes, with a tight limit so a fading signal does not
 * chase the market).
 *
 * Rules. Urgency, participation and algorithm are the scoring layer's seed: urgency high
 * when strength > 0.8 and stability > 0.7, medium when strength > 0.5 and stability > 0.5,
 * else low; participation 0.3 / 0.2 / 0.1 for |bias| > 0.7 / > 0.3 / otherwise;
 * aggressive_twap / adaptive_vwap / passive_participation for high / medium / low.
 * Defined here:
 *  - time horizon = base·(1.5 − strength), base 5 s / 30 s / 120 s for high / medium /
 *    low, rounded to the millisecond: 2.5–3.5 s, 15–30 s, 60–180 s. At a fixed stability
 *    it never grows when strength rises: within a band by the factor, and across bands
 *    because medium's longest (30 s) is below low's at strength 0.5 (120 s) and high's
 *    longest (3.5 s) below medium's at 0.8 (21 s);
 *  - price limit = mid ± offset on the side the bias points (a buy pays up to above mid,
 *    a sell accepts down to below it, never below 0), offset = max(spread/2,
 *    volatility·mid)·(0.5 + strength)·(0.25 + 0.75·stability): at least the half-spread
 *    or one volatility move, scaled from 0.125× (weak, unstable) to 1.5× (strong, stable).
 */
import { requireInRange, requirePositive } from "../checks.js";
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
  /** 2500 … 180000 ms. */
  readonly timeHorizonMs: number;
  /** ≥ mid for a buy, in [0, mid] for a sell, null with no side (+Infinity only if mid + offset overflows). */
  readonly priceLimit: number | null;
}

const PLAN = {
  high: { algorithm: "aggressive_twap", baseHorizonMs: 5_000 },
  medium: { algorithm: "adaptive_vwap", baseHorizonMs: 30_000 },
  low: { algorithm: "passive_participation", baseHorizonMs: 120_000 },
} as const satisfies Record<Urgency, { algorithm: ExecutionAlgorithm; baseHorizonMs: number }>;

export function executionDecision(input: ExecutionInput): ExecutionDecision {
  const { directionalBias: bias, signalStrength: strength, stability, mid, spread, volatility } = input;
  requireInRange("directionalBias", bias, -1, 1);
  requireInRange("signalStrength", strength, 0, 1);
  requireInRange("stability", stability, 0, 1);
  requirePositive("mid", mid);
  requireInRange("spread", spread, 0, Infinity);
  requireInRange("volatility", volatility, 0, Infinity);

  const urgency: Urgency = strength > 0.8 && stability > 0.7 ? "high" : strength > 0.5 && stability > 0.5 ? "medium" : "low";
  const conviction = Math.abs(bias);
  const side: Side = bias > 0 ? "buy" : bias < 0 ? "sell" : "none";
  const plan = PLAN[urgency];
  let priceLimit: number | null = null;
  if (side !== "none") {
    const offset = Math.max(spread / 2, volatility * mid) * (0.5 + strength) * (0.25 + 0.75 * stability);
    priceLimit = side === "buy" ? mid + offset : Math.max(mid - offset, 0);
  }
  return {
    urgency,
    participationRate: conviction > 0.7 ? 0.3 : conviction > 0.3 ? 0.2 : 0.1,
    algorithm: plan.algorithm,
    side,
    timeHorizonMs: Math.round(plan.baseHorizonMs * (1.5 - strength)),
    priceLimit,
  };
}
