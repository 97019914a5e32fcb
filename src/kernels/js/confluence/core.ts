/**
 * The confluence core, plain-JS twin of assembly/confluence/core.ts: the same windows and
 * the same functions with the same names (events here, the scoring in components.ts), the
 * same operations in the same order, so the outputs are bit-identical to the WASM build.
 * Disposed like the WASM core: every later call throws DisposedError, and dispose() again
 * does nothing.
 */
import type { ConfluenceCoreOptions } from "../../types.js";
import type { EventColumns } from "../../../feeds/eventBatch.js";
import { flowRun } from "./flowRun.js";
import type { FlowStores, RawConfluenceCore } from "../../raw.js";
import type { OrderBook } from "../../../book/orderBook.js";
import * as O from "../../coreLayout.js";
import { requireLive, requireStateReader, requireStateWriter } from "../../validate.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { CORE_COUNTERS, CORE_FLOATS, readCoreHead, writeCoreHead } from "../../state/coreCheckpointHead.js";
import { clamp } from "./bounded.js";
import { CoreState } from "./coreState.js";
import {
  warmedUp,
  priceMove,
  orderbookSignal,
  orderflowSignal,
  volumeSignal,
  priceStructureSignal,
  technicalSignal,
  sentimentSignal,
  marketFeatures,
  combine,
  regime,
  confidence,
} from "./components.js";

function coreReset(o: Float64Array, s: CoreState): void {
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
  s.vd.reset();
  s.flow.reset();
  s.ofi.reset();
  s.prices.reset();
  s.sizes.reset();
  s.changes.reset();
  s.spreads.reset();
  o.fill(NaN);
}

/**
 * The touch (mid, spread, microprice, queue imbalance at the best quote) from a best quote, or
 * from a book's best levels when no quote came since the previous book: the exchange's
 * best-quote stream where it exists (real time, where a depth stream is batched every 100 ms),
 * otherwise the book — and the book again within one book of a quote stream that stops.
 */
function topOfBook(s: CoreState, pb: number, qb: number, pa: number, qa: number): void {
  const mid = (pb + pa) * 0.5,
    spread = pa - pb;
  const size = qb + qa;
  const micro = size > 0 ? (pb * qa + pa * qb) / size : mid;
  s.mid = mid;
  s.spread = spread;
  s.microprice = micro;
  s.microOffset = spread > 0 ? clamp((2 * (micro - mid)) / spread, -1, 1) : 0;
  s.touchImbalance = size > 0 ? (qb - qa) / size : 0;
  s.touchSize = size;
  const mean = s.touchSizeMean;
  s.touchSizeMean = mean === mean ? mean + (2.0 / (4 * s.lookback + 1)) * (size - mean) : size;
  s.touchValid = 1;
  if (mid > 0 && spread >= 0) s.spreads.pushRaw(spread / mid);
}

function coreBook(s: CoreState, nb: number, na: number): void {
  const n = s.depth;
  const touch = s.quotes === s.quotesAtBook;
  s.quotesAtBook = s.quotes;
  const db = Math.min(nb, n),
    da = Math.min(na, n);
  if (db < 1 || da < 1) {
    s.bookValid = 0;
    if (touch) s.touchValid = 0;
    return;
  }
  const book = s.book,
    w = s.levelWeights;
  let sb = 0,
    sa = 0;
  for (let i = 0; i < db; i++) sb += w[i]! * book[n + i]!;
  for (let i = 0; i < da; i++) sa += w[i]! * book[3 * n + i]!;
  s.dwi = sb + sa > 0 ? (sb - sa) / (sb + sa) : 0;
  s.levels = Math.min(db, da);
  s.bookValid = 1;
  s.books++;
  if (touch) topOfBook(s, book[0]!, book[n]!, book[2 * n]!, book[3 * n]!);
}

/**
 * A book's change in one call: the top N levels of each side of `book` written straight into
 * the book input, then coreBook (the twin of the WASM core's coreBookFrom; any OrderBook is
 * read through its sides' `top`).
 */
function coreBookFrom(s: CoreState, book: OrderBook): void {
  const n = s.depth;
  const nb = book.bids.top(n, s.book, 0, n);
  const na = book.asks.top(n, s.book, 2 * n, 3 * n);
  coreBook(s, nb, na);
}

function coreQuote(s: CoreState, pb: number, qb: number, pa: number, qa: number): void {
  s.ofi.pushRaw(pb, qb, pa, qa);
  s.quotes++;
  topOfBook(s, pb, qb, pa, qa);
}

function coreTrade(s: CoreState, price: number, qty: number, buyer: boolean, time: number): void {
  const lookback = s.lookback;
  s.vd.pushRaw(qty, buyer, time);
  s.flow.pushRaw(qty, buyer, time);
  const prices = s.prices;
  if (s.trades > 0) {
    const dp = price - s.lastPrice;
    s.changes.pushRaw(dp);
    const a = 2.0 / (16 * lookback + 1);
    s.dp2Long = s.trades === 1 ? dp * dp : s.dp2Long + a * (dp * dp - s.dp2Long);
    const up = dp > 0 ? dp : 0,
      down = dp < 0 ? -dp : 0;
    if (s.trades === 1) {
      s.avgGain = up;
      s.avgLoss = down;
    } else {
      s.avgGain += (up - s.avgGain) / lookback;
      s.avgLoss += (down - s.avgLoss) / lookback;
    }
    if (prices.results.count === prices.window) {
      s.breakout = price > prices.results.max ? 1 : price < prices.results.min ? -1 : s.breakout * (1 - 1 / lookback);
    }
  }
  prices.pushRaw(price);
  s.sizes.pushRaw(qty);
  const af = 2.0 / (lookback + 1);
  if (s.trades === 0) {
    s.emaFast = price;
    s.vwapPQ = price * qty;
    s.vwapQ = qty;
  } else {
    s.emaFast += af * (price - s.emaFast);
    s.vwapPQ += af * (price * qty - s.vwapPQ);
    s.vwapQ += af * (qty - s.vwapQ);
  }
  s.priceRing[s.ringPos] = price;
  s.ringPos = s.ringPos === lookback ? 0 : s.ringPos + 1;
  s.lastPrice = price;
  s.trades++;
}

function coreSentiment(s: CoreState, value: number, time: number): void {
  s.sentiment = value;
  s.sentimentTime = time;
  s.hasSentiment = 1;
}

function coreCompute(o: Float64Array, s: CoreState, now: number): boolean {
  if (!warmedUp(o, s)) {
    o[O.READY] = 0;
    return false;
  }
  const direction = priceMove(o, s);
  orderbookSignal(o, s);
  orderflowSignal(o, s);
  volumeSignal(o, s, direction);
  priceStructureSignal(o, s);
  technicalSignal(o, s, direction);
  sentimentSignal(o, s, now);
  marketFeatures(o, s);
  if (!combine(o, s)) {
    o[O.READY] = 0;
    return false;
  }
  regime(o, s);
  confidence(o);
  o[O.READY] = 1;
  return true;
}

export class JsConfluenceCore implements RawConfluenceCore {
  private readonly outputs = new Float64Array(O.OUTPUTS);
  private readonly s: CoreState;
  /** The book input; null once disposed. */
  private input: Float64Array | null;

  constructor(options: ConfluenceCoreOptions) {
    this.s = new CoreState(options);
    this.input = this.s.book;
    coreReset(this.outputs, this.s);
  }

  get bookInput(): Float64Array {
    requireLive(this.input, "ConfluenceCore");
    return this.input;
  }

  reset(): void {
    requireLive(this.input, "ConfluenceCore");
    coreReset(this.outputs, this.s);
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

  book(bidLevels: number, askLevels: number): void {
    requireLive(this.input, "ConfluenceCore");
    coreBook(this.s, bidLevels, askLevels);
  }

  bookFrom(book: OrderBook): void {
    requireLive(this.input, "ConfluenceCore");
    coreBookFrom(this.s, book);
  }

  quote(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    requireLive(this.input, "ConfluenceCore");
    coreQuote(this.s, bidPx, bidQty, askPx, askQty);
  }

  trade(price: number, qty: number, buyerInitiated: boolean, time: number): void {
    requireLive(this.input, "ConfluenceCore");
    coreTrade(this.s, price, qty, buyerInitiated, time);
  }

  flow(columns: EventColumns, from: number, to: number, symbol: number, stores: FlowStores): number {
    requireLive(this.input, "ConfluenceCore");
    return flowRun(this.s, coreQuote, coreTrade, columns, from, to, symbol, stores.run.array, stores.tradeIds.array, stores.quoteIds.array);
  }

  sentiment(value: number, time: number): void {
    requireLive(this.input, "ConfluenceCore");
    coreSentiment(this.s, value, time);
  }

  compute(now: number): boolean {
    requireLive(this.input, "ConfluenceCore");
    return coreCompute(this.outputs, this.s, now);
  }

  get lastTradeTime(): number {
    requireLive(this.input, "ConfluenceCore");
    return this.s.vd.lastTime;
  }

  /** The head (coreCheckpointHead.ts), then the windows: volume delta L and flowWindow, OFI, prices, sizes, changes, spreads. */
  writeState(w: StateWriter): void {
    requireLive(this.input, "ConfluenceCore");
    requireStateWriter(w);
    const s = this.s;
    writeCoreHead(w, s, { ...s, outputs: this.outputs });
    for (const window of [s.vd, s.flow, s.ofi, s.prices, s.sizes, s.changes, s.spreads]) window.writeState(w);
  }

  readState(r: StateReader): void {
    requireLive(this.input, "ConfluenceCore");
    requireStateReader(r);
    const s = this.s;
    const head = readCoreHead(r, s);
    for (const k of CORE_COUNTERS) s[k] = head[k];
    for (const k of CORE_FLOATS) s[k] = head[k];
    s.book.set(head.book);
    s.priceRing.set(head.priceRing);
    this.outputs.set(head.outputs);
    for (const window of [s.vd, s.flow, s.ofi, s.prices, s.sizes, s.changes, s.spreads]) window.readState(r);
  }
}
