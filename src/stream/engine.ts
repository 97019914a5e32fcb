/**
 * The streaming engine: market events in, per-symbol score updates out.
 *
 * Per symbol it keeps a synced L2 book (bookSync.ts), the confluence analyzer (the
 * kernels' streaming windows) and the composite engine. Recalculation follows the
 * seed's policy: always after a book update, on trades at most once per
 * `updateIntervalMs` of event time; best quotes feed order-flow imbalance without a
 * recalculation. While a symbol's book is not synced, no score is produced — nothing is
 * ever computed from a stale book. Each recalculation yields a ScoreUpdate (score,
 * confidence, components, composite outputs, execution decision).
 *
 * Bad data never throws out of `process`: a non-positive price, a negative or
 * non-finite size, a crossed quote or book, an out-of-order trade or depth update is
 * rejected with a reason and counted per symbol (the first few reasons are kept).
 * Each event's processing time is recorded in a latency histogram (no allocation).
 * With `config.caching` on and a `cache` given, every score update is also published to
 * it (src/cache/: L1, and L2 for other processes); the engine only writes, never reads.
 */
import type { Kernels } from "../kernels/types.js";
import { ConfluenceAnalyzer } from "../confluence/analyzer.js";
import { type ComponentName, type ConfluenceConfigInput } from "../confluence/config.js";
import { CompositeEngine, type CompositeEngineOptions } from "../score/compositeEngine.js";
import type { ExecutionDecision } from "../strategy/execution.js";
import type { DepthDiffEvent, DepthSnapshotEvent, MarketEvent, QuoteEvent, TradeEvent } from "../feeds/events.js";
import { eventShapeError, routable } from "../feeds/eventShape.js";
import { InvalidParameterError } from "../errors.js";
import { BookSync } from "./bookSync.js";
import { LatencyHistogram } from "./latencyHistogram.js";

export interface ScoreUpdate {
  readonly symbol: string;
  /** Event time (ms) of the event that triggered the recalculation. */
  readonly time: number;
  readonly trigger: "book" | "trade";
  readonly score: number;
  readonly confidence: number;
  readonly actionable: boolean;
  readonly momentum: number;
  readonly meanReversion: number;
  /** Each component's sub-score (0–100) and confidence. */
  readonly components: Readonly<Record<ComponentName, { readonly score: number; readonly confidence: number }>>;
  readonly composite: {
    readonly directionalBias: number;
    readonly executionUrgency: number;
    readonly riskAdjustedOpportunity: number;
    readonly inventoryImpact: number;
    readonly stability: number;
  };
  readonly decision: ExecutionDecision | null;
}

/** Where the engine publishes each symbol's latest score update (src/cache/LatestScores). */
export interface ScoreCache {
  /** Called on every score update, inside `process`: must be cheap, must not wait for I/O and must not throw. */
  putLatestScore(update: ScoreUpdate): void;
}

export interface EngineOptions {
  /** Analyzer configuration for every symbol (preset and overrides). */
  readonly config?: ConfluenceConfigInput;
  readonly composite?: CompositeEngineOptions;
  /** Called with every score update (keep it cheap; it runs inside `process`). */
  readonly onScore?: (update: ScoreUpdate) => void;
  /** Depth diffs buffered per symbol while waiting for a snapshot. Default 10,000. */
  readonly maxBufferedDiffs?: number;
  /** Reasons kept per symbol (the counts are always complete). Default 5. */
  readonly keepRejections?: number;
  /** Receives every score update while `config.caching` is true (ignored while it is false). */
  readonly cache?: ScoreCache;
}

export interface EventCounts {
  trade: number;
  depth: number;
  quote: number;
  snapshot: number;
  rejected: number;
}

const NO_CONTEXT = Object.freeze({});

class SymbolState {
  readonly sync: BookSync;
  readonly analyzer: ConfluenceAnalyzer;
  readonly composite: CompositeEngine;
  readonly latency = new LatencyHistogram();
  readonly events: EventCounts = { trade: 0, depth: 0, quote: 0, snapshot: 0, rejected: 0 };
  readonly rejections: string[] = [];
  buyVolume = 0;
  sellVolume = 0;
  lastTradeTime = -Infinity;
  lastTradeRecalc = -Infinity;
  lastScore: ScoreUpdate | null = null;
  scoreUpdates = 0;

  constructor(readonly symbol: string, kernels: Kernels, options: EngineOptions) {
    this.sync = new BookSync(options.maxBufferedDiffs);
    // every event is validated here before it reaches the analyzer (trusted core)
    this.analyzer = new ConfluenceAnalyzer(kernels, options.config ?? {}, { trusted: true });
    this.composite = new CompositeEngine(kernels, { approximate: this.analyzer.config.approximations, ...options.composite });
  }
}

export class StreamingEngine {
  /** Events with no symbol to file them under: not objects, or `symbol` not a non-empty string. */
  dropped = 0;
  private readonly states = new Map<string, SymbolState>();
  private lastSymbol = "";
  private lastState: SymbolState | null = null;
  private readonly keep: number;
  private readonly interval: number;
  private readonly cache: ScoreCache | null;

  constructor(private readonly kernels: Kernels, private readonly options: EngineOptions = {}) {
    this.keep = options.keepRejections ?? 5;
    if (!(Number.isSafeInteger(this.keep) && this.keep >= 0)) throw new InvalidParameterError("keepRejections", this.keep, "an integer ≥ 0");
    const buffered = options.maxBufferedDiffs;
    if (buffered !== undefined && !(Number.isSafeInteger(buffered) && buffered >= 1)) throw new InvalidParameterError("maxBufferedDiffs", buffered, "an integer ≥ 1");
    // validates the configuration and the composite options once, up front (typed errors)
    new CompositeEngine(kernels, options.composite).dispose();
    const probe = new ConfluenceAnalyzer(kernels, options.config ?? {});
    this.interval = probe.config.updateIntervalMs;
    this.cache = probe.config.caching ? options.cache ?? null : null;
    probe.dispose();
  }

  /**
   * Processes one event. Never throws for bad data: it is rejected and counted under its
   * symbol, or — when it has no symbol to be filed under (not an object, or `symbol` not a
   * non-empty string) — counted in `dropped`.
   */
  process(e: MarketEvent): void {
    if (!routable(e)) {
      this.dropped++;
      return;
    }
    const t0 = performance.now();
    const s = this.stateOf(e.symbol);
    const shape = eventShapeError(e);
    if (shape !== null) this.reject(s, shape);
    else switch (e.type) {
      case "trade":
        this.onTrade(s, e);
        break;
      case "quote":
        this.onQuote(s, e);
        break;
      case "depth":
        this.onDepth(s, e);
        break;
      case "snapshot":
        this.onSnapshot(s, e);
        break;
      default:
        this.reject(s, `unknown event type ${String((e as { type: unknown }).type)}`);
    }
    s.latency.record((performance.now() - t0) * 1e6);
  }

  private stateOf(symbol: string): SymbolState {
    if (symbol === this.lastSymbol && this.lastState) return this.lastState;
    let s = this.states.get(symbol);
    if (!s) {
      s = new SymbolState(symbol, this.kernels, this.options);
      this.states.set(symbol, s);
    }
    this.lastSymbol = symbol;
    this.lastState = s;
    return s;
  }

  private reject(s: SymbolState, reason: string): void {
    s.events.rejected++;
    if (s.rejections.length < this.keep) s.rejections.push(reason);
  }

  private onTrade(s: SymbolState, e: TradeEvent): void {
    s.events.trade++;
    const { price, qty } = e;
    const time = e.exchangeTime === e.exchangeTime ? e.exchangeTime : e.receiveTime;
    if (!(price > 0 && price <= Number.MAX_VALUE)) return this.reject(s, `trade price ${price}: expected a finite price > 0`);
    if (!(qty >= 0 && qty <= Number.MAX_VALUE)) return this.reject(s, `trade qty ${qty}: expected a finite size ≥ 0`);
    if (!(time - time === 0)) return this.reject(s, `trade time ${time}: expected a finite time`);
    if (time < s.lastTradeTime) return this.reject(s, `out-of-order trade at ${time} after ${s.lastTradeTime}`);
    s.lastTradeTime = time;
    if (e.buyerInitiated) s.buyVolume += qty;
    else s.sellVolume += qty;
    s.analyzer.onTrade({ price, qty, buyerInitiated: e.buyerInitiated, time });
    if (s.sync.synced && time - s.lastTradeRecalc >= this.interval) {
      s.lastTradeRecalc = time;
      this.recalc(s, time, "trade");
    }
  }

  private onQuote(s: SymbolState, e: QuoteEvent): void {
    s.events.quote++;
    const { bidPx, bidQty, askPx, askQty } = e;
    if (!(bidPx > 0 && bidPx <= Number.MAX_VALUE && askPx > 0 && askPx <= Number.MAX_VALUE)) {
      return this.reject(s, `quote prices ${bidPx}/${askPx}: expected finite prices > 0`);
    }
    if (!(bidQty >= 0 && bidQty <= Number.MAX_VALUE && askQty >= 0 && askQty <= Number.MAX_VALUE)) {
      return this.reject(s, `quote sizes ${bidQty}/${askQty}: expected finite sizes ≥ 0`);
    }
    if (bidPx >= askPx) return this.reject(s, `crossed quote: bid ${bidPx} >= ask ${askPx}`);
    s.analyzer.onQuote(e);
  }

  private onDepth(s: SymbolState, e: DepthDiffEvent): void {
    s.events.depth++;
    const outcome = s.sync.onDiff(e);
    if (outcome === "applied") this.bookChanged(s, e.exchangeTime === e.exchangeTime ? e.exchangeTime : e.receiveTime);
    else if (outcome === "rejected" || outcome === "outOfOrder") this.reject(s, s.sync.lastRejection);
  }

  private onSnapshot(s: SymbolState, e: DepthSnapshotEvent): void {
    s.events.snapshot++;
    const outcome = s.sync.onSnapshot(e);
    if (outcome === "rejected") this.reject(s, s.sync.lastRejection);
    else if (s.sync.synced) this.bookChanged(s, e.exchangeTime === e.exchangeTime ? e.exchangeTime : e.receiveTime);
  }

  private bookChanged(s: SymbolState, time: number): void {
    const a = s.analyzer;
    const n = a.config.depth;
    const input = a.bookInput;
    const nb = s.sync.book.bids.top(n, input, 0, n);
    const na = s.sync.book.asks.top(n, input, 2 * n, 3 * n);
    a.onBookInput(nb, na);
    this.recalc(s, time, "book");
  }

  private recalc(s: SymbolState, time: number, trigger: "book" | "trade"): void {
    let u;
    try {
      u = s.analyzer.update(time);
    } catch (err) {
      return this.reject(s, err instanceof Error ? err.message : String(err));
    }
    if (!u) return;
    const o = s.composite.evaluate(u, NO_CONTEXT);
    const update: ScoreUpdate = {
      symbol: s.symbol, time, trigger,
      score: u.score, confidence: u.confidence, actionable: u.actionable, momentum: u.momentum, meanReversion: u.meanReversion,
      components: u.componentScores,
      composite: {
        directionalBias: o.directionalBias, executionUrgency: o.executionUrgency, riskAdjustedOpportunity: o.riskAdjustedOpportunity,
        inventoryImpact: o.inventoryImpact, stability: o.stability,
      },
      decision: o.execution,
    };
    s.lastScore = update;
    s.scoreUpdates++;
    this.cache?.putLatestScore(update);
    this.options.onScore?.(update);
  }

  /** Symbols seen so far, in order of first appearance. */
  get symbols(): string[] {
    return [...this.states.keys()];
  }

  /** Per-symbol state for summaries (read-only use). */
  symbolState(symbol: string): SymbolView | undefined {
    const s = this.states.get(symbol);
    return s && new SymbolView(s, this.kernels);
  }

  dispose(): void {
    for (const s of this.states.values()) {
      s.analyzer.dispose();
      s.composite.dispose();
    }
    this.states.clear();
    this.lastState = null;
    this.lastSymbol = "";
  }
}

/** A read-only view of one symbol's state: counts, book, latest score, latency. */
export class SymbolView {
  constructor(private readonly s: SymbolState, private readonly kernels: Kernels) {}

  get events(): Readonly<EventCounts> {
    return this.s.events;
  }

  get rejections(): readonly string[] {
    return this.s.rejections;
  }

  get trades(): { count: number; buyVolume: number; sellVolume: number } {
    return { count: this.s.events.trade, buyVolume: this.s.buyVolume, sellVolume: this.s.sellVolume };
  }

  get latency(): LatencyHistogram {
    return this.s.latency;
  }

  get lastScore(): ScoreUpdate | null {
    return this.s.lastScore;
  }

  get scoreUpdates(): number {
    return this.s.scoreUpdates;
  }

  get sync(): BookSync {
    return this.s.sync;
  }

  /** The book summary; the book fields only while synced (never from a stale book). */
  book(): BookSummary {
    const sync = this.s.sync;
    const base = { synced: sync.synced, gaps: sync.counters.gaps, applied: sync.counters.applied };
    if (!sync.synced) return base;
    const book = sync.book;
    const top = TOP5;
    const nb = book.bids.top(5, top, 0, 5), na = book.asks.top(5, top, 10, 15);
    const depth = Math.min(nb, na);
    // a synced book may have an empty side (a snapshot or diffs that leave one): its best price is null, and so are the measures that need both
    return {
      synced: base.synced, gaps: base.gaps, applied: base.applied,
      bestBid: nb > 0 ? book.bids.bestPrice() : null,
      bestAsk: na > 0 ? book.asks.bestPrice() : null,
      imbalance5: depth > 0 ? nullIfNaN(this.kernels.bookImbalance(TOP5_BID_QTY, TOP5_ASK_QTY, depth)) : null,
      microprice: depth > 0 ? nullIfNaN(this.kernels.microprice(book.bids.bestPrice(), book.bids.bestQty(), book.asks.bestPrice(), book.asks.bestQty())) : null,
      bidLevels: book.bids.levels,
      askLevels: book.asks.levels,
    };
  }
}

export interface BookSummary {
  synced: boolean;
  gaps: number;
  applied: number;
  /** Null while that side of a synced book is empty. */
  bestBid?: number | null;
  bestAsk?: number | null;
  imbalance5?: number | null;
  microprice?: number | null;
  bidLevels?: number;
  askLevels?: number;
}

const nullIfNaN = (x: number): number | null => (Number.isNaN(x) ? null : x);
/** Scratch for the top five levels a side (prices 0–4 / 10–14, quantities 5–9 / 15–19). */
const TOP5 = new Float64Array(20);
const TOP5_BID_QTY = TOP5.subarray(5, 10), TOP5_ASK_QTY = TOP5.subarray(15, 20);
