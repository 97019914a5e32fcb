/**
 * The confluence analyzer: one per symbol. It feeds trades, books, best quotes and
 * optional sentiment into the confluence core (one kernel call per event, either
 * backend) and turns the core's outputs into a score 0–100 with a confidence 0–1, the
 * six components' breakdown, momentum and mean reversion. It keeps the streaming contract
 * (../streamingComponent.ts): inputs through onTrade/onQuote/onBook/onSentiment, the score
 * at a time from `compute(now)` — null while the components are warming up, and `needed`
 * says how many inputs are still missing.
 *
 * Every formula is in assembly/confluence/components.ts (and the README); the components,
 * output slots and features are defined once in assembly/confluence/coreSpec.json. In
 * short: each component maps its features to a signal in [−1, 1] (sub-score
 * 50 + 50·signal) and a confidence; the score is the weighted mean; confidence =
 * agreement between the components × data sufficiency × regime (wide spreads and extreme
 * volatility lower it) × coverage (the weight of the components that could contribute).
 */
import { calibratedConfidence } from "./calibration.js";
import { DisposedError, InvalidParameterError, WarmupError } from "../errors.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";
import type { StreamingComponent } from "../streamingComponent.js";
import type { ConfluenceCore, Kernels } from "../kernels/types.js";
import type { FlowStores, RawConfluenceCore } from "../kernels/raw.js";
import type { EventColumns } from "../feeds/eventBatch.js";
import type { OrderBook } from "../book/orderBook.js";
import * as O from "../kernels/coreLayout.js";
import { COMPONENT_NAMES, byComponent, readFeatures, type ComponentName, type ConfluenceFeatures } from "../kernels/coreLayout.js";
import { resolveConfig, type ConfluenceConfig, type ConfluenceConfigInput } from "./config.js";

export type { ConfluenceFeatures };

export interface ComponentResult {
  /** Sub-score 0–100 (50 = neutral). */
  readonly score: number;
  readonly confidence: number;
  /** The component's signal in [−1, 1] (score = 50 + 50·signal). */
  readonly signal: number;
  /** Its weight in this update (after redistributing absent components); 0 if it did not contribute. */
  readonly weight: number;
  readonly available: boolean;
}

const READY: WarmupNeeds = Object.freeze({ trades: 0, quotes: 0, books: 0 });

/**
 * The confidence of the core's outputs `out` under `config`: the calibrated probability of a hit
 * at the signal's strength when the configuration carries a calibration, else the core's own.
 */
function confidenceOf(config: ConfluenceConfig, out: ArrayLike<number>): number {
  const calibration = config.calibration;
  return calibration === null ? out[O.CONFIDENCE]! : calibratedConfidence(calibration, Math.abs(out[O.SCORE]! - 50) / 50);
}

/** InvalidParameterError unless `out` can hold the core's output slots: a Float64Array of at least coreLayout OUTPUTS. */
export function requireOutputSlots(out: Float64Array): void {
  if (!(out instanceof Float64Array) || out.length < O.OUTPUTS)
    throw new InvalidParameterError(
      "out",
      out instanceof Float64Array ? `a Float64Array of ${out.length}` : typeof out,
      `a Float64Array of at least ${O.OUTPUTS} slots (coreLayout OUTPUTS, as computeInto fills them)`,
    );
}

/** Each component's sub-score (0–100) and confidence from the core's outputs `out`. */
export function componentScoresOf(out: ArrayLike<number>): Readonly<Record<ComponentName, ComponentScore>> {
  return byComponent((c) => ({ score: 50 + 50 * out[O.SIGNAL + c]!, confidence: out[O.COMPONENT_CONFIDENCE + c]! }));
}

/**
 * An update backed by one copy of the core's outputs: the scalars are fields, the
 * breakdown and features are built when read (and by JSON.stringify), so producing an
 * update costs one small typed-array copy.
 */
class CoreUpdate implements ConfluenceUpdate {
  readonly score: number;
  readonly confidence: number;
  readonly actionable: boolean;
  readonly momentum: number;
  readonly meanReversion: number;
  readonly agreement: number;
  readonly sufficiency: number;
  readonly regime: number;
  readonly coverage: number;

  constructor(
    readonly time: number,
    private readonly out: readonly number[],
    private readonly config: ConfluenceConfig,
  ) {
    this.score = out[O.SCORE]!;
    this.confidence = confidenceOf(config, out);
    this.actionable = this.confidence >= config.confidenceThreshold;
    this.momentum = out[O.MOMENTUM]!;
    this.meanReversion = out[O.MEAN_REVERSION]!;
    this.agreement = out[O.AGREEMENT]!;
    this.sufficiency = out[O.SUFFICIENCY]!;
    this.regime = out[O.REGIME]!;
    this.coverage = out[O.COVERAGE]!;
  }

  get components(): Readonly<Record<ComponentName, ComponentResult>> {
    const o = this.out;
    return byComponent((c, name) => {
      const signal = o[O.SIGNAL + c]!;
      const available = o[O.AVAILABLE + c] === 1;
      return {
        score: 50 + 50 * signal,
        confidence: o[O.COMPONENT_CONFIDENCE + c]!,
        signal,
        weight: available ? this.config.weights[name] / this.coverage : 0,
        available,
      };
    });
  }

  get componentScores(): Readonly<Record<ComponentName, ComponentScore>> {
    return componentScoresOf(this.out);
  }

  get features(): ConfluenceFeatures {
    return readFeatures(this.out);
  }

  toJSON(): object {
    const { time, score, confidence, actionable, momentum, meanReversion, agreement, sufficiency, regime, coverage } = this;
    return {
      time,
      score,
      confidence,
      actionable,
      momentum,
      meanReversion,
      components: this.components,
      agreement,
      sufficiency,
      regime,
      coverage,
      features: this.features,
    };
  }
}

export interface ConfluenceUpdate {
  /** Event time (ms) the update was computed at. */
  readonly time: number;
  readonly score: number;
  readonly confidence: number;
  /** confidence ≥ the configured threshold. */
  readonly actionable: boolean;
  readonly momentum: number;
  readonly meanReversion: number;
  readonly components: Readonly<Record<ComponentName, ComponentResult>>;
  /** Just each component's score and confidence (what a streaming score update carries; cheaper than `components`). */
  readonly componentScores: Readonly<Record<ComponentName, ComponentScore>>;
  /** The factors of the confidence. */
  readonly agreement: number;
  readonly sufficiency: number;
  readonly regime: number;
  readonly coverage: number;
  readonly features: ConfluenceFeatures;
}

export interface ComponentScore {
  /** 0–100, 50 neutral: the component's sub-score. */
  readonly score: number;
  /** 0–1. */
  readonly confidence: number;
}

export interface WarmupNeeds {
  readonly trades: number;
  readonly quotes: number;
  readonly books: number;
}

export interface TradeInput {
  readonly price: number;
  readonly qty: number;
  /** The taker bought (Binance: m === false). */
  readonly buyerInitiated: boolean;
  /** Trade time, ms. */
  readonly time: number;
}

export interface QuoteInput {
  readonly bidPx: number;
  readonly bidQty: number;
  readonly askPx: number;
  readonly askQty: number;
}

/** [price, quantity] levels, best first (the ccxt order-book shape). */
export type Levels = ReadonlyArray<readonly [number, number]>;

/** What the last compute left (the analyzer's checkpoint): none since construction or reset, a warm-up, a score. */
const IDLE = 0,
  WARMING = 1,
  SCORED = 2;

export class ConfluenceAnalyzer implements StreamingComponent<ConfluenceUpdate> {
  readonly config: ConfluenceConfig;
  private readonly core: ConfluenceCore;
  /** The core again when it takes runs of a batch's quotes and trades (a trusted analyzer on this library's kernels), else null. */
  private readonly runs: RawConfluenceCore | null;
  /** Whether the last compute scored, and at what time; its update object is built when first asked for (`built`). */
  private scored = false;
  private scoredAt = Number.NaN;
  private built: ConfluenceUpdate | null = null;
  private needs: WarmupNeeds = READY;
  private disposed = false;

  /**
   * `options.trusted` skips the per-event input checks; only for callers that validate
   * every event themselves (the streaming engine validates at its edge).
   */
  constructor(kernels: Kernels, config: ConfluenceConfigInput | ConfluenceConfig = {}, options: { readonly trusted?: boolean } = {}) {
    this.config = resolveConfig(config as ConfluenceConfigInput);
    const {
      depth,
      lookback,
      ofiWindow,
      flowWindow,
      sensitivity,
      signalShape,
      sentimentStaleMs,
      bookDepthWeight,
      tradeFlowWeight,
      weights,
    } = this.config;
    this.core = kernels.confluenceCore(
      {
        lookback,
        depth,
        ofiWindow,
        flowWindow,
        sensitivity,
        signalShape,
        staleMs: sentimentStaleMs,
        bookDepthWeight,
        tradeFlowWeight,
        weights: COMPONENT_NAMES.map((n) => weights[n]),
        // the library's exp (the module's on the WASM backend): the same weights on every engine
        levelWeights: Array.from({ length: depth }, (_, i) => kernels.exp((-2 * i) / depth)),
      },
      options.trusted ?? false,
    );
    const raw = this.core as Partial<RawConfluenceCore>;
    this.runs = options.trusted === true && typeof raw.flow === "function" ? (raw as RawConfluenceCore) : null;
  }

  /**
   * For the streaming engine, which validates every event itself: a run of one symbol's quotes and
   * trades of a decoded batch into the core, checked as the engine checks them (RawConfluenceCore.flow). The first event not taken: `from` when none
   * was, or when this analyzer takes no runs (one that checks its inputs, or on kernels of one's own).
   * `stores` holds the symbol's engine state in and out and its duplicate filters (kernel buffers).
   * @internal not part of the published types: the engine's, not a caller's
   */
  flowRun(columns: EventColumns, from: number, to: number, symbol: number, stores: FlowStores): number {
    this.requireLive();
    return this.runs === null ? from : this.runs.flow(columns, from, to, symbol, stores);
  }

  onTrade(trade: TradeInput): void {
    this.onTradeValues(trade.price, trade.qty, trade.buyerInitiated, trade.time);
  }

  onQuote(quote: QuoteInput): void {
    this.onQuoteValues(quote.bidPx, quote.bidQty, quote.askPx, quote.askQty);
  }

  /** onTrade on the values, without a trade object. */
  onTradeValues(price: number, qty: number, buyerInitiated: boolean, time: number): void {
    this.requireLive();
    this.core.trade(price, qty, buyerInitiated, time);
  }

  /** onQuote on the values, without a quote object. */
  onQuoteValues(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    this.requireLive();
    this.core.quote(bidPx, bidQty, askPx, askQty);
  }

  /** A book as [price, qty] levels, best first (only the top `depth` are read). */
  onBook(bids: Levels, asks: Levels): void {
    this.requireLive();
    const input = this.core.bookInput;
    const n = this.config.depth;
    const nb = Math.min(bids.length, n),
      na = Math.min(asks.length, n);
    for (let i = 0; i < nb; i++) {
      input[i] = bids[i]![0];
      input[n + i] = bids[i]![1];
    }
    for (let i = 0; i < na; i++) {
      input[2 * n + i] = asks[i]![0];
      input[3 * n + i] = asks[i]![1];
    }
    this.core.book(nb, na);
  }

  /**
   * Zero-copy book input for callers that keep their own book: fill `bookInput`
   * (bid prices, bid quantities, ask prices, ask quantities, `depth` slots each, best
   * first), then call onBookInput with the level counts written.
   */
  get bookInput(): Float64Array {
    return this.core.bookInput;
  }

  onBookInput(bidLevels: number, askLevels: number): void {
    this.requireLive();
    this.core.book(bidLevels, askLevels);
  }

  /**
   * A book the kernels keep (kernels.orderBook; any OrderBook works): its top `depth` levels a
   * side, as onBook takes them. On the WASM backend a book of the same kernels is read in place,
   * in one call, its levels never passing through JavaScript.
   */
  onOrderBook(book: OrderBook): void {
    this.requireLive();
    this.core.bookFrom(book);
  }

  /** An external sentiment in [−1, 1] (funding, news score) at `time` (ms). */
  onSentiment(value: number, time: number): void {
    this.requireLive();
    this.core.sentiment(value, time);
  }

  /** Computes the score at `now` (ms): the update, or null while warming up (see `needed`). */
  compute(now: number): ConfluenceUpdate | null {
    if (!this.scoreAt(now)) return null;
    this.built = this.update(now);
    return this.built;
  }

  /**
   * compute() without the update object: the core's output slots (coreLayout.ts, OUTPUTS of them)
   * copied into `out`, true when they hold a score, false while warming up (`needed` says what is
   * missing). The update (`latest`, `result`) is built from the core only when asked for, with the
   * same values as compute() would have returned: what a caller that reads a few slots per update
   * (the streaming engine) uses to skip building objects it would discard.
   */
  computeInto(now: number, out: Float64Array): boolean {
    this.requireLive();
    // a shorter array would drop the slots past its end without a word
    requireOutputSlots(out);
    if (!this.scoreAt(now)) return false;
    this.core.snapshot(out);
    return true;
  }

  /** The confidence of an update with the output slots `out` (computeInto's): the calibrated one when the configuration carries a calibration. */
  confidenceOf(out: ArrayLike<number>): number {
    return confidenceOf(this.config, out);
  }

  /** Runs the core's compute at `now` and records what it left; true when it scored. */
  private scoreAt(now: number): boolean {
    this.requireLive();
    // a compute that throws (a bad `now`) leaves the last update as it was, the same object
    const scored = this.core.compute(now);
    this.built = null;
    this.scored = scored;
    this.scoredAt = this.scored ? now : Number.NaN;
    this.needs = this.scored ? READY : this.warmupNeeds();
    return this.scored;
  }

  /** The last compute's update, built on first use (the core's outputs change only in compute and reset); null when it did not score. */
  private get last(): ConfluenceUpdate | null {
    if (this.scored && this.built === null) this.built = this.update(this.scoredAt);
    return this.built;
  }

  /** What the core's last compute said is missing. */
  private warmupNeeds(): WarmupNeeds {
    const c = this.core;
    return { trades: c.output(O.NEED_TRADES), quotes: c.output(O.NEED_QUOTES), books: c.output(O.NEED_BOOKS) };
  }

  /** The update of the core's output slots at `now`. */
  private update(now: number): ConfluenceUpdate {
    // a plain array: a small on-heap allocation (a Float64Array would need its own backing store)
    const out = new Array<number>(O.OUTPUTS);
    this.core.snapshot(out);
    return new CoreUpdate(now, out, this.config);
  }

  /** Inputs still missing before the next compute can produce a score (what a WarmupError reports). */
  get needed(): WarmupNeeds {
    this.requireLive();
    return this.needs;
  }

  /** The last compute's update; null while warming up. */
  get latest(): ConfluenceUpdate | null {
    this.requireLive();
    return this.last;
  }

  /** True once a compute has produced a score (and the last one did): every component's windows are full. */
  get isStable(): boolean {
    this.requireLive();
    return this.scored;
  }

  /** The last compute's update; throws WarmupError when there is none yet. */
  get result(): ConfluenceUpdate {
    this.requireLive();
    if (!this.last) {
      const n = this.needs;
      throw new WarmupError("ConfluenceAnalyzer", `${n.trades} trades, ${n.quotes} quotes, ${n.books} books (call compute() first)`);
    }
    return this.last;
  }

  /**
   * Appends the analyzer's state (a checkpoint part, src/checkpoint/stateCodec.ts): whether the
   * last compute scored, was still warming up, or none came since construction or reset, the
   * time of the last update, then the core's part (kernels/state/coreCheckpointHead.ts). The
   * update itself and what is still needed are the core's output slots, restored with it.
   */
  writeState(w: StateWriter): void {
    this.requireLive();
    w.tag("ANLZ");
    w.u8(this.scored ? SCORED : this.needs === READY ? IDLE : WARMING);
    w.f64(this.scoredAt);
    this.core.writeState(w);
  }

  /**
   * Restores what writeState wrote into this analyzer, freshly constructed with the same
   * configuration: a CheckpointError when the bytes do not fit (the analyzer is then to be discarded).
   */
  readState(r: StateReader): void {
    this.requireLive();
    r.tag("ANLZ");
    const phase = r.u8();
    if (phase > SCORED) throw r.fail(`an analyzer phase of ${phase}: expected 0 to ${SCORED}`);
    const time = r.f64();
    this.core.readState(r);
    this.needs = phase === WARMING ? this.warmupNeeds() : READY;
    this.scored = phase === SCORED;
    this.scoredAt = this.scored ? time : Number.NaN;
    this.built = null;
  }

  reset(): void {
    this.requireLive();
    this.core.reset();
    this.scored = false;
    this.scoredAt = Number.NaN;
    this.built = null;
    this.needs = READY;
  }

  /** Releases the core's memory; any later use throws DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.core.dispose();
  }

  private requireLive(): void {
    if (this.disposed) throw new DisposedError("ConfluenceAnalyzer");
  }
}
