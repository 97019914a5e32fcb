/**
 * The confluence core, plain-JS twin of assembly/confluence/core.ts (the formulas are
 * documented there): the same windows, the same operations in the same order, so the
 * outputs are bit-identical to the WASM build. Disposed like the WASM core: every later
 * call throws DisposedError, and dispose() again does nothing.
 */
import type { ConfluenceCore, ConfluenceCoreOptions } from "../../types.js";
import * as O from "../../coreLayout.js";
import { requireLive } from "../../validate.js";
import { JsRollingStats } from "../stats/rollingStats.js";
import { JsVolumeDeltaWindow } from "../flow/volumeDeltaWindow.js";
import { JsOrderFlowWindow } from "../book/orderFlowImbalance.js";

const COMPONENTS = 6;
const squash = (x: number): number => x / (1 + Math.abs(x));
const agree = (a: number, b: number): number => 1 - Math.abs(a - b) * 0.5;
const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

export class JsConfluenceCore implements ConfluenceCore {
  private readonly outputs = new Float64Array(O.OUTPUTS);
  /** The book input; null once disposed. */
  private input: Float64Array | null;
  private readonly weights: Float64Array;
  private readonly levelWeights: Float64Array;
  private readonly lookback: number;
  private readonly depth: number;
  private readonly gain: number;
  private readonly staleMs: number;
  private readonly priceRing: Float64Array;
  private readonly vd: JsVolumeDeltaWindow;
  private readonly ofi: JsOrderFlowWindow;
  private readonly prices: JsRollingStats;
  private readonly sizes: JsRollingStats;
  private readonly changes: JsRollingStats;
  private readonly spreads: JsRollingStats;
  private trades = 0;
  private quotes = 0;
  private books = 0;
  private bookValid = 0;
  private levels = 0;
  private hasSentiment = 0;
  private ringPos = 0;
  private lastPrice = NaN;
  private emaFast = 0;
  private avgGain = 0;
  private avgLoss = 0;
  private vwapPQ = 0;
  private vwapQ = 0;
  private breakout = 0;
  private dp2Long = 0;
  private dwi = 0;
  private microOffset = 0;
  private mid = NaN;
  private spread = NaN;
  private microprice = NaN;
  private sentimentValue = 0;
  private sentimentTime = -Infinity;

  constructor(options: ConfluenceCoreOptions) {
    const { lookback, depth } = options;
    const long = lookback * 4;
    this.lookback = lookback;
    this.depth = depth;
    this.gain = 4 * options.sensitivity;
    this.staleMs = options.staleMs;
    this.weights = Float64Array.from(options.weights);
    this.levelWeights = Float64Array.from(options.levelWeights);
    this.input = new Float64Array(4 * depth);
    this.priceRing = new Float64Array(lookback + 1);
    this.vd = new JsVolumeDeltaWindow(lookback, Infinity);
    this.ofi = new JsOrderFlowWindow(lookback);
    this.prices = new JsRollingStats(long, 2.0 / (long + 1), long);
    this.sizes = new JsRollingStats(long, 1, long, false);
    this.changes = new JsRollingStats(long, 1, long, false);
    this.spreads = new JsRollingStats(long, 1, 1, false);
    this.reset();
  }

  get bookInput(): Float64Array {
    requireLive(this.input, "ConfluenceCore");
    return this.input;
  }

  reset(): void {
    requireLive(this.input, "ConfluenceCore");
    this.trades = 0;
    this.quotes = 0;
    this.books = 0;
    this.bookValid = 0;
    this.levels = 0;
    this.hasSentiment = 0;
    this.ringPos = 0;
    this.lastPrice = NaN;
    this.emaFast = 0;
    this.avgGain = 0;
    this.avgLoss = 0;
    this.vwapPQ = 0;
    this.vwapQ = 0;
    this.breakout = 0;
    this.dp2Long = 0;
    this.dwi = 0;
    this.microOffset = 0;
    this.mid = NaN;
    this.spread = NaN;
    this.microprice = NaN;
    this.sentimentValue = 0;
    this.sentimentTime = -Infinity;
    this.vd.reset();
    this.ofi.reset();
    this.prices.reset();
    this.sizes.reset();
    this.changes.reset();
    this.spreads.reset();
    this.outputs.fill(NaN);
  }

  dispose(): void {
    this.input = null;
  }

  output(slot: number): number {
    requireLive(this.input, "ConfluenceCore");
    return this.outputs[slot]!;
  }

  snapshot(out: Float64Array | number[]): void {
    requireLive(this.input, "ConfluenceCore");
    const o = this.outputs;
    for (let i = 0; i < O.OUTPUTS; i++) out[i] = o[i]!;
  }

  private topOfBook(pb: number, qb: number, pa: number, qa: number): void {
    const mid = (pb + pa) * 0.5, spread = pa - pb;
    const micro = qb + qa > 0 ? (pb * qa + pa * qb) / (qb + qa) : mid;
    this.mid = mid;
    this.spread = spread;
    this.microprice = micro;
    this.microOffset = spread > 0 ? clamp(2 * (micro - mid) / spread, -1, 1) : 0;
    if (mid > 0 && spread >= 0) this.spreads.pushRaw(spread / mid);
  }

  book(nb: number, na: number): void {
    const book = this.input;
    requireLive(book, "ConfluenceCore");
    const n = this.depth;
    const db = Math.min(nb, n), da = Math.min(na, n);
    if (db < 1 || da < 1) {
      this.bookValid = 0;
      return;
    }
    const w = this.levelWeights;
    let sb = 0, sa = 0;
    for (let i = 0; i < db; i++) sb += w[i]! * book[n + i]!;
    for (let i = 0; i < da; i++) sa += w[i]! * book[3 * n + i]!;
    this.dwi = sb + sa > 0 ? (sb - sa) / (sb + sa) : 0;
    this.levels = Math.min(db, da);
    this.bookValid = 1;
    this.books++;
    this.topOfBook(book[0]!, book[n]!, book[2 * n]!, book[3 * n]!);
  }

  quote(pb: number, qb: number, pa: number, qa: number): void {
    requireLive(this.input, "ConfluenceCore");
    this.ofi.pushRaw(pb, qb, pa, qa);
    this.quotes++;
    this.topOfBook(pb, qb, pa, qa);
  }

  trade(price: number, qty: number, buyer: boolean, time: number): void {
    requireLive(this.input, "ConfluenceCore");
    const lookback = this.lookback;
    this.vd.push(qty, buyer, time);
    const prices = this.prices;
    if (this.trades > 0) {
      const dp = price - this.lastPrice;
      this.changes.pushRaw(dp);
      const a = 2.0 / (16 * lookback + 1);
      this.dp2Long = this.trades === 1 ? dp * dp : this.dp2Long + a * (dp * dp - this.dp2Long);
      const up = dp > 0 ? dp : 0, down = dp < 0 ? -dp : 0;
      if (this.trades === 1) {
        this.avgGain = up;
        this.avgLoss = down;
      } else {
        this.avgGain += (up - this.avgGain) / lookback;
        this.avgLoss += (down - this.avgLoss) / lookback;
      }
      if (prices.results.count === prices.window) {
        this.breakout = price > prices.results.max ? 1 : price < prices.results.min ? -1 : this.breakout * (1 - 1 / lookback);
      }
    }
    prices.pushRaw(price);
    this.sizes.pushRaw(qty);
    const af = 2.0 / (lookback + 1);
    if (this.trades === 0) {
      this.emaFast = price;
      this.vwapPQ = price * qty;
      this.vwapQ = qty;
    } else {
      this.emaFast += af * (price - this.emaFast);
      this.vwapPQ += af * (price * qty - this.vwapPQ);
      this.vwapQ += af * (qty - this.vwapQ);
    }
    this.priceRing[this.ringPos] = price;
    this.ringPos = this.ringPos === lookback ? 0 : this.ringPos + 1;
    this.lastPrice = price;
    this.trades++;
  }

  sentiment(value: number, time: number): void {
    requireLive(this.input, "ConfluenceCore");
    this.sentimentValue = value;
    this.sentimentTime = time;
    this.hasSentiment = 1;
  }

  compute(now: number): boolean {
    requireLive(this.input, "ConfluenceCore");
    const o = this.outputs, w = this.weights;
    const lookback = this.lookback, long = 4 * lookback;
    let needTrades = 0, needQuotes = 0, needBooks = 0;
    if (w[0]! > 0) needBooks = Math.max(needBooks, 1 - this.books);
    if (w[1]! > 0) {
      needTrades = Math.max(needTrades, lookback - this.trades);
      needQuotes = Math.max(needQuotes, lookback + 1 - this.quotes);
    }
    if (w[2]! > 0 || w[3]! > 0 || w[4]! > 0) needTrades = Math.max(needTrades, long - this.trades);
    o[O.NEED_TRADES] = needTrades;
    o[O.NEED_QUOTES] = needQuotes;
    o[O.NEED_BOOKS] = needBooks;
    if (needTrades > 0 || needQuotes > 0 || needBooks > 0) {
      o[O.READY] = 0;
      return false;
    }
    const g = this.gain;
    const prices = this.prices.results;
    const last = this.lastPrice;
    const sigma = prices.std;
    const warmTrades = this.trades >= long;
    const pL = warmTrades ? this.priceRing[this.ringPos]! : last;
    const move = last - pL;
    const mom = sigma > 0 ? squash(move / sigma) : move > 0 ? 1 : move < 0 ? -1 : 0;

    const dwi = this.dwi, mo = this.microOffset;
    const sig0 = this.bookValid ? squash(g * (0.6 * dwi + 0.4 * mo)) : 0;
    const conf0 = this.bookValid ? agree(dwi, mo) * (this.levels / this.depth) : 0;
    const vd = this.vd.results;
    const vdi = vd.buyVolume + vd.sellVolume > 0 ? vd.imbalance : 0;
    const ofi = this.ofi.results;
    const ofn = ofi.absSum > 0 ? ofi.sum / ofi.absSum : 0;
    const sig1 = squash(g * (vdi + ofn) * 0.5);
    const conf1 = agree(vdi, ofn);
    const sizes = this.sizes.results;
    const rel = warmTrades && sizes.mean > 0 ? (vd.buyVolume + vd.sellVolume) / (lookback * sizes.mean) : 1;
    const sig2 = squash(g * mom * Math.max(rel - 1, 0));
    const conf2 = Math.min(rel, 1);
    const hi = prices.max, lo = prices.min;
    const rp = warmTrades && hi > lo ? 2 * (last - lo) / (hi - lo) - 1 : 0;
    const vwap = this.vwapQ > 0 ? this.vwapPQ / this.vwapQ : last;
    const vz = sigma > 0 ? (last - vwap) / sigma : 0;
    const svz = squash(vz);
    const sig3 = squash(g * (0.4 * rp + 0.3 * svz + 0.3 * this.breakout));
    const conf3 = agree(rp, svz);
    const es = sigma > 0 ? (this.emaFast - prices.ema) / sigma : 0;
    const ses = squash(es);
    const gl = this.avgGain + this.avgLoss;
    const rsi = gl > 0 ? 100 * this.avgGain / gl : 50;
    const sig4 = squash(g * (0.4 * ses + 0.3 * (rsi - 50) / 50 + 0.3 * mom));
    const conf4 = agree(ses, mom);
    const age = now - this.sentimentTime;
    const fresh = this.hasSentiment !== 0 && age <= this.staleMs;
    const sig5 = fresh ? this.sentimentValue : 0;
    const conf5 = fresh ? clamp(1 - age / this.staleMs, 0, 1) : 0;

    o[O.SIGNAL] = sig0;
    o[O.SIGNAL + 1] = sig1;
    o[O.SIGNAL + 2] = sig2;
    o[O.SIGNAL + 3] = sig3;
    o[O.SIGNAL + 4] = sig4;
    o[O.SIGNAL + 5] = sig5;
    o[O.COMPONENT_CONFIDENCE] = conf0;
    o[O.COMPONENT_CONFIDENCE + 1] = conf1;
    o[O.COMPONENT_CONFIDENCE + 2] = conf2;
    o[O.COMPONENT_CONFIDENCE + 3] = conf3;
    o[O.COMPONENT_CONFIDENCE + 4] = conf4;
    o[O.COMPONENT_CONFIDENCE + 5] = conf5;

    let coverage = 0;
    for (let c = 0; c < COMPONENTS; c++) {
      const wc = w[c]!;
      const on = wc > 0 && (c < 5 || fresh);
      o[O.AVAILABLE + c] = on ? 1 : 0;
      if (on) coverage += wc;
    }
    if (!(coverage > 0)) {
      o[O.READY] = 0;
      return false;
    }
    let mean = 0, suff = 0;
    for (let c = 0; c < COMPONENTS; c++) {
      if (o[O.AVAILABLE + c] === 0) continue;
      const wc = w[c]! / coverage;
      mean += wc * o[O.SIGNAL + c]!;
      suff += wc * o[O.COMPONENT_CONFIDENCE + c]!;
    }
    let dispersion = 0;
    for (let c = 0; c < COMPONENTS; c++) {
      if (o[O.AVAILABLE + c] === 0) continue;
      const d = o[O.SIGNAL + c]! - mean;
      dispersion += w[c]! / coverage * d * d;
    }
    const agreement = clamp(1 - Math.sqrt(dispersion), 0, 1);
    const spreads = this.spreads.results;
    const relSpread = this.mid > 0 ? this.spread / this.mid : 0;
    const spreadRatio = spreads.mean > 0 ? relSpread / spreads.mean : 1;
    const changes = this.changes.results;
    const volRatio = this.dp2Long > 0 && changes.std === changes.std ? changes.std / Math.sqrt(this.dp2Long) : 1;
    const regime = 1 / (1 + Math.max(spreadRatio - 1.5, 0)) / (1 + Math.max(volRatio - 2, 0));

    o[O.SCORE] = clamp(50 + 50 * mean, 0, 100);
    o[O.CONFIDENCE] = clamp(agreement * clamp(suff, 0, 1) * regime * Math.min(coverage, 1), 0, 1);
    o[O.MOMENTUM] = squash(g * (ses + mom) * 0.5);
    o[O.MEAN_REVERSION] = -svz;
    o[O.AGREEMENT] = agreement;
    o[O.SUFFICIENCY] = clamp(suff, 0, 1);
    o[O.REGIME] = regime;
    o[O.COVERAGE] = Math.min(coverage, 1);
    o[O.F_DWI] = dwi;
    o[O.F_MICRO_OFFSET] = mo;
    o[O.F_VD_IMBALANCE] = vdi;
    o[O.F_OFI_NORM] = ofn;
    o[O.F_REL_VOLUME] = rel;
    o[O.F_VOL_DIRECTION] = mom;
    o[O.F_RANGE_POS] = rp;
    o[O.F_VWAP_Z] = vz;
    o[O.F_BREAKOUT] = this.breakout;
    o[O.F_EMA_SPREAD] = es;
    o[O.F_RSI] = rsi;
    o[O.F_RETURN_MOMENTUM] = sigma > 0 ? move / sigma : 0;
    o[O.F_SPREAD_RATIO] = spreadRatio;
    o[O.F_VOL_RATIO] = volRatio;
    o[O.F_MID] = this.mid;
    o[O.F_SPREAD] = this.spread;
    o[O.F_MICROPRICE] = this.microprice;
    o[O.F_VOLATILITY] = sigma > 0 && last > 0 ? sigma / last : 0;
    o[O.F_OFI_SUM] = ofi.sum === ofi.sum ? ofi.sum : 0;
    o[O.F_LAST_PRICE] = last;
    o[O.READY] = 1;
    return true;
  }
}
