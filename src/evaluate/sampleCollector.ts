/**
 * Builds labelled sample sets (sampleSet.ts) from a capture's events: it runs them through a
 * StreamingEngine with the configuration under test and, per score update, records what the
 * engine said beside the baselines computed from the same events at that moment, and the mid
 * timeline of the best quote. Only events the engine accepted feed the baselines and the
 * timeline (a rejected or duplicate event changes neither). Everything here is derived from
 * the events alone: browser-safe, and the same samples from the same events on every engine.
 *
 * Bounded: at most `maxSamples` updates and `maxQuotes` quotes per symbol (what is turned away
 * is counted in the set's counts), symbols as the engine bounds them. One collector is one
 * capture: give each file its own, or the end of one day would be labelled by the next.
 */
import { InvalidParameterError } from "../errors.js";
import type { MarketEvent, QuoteEvent, TradeEvent } from "../feeds/events.js";
import { COMPONENT_NAMES } from "../kernels/coreLayout.js";
import type { Kernels, OrderFlowWindow, VolumeDeltaWindow } from "../kernels/types.js";
import type { ConfluenceConfigInput } from "../confluence/config.js";
import { StreamingEngine, type ScoreUpdate, type SymbolView } from "../pipeline/engine.js";
import { MultiTimeframeScorer, type MultiTimeframeOptions } from "../score/multiTimeframe.js";
import { ALGORITHMS, BASELINE_NAMES, URGENCIES, type BaselineName, type SampleSet } from "./sampleSet.js";

export interface SampleCollectorOptions {
  /** The capture's name in the sets (a file name). */
  readonly capture: string;
  /** The scoring configuration under test (a preset and overrides). */
  readonly config?: ConfluenceConfigInput;
  /** Updates kept per symbol. Default 1,000,000. */
  readonly maxSamples?: number;
  /** Quotes kept in a symbol's mid timeline. Default 4,000,000. */
  readonly maxQuotes?: number;
  /**
   * Also run a MultiTimeframeScorer per symbol on the accepted events (true: its defaults) and record
   * its composite's directional reading at every update (the set's `multiTimeframe`). Default off.
   */
  readonly multiTimeframe?: boolean | MultiTimeframeOptions;
}

/** The quotes the OFI baseline sums over, and the trades of the volume-delta baseline. */
const OFI_QUOTES = 10,
  FLOW_TRADES = 50;

/** A growing column of numbers, stored in a typed array that doubles when full. */
class Column<T extends Float64Array | Int32Array | Int8Array | Uint8Array> {
  length = 0;
  constructor(private data: T) {}

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** The latest value pushed; −Infinity when none. */
  last(): number {
    return this.length > 0 ? this.data[this.length - 1]! : -Infinity;
  }

  /** The values pushed, in an array of their own size. */
  take(): T {
    return this.data.slice(0, this.length) as T;
  }
}

const f64 = () => new Column(new Float64Array(1024));

/** One symbol's columns, baselines and counts. */
class SymbolSamples {
  view: SymbolView | null = null;
  readonly receiveTime = f64();
  readonly time = f64();
  readonly score = f64();
  readonly confidence = f64();
  readonly actionable = new Column(new Uint8Array(1024));
  readonly bias = f64();
  readonly urgencyInput = f64();
  readonly components = COMPONENT_NAMES.map(f64);
  readonly baselines = BASELINE_NAMES.map(f64);
  readonly side = new Column(new Int8Array(1024));
  readonly urgency = new Column(new Int8Array(1024));
  readonly algorithm = new Column(new Int8Array(1024));
  readonly quoteIndex = new Column(new Int32Array(1024));
  readonly quoteTime = f64();
  readonly mid = f64();
  readonly ofi: OrderFlowWindow;
  readonly flow: VolumeDeltaWindow;
  /** With `multiTimeframe`: the scorer and its column. */
  readonly mtf: MultiTimeframeScorer | null;
  readonly mtfReading = f64();
  /** The latest accepted quote's queue imbalance (NaN before one). */
  topOfBook = NaN;
  /** The latest trade time given to the flow window, whose times must not go backwards. */
  flowTime = -Infinity;
  updates = 0;
  updatesDropped = 0;
  quotes = 0;
  quotesDropped = 0;
  trades = 0;
  firstReceiveTime = NaN;
  lastReceiveTime = NaN;

  constructor(kernels: Kernels, mtf: MultiTimeframeOptions | null) {
    this.ofi = kernels.orderFlowWindow(OFI_QUOTES);
    this.flow = kernels.volumeDeltaWindow({ count: FLOW_TRADES });
    this.mtf = mtf === null ? null : new MultiTimeframeScorer(kernels, mtf);
  }
}

export class SampleCollector {
  private readonly engine: StreamingEngine;
  private readonly symbols = new Map<string, SymbolSamples>();
  private readonly maxSamples: number;
  private readonly maxQuotes: number;
  /** The update the event being processed produced (an event produces at most one). */
  private pending: ScoreUpdate | null = null;
  private finished = false;
  private readonly mtf: MultiTimeframeOptions | null;

  constructor(
    private readonly kernels: Kernels,
    private readonly options: SampleCollectorOptions,
  ) {
    this.maxSamples = limit("maxSamples", options.maxSamples, 1_000_000);
    this.maxQuotes = limit("maxQuotes", options.maxQuotes, 4_000_000);
    const mtf = options.multiTimeframe ?? false;
    this.mtf = mtf === false ? null : mtf === true ? {} : mtf;
    // typed errors for bad scorer options up front, not at the first symbol
    if (this.mtf !== null) new MultiTimeframeScorer(kernels, this.mtf).dispose();
    this.engine = new StreamingEngine(kernels, {
      ...(options.config ? { config: options.config } : {}),
      onScore: (u) => {
        this.pending = u;
      },
    });
  }

  /** Feeds one event to the engine and, if the engine accepted it, to the baselines; records the update it produced. */
  process(e: MarketEvent): void {
    if (this.finished) throw new InvalidParameterError("SampleCollector.process", "after finish()", "events before finish()");
    const s = typeof e === "object" && e !== null && typeof e.symbol === "string" ? this.symbols.get(e.symbol) : undefined;
    const before = s?.view ? refused(s.view) : 0;
    const dropped = this.engine.dropped;
    this.pending = null;
    this.engine.process(e);
    if (this.engine.dropped !== dropped) return;
    const samples = s ?? this.start(e.symbol);
    if (samples === null || refused(samples.view!) !== before) return;
    const t = e.receiveTime;
    if (t === t) {
      if (!(samples.firstReceiveTime <= t)) samples.firstReceiveTime = t;
      if (!(samples.lastReceiveTime >= t)) samples.lastReceiveTime = t;
    }
    if (e.type === "quote") this.quote(samples, e);
    else if (e.type === "trade") this.trade(samples, e);
    else if (samples.mtf !== null) this.book(samples);
    if (this.pending !== null) this.record(samples, this.pending);
  }

  /** The sample sets, one per symbol in order of first appearance; the collector is done (its engine disposed). */
  finish(): SampleSet[] {
    if (this.finished) throw new InvalidParameterError("SampleCollector.finish", "called twice", "one call");
    this.finished = true;
    const sets = [...this.symbols.entries()].map(([symbol, s]) => this.build(symbol, s));
    for (const s of this.symbols.values()) {
      s.ofi.dispose();
      s.flow.dispose();
      s.mtf?.dispose();
    }
    this.engine.dispose();
    return sets;
  }

  /** The samples of a symbol the engine has just taken on (null when it holds no state for it). */
  private start(symbol: string): SymbolSamples | null {
    const view = this.engine.symbolState(symbol);
    if (!view) return null;
    const s = new SymbolSamples(this.kernels, this.mtf);
    s.view = view;
    this.symbols.set(symbol, s);
    return s;
  }

  private quote(s: SymbolSamples, e: QuoteEvent): void {
    s.quotes++;
    s.mtf?.onQuote(e);
    // the baselines see every quote the engine accepted, as the engine does
    s.topOfBook = (e.bidQty - e.askQty) / (e.bidQty + e.askQty);
    s.ofi.push(e.bidPx, e.bidQty, e.askPx, e.askQty);
    const times = s.quoteTime;
    // only the mid timeline is bounded and ordered: NaN fails the comparison too (a quote without a
    // receive time has no place on the receive clock)
    if (times.length >= this.maxQuotes || !(e.receiveTime >= times.last())) {
      s.quotesDropped++;
      return;
    }
    s.quoteTime.push(e.receiveTime);
    s.mid.push((e.bidPx + e.askPx) / 2);
  }

  /** A depth event or snapshot the engine accepted: the synced book to the multi-timeframe scorer (never a stale book). */
  private book(s: SymbolSamples): void {
    const sync = s.view!.sync;
    if (sync?.synced) s.mtf!.onOrderBook(sync.book);
  }

  private trade(s: SymbolSamples, e: TradeEvent): void {
    s.trades++;
    const t = e.exchangeTime === e.exchangeTime ? e.exchangeTime : e.receiveTime;
    if (t > s.flowTime) s.flowTime = t;
    s.flow.push(e.qty, e.buyerInitiated, s.flowTime);
    s.mtf?.onTrade({ price: e.price, qty: e.qty, buyerInitiated: e.buyerInitiated, time: s.flowTime });
  }

  private record(s: SymbolSamples, u: ScoreUpdate): void {
    s.updates++;
    if (s.receiveTime.length >= this.maxSamples || !(u.receiveTime >= s.receiveTime.last())) {
      s.updatesDropped++;
      return;
    }
    s.receiveTime.push(u.receiveTime);
    s.time.push(u.time);
    s.score.push(u.score);
    s.confidence.push(u.confidence);
    s.actionable.push(u.actionable ? 1 : 0);
    s.bias.push(u.composite.directionalBias);
    s.urgencyInput.push(u.composite.signalStrength * u.composite.stability);
    COMPONENT_NAMES.forEach((name, c) => {
      s.components[c]!.push(u.components[name].score);
    });
    const d = u.decision;
    s.side.push(d === null || d.side === "none" ? 0 : d.side === "buy" ? 1 : -1);
    s.urgency.push(d === null ? -1 : URGENCIES.indexOf(d.urgency));
    s.algorithm.push(d === null ? -1 : ALGORITHMS.indexOf(d.algorithm));
    s.quoteIndex.push(s.quoteTime.length - 1);
    const ofi = s.ofi;
    const values: Record<BaselineName, number> = {
      topOfBook: s.topOfBook,
      top5: s.view!.book().imbalance5 ?? NaN,
      // as the core normalises it: no change over the window is no flow
      ofi10: ofi.isStable ? (ofi.absSum > 0 ? ofi.sum / ofi.absSum : 0) : NaN,
      volumeDelta50: s.flow.isStable ? s.flow.imbalance : NaN,
    };
    BASELINE_NAMES.forEach((name, b) => {
      const v = values[name];
      s.baselines[b]!.push(v === v && v - v === 0 ? v : NaN);
    });
    if (s.mtf !== null) s.mtfReading.push(s.mtf.compute(u.time)?.directional ?? NaN);
  }

  private build(symbol: string, s: SymbolSamples): SampleSet {
    const receiveTime = s.receiveTime.take();
    return {
      capture: this.options.capture,
      symbol,
      length: receiveTime.length,
      receiveTime,
      time: s.time.take(),
      score: s.score.take(),
      confidence: s.confidence.take(),
      actionable: s.actionable.take(),
      bias: s.bias.take(),
      urgencyInput: s.urgencyInput.take(),
      components: Object.fromEntries(COMPONENT_NAMES.map((name, c) => [name, s.components[c]!.take()])) as SampleSet["components"],
      baselines: Object.fromEntries(BASELINE_NAMES.map((name, b) => [name, s.baselines[b]!.take()])) as SampleSet["baselines"],
      side: s.side.take(),
      urgency: s.urgency.take(),
      algorithm: s.algorithm.take(),
      quoteIndex: s.quoteIndex.take(),
      ...(s.mtf !== null ? { multiTimeframe: s.mtfReading.take() } : {}),
      quotes: { receiveTime: s.quoteTime.take(), mid: s.mid.take() },
      counts: {
        updates: s.updates,
        updatesDropped: s.updatesDropped,
        quotes: s.quotes,
        quotesDropped: s.quotesDropped,
        trades: s.trades,
        firstReceiveTime: s.firstReceiveTime,
        lastReceiveTime: s.lastReceiveTime,
      },
    };
  }
}

/** The events the engine refused for a symbol so far: rejected or duplicate. */
function refused(view: SymbolView): number {
  const e = view.events;
  return e.rejected + e.duplicates;
}

function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isSafeInteger(value) && value >= 1)) throw new InvalidParameterError(name, value, "an integer ≥ 1");
  return value;
}
