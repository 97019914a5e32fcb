/**
 * The confluence core's scoring, one function per component, plus what they share (the
 * warm-up, the price move), the market readouts, the combination, the regime and the
 * confidence. Each reads the per-symbol state and writes its own output slots; core.ts
 * calls them in this order. The JS twin (src/kernels/js/confluence/components.ts) has the
 * same functions with the same names, operation for operation, and the differential tests
 * compare the two slot group by slot group (test/kernels/coreComponents.test.ts).
 *
 * Notation: L = lookback (events), N = book depth, K = ofiWindow (quotes), F = flowWindow
 * (trades), d = bookDepthWeight, m = tradeFlowWeight, g = 4·sensitivity,
 * squash(x) = x/(1 + |x|) (odd, monotone, into (−1, 1)), agree(a, b) = 1 − |a − b|/2,
 * shape(x) = squash(g·x), or clamp(g·x, −1, 1) when the core's signal shape is linear (a
 * linear signal keeps the spacing of strong readings that squash flattens, so a small weight
 * on a second component reorders only near-ties of the first),
 * σ = sample std of the last 4L trade prices, p = last trade price, p_L = the price L
 * trades earlier. A component's signal is in [−1, 1] (sub-score 50 + 50·signal), its
 * confidence in [0, 1]; a ratio whose denominator is 0 (no spread, σ = 0, no volume)
 * contributes 0. Feature meanings: assembly/confluence/coreSpec.json.
 */
import { RollingStats } from "../stats/rollingStats";
import { VolumeDeltaWindow } from "../flow/volumeDeltaWindow";
import { OfiWindow } from "../book/orderFlowImbalance";
import * as O from "../generated/coreLayout";
import { CoreState, out, slot, weight } from "./coreState";
import { agree, clamp, squash } from "./bounded";

/** A component's raw reading `x` as its signal: squash(g·x), or clamp(g·x, −1, 1) when linear. */
// @ts-ignore: decorator
@inline function shape(s: CoreState, x: f64): f64 {
  const y = s.gain * x;
  return s.linear != 0 ? clamp(y, -1, 1) : squash(y);
}

/** Writes component `c`'s slots; it contributes when `present` and its weight is above 0. */
// @ts-ignore: decorator
@inline function component(p: usize, s: CoreState, c: i32, signal: f64, confidence: f64, present: bool): void {
  out(p, O.SIGNAL + c, signal);
  out(p, O.COMPONENT_CONFIDENCE + c, confidence);
  out(p, O.AVAILABLE + c, present && weight(s, c) > 0 ? 1.0 : 0.0);
}

/**
 * Warm-up: every component with weight > 0 must have its data (orderbook: a book when
 * d > 0, else a touch — a quote or a book, counted as a missing quote; orderflow: F trades
 * and K + 1 quotes; volume, price_structure, technical: 4L trades). Sentiment never
 * blocks: absent, its weight is redistributed. Writes what is missing; true when nothing is.
 */
export function warmedUp(p: usize, s: CoreState): bool {
  const lookback = s.lookback;
  let needTrades: i32 = 0, needQuotes: i32 = 0, needBooks: i32 = 0;
  if (weight(s, O.ORDERBOOK) > 0) {
    if (s.bookDepthWeight > 0) needBooks = max(needBooks, 1 - s.books);
    else if (s.quotes + s.books == 0) needQuotes = max(needQuotes, 1);
  }
  if (weight(s, O.ORDERFLOW) > 0) {
    needTrades = max(needTrades, s.flowWindow - s.trades);
    needQuotes = max(needQuotes, s.ofiWindow + 1 - s.quotes);
  }
  if (weight(s, O.VOLUME) > 0 || weight(s, O.PRICE_STRUCTURE) > 0 || weight(s, O.TECHNICAL) > 0) {
    needTrades = max(needTrades, 4 * lookback - s.trades);
  }
  out(p, O.NEED_TRADES, <f64>needTrades);
  out(p, O.NEED_QUOTES, <f64>needQuotes);
  out(p, O.NEED_BOOKS, <f64>needBooks);
  return needTrades <= 0 && needQuotes <= 0 && needBooks <= 0;
}

/**
 * The price move shared by volume, technical and momentum: move = p − p_L (0 before 4L
 * trades), returnZ = move/σ, volatility = σ/p. Returns the direction squash(move/σ), the
 * sign of the move when σ = 0.
 */
export function priceMove(p: usize, s: CoreState): f64 {
  const sigma = changetype<RollingStats>(s.prices).std;
  const last = s.lastPrice;
  const pL = s.trades >= 4 * s.lookback ? load<f64>(s.priceRing + (<usize>s.ringPos << 3)) : last;
  const move = last - pL;
  out(p, O.F_RETURN_Z, sigma > 0 ? move / sigma : 0.0);
  out(p, O.F_VOLATILITY, sigma > 0 && last > 0 ? sigma / last : 0.0);
  return sigma > 0 ? squash(move / sigma) : move > 0 ? 1.0 : move < 0 ? -1.0 : 0.0;
}

/**
 * orderbook, led by the touch: ti = touch imbalance (Bq − Aq)/(Bq + Aq) at the best quote
 * (core.ts says which source), dwi = depth-weighted imbalance over the top N levels (0 without a complete book),
 * r = touch size/its mean; signal = shape((1 − d)·ti + d·dwi), confidence =
 * min(r, 1)·(1 − d + d·levels/N): a thin touch flips with any order, an incomplete book
 * backs the depth part less. Both 0 while the touch's source has none (a book with an
 * empty side). The microprice offset is no separate term: microprice − mid = spread·ti/2,
 * so it is the touch imbalance (Stoikov's weighted mid).
 */
export function orderbookSignal(p: usize, s: CoreState): void {
  const ti = s.touchImbalance, d = s.bookDepthWeight;
  const book = s.bookValid != 0;
  const dwi = book ? s.dwi : 0.0;
  const ratio = s.touchSizeMean > 0 ? s.touchSize / s.touchSizeMean : 0.0;
  const touch = s.touchValid != 0;
  out(p, O.F_TOUCH_IMBALANCE, ti);
  out(p, O.F_TOUCH_SIZE_RATIO, ratio);
  out(p, O.F_DEPTH_WEIGHTED_IMBALANCE, s.dwi);
  out(p, O.F_MICROPRICE_OFFSET, s.microOffset);
  component(p, s, O.ORDERBOOK,
    touch ? shape(s, (1 - d) * ti + d * dwi) : 0.0,
    touch ? min(ratio, 1.0) * (1 - d + d * (book ? <f64>s.levels / <f64>s.depth : 0.0)) : 0.0,
    true);
}

/**
 * orderflow over short windows: ofn = Σe/Σ|e| over the last K quotes (Cont, Kukanov &
 * Stoikov 2014, eq. 10), tfi = volume-delta imbalance of the last F trades;
 * signal = shape((1 − m)·ofn + m·tfi), confidence = agree(tfi, ofn). Also writes
 * the volume-delta imbalance of the last L trades (a feature, not in the signal).
 */
export function orderflowSignal(p: usize, s: CoreState): void {
  const vd = changetype<VolumeDeltaWindow>(s.vd);
  // ratios of running sums: a rounding error can put them just outside [−1, 1]; held inside
  const vdi = vd.buy + vd.sell > 0 ? clamp(vd.imbalance, -1, 1) : 0.0;
  const flow = changetype<VolumeDeltaWindow>(s.flow);
  const tfi = flow.buy + flow.sell > 0 ? clamp(flow.imbalance, -1, 1) : 0.0;
  const ofi = changetype<OfiWindow>(s.ofi);
  const ofn = ofi.absSum > 0 ? clamp(ofi.sum / ofi.absSum, -1, 1) : 0.0;
  const m = s.tradeFlowWeight;
  out(p, O.F_VOLUME_DELTA_IMBALANCE, vdi);
  out(p, O.F_ORDER_FLOW_IMBALANCE, ofn);
  out(p, O.F_TRADE_FLOW_IMBALANCE, tfi);
  out(p, O.F_OFI_SUM, ofi.sum == ofi.sum ? ofi.sum : 0.0);
  component(p, s, O.ORDERFLOW, shape(s, (1 - m) * ofn + m * tfi), agree(tfi, ofn), true);
}

/**
 * volume: rel = (volume of the last L trades)/(L·mean size over 4L) (1 before 4L trades);
 * signal = shape(direction·max(rel − 1, 0)), confidence = min(rel, 1).
 */
export function volumeSignal(p: usize, s: CoreState, direction: f64): void {
  const vd = changetype<VolumeDeltaWindow>(s.vd);
  const sizes = changetype<RollingStats>(s.sizes);
  const rel = s.trades >= 4 * s.lookback && sizes.mean > 0 ? (vd.buy + vd.sell) / (<f64>s.lookback * sizes.mean) : 1.0;
  out(p, O.F_RELATIVE_VOLUME, rel);
  component(p, s, O.VOLUME, shape(s, direction * max(rel - 1, 0)), min(rel, 1.0), true);
}

/**
 * price_structure: rp = 2·(p − low)/(high − low) − 1 over 4L (0 before 4L trades),
 * vz = (p − vwap)/σ; signal = shape(0.4·rp + 0.3·squash(vz) + 0.3·breakout),
 * confidence = agree(rp, squash(vz)); meanReversion = −squash(vz).
 */
export function priceStructureSignal(p: usize, s: CoreState): void {
  const prices = changetype<RollingStats>(s.prices);
  const last = s.lastPrice, sigma = prices.std;
  const hi = prices.max, lo = prices.min;
  const rp = s.trades >= 4 * s.lookback && hi > lo ? 2 * (last - lo) / (hi - lo) - 1 : 0.0;
  const vwap = s.vwapQ > 0 ? s.vwapPQ / s.vwapQ : last;
  const vz = sigma > 0 ? (last - vwap) / sigma : 0.0;
  const svz = squash(vz);
  out(p, O.F_RANGE_POSITION, rp);
  out(p, O.F_VWAP_Z, vz);
  out(p, O.F_BREAKOUT, s.breakout);
  // 0 − x, not −x: a flat price gives +0, never −0 (which a JSON round trip would change)
  out(p, O.MEAN_REVERSION, 0.0 - svz);
  component(p, s, O.PRICE_STRUCTURE, shape(s, 0.4 * rp + 0.3 * svz + 0.3 * s.breakout), agree(rp, svz), true);
}

/**
 * technical: es = (emaFast − emaSlow)/σ, rs = (RSI − 50)/50;
 * signal = shape(0.4·squash(es) + 0.3·rs + 0.3·direction), confidence =
 * agree(squash(es), direction); momentum = squash(g·(squash(es) + direction)/2).
 */
export function technicalSignal(p: usize, s: CoreState, direction: f64): void {
  const prices = changetype<RollingStats>(s.prices);
  const sigma = prices.std;
  const es = sigma > 0 ? (s.emaFast - prices.ema) / sigma : 0.0;
  const ses = squash(es);
  const gl = s.avgGain + s.avgLoss;
  const rsi = gl > 0 ? 100 * s.avgGain / gl : 50.0;
  out(p, O.F_EMA_SPREAD, es);
  out(p, O.F_RSI, rsi);
  out(p, O.MOMENTUM, squash(s.gain * (ses + direction) * 0.5));
  component(p, s, O.TECHNICAL, shape(s, 0.4 * ses + 0.3 * (rsi - 50) / 50 + 0.3 * direction), agree(ses, direction), true);
}

/**
 * sentiment: the pushed value while younger than `staleMs` at `now`, confidence
 * 1 − age/staleMs; absent or stale, it does not contribute.
 */
export function sentimentSignal(p: usize, s: CoreState, now: f64): void {
  const age = now - s.sentimentTime;
  const fresh = s.hasSentiment != 0 && age <= s.staleMs;
  component(p, s, O.SENTIMENT, fresh ? s.sentiment : 0.0, fresh ? clamp(1 - age / s.staleMs, 0, 1) : 0.0, fresh);
}

/** Top of book and last trade as they are (NaN before the first). */
export function marketFeatures(p: usize, s: CoreState): void {
  out(p, O.F_MID, s.mid);
  out(p, O.F_SPREAD, s.spread);
  out(p, O.F_MICROPRICE, s.microprice);
  out(p, O.F_LAST_PRICE, s.lastPrice);
}

/**
 * The combination: with C = Σ weights of the contributing components and w' = w/C,
 * s̄ = Σ w'·signal, score = 50 + 50·s̄, agreement = 1 − √(Σ w'(signal − s̄)²),
 * sufficiency = Σ w'·confidence, coverage = C. False (nothing written) when no component
 * contributes. (Inlined: binaryen keeps a function with loops as a call of its own.)
 */
// @ts-ignore: decorator
@inline export function combine(p: usize, s: CoreState): bool {
  let coverage: f64 = 0;
  for (let c: i32 = 0; c < O.COMPONENTS; c++) {
    if (slot(p, O.AVAILABLE + c) != 0) coverage += weight(s, c);
  }
  if (!(coverage > 0)) return false;
  let mean: f64 = 0, suff: f64 = 0;
  for (let c: i32 = 0; c < O.COMPONENTS; c++) {
    if (slot(p, O.AVAILABLE + c) == 0) continue;
    const wc = weight(s, c) / coverage;
    mean += wc * slot(p, O.SIGNAL + c);
    suff += wc * slot(p, O.COMPONENT_CONFIDENCE + c);
  }
  let dispersion: f64 = 0;
  for (let c: i32 = 0; c < O.COMPONENTS; c++) {
    if (slot(p, O.AVAILABLE + c) == 0) continue;
    const d = slot(p, O.SIGNAL + c) - mean;
    dispersion += weight(s, c) / coverage * d * d;
  }
  out(p, O.SCORE, clamp(50 + 50 * mean, 0, 100));
  out(p, O.AGREEMENT, clamp(1 - sqrt(dispersion), 0, 1));
  out(p, O.SUFFICIENCY, clamp(suff, 0, 1));
  out(p, O.COVERAGE, min(coverage, 1.0));
  return true;
}

/**
 * The regime: 1/(1 + max(0, spreadRatio − 1.5)) · 1/(1 + max(0, volatilityRatio − 2)),
 * spreadRatio = relative spread/its 4L mean, volatilityRatio = std of the last 4L price
 * changes/their long-run RMS (EW, α = 2/(16L + 1)); each ratio is 1 without data.
 */
export function regime(p: usize, s: CoreState): void {
  const spreads = changetype<RollingStats>(s.spreads);
  const relSpread = s.mid > 0 ? s.spread / s.mid : 0.0;
  const spreadRatio = spreads.mean > 0 ? relSpread / spreads.mean : 1.0;
  const changes = changetype<RollingStats>(s.changes);
  const volRatio = s.dp2Long > 0 && changes.std == changes.std ? changes.std / sqrt(s.dp2Long) : 1.0;
  out(p, O.F_SPREAD_RATIO, spreadRatio);
  out(p, O.F_VOLATILITY_RATIO, volRatio);
  out(p, O.REGIME, 1 / (1 + max(spreadRatio - 1.5, 0)) / (1 + max(volRatio - 2, 0)));
}

/** confidence = agreement · sufficiency · regime · coverage (written by combine and regime). */
export function confidence(p: usize): void {
  out(p, O.CONFIDENCE, clamp(slot(p, O.AGREEMENT) * slot(p, O.SUFFICIENCY) * slot(p, O.REGIME) * slot(p, O.COVERAGE), 0, 1));
}
