/**
 * The confluence core on the WASM backend: one export call per event and one per
 * score; outputs are read from the state block (maths in assembly/confluence/core.ts).
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { ConfluenceCoreOptions } from "../../types.js";
import type { EventColumns } from "../../../feeds/eventBatch.js";
import type { FlowStores, RawConfluenceCore } from "../../raw.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { CORE_COUNTERS, CORE_FLOATS, readCoreHead, writeCoreHead, type CoreConfig, type CoreHead } from "../../state/coreCheckpointHead.js";
import { StructView, structLayout } from "../structView.js";
import { readVolumeWindowAt, volumeWindowLastTime, writeVolumeWindowAt } from "../flow/volumeDeltaWindow.js";
import { readOfiWindowAt, writeOfiWindowAt } from "../book/orderFlowImbalance.js";
import { readRollingStatsAt, writeRollingStatsAt } from "../stats/rollingStats.js";
import { StateBlock } from "../stateBlock.js";
import { NOT_DIRECT, WEIGHTS, type Marshal } from "../marshal.js";
import { COMPONENTS, OUTPUTS } from "../../coreLayout.js";
import type { OrderBook } from "../../../book/orderBook.js";
import { WasmL2Book } from "../book/l2Book.js";
import { bookFromTop } from "../../bookFromTop.js";

/** The fields of assembly/confluence/coreState.ts's CoreState (right after the output slots), in its order. */
const F = structLayout({
  lookback: "i32",
  depth: "i32",
  ofiWindow: "i32",
  flowWindow: "i32",
  trades: "i32",
  quotes: "i32",
  quotesAtBook: "i32",
  books: "i32",
  bookValid: "i32",
  touchValid: "i32",
  levels: "i32",
  hasSentiment: "i32",
  ringPos: "i32",
  linear: "i32",
  gain: "f64",
  staleMs: "f64",
  bookDepthWeight: "f64",
  tradeFlowWeight: "f64",
  lastPrice: "f64",
  emaFast: "f64",
  avgGain: "f64",
  avgLoss: "f64",
  vwapPQ: "f64",
  vwapQ: "f64",
  breakout: "f64",
  dp2Long: "f64",
  dwi: "f64",
  microOffset: "f64",
  touchImbalance: "f64",
  touchSize: "f64",
  touchSizeMean: "f64",
  mid: "f64",
  spread: "f64",
  microprice: "f64",
  sentiment: "f64",
  sentimentTime: "f64",
  weights: "usize",
  levelWeights: "usize",
  book: "usize",
  priceRing: "usize",
  vd: "usize",
  flow: "usize",
  ofi: "usize",
  prices: "usize",
  sizes: "usize",
  changes: "usize",
  spreads: "usize",
});
/** The core's windows in the order their parts follow the head (the JS twin's order too). */
const WINDOWS = [
  ["vd", writeVolumeWindowAt, readVolumeWindowAt],
  ["flow", writeVolumeWindowAt, readVolumeWindowAt],
  ["ofi", writeOfiWindowAt, readOfiWindowAt],
  ["prices", writeRollingStatsAt, readRollingStatsAt],
  ["sizes", writeRollingStatsAt, readRollingStatsAt],
  ["changes", writeRollingStatsAt, readRollingStatsAt],
  ["spreads", writeRollingStatsAt, readRollingStatsAt],
] as const;

/** The state of the core at `p` (its CoreState right after the output slots). */
function stateView(mod: WasmModule, p: number): StructView {
  return new StructView(mod, p + 8 * OUTPUTS);
}

function configAt(v: StructView): CoreConfig {
  const depth = v.i32(F.depth);
  return {
    lookback: v.i32(F.lookback),
    depth,
    ofiWindow: v.i32(F.ofiWindow),
    flowWindow: v.i32(F.flowWindow),
    linear: v.i32(F.linear),
    gain: v.f64(F.gain),
    staleMs: v.f64(F.staleMs),
    bookDepthWeight: v.f64(F.bookDepthWeight),
    tradeFlowWeight: v.f64(F.tradeFlowWeight),
    weights: v.f64s(v.usize(F.weights), COMPONENTS),
    levelWeights: v.f64s(v.usize(F.levelWeights), depth),
  };
}

/** Views of the head's arrays in linear memory. */
function arraysAt(v: StructView, p: number, c: CoreConfig): Pick<CoreHead, "book" | "priceRing" | "outputs"> {
  return {
    book: v.f64s(v.usize(F.book), 4 * c.depth),
    priceRing: v.f64s(v.usize(F.priceRing), c.lookback + 1),
    outputs: v.f64s(p, OUTPUTS),
  };
}

/** Writes the core at `p`: the head (coreCheckpointHead.ts, the layout the JS twin writes too), then its windows. */
function writeCoreAt(mod: WasmModule, p: number, w: StateWriter): void {
  const v = stateView(mod, p);
  const c = configAt(v);
  const counters = {} as Record<(typeof CORE_COUNTERS)[number], number>;
  for (const k of CORE_COUNTERS) counters[k] = v.i32(F[k]);
  writeCoreHead(w, c, { ...counters, ...v.floats(CORE_FLOATS, F), ...arraysAt(v, p, c) });
  for (const [field, write] of WINDOWS) write(mod, v.usize(F[field]), w);
}

function readCoreAt(mod: WasmModule, p: number, r: StateReader): void {
  const v = stateView(mod, p);
  const c = configAt(v);
  const head = readCoreHead(r, c);
  for (const k of CORE_COUNTERS) v.setI32(F[k], head[k]);
  v.setFloats(CORE_FLOATS, F, head);
  const arrays = arraysAt(v, p, c);
  arrays.book.set(head.book);
  arrays.priceRing.set(head.priceRing);
  arrays.outputs.set(head.outputs);
  for (const [field, , read] of WINDOWS) read(mod, v.usize(F[field]), r);
}

export class WasmConfluenceCore extends StateBlock implements RawConfluenceCore {
  private input: Float64Array;
  private readonly depth: number;
  private readonly tradeFn: (p: number, price: number, qty: number, buyer: number, time: number) => void;
  private readonly quoteFn: (p: number, pb: number, qb: number, pa: number, qa: number) => void;
  private readonly computeFn: (p: number, now: number) => number;
  private readonly flowFn: WasmModule["exports"]["coreFlow"];
  /** The columns object whose addresses `columnsAt` holds (kind, symbol, times, id, a–d), and the memory they were taken in. */
  private columnsOf: EventColumns | null = null;
  private columnsIn: ArrayBuffer | null = null;
  private readonly columnsAt = new Float64Array(9);
  /** The output slots in linear memory (snapshot). */
  private outputsView: Float64Array;

  constructor(
    mod: WasmModule,
    private readonly m: Marshal,
    options: ConfluenceCoreOptions,
  ) {
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
    this.flowFn = e.coreFlow;
    this.outputsView = new Float64Array(mod.buffer, this.ptr, OUTPUTS);
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

  flow(c: EventColumns, from: number, to: number, symbol: number, stores: FlowStores): number {
    this.requireLive();
    const mod = this.mod,
      m = this.m;
    const run = m.addressOf(stores.run),
      tradeIds = m.addressOf(stores.tradeIds),
      quoteIds = m.addressOf(stores.quoteIds);
    if (run === NOT_DIRECT || tradeIds === NOT_DIRECT || quoteIds === NOT_DIRECT) return from;
    // the columns' addresses, taken again for another columns object or after the memory grew
    const at = this.columnsAt;
    if (c !== this.columnsOf || mod.buffer !== this.columnsIn) {
      this.columnsOf = null;
      const list = [c.kind, c.symbol, c.exchangeTime, c.receiveTime, c.id, c.a, c.b, c.c, c.d];
      for (let i = 0; i < list.length; i++) if ((at[i] = m.addressOf(list[i]!)) === NOT_DIRECT) return from;
      this.columnsOf = c;
      this.columnsIn = mod.buffer;
    }
    return this.flowFn(
      this.ptr,
      at[0]!,
      at[1]!,
      at[2]!,
      at[3]!,
      at[4]!,
      at[5]!,
      at[6]!,
      at[7]!,
      at[8]!,
      from,
      to,
      symbol,
      run,
      tradeIds,
      stores.tradeIds.length,
      quoteIds,
      stores.quoteIds.length,
    );
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
    // a Float64Array takes the slots in one copy from a view of them, made again once the memory grew
    if (out instanceof Float64Array && out.length >= OUTPUTS) {
      if (this.outputsView.length !== OUTPUTS) {
        this.mod.refresh();
        this.outputsView = new Float64Array(this.mod.buffer, this.ptr, OUTPUTS);
      }
      out.set(this.outputsView);
      return;
    }
    const f64 = this.mod.f64,
      base = this.base;
    for (let i = 0; i < OUTPUTS; i++) out[i] = f64[base + i]!;
  }

  reset(): void {
    this.requireLive();
    this.mod.exports.coreReset(this.ptr);
  }

  get lastTradeTime(): number {
    this.requireLive();
    return volumeWindowLastTime(this.mod, stateView(this.mod, this.ptr).usize(F.vd));
  }

  writeState(w: StateWriter): void {
    this.writeBlock(w, writeCoreAt);
  }

  readState(r: StateReader): void {
    this.readBlock(r, readCoreAt);
  }
}
