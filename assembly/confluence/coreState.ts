/**
 * The per-symbol state of the confluence core and its accessors. A core is one block of
 * linear memory: the output slots (assembly/generated/coreLayout.ts) first, this state
 * right after them, then the buffers and windows it points to (core.ts lays them out).
 * The JS twin keeps the same fields in the same order (src/kernels/js/confluence/coreState.ts).
 */
import * as O from "../generated/coreLayout";

@unmanaged
export class CoreState {
  lookback: i32;
  depth: i32;
  ofiWindow: i32;
  flowWindow: i32;
  trades: i32;
  quotes: i32;
  quotesAtBook: i32; // quotes counted at the last book: none since, and the book sets the touch
  books: i32;
  bookValid: i32;
  touchValid: i32;
  levels: i32;
  hasSentiment: i32;
  ringPos: i32;
  linear: i32; // 1: signals are clamp(g·raw, −1, 1); 0: squash(g·raw)
  gain: f64;
  staleMs: f64;
  bookDepthWeight: f64;
  tradeFlowWeight: f64;
  lastPrice: f64;
  emaFast: f64;
  avgGain: f64;
  avgLoss: f64;
  vwapPQ: f64;
  vwapQ: f64;
  breakout: f64;
  dp2Long: f64;
  dwi: f64;
  microOffset: f64;
  touchImbalance: f64;
  touchSize: f64;
  touchSizeMean: f64;
  mid: f64;
  spread: f64;
  microprice: f64;
  sentiment: f64;
  sentimentTime: f64;
  // sub-windows and buffers inside the same block
  weights: usize; // O.COMPONENTS component weights
  levelWeights: usize; // N
  book: usize; // 4·N: bidPx, bidQty, askPx, askQty
  priceRing: usize; // L + 1
  vd: usize; // L trades
  flow: usize; // flowWindow trades
  ofi: usize; // ofiWindow quotes
  prices: usize;
  sizes: usize;
  changes: usize;
  spreads: usize;
}

/** The state of the core whose block starts at `p`. */
// @ts-ignore: decorator
@inline export function state(p: usize): CoreState {
  return changetype<CoreState>(p + (<usize>O.OUTPUTS << 3));
}

/** Writes output slot `i` of the core at `p`. */
// @ts-ignore: decorator
@inline export function out(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** Reads output slot `i` of the core at `p`. */
// @ts-ignore: decorator
@inline export function slot(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** The weight of component `c` (an index of coreLayout). */
// @ts-ignore: decorator
@inline export function weight(s: CoreState, c: i32): f64 {
  return load<f64>(s.weights + (<usize>c << 3));
}
