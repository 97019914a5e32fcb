/**
 * The confluence core's scoring, twin of assembly/confluence/components.ts (the formulas
 * are documented there): the same functions with the same names, operation for operation,
 * each reading the per-symbol state and writing its own output slots in `o`.
 */
import * as O from "../../coreLayout.js";
import { agree, clamp, squash } from "./bounded.js";
import { weight, type CoreState } from "./coreState.js";

/** A component's raw reading `x` as its signal: squash(g·x), or clamp(g·x, −1, 1) when linear. */
function shape(s: CoreState, x: number): number {
  const y = s.gain * x;
  return s.linear !== 0 ? clamp(y, -1, 1) : squash(y);
}

/** Writes component `c`'s slots; it contributes when `present` and its weight is above 0. */
function component(o: Float64Array, s: CoreState, c: number, signal: number, confidence: number, present: boolean): void {
  o[O.SIGNAL + c] = signal;
  o[O.COMPONENT_CONFIDENCE + c] = confidence;
  o[O.AVAILABLE + c] = present && weight(s, c) > 0 ? 1 : 0;
}

export function warmedUp(o: Float64Array, s: CoreState): boolean {
  const lookback = s.lookback;
  let needTrades = 0,
    needQuotes = 0,
    needBooks = 0;
  if (weight(s, O.ORDERBOOK) > 0) {
    if (s.bookDepthWeight > 0) needBooks = Math.max(needBooks, 1 - s.books);
    else if (s.quotes + s.books === 0) needQuotes = Math.max(needQuotes, 1);
  }
  if (weight(s, O.ORDERFLOW) > 0) {
    needTrades = Math.max(needTrades, s.flowWindow - s.trades);
    needQuotes = Math.max(needQuotes, s.ofiWindow + 1 - s.quotes);
  }
  if (weight(s, O.VOLUME) > 0 || weight(s, O.PRICE_STRUCTURE) > 0 || weight(s, O.TECHNICAL) > 0) {
    needTrades = Math.max(needTrades, 4 * lookback - s.trades);
  }
  o[O.NEED_TRADES] = needTrades;
  o[O.NEED_QUOTES] = needQuotes;
  o[O.NEED_BOOKS] = needBooks;
  return needTrades <= 0 && needQuotes <= 0 && needBooks <= 0;
}

export function priceMove(o: Float64Array, s: CoreState): number {
  const sigma = s.prices.results.std;
  const last = s.lastPrice;
  const pL = s.trades >= 4 * s.lookback ? s.priceRing[s.ringPos]! : last;
  const move = last - pL;
  o[O.F_RETURN_Z] = sigma > 0 ? move / sigma : 0;
  o[O.F_VOLATILITY] = sigma > 0 && last > 0 ? sigma / last : 0;
  return sigma > 0 ? squash(move / sigma) : move > 0 ? 1 : move < 0 ? -1 : 0;
}

export function orderbookSignal(o: Float64Array, s: CoreState): void {
  const ti = s.touchImbalance,
    d = s.bookDepthWeight;
  const book = s.bookValid !== 0;
  const dwi = book ? s.dwi : 0;
  const ratio = s.touchSizeMean > 0 ? s.touchSize / s.touchSizeMean : 0;
  const touch = s.touchValid !== 0;
  o[O.F_TOUCH_IMBALANCE] = ti;
  o[O.F_TOUCH_SIZE_RATIO] = ratio;
  o[O.F_DEPTH_WEIGHTED_IMBALANCE] = s.dwi;
  o[O.F_MICROPRICE_OFFSET] = s.microOffset;
  component(
    o,
    s,
    O.ORDERBOOK,
    touch ? shape(s, (1 - d) * ti + d * dwi) : 0,
    touch ? Math.min(ratio, 1) * (1 - d + d * (book ? s.levels / s.depth : 0)) : 0,
    true,
  );
}

export function orderflowSignal(o: Float64Array, s: CoreState): void {
  const vd = s.vd.results;
  // ratios of running sums: a rounding error can put them just outside [−1, 1]; held inside
  const vdi = vd.buyVolume + vd.sellVolume > 0 ? clamp(vd.imbalance, -1, 1) : 0;
  const flow = s.flow.results;
  const tfi = flow.buyVolume + flow.sellVolume > 0 ? clamp(flow.imbalance, -1, 1) : 0;
  const ofi = s.ofi.results;
  const ofn = ofi.absSum > 0 ? clamp(ofi.sum / ofi.absSum, -1, 1) : 0;
  const m = s.tradeFlowWeight;
  o[O.F_VOLUME_DELTA_IMBALANCE] = vdi;
  o[O.F_ORDER_FLOW_IMBALANCE] = ofn;
  o[O.F_TRADE_FLOW_IMBALANCE] = tfi;
  o[O.F_OFI_SUM] = ofi.sum === ofi.sum ? ofi.sum : 0;
  component(o, s, O.ORDERFLOW, shape(s, (1 - m) * ofn + m * tfi), agree(tfi, ofn), true);
}

export function volumeSignal(o: Float64Array, s: CoreState, direction: number): void {
  const vd = s.vd.results;
  const sizes = s.sizes.results;
  const rel = s.trades >= 4 * s.lookback && sizes.mean > 0 ? (vd.buyVolume + vd.sellVolume) / (s.lookback * sizes.mean) : 1;
  o[O.F_RELATIVE_VOLUME] = rel;
  component(o, s, O.VOLUME, shape(s, direction * Math.max(rel - 1, 0)), Math.min(rel, 1), true);
}

export function priceStructureSignal(o: Float64Array, s: CoreState): void {
  const prices = s.prices.results;
  const last = s.lastPrice,
    sigma = prices.std;
  const hi = prices.max,
    lo = prices.min;
  const rp = s.trades >= 4 * s.lookback && hi > lo ? (2 * (last - lo)) / (hi - lo) - 1 : 0;
  const vwap = s.vwapQ > 0 ? s.vwapPQ / s.vwapQ : last;
  const vz = sigma > 0 ? (last - vwap) / sigma : 0;
  const svz = squash(vz);
  o[O.F_RANGE_POSITION] = rp;
  o[O.F_VWAP_Z] = vz;
  o[O.F_BREAKOUT] = s.breakout;
  // 0 − x, not −x: a flat price gives +0, never −0 (which a JSON round trip would change)
  o[O.MEAN_REVERSION] = 0 - svz;
  component(o, s, O.PRICE_STRUCTURE, shape(s, 0.4 * rp + 0.3 * svz + 0.3 * s.breakout), agree(rp, svz), true);
}

export function technicalSignal(o: Float64Array, s: CoreState, direction: number): void {
  const prices = s.prices.results;
  const sigma = prices.std;
  const es = sigma > 0 ? (s.emaFast - prices.ema) / sigma : 0;
  const ses = squash(es);
  const gl = s.avgGain + s.avgLoss;
  const rsi = gl > 0 ? (100 * s.avgGain) / gl : 50;
  o[O.F_EMA_SPREAD] = es;
  o[O.F_RSI] = rsi;
  o[O.MOMENTUM] = squash(s.gain * (ses + direction) * 0.5);
  component(o, s, O.TECHNICAL, shape(s, 0.4 * ses + (0.3 * (rsi - 50)) / 50 + 0.3 * direction), agree(ses, direction), true);
}

export function sentimentSignal(o: Float64Array, s: CoreState, now: number): void {
  const age = now - s.sentimentTime;
  const fresh = s.hasSentiment !== 0 && age <= s.staleMs;
  component(o, s, O.SENTIMENT, fresh ? s.sentiment : 0, fresh ? clamp(1 - age / s.staleMs, 0, 1) : 0, fresh);
}

export function marketFeatures(o: Float64Array, s: CoreState): void {
  o[O.F_MID] = s.mid;
  o[O.F_SPREAD] = s.spread;
  o[O.F_MICROPRICE] = s.microprice;
  o[O.F_LAST_PRICE] = s.lastPrice;
}

export function combine(o: Float64Array, s: CoreState): boolean {
  let coverage = 0;
  for (let c = 0; c < O.COMPONENTS; c++) {
    if (o[O.AVAILABLE + c] !== 0) coverage += weight(s, c);
  }
  if (!(coverage > 0)) return false;
  let mean = 0,
    suff = 0;
  for (let c = 0; c < O.COMPONENTS; c++) {
    if (o[O.AVAILABLE + c] === 0) continue;
    const wc = weight(s, c) / coverage;
    mean += wc * o[O.SIGNAL + c]!;
    suff += wc * o[O.COMPONENT_CONFIDENCE + c]!;
  }
  let dispersion = 0;
  for (let c = 0; c < O.COMPONENTS; c++) {
    if (o[O.AVAILABLE + c] === 0) continue;
    const d = o[O.SIGNAL + c]! - mean;
    dispersion += (weight(s, c) / coverage) * d * d;
  }
  o[O.SCORE] = clamp(50 + 50 * mean, 0, 100);
  o[O.AGREEMENT] = clamp(1 - Math.sqrt(dispersion), 0, 1);
  o[O.SUFFICIENCY] = clamp(suff, 0, 1);
  o[O.COVERAGE] = Math.min(coverage, 1);
  return true;
}

export function regime(o: Float64Array, s: CoreState): void {
  const spreads = s.spreads.results;
  const relSpread = s.mid > 0 ? s.spread / s.mid : 0;
  const spreadRatio = spreads.mean > 0 ? relSpread / spreads.mean : 1;
  const changes = s.changes.results;
  const volRatio = s.dp2Long > 0 && changes.std === changes.std ? changes.std / Math.sqrt(s.dp2Long) : 1;
  o[O.F_SPREAD_RATIO] = spreadRatio;
  o[O.F_VOLATILITY_RATIO] = volRatio;
  o[O.REGIME] = 1 / (1 + Math.max(spreadRatio - 1.5, 0)) / (1 + Math.max(volRatio - 2, 0));
}

export function confidence(o: Float64Array): void {
  o[O.CONFIDENCE] = clamp(o[O.AGREEMENT]! * o[O.SUFFICIENCY]! * o[O.REGIME]! * o[O.COVERAGE]!, 0, 1);
}
