/**
 * The labelled sample set of one capture and symbol: per score update, what the engine said
 * (score, each component's sub-score, the composite's directional bias, confidence,
 * actionable, the decision) and what the plain one-line baselines said at that same moment,
 * computed from the same accepted events; plus the mid timeline of the best quote on the
 * local receive clock, from which forwardMoves.ts labels each update with what the market
 * did next. Columns of typed arrays, one entry per update in receive-time order: cheap to
 * hold for hours of data, and what `evaluate` (and a weight fit) reads. NaN is "no value":
 * a baseline still warming up.
 *
 * The baselines (what a score must beat to be worth its complexity):
 * - topOfBook: (Bq − Aq)/(Bq + Aq) of the latest best quote — the queue imbalance at the touch
 *   (Cartea, Jaimungal & Ricci 2018, "Enhancing trading strategies with order book signals");
 * - top5: the same over the top five levels of the synced book;
 * - ofi10: order-flow imbalance over the last 10 best quotes, Σe/Σ|e| with e the
 *   Cont–Kukanov–Stoikov (2014) event of a quote change, normalised as the core does;
 * - volumeDelta50: (buy − sell)/(buy + sell) volume of the last 50 trades.
 *
 * On request a set also carries the multi-timeframe composite (src/score/multiTimeframe.ts) at each
 * update: the slower components' place is the longer timeframes, judged at the longer horizons.
 */
import type { ComponentName } from "../kernels/coreLayout.js";
import type { ExecutionAlgorithm, Urgency } from "../strategy/execution.js";

export const BASELINE_NAMES = ["topOfBook", "top5", "ofi10", "volumeDelta50"] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];

/** The decision's urgency and algorithm as indices into these lists (−1: no decision). */
export const URGENCIES = ["high", "medium", "low"] as const satisfies readonly Urgency[];
export const ALGORITHMS = ["aggressive_twap", "adaptive_vwap", "passive_participation"] as const satisfies readonly ExecutionAlgorithm[];

/** What the collector counted while building the set. */
export interface SampleCounts {
  /** Score updates the engine produced for this symbol. */
  readonly updates: number;
  /** Updates not kept: beyond `maxSamples`, without a receive time, or older on the receive clock than the one before. */
  readonly updatesDropped: number;
  /** Best quotes accepted by the engine. */
  readonly quotes: number;
  /** Quotes left out of the mid timeline: beyond `maxQuotes`, without a receive time, or older on the receive clock than the one before. */
  readonly quotesDropped: number;
  /** Trades accepted by the engine. */
  readonly trades: number;
  /** First and last local receive time (ms) of any event of the symbol (NaN before one). */
  readonly firstReceiveTime: number;
  readonly lastReceiveTime: number;
}

export interface SampleSet {
  /** The capture (file) the samples come from. */
  readonly capture: string;
  readonly symbol: string;
  /** Samples: the entries of each column. */
  readonly length: number;
  /** Local receive time (ms) of the event that triggered each update: ascending. */
  readonly receiveTime: Float64Array;
  /** Exchange time (ms) of the same event (its receive time when it carries none). */
  readonly time: Float64Array;
  readonly score: Float64Array;
  readonly confidence: Float64Array;
  /** 1 when the update was actionable. */
  readonly actionable: Uint8Array;
  /** The composite's directional bias, −1…1. */
  readonly bias: Float64Array;
  /** The composite's signal strength × stability, 0–1: what grades the decision's urgency. */
  readonly urgencyInput: Float64Array;
  /** Each component's sub-score, 0–100. */
  readonly components: Readonly<Record<ComponentName, Float64Array>>;
  readonly baselines: Readonly<Record<BaselineName, Float64Array>>;
  /**
   * The multi-timeframe composite's directional reading, −1…1 (MultiTimeframeScorer over 1 s, 5 s,
   * 30 s and 5 min bars, computed at the update's time; NaN while no timeframe scores) — present when
   * the collector was asked for it (`multiTimeframe`).
   */
  readonly multiTimeframe?: Float64Array;
  /** The decision's side: +1 buy, −1 sell, 0 none or no decision. */
  readonly side: Int8Array;
  /** Index into URGENCIES and ALGORITHMS; −1 when the update had no decision. */
  readonly urgency: Int8Array;
  readonly algorithm: Int8Array;
  /** The latest quote of `quotes` when the update was made; −1 before the first. */
  readonly quoteIndex: Int32Array;
  /** The mid timeline of the best quote on the receive clock (times ascending). */
  readonly quotes: { readonly receiveTime: Float64Array; readonly mid: Float64Array };
  readonly counts: SampleCounts;
}
