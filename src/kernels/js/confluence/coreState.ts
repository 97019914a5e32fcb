/**
 * The per-symbol state of the confluence core, twin of assembly/confluence/coreState.ts:
 * the same fields in the same order, the windows as the JS backend's own objects, and
 * the output slots as a Float64Array beside it.
 */
import type { ConfluenceCoreOptions } from "../../types.js";
import { JsRollingStats } from "../stats/rollingStats.js";
import { JsVolumeDeltaWindow } from "../flow/volumeDeltaWindow.js";
import { JsOrderFlowWindow } from "../book/orderFlowImbalance.js";

export class CoreState {
  readonly lookback: number;
  readonly depth: number;
  readonly ofiWindow: number;
  readonly flowWindow: number;
  trades = 0;
  quotes = 0;
  quotesAtBook = 0; // quotes counted at the last book: none since, and the book sets the touch
  books = 0;
  bookValid = 0;
  touchValid = 0;
  levels = 0;
  hasSentiment = 0;
  ringPos = 0;
  readonly linear: number; // 1: signals are clamp(g·raw, −1, 1); 0: squash(g·raw)
  readonly gain: number;
  readonly staleMs: number;
  readonly bookDepthWeight: number;
  readonly tradeFlowWeight: number;
  lastPrice = NaN;
  emaFast = 0;
  avgGain = 0;
  avgLoss = 0;
  vwapPQ = 0;
  vwapQ = 0;
  breakout = 0;
  dp2Long = 0;
  dwi = 0;
  microOffset = 0;
  touchImbalance = 0;
  touchSize = 0;
  touchSizeMean = NaN;
  mid = NaN;
  spread = NaN;
  microprice = NaN;
  sentiment = 0;
  sentimentTime = -Infinity;
  readonly weights: Float64Array; // O.COMPONENTS component weights
  readonly levelWeights: Float64Array; // N
  readonly book: Float64Array; // 4·N: bidPx, bidQty, askPx, askQty
  readonly priceRing: Float64Array; // L + 1
  readonly vd: JsVolumeDeltaWindow; // L trades
  readonly flow: JsVolumeDeltaWindow; // flowWindow trades
  readonly ofi: JsOrderFlowWindow; // ofiWindow quotes
  readonly prices: JsRollingStats;
  readonly sizes: JsRollingStats;
  readonly changes: JsRollingStats;
  readonly spreads: JsRollingStats;

  constructor(options: ConfluenceCoreOptions) {
    const { lookback, depth } = options;
    const long = lookback * 4;
    this.lookback = lookback;
    this.depth = depth;
    this.ofiWindow = options.ofiWindow;
    this.flowWindow = options.flowWindow;
    this.linear = options.signalShape === "linear" ? 1 : 0;
    this.gain = 4 * options.sensitivity;
    this.staleMs = options.staleMs;
    this.bookDepthWeight = options.bookDepthWeight;
    this.tradeFlowWeight = options.tradeFlowWeight;
    this.weights = Float64Array.from(options.weights);
    this.levelWeights = Float64Array.from(options.levelWeights);
    this.book = new Float64Array(4 * depth);
    this.priceRing = new Float64Array(lookback + 1);
    this.vd = new JsVolumeDeltaWindow(lookback, Infinity);
    this.flow = new JsVolumeDeltaWindow(options.flowWindow, Infinity);
    this.ofi = new JsOrderFlowWindow(options.ofiWindow);
    this.prices = new JsRollingStats(long, 2.0 / (long + 1), long);
    this.sizes = new JsRollingStats(long, 1, long, false);
    this.changes = new JsRollingStats(long, 1, long, false);
    this.spreads = new JsRollingStats(long, 1, 1, false);
  }
}

/** The weight of component `c` (an index of coreLayout). */
export const weight = (s: CoreState, c: number): number => s.weights[c]!;
