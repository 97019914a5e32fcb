/**
 * The confluence core: every feature of the six components, kept per symbol and
 * updated per event in one call, and the score computed from them in one more. It
 * exists so a whole event costs one crossing of the JS↔WASM boundary; the JS twin
 * (src/kernels/js/confluence/core.ts) repeats it operation for operation.
 *
 * Notation: L = lookback (events), N = book depth, g = 4·sensitivity,
 * squash(x) = x / (1 + |x|) (odd, monotone, into (−1, 1)), agree(a, b) = 1 − |a − b|/2,
 * σ = sample std of the last 4L trade prices, p = last trade price, p_L = the price L
 * trades earlier, move = p − p_L.
 *
 * Events
 *   book:  depth-weighted imbalance dwi = (Σ wᵢQbidᵢ − Σ wᵢQaskᵢ)/(Σ wᵢQbidᵢ + Σ wᵢQaskᵢ)
 *          over the top N levels (wᵢ = exp(−2i/N), passed in), microprice offset
 *          mo = 2·(microprice − mid)/spread in [−1, 1]; mid, spread; relative spread
 *          into a 4L window.
 *   quote: the same top-of-book fields from a best quote, plus order-flow imbalance
 *          e (Cont–Kukanov–Stoikov) into an L window.
 *   trade: volume delta over the last L trades; prices, sizes and price changes into
 *          4L windows; EMA(p) fast (α = 2/(L+1)) and slow (α = 2/(4L+1)); Wilder RSI
 *          (α = 1/L); an exponentially weighted VWAP (α = 2/(L+1)); a breakout state
 *          (+1 above the previous 4L high, −1 below the low, decaying by 1 − 1/L).
 *
 * Components (signal sig in [−1, 1] → sub-score 50 + 50·sig; confidence conf in [0, 1])
 *   orderbook:        sig = squash(g·(0.6·dwi + 0.4·mo)),  conf = agree(dwi, mo)·(levels/N)
 *   orderflow:        vdi = volume-delta imbalance, ofn = ΣE/Σ|e| over L quotes;
 *                     sig = squash(g·(vdi + ofn)/2),        conf = agree(vdi, ofn)
 *   volume:           rel = (volume of the last L trades)/(L·mean size over 4L),
 *                     dir = squash(move/σ); sig = squash(g·dir·max(rel − 1, 0)), conf = min(rel, 1)
 *   price_structure:  rp = 2·(p − low)/(high − low) − 1 over 4L, vz = (p − vwap)/σ;
 *                     sig = squash(g·(0.4·rp + 0.3·squash(vz) + 0.3·breakout)), conf = agree(rp, squash(vz))
 *   technical:        es = (emaFast − emaSlow)/σ, rs = (RSI − 50)/50, mom = squash(move/σ);
 *                     sig = squash(g·(0.4·squash(es) + 0.3·rs + 0.3·mom)), conf = agree(squash(es), mom)
 *   sentiment:        the pushed value v while younger than `staleMs`, conf = 1 − age/staleMs
 * (a ratio whose denominator is 0 — no spread, σ = 0, no volume — contributes 0.)
 *
 * Score: the components with weight > 0 must be warm (orderbook: a book; orderflow:
 * L trades and L + 1 quotes; volume, price_structure, technical: 4L trades); sentiment
 * never blocks: absent, its weight is redistributed. With C = Σ weights of the
 * contributing components and w' = w/C:
 *   s̄ = Σ w'·sig, score = 50 + 50·s̄;
 *   agreement A = 1 − √(Σ w'(sig − s̄)²)  (1 when the components agree);
 *   sufficiency D = Σ w'·conf;
 *   regime R = 1/(1 + max(0, spread ratio − 1.5)) · 1/(1 + max(0, vol ratio − 2)), with
 *     spread ratio = relative spread / its 4L mean, vol ratio = std of the last 4L price
 *     changes / their long-run RMS (EW, α = 2/(16L + 1));
 *   confidence = A·D·R·C;
 *   momentum = squash(g·(squash(es) + mom)/2), meanReversion = −squash(vz).
 */
import { rollingStatsSize, rollingStatsInit, rollingStatsReset, rollingStatsPush, RollingStats } from "../stats/rollingStats";
import { volumeWindowSize, volumeWindowInit, volumeWindowReset, volumeWindowPush, VolumeDeltaWindow } from "../flow/volumeDeltaWindow";
import { ofiWindowSize, ofiWindowInit, ofiWindowReset, ofiWindowPush, OfiWindow } from "../book/orderFlowImbalance";
import * as O from "./layout";

const COMPONENTS = 6;

@unmanaged
class CoreState {
  lookback: i32;
  depth: i32;
  trades: i32;
  quotes: i32;
  books: i32;
  bookValid: i32;
  levels: i32;
  hasSentiment: i32;
  ringPos: i32;
  gain: f64;
  staleMs: f64;
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
  mid: f64;
  spread: f64;
  microprice: f64;
  sentiment: f64;
  sentimentTime: f64;
  // sub-windows and buffers inside the same block
  weights: usize; // 6 component weights
  levelWeights: usize; // N
  book: usize; // 4·N: bidPx, bidQty, askPx, askQty
  priceRing: usize; // L + 1
  vd: usize;
  ofi: usize;
  prices: usize;
  sizes: usize;
  changes: usize;
  spreads: usize;
}

// @ts-ignore: decorator
@inline function align16(n: usize): usize {
  return (n + 15) & ~15;
}

// @ts-ignore: decorator
@inline function squash(x: f64): f64 {
  return x / (1 + abs(x));
}

// @ts-ignore: decorator
@inline function agree(a: f64, b: f64): f64 {
  return 1 - abs(a - b) * 0.5;
}

// @ts-ignore: decorator
@inline function ratio(a: f64, b: f64): f64 {
  return b > 0 ? a / b : 0.0;
}

// @ts-ignore: decorator
@inline function clamp(x: f64, lo: f64, hi: f64): f64 {
  return x < lo ? lo : x > hi ? hi : x;
}

// @ts-ignore: decorator
@inline function out(p: usize, slot: i32, v: f64): void {
  store<f64>(p + (<usize>slot << 3), v);
}

// @ts-ignore: decorator
@inline function state(p: usize): CoreState {
  return changetype<CoreState>(p + (<usize>O.OUTPUTS << 3));
}

// Block layout: outputs + state, component weights, level weights, book input,
// price ring, then the sub-windows (volume delta L, OFI L, four rolling windows of 4L:
// prices, sizes, price changes, relative spreads).
// @ts-ignore: decorator
@inline function headBytes(): usize {
  return align16((<usize>O.OUTPUTS << 3) + offsetof<CoreState>());
}

// @ts-ignore: decorator
@inline function statsBytes(lookback: i32): usize {
  return align16(rollingStatsSize(lookback * 4));
}

/** Bytes for a core. */
export function coreSize(lookback: i32, depth: i32): usize {
  return headBytes() + align16(<usize>COMPONENTS << 3) + align16(<usize>depth << 3) + align16(<usize>depth << 5)
    + align16(<usize>(lookback + 1) << 3) + align16(volumeWindowSize(lookback)) + align16(ofiWindowSize(lookback))
    + 4 * statsBytes(lookback);
}

/**
 * Lays out a core at `p`. `weights` (6 × f64, summing to 1) and `levelWeights`
 * (depth × f64) are copied in.
 */
export function coreInit(p: usize, lookback: i32, depth: i32, sensitivity: f64, staleMs: f64, weights: usize, levelWeights: usize): void {
  const s = state(p);
  const stats = statsBytes(lookback);
  let at = p + headBytes();
  s.weights = at;
  at += align16(<usize>COMPONENTS << 3);
  s.levelWeights = at;
  at += align16(<usize>depth << 3);
  s.book = at;
  at += align16(<usize>depth << 5);
  s.priceRing = at;
  at += align16(<usize>(lookback + 1) << 3);
  s.vd = at;
  at += align16(volumeWindowSize(lookback));
  s.ofi = at;
  at += align16(ofiWindowSize(lookback));
  s.prices = at;
  s.sizes = at + stats;
  s.changes = at + 2 * stats;
  s.spreads = at + 3 * stats;
  memory.copy(s.weights, weights, <usize>COMPONENTS << 3);
  memory.copy(s.levelWeights, levelWeights, <usize>depth << 3);
  s.lookback = lookback;
  s.depth = depth;
  s.gain = 4 * sensitivity;
  s.staleMs = staleMs;
  const long = lookback * 4;
  volumeWindowInit(s.vd, lookback, Infinity);
  ofiWindowInit(s.ofi, lookback);
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
  s.books = 0;
  s.bookValid = 0;
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
  s.mid = NaN;
  s.spread = NaN;
  s.microprice = NaN;
  s.sentiment = 0;
  s.sentimentTime = -Infinity;
  volumeWindowReset(s.vd);
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

function topOfBook(s: CoreState, pb: f64, qb: f64, pa: f64, qa: f64): void {
  const mid = (pb + pa) * 0.5, spread = pa - pb;
  const micro = qb + qa > 0 ? (pb * qa + pa * qb) / (qb + qa) : mid;
  s.mid = mid;
  s.spread = spread;
  s.microprice = micro;
  s.microOffset = spread > 0 ? clamp(2 * (micro - mid) / spread, -1, 1) : 0.0;
  if (mid > 0 && spread >= 0) rollingStatsPush(s.spreads, spread / mid);
}

/** A book: the caller has written `nb` bid and `na` ask levels (best first) to the input. */
export function coreBook(p: usize, nb: i32, na: i32): void {
  const s = state(p);
  const n = s.depth;
  const db = min(nb, n), da = min(na, n);
  if (db < 1 || da < 1) {
    s.bookValid = 0;
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
  topOfBook(s, load<f64>(book), load<f64>(book + (<usize>n << 3)), load<f64>(book + (<usize>(2 * n) << 3)), load<f64>(book + (<usize>(3 * n) << 3)));
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
  const w = s.weights;
  const lookback = s.lookback, long = 4 * lookback;
  let needTrades: i32 = 0, needQuotes: i32 = 0, needBooks: i32 = 0;
  if (load<f64>(w) > 0) needBooks = max(needBooks, 1 - s.books);
  if (load<f64>(w, 8) > 0) {
    needTrades = max(needTrades, lookback - s.trades);
    needQuotes = max(needQuotes, lookback + 1 - s.quotes);
  }
  if (load<f64>(w, 16) > 0 || load<f64>(w, 24) > 0 || load<f64>(w, 32) > 0) needTrades = max(needTrades, long - s.trades);
  out(p, O.NEED_TRADES, <f64>needTrades);
  out(p, O.NEED_QUOTES, <f64>needQuotes);
  out(p, O.NEED_BOOKS, <f64>needBooks);
  if (needTrades > 0 || needQuotes > 0 || needBooks > 0) {
    out(p, O.READY, 0);
    return 0;
  }
  const g = s.gain;
  const prices = changetype<RollingStats>(s.prices);
  const last = s.lastPrice;
  const sigma = prices.std;
  const warmTrades = s.trades >= long;
  const pL = warmTrades ? load<f64>(s.priceRing + (<usize>s.ringPos << 3)) : last;
  const move = last - pL;
  const mom = sigma > 0 ? squash(move / sigma) : move > 0 ? 1.0 : move < 0 ? -1.0 : 0.0;

  // orderbook
  const dwi = s.dwi, mo = s.microOffset;
  const sig0 = s.bookValid ? squash(g * (0.6 * dwi + 0.4 * mo)) : 0.0;
  const conf0 = s.bookValid ? agree(dwi, mo) * (<f64>s.levels / <f64>s.depth) : 0.0;
  // orderflow
  const vd = changetype<VolumeDeltaWindow>(s.vd);
  const vdi = vd.buy + vd.sell > 0 ? vd.imbalance : 0.0;
  const ofi = changetype<OfiWindow>(s.ofi);
  const ofn = ofi.absSum > 0 ? ofi.sum / ofi.absSum : 0.0;
  const sig1 = squash(g * (vdi + ofn) * 0.5);
  const conf1 = agree(vdi, ofn);
  // volume
  const sizes = changetype<RollingStats>(s.sizes);
  const rel = warmTrades && sizes.mean > 0 ? (vd.buy + vd.sell) / (<f64>lookback * sizes.mean) : 1.0;
  const sig2 = squash(g * mom * max(rel - 1, 0));
  const conf2 = min(rel, 1.0);
  // price structure
  const hi = prices.max, lo = prices.min;
  const rp = warmTrades && hi > lo ? 2 * (last - lo) / (hi - lo) - 1 : 0.0;
  const vwap = s.vwapQ > 0 ? s.vwapPQ / s.vwapQ : last;
  const vz = sigma > 0 ? (last - vwap) / sigma : 0.0;
  const svz = squash(vz);
  const sig3 = squash(g * (0.4 * rp + 0.3 * svz + 0.3 * s.breakout));
  const conf3 = agree(rp, svz);
  // technical
  const es = sigma > 0 ? (s.emaFast - prices.ema) / sigma : 0.0;
  const ses = squash(es);
  const gl = s.avgGain + s.avgLoss;
  const rsi = gl > 0 ? 100 * s.avgGain / gl : 50.0;
  const sig4 = squash(g * (0.4 * ses + 0.3 * (rsi - 50) / 50 + 0.3 * mom));
  const conf4 = agree(ses, mom);
  // sentiment
  const age = now - s.sentimentTime;
  const fresh = s.hasSentiment != 0 && age <= s.staleMs;
  const sig5 = fresh ? s.sentiment : 0.0;
  const conf5 = fresh ? clamp(1 - age / s.staleMs, 0, 1) : 0.0;

  out(p, O.SIGNAL, sig0);
  out(p, O.SIGNAL + 1, sig1);
  out(p, O.SIGNAL + 2, sig2);
  out(p, O.SIGNAL + 3, sig3);
  out(p, O.SIGNAL + 4, sig4);
  out(p, O.SIGNAL + 5, sig5);
  out(p, O.COMPONENT_CONFIDENCE, conf0);
  out(p, O.COMPONENT_CONFIDENCE + 1, conf1);
  out(p, O.COMPONENT_CONFIDENCE + 2, conf2);
  out(p, O.COMPONENT_CONFIDENCE + 3, conf3);
  out(p, O.COMPONENT_CONFIDENCE + 4, conf4);
  out(p, O.COMPONENT_CONFIDENCE + 5, conf5);

  let coverage: f64 = 0;
  for (let c: i32 = 0; c < COMPONENTS; c++) {
    const wc = load<f64>(w + (<usize>c << 3));
    const on = wc > 0 && (c < 5 || fresh);
    out(p, O.AVAILABLE + c, on ? 1.0 : 0.0);
    if (on) coverage += wc;
  }
  if (!(coverage > 0)) {
    out(p, O.READY, 0);
    return 0;
  }
  let mean: f64 = 0, suff: f64 = 0;
  for (let c: i32 = 0; c < COMPONENTS; c++) {
    if (load<f64>(p + (<usize>(O.AVAILABLE + c) << 3)) == 0) continue;
    const wc = load<f64>(w + (<usize>c << 3)) / coverage;
    mean += wc * load<f64>(p + (<usize>(O.SIGNAL + c) << 3));
    suff += wc * load<f64>(p + (<usize>(O.COMPONENT_CONFIDENCE + c) << 3));
  }
  let dispersion: f64 = 0;
  for (let c: i32 = 0; c < COMPONENTS; c++) {
    if (load<f64>(p + (<usize>(O.AVAILABLE + c) << 3)) == 0) continue;
    const d = load<f64>(p + (<usize>(O.SIGNAL + c) << 3)) - mean;
    dispersion += load<f64>(w + (<usize>c << 3)) / coverage * d * d;
  }
  const agreement = clamp(1 - sqrt(dispersion), 0, 1);
  const spreads = changetype<RollingStats>(s.spreads);
  const relSpread = s.mid > 0 ? s.spread / s.mid : 0.0;
  const spreadRatio = spreads.mean > 0 ? relSpread / spreads.mean : 1.0;
  const changes = changetype<RollingStats>(s.changes);
  const volRatio = s.dp2Long > 0 && changes.std == changes.std ? changes.std / sqrt(s.dp2Long) : 1.0;
  const regime = 1 / (1 + max(spreadRatio - 1.5, 0)) / (1 + max(volRatio - 2, 0));

  out(p, O.SCORE, clamp(50 + 50 * mean, 0, 100));
  out(p, O.CONFIDENCE, clamp(agreement * clamp(suff, 0, 1) * regime * min(coverage, 1.0), 0, 1));
  out(p, O.MOMENTUM, squash(g * (ses + mom) * 0.5));
  out(p, O.MEAN_REVERSION, -svz);
  out(p, O.AGREEMENT, agreement);
  out(p, O.SUFFICIENCY, clamp(suff, 0, 1));
  out(p, O.REGIME, regime);
  out(p, O.COVERAGE, min(coverage, 1.0));
  out(p, O.F_DWI, dwi);
  out(p, O.F_MICRO_OFFSET, mo);
  out(p, O.F_VD_IMBALANCE, vdi);
  out(p, O.F_OFI_NORM, ofn);
  out(p, O.F_REL_VOLUME, rel);
  out(p, O.F_VOL_DIRECTION, mom);
  out(p, O.F_RANGE_POS, rp);
  out(p, O.F_VWAP_Z, vz);
  out(p, O.F_BREAKOUT, s.breakout);
  out(p, O.F_EMA_SPREAD, es);
  out(p, O.F_RSI, rsi);
  out(p, O.F_RETURN_MOMENTUM, sigma > 0 ? move / sigma : 0.0);
  out(p, O.F_SPREAD_RATIO, spreadRatio);
  out(p, O.F_VOL_RATIO, volRatio);
  out(p, O.F_MID, s.mid);
  out(p, O.F_SPREAD, s.spread);
  out(p, O.F_MICROPRICE, s.microprice);
  out(p, O.F_VOLATILITY, sigma > 0 && last > 0 ? sigma / last : 0.0);
  out(p, O.F_OFI_SUM, ofi.sum == ofi.sum ? ofi.sum : 0.0);
  out(p, O.F_LAST_PRICE, last);
  out(p, O.READY, 1);
  return 1;
}
