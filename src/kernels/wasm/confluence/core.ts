/**
 * The confluence core on the WASM backend: one export call per event and one per
 * score; outputs are read from the state block (maths in assembly/confluence/core.ts).
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { ConfluenceCore, ConfluenceCoreOptions } from "../../types.js";
import { StateBlock } from "../stateBlock.js";
import type { Marshal } from "../marshal.js";
import { WEIGHTS } from "../marshal.js";
import { COMPONENTS, OUTPUTS } from "../../coreLayout.js";
import type { OrderBook } from "../../../book/orderBook.js";
import { WasmL2Book } from "../book/l2Book.js";
import { bookFromTop } from "../../bookFromTop.js";

export class WasmConfluenceCore extends StateBlock implements ConfluenceCore {
  private input: Float64Array;
  private readonly depth: number;
  private readonly tradeFn: (p: number, price: number, qty: number, buyer: number, time: number) => void;
  private readonly quoteFn: (p: number, pb: number, qb: number, pa: number, qa: number) => void;
  private readonly computeFn: (p: number, now: number) => number;

  constructor(mod: WasmModule, m: Marshal, options: ConfluenceCoreOptions) {
    const e = mod.exports;
    super(mod, e.coreSize(options.lookback, options.depth, options.ofiWindow, options.flowWindow), "ConfluenceCore");
    this.depth = options.depth;
    const weights = m.f64In(Float64Array.from(options.weights), COMPONENTS, WEIGHTS);
    const levels = m.f64In(Float64Array.from(options.levelWeights), options.depth, 0);
    e.coreInit(
      this.ptr,
      options.lookback,
      options.depth,
      options.ofiWindow,
      options.flowWindow,
      options.sensitivity,
      options.staleMs,
      options.bookDepthWeight,
      options.tradeFlowWeight,
      weights,
      levels,
      options.signalShape === "linear" ? 1 : 0,
    );
    this.input = new Float64Array(mod.buffer, e.coreBookInput(this.ptr) >>> 0, 4 * options.depth);
    this.tradeFn = e.coreTrade;
    this.quoteFn = e.coreQuote;
    this.computeFn = e.coreCompute;
  }

  get bookInput(): Float64Array {
    this.requireLive();
    if (this.input.buffer !== this.mod.buffer) {
      this.input = new Float64Array(this.mod.buffer, this.mod.exports.coreBookInput(this.ptr) >>> 0, 4 * this.depth);
    }
    return this.input;
  }

  book(bidLevels: number, askLevels: number): void {
    this.requireLive();
    this.mod.exports.coreBook(this.ptr, bidLevels, askLevels);
  }

  bookFrom(book: OrderBook): void {
    this.requireLive();
    if (book instanceof WasmL2Book && book.mod === this.mod) book.feedCore(this.ptr);
    else bookFromTop(this, book, this.depth);
  }

  quote(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    this.requireLive();
    this.quoteFn(this.ptr, bidPx, bidQty, askPx, askQty);
  }

  trade(price: number, qty: number, buyerInitiated: boolean, time: number): void {
    this.requireLive();
    this.tradeFn(this.ptr, price, qty, buyerInitiated ? 1 : 0, time);
  }

  sentiment(value: number, time: number): void {
    this.requireLive();
    this.mod.exports.coreSentiment(this.ptr, value, time);
  }

  compute(now: number): boolean {
    this.requireLive();
    return this.computeFn(this.ptr, now) !== 0;
  }

  output(slot: number): number {
    return this.read(slot);
  }

  snapshot(out: Float64Array | number[]): void {
    this.requireLive();
    const f64 = this.mod.f64,
      base = this.base;
    for (let i = 0; i < OUTPUTS; i++) out[i] = f64[base + i]!;
  }

  reset(): void {
    this.requireLive();
    this.mod.exports.coreReset(this.ptr);
  }
}
