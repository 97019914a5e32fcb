/**
 * The confluence core: every feature of the six components, kept per symbol and
 * updated per event in one call, and the score computed from them in one more. It
 * exists so a whole event costs one crossing of the JS↔WASM boundary; the JS twin
 * (src/kernels/js/confluence/core.ts) repeats it function for function.
 *
 * The components, output slots and features are defined once in coreSpec.json (the build
 * generates assembly/generated/coreLayout.ts from it); the scoring, one function per
 * component, is in components.ts; the state in coreState.ts. Notation as in components.ts.
 *
 * Events
 *   book:  depth-weighted imbalance dwi = (Σ wᵢQbidᵢ − Σ wᵢQaskᵢ)/(Σ wᵢQbidᵢ + Σ wᵢQaskᵢ)
 *          over the top N levels (wᵢ = exp(−2i/N), passed in), and the touch from its
 *          best levels (below) when it is the touch's source. A book with an empty side then
 *          has no touch: the orderbook component is silent until the next quote or complete book.
 *   quote: the touch from a best quote, plus order-flow imbalance e
 *          (Cont–Kukanov–Stoikov) into an ofiWindow window.
 *   touch: from the latest best quote, or from a book when no quote came since the book
 *          before it (the best-quote stream updates on every change at the touch, a depth
 *          stream every 100 ms; a book takes over within one book of a quote stream that stops):
 *          mid, spread, microprice, microprice offset mo = 2·(microprice − mid)/spread,
 *          touch imbalance (Bq − Aq)/(Bq + Aq), touch size Bq + Aq and its mean (EW,
 *          α = 2/(4L + 1)); the relative spread into a 4L window.
 *   trade: volume delta over the last L trades and over the last flowWindow trades;
 *          prices, sizes and price changes into
 *          4L windows; EMA(p) fast (α = 2/(L+1)) and slow (α = 2/(4L+1)); Wilder RSI
 *          (α = 1/L); an exponentially weighted VWAP (α = 2/(L+1)); a breakout state
 *          (+1 above the previous 4L high, −1 below the low, decaying by 1 − 1/L); the
 *          long-run mean square of price changes (α = 2/(16L + 1)).
 *
 * Score: once warm (components.ts warmedUp), each component writes its signal and
 * confidence, combine() weighs the contributing ones into the score, agreement,
 * sufficiency and coverage, regime() rates the market, and confidence() multiplies
 * agreement · sufficiency · regime · coverage.
 */
import { rollingStatsSize, rollingStatsInit, rollingStatsReset, rollingStatsPush, RollingStats } from "../stats/rollingStats";
import { volumeWindowSize, volumeWindowInit, volumeWindowReset, volumeWindowPush } from "../flow/volumeDeltaWindow";
import { ofiWindowSize, ofiWindowInit, ofiWindowReset, ofiWindowPush } from "../book/orderFlowImbalance";
import * as O from "../generated/coreLayout";
import { L2Book } from "../book/l2Book";
import { CoreState, out, state } from "./coreState";
import { clamp } from "./bounded";
import {
  warmedUp, priceMove, orderbookSignal, orderflowSignal, volumeSignal, priceStructureSignal, technicalSignal,
  sentimentSignal, marketFeatures, combine, regime, confidence,
} from "./components";

// @ts-ignore: decorator
@inline function align16(n: usize): usize {
  return (n + 15) & ~15;
}

// Block layout: outputs + state, component weights, level weights, book input,
// price ring, then the sub-windows (volume delta L and flowWindow, OFI ofiWindow, four
// rolling windows of 4L: prices, sizes, price changes, relative spreads).
// @ts-ignore: decorator
@inline function headBytes(): usize {
  return align16((<usize>O.OUTPUTS << 3) + offsetof<CoreState>());
}

// @ts-ignore: decorator
@inline function statsBytes(lookback: i32): usize {
  return align16(rollingStatsSize(lookback * 4));
}

/** Bytes for a core. */
export function coreSize(lookback: i32, depth: i32, ofiWindow: i32, flowWindow: i32): usize {
  return headBytes() + align16(<usize>O.COMPONENTS << 3) + align16(<usize>depth << 3) + align16(<usize>depth << 5)
    + align16(<usize>(lookback + 1) << 3) + align16(volumeWindowSize(lookback)) + align16(volumeWindowSize(flowWindow))
    + align16(ofiWindowSize(ofiWindow)) + 4 * statsBytes(lookback);
}

/**
 * Lays out a core at `p`. `weights` (O.COMPONENTS × f64, summing to 1) and `levelWeights`
 * (depth × f64) are copied in; `bookDepthWeight` and `tradeFlowWeight` in [0, 1].
 */
export function coreInit(
  p: usize, lookback: i32, depth: i32, ofiWindow: i32, flowWindow: i32, sensitivity: f64, staleMs: f64,
  bookDepthWeight: f64, tradeFlowWeight: f64, weights: usize, levelWeights: usize, linear: i32,
): void {
  const s = state(p);
  const stats = statsBytes(lookback);
  let at = p + headBytes();
  s.weights = at;
  at += align16(<usize>O.COMPONENTS << 3);
  s.levelWeights = at;
  at += align16(<usize>depth << 3);
  s.book = at;
  at += align16(<usize>depth << 5);
  s.priceRing = at;
  at += align16(<usize>(lookback + 1) << 3);
  s.vd = at;
  at += align16(volumeWindowSize(lookback));
  s.flow = at;
  at += align16(volumeWindowSize(flowWindow));
  s.ofi = at;
  at += align16(ofiWindowSize(ofiWindow));
  s.prices = at;
  s.sizes = at + stats;
  s.changes = at + 2 * stats;
  s.spreads = at + 3 * stats;
  memory.copy(s.weights, weights, <usize>O.COMPONENTS << 3);
  memory.copy(s.levelWeights, levelWeights, <usize>depth << 3);
  s.lookback = lookback;
  s.depth = depth;
  s.ofiWindow = ofiWindow;
  s.flowWindow = flowWindow;
  s.linear = linear != 0 ? 1 : 0;
  s.gain = 4 * sensitivity;
  s.staleMs = staleMs;
  s.bookDepthWeight = bookDepthWeight;
  s.tradeFlowWeight = tradeFlowWeight;
  const long = lookback * 4;
  volumeWindowInit(s.vd, lookback, Infinity);
  volumeWindowInit(s.flow, flowWindow, Infinity);
  ofiWindowInit(s.ofi, ofiWindow);
  rollingStatsInit(s.prices, long, 2.0 / <f64>(long + 1), long, 1);
  rollingStatsInit(s.sizes, long, 1, long, 0);
  rollingStatsInit(s.changes, long, 1, long, 0);
  rollingStatsInit(s.spreads, long, 1, 1, 0);
  coreReset(p);
}

export function coreReset(p: usize): void {
  const s = state(p);
  s.trades = 0;
  s.quotes = 0;
  s.quotesAtBook = 0;
  s.books = 0;
  s.bookValid = 0;
  s.touchValid = 0;
  s.levels = 0;
  s.hasSentiment = 0;
  s.ringPos = 0;
  s.lastPrice = NaN;
  s.emaFast = 0;
  s.avgGain = 0;
  s.avgLoss = 0;
  s.vwapPQ = 0;
  s.vwapQ = 0;
  s.breakout = 0;
  s.dp2Long = 0;
  s.dwi = 0;
  s.microOffset = 0;
  s.touchImbalance = 0;
  s.touchSize = 0;
  s.touchSizeMean = NaN;
  s.mid = NaN;
  s.spread = NaN;
  s.microprice = NaN;
  s.sentiment = 0;
  s.sentimentTime = -Infinity;
  volumeWindowReset(s.vd);
  volumeWindowReset(s.flow);
  ofiWindowReset(s.ofi);
  rollingStatsReset(s.prices);
  rollingStatsReset(s.sizes);
  rollingStatsReset(s.changes);
  rollingStatsReset(s.spreads);
  for (let i = 0; i < O.OUTPUTS; i++) out(p, i, NaN);
}

/** Address of the book input: 4·N f64 (bidPx[N], bidQty[N], askPx[N], askQty[N]). */
export function coreBookInput(p: usize): usize {
  return state(p).book;
}

/**
 * The touch (mid, spread, microprice, queue imbalance at the best quote) from a best quote, or
 * from a book's best levels when no quote came since the previous book: the exchange's
 * best-quote stream where it exists (real time, where a depth stream is batched every 100 ms),
 * otherwise the book — and the book again within one book of a quote stream that stops.
 */
function topOfBook(s: CoreState, pb: f64, qb: f64, pa: f64, qa: f64): void {
  const mid = (pb + pa) * 0.5, spread = pa - pb;
  const size = qb + qa;
  const micro = size > 0 ? (pb * qa + pa * qb) / size : mid;
  s.mid = mid;
  s.spread = spread;
  s.microprice = micro;
  s.microOffset = spread > 0 ? clamp(2 * (micro - mid) / spread, -1, 1) : 0.0;
  s.touchImbalance = size > 0 ? (qb - qa) / size : 0.0;
  s.touchSize = size;
  const mean = s.touchSizeMean;
  s.touchSizeMean = mean == mean ? mean + 2.0 / (4 * <f64>s.lookback + 1) * (size - mean) : size;
  s.touchValid = 1;
  if (mid > 0 && spread >= 0) rollingStatsPush(s.spreads, spread / mid);
}

/** A book: the caller has written `nb` bid and `na` ask levels (best first) to the input. */
export function coreBook(p: usize, nb: i32, na: i32): void {
  const s = state(p);
  const n = s.depth;
  const touch = s.quotes == s.quotesAtBook;
  s.quotesAtBook = s.quotes;
  const db = min(nb, n), da = min(na, n);
  if (db < 1 || da < 1) {
    s.bookValid = 0;
    if (touch) s.touchValid = 0;
    return;
  }
  const book = s.book, w = s.levelWeights;
  let sb: f64 = 0, sa: f64 = 0;
  for (let i: i32 = 0; i < db; i++) sb += load<f64>(w + (<usize>i << 3)) * load<f64>(book + (<usize>(n + i) << 3));
  for (let i: i32 = 0; i < da; i++) sa += load<f64>(w + (<usize>i << 3)) * load<f64>(book + (<usize>(3 * n + i) << 3));
  s.dwi = sb + sa > 0 ? (sb - sa) / (sb + sa) : 0.0;
  s.levels = min(db, da);
  s.bookValid = 1;
  s.books++;
  if (touch) topOfBook(s, load<f64>(book), load<f64>(book + (<usize>n << 3)), load<f64>(book + (<usize>(2 * n) << 3)), load<f64>(book + (<usize>(3 * n) << 3)));
}

/**
 * A book's change in one call: the top N levels of each side of the L2 book at `book` (in
 * linear memory) written straight into the book input, then coreBook — what a depth event
 * asks of the core, without a crossing per side or a copy through JavaScript.
 */
export function coreBookFrom(p: usize, book: usize): void {
  const s = state(p);
  const b = changetype<L2Book>(book);
  const n = s.depth;
  const nb = b.bids.top(n, s.book, 0, n);
  const na = b.asks.top(n, s.book, 2 * n, 3 * n);
  coreBook(p, nb, na);
}

/** A best quote: top of book and order-flow imbalance. */
export function coreQuote(p: usize, pb: f64, qb: f64, pa: f64, qa: f64): void {
  const s = state(p);
  ofiWindowPush(s.ofi, pb, qb, pa, qa);
  s.quotes++;
  topOfBook(s, pb, qb, pa, qa);
}

/** A trade (time in ms, non-decreasing: checked by the caller). */
export function coreTrade(p: usize, price: f64, qty: f64, buyer: i32, time: f64): void {
  const s = state(p);
  const lookback = s.lookback;
  const fl = <f64>lookback;
  volumeWindowPush(s.vd, qty, buyer, time);
  volumeWindowPush(s.flow, qty, buyer, time);
  const prices = changetype<RollingStats>(s.prices);
  if (s.trades > 0) {
    const dp = price - s.lastPrice;
    rollingStatsPush(s.changes, dp);
    const a = 2.0 / (16 * fl + 1);
    s.dp2Long = s.trades == 1 ? dp * dp : s.dp2Long + a * (dp * dp - s.dp2Long);
    const up = dp > 0 ? dp : 0.0, down = dp < 0 ? -dp : 0.0;
    if (s.trades == 1) {
      s.avgGain = up;
      s.avgLoss = down;
    } else {
      s.avgGain += (up - s.avgGain) / fl;
      s.avgLoss += (down - s.avgLoss) / fl;
    }
    if (prices.n == prices.window) {
      s.breakout = price > prices.max ? 1.0 : price < prices.min ? -1.0 : s.breakout * (1 - 1 / fl);
    }
  }
  rollingStatsPush(s.prices, price);
  rollingStatsPush(s.sizes, qty);
  const af = 2.0 / (fl + 1);
  if (s.trades == 0) {
    s.emaFast = price;
    s.vwapPQ = price * qty;
    s.vwapQ = qty;
  } else {
    s.emaFast += af * (price - s.emaFast);
    s.vwapPQ += af * (price * qty - s.vwapPQ);
    s.vwapQ += af * (qty - s.vwapQ);
  }
  store<f64>(s.priceRing + (<usize>s.ringPos << 3), price);
  s.ringPos = s.ringPos == lookback ? 0 : s.ringPos + 1;
  s.lastPrice = price;
  s.trades++;
}

export function coreSentiment(p: usize, value: f64, time: f64): void {
  const s = state(p);
  s.sentiment = value;
  s.sentimentTime = time;
  s.hasSentiment = 1;
}

/** Computes the score at time `now` (ms). Returns 1 when a score was produced, 0 while warming up. */
export function coreCompute(p: usize, now: f64): i32 {
  const s = state(p);
  if (!warmedUp(p, s)) {
    out(p, O.READY, 0);
    return 0;
  }
  const direction = priceMove(p, s);
  orderbookSignal(p, s);
  orderflowSignal(p, s);
  volumeSignal(p, s, direction);
  priceStructureSignal(p, s);
  technicalSignal(p, s, direction);
  sentimentSignal(p, s, now);
  marketFeatures(p, s);
  if (!combine(p, s)) {
    out(p, O.READY, 0);
    return 0;
  }
  regime(p, s);
  confidence(p);
  out(p, O.READY, 1);
  return 1;
}
