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
 * Events come as objects (`process`) or as ranges of a decoded batch of columns (`processBatch`,
 * src/feeds/eventBatch.ts): the same checks, the same updates, bit for bit; a batch's depth diff is
 * checked and applied where its levels lie (in linear memory on the WASM backend), no object built.
 *
 * No event can crash, block or poison a symbol. `process` never throws for data: an
 * event that fails the validator (feeds/validate.ts: wrong types, values outside sane
 * bounds), whose exchange time is implausible against the stream's own clocks
 * (clockCheck.ts), or that is older than what the stream already delivered is a counted
 * rejection with a typed reason (the first few messages are kept); an event delivered
 * twice (same exchange id) is dropped and counted as a duplicate. A rejected event never
 * becomes the reference later events are judged against. An exception that is not about
 * the data — a bug — is not swallowed: it propagates.
 *
 * Bounded: at most `maxSymbols` symbols (events of more are dropped and counted), a
 * symbol pays for what it uses (a book from its first depth event, a composite engine
 * from its first score), the book and the buffers have their own limits.
 * The processing time of one event in `latencySample` (16) per symbol — the k-th symbol's
 * (k mod 16 + 1)-th event, then every 16th: symbols fed alike are timed on different events — is recorded in a latency histogram (no allocation): percentiles of a
 * systematic sample, and `max` the largest sampled.
 * With `config.caching` on and a `cache` given, every score update is also published to
 * it (src/cache/: L1, and L2 for other processes); the engine only writes, never reads.
 */
import type { Float64Buffer, Kernels } from "../kernels/types.js";
import type { FlowStores } from "../kernels/raw.js";
import { resolveDecisionConfig } from "../confluence/decisionConfig.js";
import { ConfluenceAnalyzer, componentScoresOf } from "../confluence/analyzer.js";
import * as O from "../kernels/coreLayout.js";
import type { ComponentName, ConfluenceConfigInput } from "../confluence/config.js";
import { CompositeEngine, type CompositeEngineOptions, type CompositeSummary } from "./compositeEngine.js";
import type { ExecutionDecision } from "../strategy/execution.js";
import { eventTime, type DepthDiffEvent, type DepthSnapshotEvent, type MarketEvent } from "../feeds/events.js";
import {
  LIMITS,
  REJECT_REASONS,
  oddLevels,
  depthIdsError,
  depthRestError,
  eventShapeError,
  quoteError,
  routable,
  times,
  tradeError,
  validateEvent,
  type RejectReason,
  type Rejection,
} from "../feeds/validate.js";
import { DEPTH, QUOTE, TRADE, type EventBatch, type EventColumns } from "../feeds/eventBatch.js";
import { InvalidParameterError } from "../errors.js";
import { BookSync, bufferBound, type DiffRange, type SyncOutcome } from "../book/bookSync.js";
import type { L2BookOptions } from "../book/l2Book.js";
import type { OrderBook } from "../book/orderBook.js";
import { ClockCheck, type ClockLimits } from "./clockCheck.js";
import { LatencyHistogram } from "./latencyHistogram.js";
import { RecentIds } from "../book/recentIds.js";
import { configurationFingerprint, frameCheckpoint, openCheckpoint } from "../checkpoint/checkpointFrame.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";
import { CheckpointError } from "../errors.js";

export interface ScoreUpdate {
  readonly symbol: string;
  /** Event time (ms) of the event that triggered the recalculation. */
  readonly time: number;
  /**
   * Local receive time (ms) of the event that triggered the recalculation: the clock every
   * event has, and the one to measure what followed an update on (src/evaluate/; on spot
   * captures the exchange clock runs more than a second ahead of it). NaN (null in JSON) when
   * that event carried only an exchange time, which the validator allows.
   */
  readonly receiveTime: number;
  readonly trigger: "book" | "trade";
  readonly score: number;
  readonly confidence: number;
  readonly actionable: boolean;
  readonly momentum: number;
  readonly meanReversion: number;
  /** Each component's sub-score (0–100) and confidence. */
  readonly components: Readonly<Record<ComponentName, { readonly score: number; readonly confidence: number }>>;
  /**
   * The composite engine's outputs without inventory: the engine holds no position, and
   * its updates are a function of the market events alone (a replay, a worker thread and a
   * cluster worker's rebuild give the same bits). Holding a position, drive a ConfluenceAnalyzer
   * and a CompositeEngine yourself and pass `{ position }` for the inventory impact.
   */
  readonly composite: CompositeSummary;
  /** The decision held after this update: the side changes only across the deadband (config `decision`). */
  readonly decision: ExecutionDecision | null;
}

/** Where the engine publishes each symbol's latest score update (src/cache/LatestScores). */
export interface ScoreCache {
  /** Called on every score update, inside `process`: must be cheap, must not wait for I/O and must not throw. */
  putLatestScore(update: ScoreUpdate): void;
}

/** Latency is timed on one event in this many per symbol unless `latencySample` says otherwise. */
export const DEFAULT_LATENCY_SAMPLE = 16;

export interface EngineOptions {
  /** Analyzer configuration for every symbol (preset and overrides). */
  readonly config?: ConfluenceConfigInput;
  readonly composite?: CompositeEngineOptions;
  /** Called with every score update (keep it cheap; it runs inside `process`). */
  readonly onScore?: (update: ScoreUpdate) => void;
  /** Depth diffs buffered per symbol while waiting for a snapshot. Default 10,000. */
  readonly maxBufferedDiffs?: number;
  /** Rejection messages kept per symbol (the counts are always complete). Default 5. */
  readonly keepRejections?: number;
  /** Receives every score update while `config.caching` is true (ignored while it is false). */
  readonly cache?: ScoreCache;
  /** Symbols tracked at most; events of any further symbol are dropped and counted. Default 10,000. */
  readonly maxSymbols?: number;
  /** How far an exchange time may stray from the receive clock before the event is rejected. */
  readonly clock?: ClockLimits;
  /**
   * Latency is measured on one event in this many per symbol (1: every event). Two clock reads cost
   * about a fifth of an event's processing, so timing every event slows what it measures. Default 16.
   */
  readonly latencySample?: number;
}

export interface EventCounts {
  /** Events received, by type (rejected and duplicate ones included). */
  trade: number;
  depth: number;
  quote: number;
  snapshot: number;
  /** Events rejected (see `rejectedBy` for why). */
  rejected: number;
  /** Events dropped because the same one (same exchange id) was already received. */
  duplicates: number;
}

/** Events the engine could not file under a symbol, by why. */
export interface DropCounts {
  /** Not an object, or `symbol` not a non-empty string. */
  unroutable: number;
  /** A new symbol beyond `maxSymbols`. */
  symbolLimit: number;
}

/** What the depth range holds between batches (it keeps no batch's column alive). */
const NO_VALUES = new Float64Array(0);

/** Frees a collected symbol state's kernel buffers (disposeState frees them at once and unregisters). */
const storesOfDropped = new FinalizationRegistry<FlowStores>((stores) => freeStores(stores));

function freeStores(stores: FlowStores): void {
  stores.run.free();
  stores.tradeIds.free();
  stores.quoteIds.free();
}

/** Trade ids and quote update ids remembered per symbol (the duplicate filters, src/book/recentIds.ts). */
const TRADE_IDS = 256,
  QUOTE_IDS = 64;

/** Out-of-order trades in a row after which the previous trade time is taken for a wrong reference and dropped. */
const REANCHOR = 64;

/** Counters for every reason, all 0, on a null prototype. */
function reasonCounts(): Record<RejectReason, number> {
  const counts = Object.create(null) as Record<RejectReason, number>;
  for (const r of REJECT_REASONS) counts[r] = 0;
  return counts;
}

class SymbolState {
  /** The book: created at the symbol's first depth diff or snapshot. */
  sync: BookSync | null = null;
  readonly analyzer: ConfluenceAnalyzer;
  /** Created at the symbol's first score. */
  composite: CompositeEngine | null = null;
  readonly clock: ClockCheck;
  /** The duplicate filters' ids and the run record in kernel memory: a run of quotes and trades reads them there (flowRun). */
  readonly stores: FlowStores;
  readonly tradeIds: RecentIds;
  readonly quoteIds: RecentIds;
  readonly latency = new LatencyHistogram();
  /** Events until the next one whose latency is measured (see the constructor). */
  untilTimed: number;
  readonly events: EventCounts = { trade: 0, depth: 0, quote: 0, snapshot: 0, rejected: 0, duplicates: 0 };
  readonly rejectedBy = reasonCounts();
  readonly rejections: string[] = [];
  buyVolume = 0;
  sellVolume = 0;
  lastTradeTime = -Infinity;
  /** The latest trade time given to the analyzer, whose contract is non-decreasing times. */
  analyzerTime = -Infinity;
  lastTradeRecalc = -Infinity;
  /** Out-of-order trades in a row. */
  outOfOrder = 0;
  lastScore: ScoreUpdate | null = null;
  scoreUpdates = 0;

  /** `firstTimed`: the symbol's first timed event (1 = its first). */
  constructor(
    readonly symbol: string,
    kernels: Kernels,
    options: EngineOptions,
    firstTimed: number,
  ) {
    // every event is validated here before it reaches the analyzer (trusted core)
    this.analyzer = new ConfluenceAnalyzer(kernels, options.config ?? {}, { trusted: true });
    this.clock = new ClockCheck(options.clock);
    this.untilTimed = firstTimed;
    const taken: Float64Buffer[] = [];
    try {
      for (const n of [O.RUN_SLOTS, TRADE_IDS, QUOTE_IDS]) taken.push(kernels.allocFloat64(n));
    } catch (e) {
      // out of kernel memory: nothing of this state may stay allocated
      for (const b of taken) b.free();
      this.analyzer.dispose();
      throw e;
    }
    const [run, tradeIds, quoteIds] = taken as [Float64Buffer, Float64Buffer, Float64Buffer];
    this.stores = { run, tradeIds, quoteIds };
    // an engine dropped without dispose(): the cores and books free themselves once collected, and so do these
    storesOfDropped.register(this, this.stores, this);
    this.tradeIds = new RecentIds(TRADE_IDS, tradeIds);
    this.quoteIds = new RecentIds(QUOTE_IDS, quoteIds);
  }

  /** Everything but the latency histogram (instrumentation, not state a score depends on), part by part. */
  writeState(w: StateWriter): void {
    w.tag("SYMB");
    w.bool(this.sync !== null);
    this.sync?.writeState(w);
    this.analyzer.writeState(w);
    w.bool(this.composite !== null);
    this.composite?.writeState(w);
    this.clock.writeState(w);
    this.tradeIds.writeState(w);
    this.quoteIds.writeState(w);
    w.u32(this.untilTimed);
    const e = this.events;
    for (const n of [e.trade, e.depth, e.quote, e.snapshot, e.rejected, e.duplicates]) w.f64(n);
    for (const reason of REJECT_REASONS) w.f64(this.rejectedBy[reason]);
    w.u32(this.rejections.length);
    for (const m of this.rejections) w.string(m);
    for (const x of [this.buyVolume, this.sellVolume, this.lastTradeTime, this.analyzerTime, this.lastTradeRecalc]) w.f64(x);
    w.u32(this.outOfOrder);
    w.value(this.lastScore);
    w.f64(this.scoreUpdates);
  }

  /** Reads what writeState wrote into this fresh state; `sync` and `composite` make the parts the checkpoint holds. */
  readState(r: StateReader, keep: number, latencySample: number, sync: () => BookSync, composite: () => CompositeEngine): void {
    r.tag("SYMB");
    if (r.bool()) (this.sync = sync()).readState(r);
    this.analyzer.readState(r);
    if (r.bool()) (this.composite = composite()).readState(r);
    this.clock.readState(r);
    this.tradeIds.readState(r);
    this.quoteIds.readState(r);
    this.untilTimed = r.u32In("events until the next timed one", 1, latencySample);
    const e = this.events;
    e.trade = r.count("trades");
    e.depth = r.count("depth diffs");
    e.quote = r.count("quotes");
    e.snapshot = r.count("snapshots");
    e.rejected = r.count("events rejected");
    e.duplicates = r.count("duplicates");
    for (const reason of REJECT_REASONS) this.rejectedBy[reason] = r.count(`events rejected as ${reason}`);
    const kept = r.u32In("rejection messages", 0, keep);
    for (let i = 0; i < kept; i++) this.rejections.push(r.string(MAX_REJECTION_BYTES));
    this.buyVolume = r.f64();
    this.sellVolume = r.f64();
    this.lastTradeTime = r.f64();
    this.analyzerTime = r.f64();
    this.lastTradeRecalc = r.f64();
    if (!(this.buyVolume >= 0 && this.sellVolume >= 0)) throw r.fail(`trade volumes ${this.buyVolume}, ${this.sellVolume}`);
    this.outOfOrder = r.u32In("out-of-order trades in a row", 0, REANCHOR);
    const last = r.value(MAX_SCORE_BYTES);
    if (last !== null && !isScoreUpdate(last, this.symbol)) throw r.fail("a last score update that is not one of this symbol");
    this.lastScore = last;
    this.scoreUpdates = r.count("score updates");
  }
}

/** A rejection message is a line; a score update's JSON a couple of kilobytes. */
const MAX_REJECTION_BYTES = 4096;
const MAX_SCORE_BYTES = 65_536;

/** Whether `v` has a score update's shape, for `symbol` (what a checkpoint's bytes must hold to be taken for one). */
function isScoreUpdate(v: unknown, symbol: string): v is ScoreUpdate {
  if (typeof v !== "object" || v === null) return false;
  const u = v as Record<string, unknown>;
  return (
    u.symbol === symbol &&
    typeof u.time === "number" &&
    typeof u.score === "number" &&
    u.score >= 0 &&
    u.score <= 100 &&
    typeof u.confidence === "number" &&
    typeof u.components === "object" &&
    u.components !== null &&
    typeof u.composite === "object" &&
    u.composite !== null
  );
}

function integerOption(name: string, value: number | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isSafeInteger(value) && value >= min)) throw new InvalidParameterError(name, value, `an integer ≥ ${min}`);
  return value;
}

function positiveOption(name: string, value: number | undefined): void {
  if (value !== undefined && !(typeof value === "number" && value > 0 && value < Infinity))
    throw new InvalidParameterError(name, value, "a finite number > 0");
}

export class StreamingEngine {
  /** Events with no symbol to file them under (the sum of `droppedBy`). */
  dropped = 0;
  readonly droppedBy: DropCounts = { unroutable: 0, symbolLimit: 0 };
  private readonly states = new Map<string, SymbolState>();
  private lastSymbol = "";
  private lastState: SymbolState | null = null;
  private readonly keep: number;
  private readonly interval: number;
  private readonly maxSymbols: number;
  private readonly latencySample: number;
  private readonly maxBuffered: number;
  private readonly cache: ScoreCache | null;
  /** The options each symbol's state is made with: the caller's, with the configuration resolved. */
  private readonly symbolOptions: EngineOptions;
  /** The fingerprint of what shapes a symbol's state (checkpoints carry it). */
  private readonly fingerprint: string;
  /** The batch's depth diff under way, described in place (processBatch). */
  private readonly range: DiffRange = {
    symbol: "",
    exchangeTime: 0,
    receiveTime: 0,
    firstUpdateId: 0,
    lastUpdateId: 0,
    prevUpdateId: 0,
    values: NO_VALUES,
    at: 0,
    bidValues: 0,
    askValues: 0,
  };
  /** The analyzer's output slots of the recalculation under way (read at once, so one array serves every symbol). */
  private readonly outputs = new Float64Array(O.OUTPUTS);
  /** Each symbol's book comes from the kernels: in linear memory on the WASM backend. */
  private readonly newBook = (options: L2BookOptions): OrderBook => this.kernels.orderBook(options);

  constructor(
    private readonly kernels: Kernels,
    private readonly options: EngineOptions = {},
  ) {
    this.keep = integerOption("keepRejections", options.keepRejections, 0, 5);
    this.maxBuffered = bufferBound(options.maxBufferedDiffs, "maxBufferedDiffs");
    this.maxSymbols = integerOption("maxSymbols", options.maxSymbols, 1, 10_000);
    this.latencySample = integerOption("latencySample", options.latencySample, 1, DEFAULT_LATENCY_SAMPLE);
    positiveOption("clock.maxAheadMs", options.clock?.maxAheadMs);
    positiveOption("clock.maxBehindMs", options.clock?.maxBehindMs);
    // validates the configuration and the composite options once, up front (typed errors)
    new CompositeEngine(kernels, options.composite).dispose();
    const probe = new ConfluenceAnalyzer(kernels, options.config ?? {});
    // every symbol's analyzer takes this resolved configuration: checked once, shared, and the
    // same for all symbols even if the caller changes its options object afterwards
    this.symbolOptions = { ...options, config: probe.config };
    this.interval = probe.config.updateIntervalMs;
    this.cache = probe.config.caching ? (options.cache ?? null) : null;
    // everything that shapes a symbol's state: a checkpoint made under anything else is refused
    // (what the fitted values were fitted on is metadata: it shapes no state)
    const { trainedOn: _metadata, ...shaping } = probe.config;
    this.fingerprint = configurationFingerprint({
      config: shaping,
      composite: options.composite ?? null,
      maxBufferedDiffs: this.maxBuffered,
      keepRejections: this.keep,
      clock: options.clock ?? null,
      latencySample: this.latencySample,
    });
    probe.dispose();
  }

  /**
   * The complete state of `symbol` — book and sync, the analyzer's windows, the composite and
   * the decision held, clocks, duplicate filters, counters, the last score — as a checkpoint
   * (src/checkpoint/): `restore` into an engine of the same configuration, on either backend,
   * and it continues bit for bit as this one would. A symbol the engine has not seen is an
   * InvalidParameterError.
   */
  checkpoint(symbol: string): Uint8Array {
    const s = this.states.get(symbol);
    if (!s) throw new InvalidParameterError("symbol", symbol, `a symbol this engine has seen (${this.states.size} so far)`);
    return frameCheckpoint(this.fingerprint, symbol, (w) => s.writeState(w));
  }

  /**
   * Replaces `symbol`'s state (or adds the symbol) with a checkpoint's. The checkpoint is read
   * into fresh objects first: one of another format version, another configuration, another
   * symbol, or with bytes changed or cut is a CheckpointError, and then nothing has changed.
   */
  restore(symbol: string, bytes: Uint8Array): void {
    const old = this.states.get(symbol);
    if (!old && this.states.size >= this.maxSymbols)
      throw new CheckpointError(`the engine holds ${this.maxSymbols} symbols already (maxSymbols)`, 0);
    const r = openCheckpoint(bytes, this.fingerprint, symbol);
    const s = new SymbolState(symbol, this.kernels, this.symbolOptions, 1);
    try {
      s.readState(
        r,
        this.keep,
        this.latencySample,
        () => this.newSync(),
        () => this.newComposite(s),
      );
      r.end();
    } catch (e) {
      disposeState(s);
      throw e;
    }
    if (old) disposeState(old);
    this.states.set(symbol, s);
    if (this.lastSymbol === symbol) this.lastState = s;
  }

  /**
   * Processes one event. Never throws for bad data: it is rejected and counted under its
   * symbol, dropped as a duplicate, or — when it cannot be filed under a symbol — counted
   * in `droppedBy`.
   */
  process(e: MarketEvent): void {
    if (!routable(e)) {
      this.dropped++;
      this.droppedBy.unroutable++;
      return;
    }
    const s = this.stateOf(e.symbol);
    if (s === null) {
      this.dropped++;
      this.droppedBy.symbolLimit++;
      return;
    }
    const timed = --s.untilTimed === 0;
    let t0 = 0;
    if (timed) {
      s.untilTimed = this.latencySample;
      t0 = performance.now();
    }
    // each handler validates its own kind: the field reads stay monomorphic
    switch (e.type) {
      case "trade": {
        const shape = eventShapeError(e);
        if (shape !== null) {
          s.events.trade++;
          this.reject(s, { reason: "wrong-type", message: shape });
        } else this.trade(s, e.exchangeTime, e.receiveTime, e.price, e.qty, e.buyerInitiated, e.tradeId);
        break;
      }
      case "quote": {
        const shape = eventShapeError(e);
        if (shape !== null) {
          s.events.quote++;
          this.reject(s, { reason: "wrong-type", message: shape });
        } else this.quote(s, e.exchangeTime, e.receiveTime, e.updateId, e.bidPx, e.bidQty, e.askPx, e.askQty);
        break;
      }
      case "depth":
        this.onDepth(s, e);
        break;
      case "snapshot":
        this.onSnapshot(s, e);
        break;
      default:
        this.reject(s, validateEvent(e)!);
    }
    if (timed) s.latency.record((performance.now() - t0) * 1e6);
  }

  /**
   * Processes events `from` to `to` (excluded) of a decoded batch (src/feeds/eventBatch.ts:
   * what `Kernels.captureDecoder` decodes capture lines into) as `process` would the objects
   * `batch.event(k)` makes of them — the same updates, counters, rejections and checkpoints —
   * without making them. A depth diff's levels are checked and applied where they lie: on the
   * WASM backend, with a WASM decoder's batch, in linear memory, never read by JavaScript.
   * A kept diff (buffered while the book waits for a snapshot) is copied out of the batch.
   * A symbol index the batch cannot name, or an unknown kind, is dropped or rejected as
   * `process` drops or rejects such an event. InvalidParameterError for a range outside the batch.
   */
  processBatch(batch: EventBatch, from = 0, to: number = batch.count): void {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= batch.count))
      throw new InvalidParameterError("from, to", `${from}, ${to}`, `integers with 0 ≤ from ≤ to ≤ ${batch.count} (the batch's events)`);
    const c0 = batch.columnsNow();
    for (const column of Object.values(c0) as ArrayLike<number>[])
      if (column !== c0.levels && column.length < to)
        throw new InvalidParameterError("to", to, `at most ${column.length}, the length of the batch's shortest column`);
    for (let k = from; k < to; k++) {
      // made again after anything that may grow the module's memory: a new symbol's state, a book, a score
      let c = batch.columnsNow();
      const index = c.symbol[k]!;
      // by name, as process files an event: an index may name another symbol in a batch refilled by its caller
      const name: unknown = index >= 0 ? batch.symbolName(index) : undefined;
      if (!(typeof name === "string" && name.length > 0)) {
        this.dropped++;
        this.droppedBy.unroutable++;
        continue;
      }
      const symbols = this.states.size;
      const s = this.stateOf(name);
      if (s === null) {
        this.dropped++;
        this.droppedBy.symbolLimit++;
        continue;
      }
      // a new symbol's state may have grown the memory
      if (this.states.size !== symbols) c = batch.columnsNow();
      const kind = c.kind[k];
      // as many of the symbol's quotes and trades as the engine would take without a word, in one call;
      // a lone one (the next event is of another symbol or kind: interleaved symbols) costs less on its own
      if (
        (kind === QUOTE || kind === TRADE) &&
        k + 1 < to &&
        c.symbol[k + 1] === index &&
        (c.kind[k + 1] === QUOTE || c.kind[k + 1] === TRADE)
      ) {
        const next = this.flowRun(s, c, k, to, index);
        if (next > k) {
          k = next - 1;
          continue;
        }
      }
      const timed = --s.untilTimed === 0;
      let t0 = 0;
      if (timed) {
        s.untilTimed = this.latencySample;
        t0 = performance.now();
      }
      if (kind === TRADE) this.trade(s, c.exchangeTime[k]!, c.receiveTime[k]!, c.a[k]!, c.b[k]!, c.c[k] === 1, c.id[k]!);
      else if (kind === QUOTE) this.quote(s, c.exchangeTime[k]!, c.receiveTime[k]!, c.id[k]!, c.a[k]!, c.b[k]!, c.c[k]!, c.d[k]!);
      else if (kind === DEPTH) this.depthAt(s, batch, k);
      else
        this.reject(s, {
          reason: "unknown-type",
          message: `unknown event kind ${kind} in a batch: expected ${TRADE} (trade), ${QUOTE} (quote) or ${DEPTH} (depth)`,
        });
      if (timed) s.latency.record((performance.now() - t0) * 1e6);
    }
  }

  /**
   * The quotes and trades of `s` from event k of the columns on, taken by its analyzer's core in one
   * call (RawConfluenceCore.flow) up to the first one that needs this engine's own path: a rejection,
   * a duplicate, an out-of-order trade, a recalculation; up to the next timed event, or that event
   * alone, timed. The first event not taken (k when none was). The run does what `quote` and
   * `trade` do, bit for bit (engineBatch tests).
   */
  private flowRun(s: SymbolState, c: EventColumns, k: number, to: number, index: number): number {
    if (s.tradeIds.tagged || s.quoteIds.tagged) return k;
    const timed = s.untilTimed === 1;
    const t0 = timed ? performance.now() : 0;
    const rec = s.stores.run.array;
    rec[O.RUN_MAX] = timed ? 1 : s.untilTimed - 1;
    s.clock.toRun(rec);
    rec[O.RUN_LAST_TRADE_TIME] = s.lastTradeTime;
    rec[O.RUN_OUT_OF_ORDER] = s.outOfOrder;
    rec[O.RUN_BUY_VOLUME] = s.buyVolume;
    rec[O.RUN_SELL_VOLUME] = s.sellVolume;
    rec[O.RUN_ANALYZER_TIME] = s.analyzerTime;
    rec[O.RUN_LAST_RECALC] = s.lastTradeRecalc;
    rec[O.RUN_INTERVAL] = this.interval;
    rec[O.RUN_SYNCED] = s.sync?.synced ? 1 : 0;
    const next = s.analyzer.flowRun(c, k, to, index, s.stores);
    if (next === k) return k;
    // a run allocates nothing: the record's view is still the memory's
    s.events.quote += rec[O.RUN_QUOTES]!;
    s.events.trade += rec[O.RUN_TRADES]!;
    s.clock.fromRun(rec);
    s.lastTradeTime = rec[O.RUN_LAST_TRADE_TIME]!;
    s.outOfOrder = rec[O.RUN_OUT_OF_ORDER]!;
    s.buyVolume = rec[O.RUN_BUY_VOLUME]!;
    s.sellVolume = rec[O.RUN_SELL_VOLUME]!;
    s.analyzerTime = rec[O.RUN_ANALYZER_TIME]!;
    if (timed) {
      s.untilTimed = this.latencySample;
      s.latency.record((performance.now() - t0) * 1e6);
    } else s.untilTimed -= next - k;
    return next;
  }

  private stateOf(symbol: string): SymbolState | null {
    if (symbol === this.lastSymbol && this.lastState) return this.lastState;
    let s = this.states.get(symbol);
    if (!s) {
      if (this.states.size >= this.maxSymbols) return null;
      // symbols fed alike (a universe replaying one stream) would otherwise all be timed on the same events
      s = new SymbolState(symbol, this.kernels, this.symbolOptions, 1 + (this.states.size % this.latencySample));
      this.states.set(symbol, s);
    }
    this.lastSymbol = symbol;
    this.lastState = s;
    return s;
  }

  private syncOf(s: SymbolState): BookSync {
    return (s.sync ??= this.newSync());
  }

  private newSync(): BookSync {
    return new BookSync({ maxBuffered: this.maxBuffered, validate: false, newBook: this.newBook });
  }

  // decision keys given with the composite options override the configured preset's, key by key;
  // a score update carries no normalized readings: the engine keeps no normalizer
  private newComposite(s: SymbolState): CompositeEngine {
    return new CompositeEngine(this.kernels, {
      approximate: s.analyzer.config.approximations,
      ...this.options.composite,
      decision: resolveDecisionConfig(s.analyzer.config.decision, this.options.composite?.decision),
      normalize: false,
    });
  }

  /** null when the exchange time `x` is plausible against the receive time `r` and the stream's clocks, else why not. */
  private clockError(s: SymbolState, type: MarketEvent["type"], x: number, r: number): Rejection | null {
    if (s.clock.plausible(x, r)) return null;
    const off = s.clock.deviation(x, r);
    return {
      reason: "implausible-time",
      message: `${type} exchange time ${x} is ${Math.round(Math.abs(off))} ms ${off > 0 ? "ahead of" : "behind"} the receive clock (${r}) and the offset this stream has shown`,
    };
  }

  /** Why `e` cannot be used: the validator's verdict, else an implausible time; null when it can. */
  private invalid(s: SymbolState, e: MarketEvent): Rejection | null {
    return validateEvent(e) ?? this.clockError(s, e.type, e.exchangeTime, e.receiveTime);
  }

  private reject(s: SymbolState, r: Rejection): void {
    s.events.rejected++;
    s.rejectedBy[r.reason]++;
    if (s.rejections.length < this.keep) s.rejections.push(r.message);
  }

  /** A trade, as values (its shape checked): `x` and `r` its exchange and receive times, `id` NaN when absent. */
  private trade(s: SymbolState, x: number, r: number, price: number, qty: number, buyerInitiated: boolean, id: number): void {
    s.events.trade++;
    const bad = tradeError(x, r, price, qty, id) ?? this.clockError(s, "trade", x, r);
    if (bad !== null) return this.reject(s, bad);
    if (id === id && s.tradeIds.has(id)) {
      s.events.duplicates++;
      return;
    }
    const time = x === x ? x : r;
    if (time < s.lastTradeTime) {
      if (++s.outOfOrder < REANCHOR) {
        return this.reject(s, { reason: "out-of-order", message: `out-of-order trade at ${time} after ${s.lastTradeTime}` });
      }
      // no later trade agrees with the reference: it was wrong, the stream's clock is this one
      s.lastTradeRecalc = -Infinity;
    }
    s.outOfOrder = 0;
    s.lastTradeTime = time;
    if (id === id) s.tradeIds.add(id);
    if (buyerInitiated) s.buyVolume += qty;
    else s.sellVolume += qty;
    if (time > s.analyzerTime) s.analyzerTime = time;
    s.analyzer.onTradeValues(price, qty, buyerInitiated, s.analyzerTime);
    if (s.sync?.synced && time - s.lastTradeRecalc >= this.interval) {
      s.lastTradeRecalc = time;
      this.recalc(s, time, r, "trade");
    }
  }

  /** A best quote, as values (its shape checked); `id` NaN when absent. */
  private quote(s: SymbolState, x: number, r: number, id: number, bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    s.events.quote++;
    const bad = quoteError(x, r, id, bidPx, bidQty, askPx, askQty) ?? this.clockError(s, "quote", x, r);
    if (bad !== null) return this.reject(s, bad);
    if (id === id) {
      if (s.quoteIds.has(id)) {
        s.events.duplicates++;
        return;
      }
      s.quoteIds.add(id);
    }
    s.analyzer.onQuoteValues(bidPx, bidQty, askPx, askQty);
  }

  private onDepth(s: SymbolState, e: DepthDiffEvent): void {
    s.events.depth++;
    const sync = this.syncOf(s);
    const bad = this.invalid(s, e);
    if (bad !== null) this.lostDiff(s, sync, bad);
    else this.depth(s, sync, e);
  }

  /** Depth diff k of a batch's columns: checked on its values, its levels in place (Kernels.levelsInBounds), then as onDepth. */
  private depthAt(s: SymbolState, batch: EventBatch, k: number): void {
    s.events.depth++;
    const sync = this.syncOf(s);
    // after the book is made (the columns' views then are)
    const c = batch.columnsNow();
    const x = c.exchangeTime[k]!,
      r = c.receiveTime[k]!;
    const at = c.levelStart[k]!,
      nb = c.bidValues[k]!,
      na = c.askValues[k]!,
      levels = c.levels;
    if (!(at >= 0 && nb >= 0 && na >= 0 && at + nb + na <= levels.length)) {
      const message = `depth levels at ${at}, ${nb} bid and ${na} ask values: expected a range inside the batch's ${levels.length} level values`;
      return this.lostDiff(s, sync, { reason: "wrong-type", message });
    }
    // as the validator words an odd Float64Array (feeds/validate.ts)
    if (nb % 2 !== 0 || na % 2 !== 0)
      return this.lostDiff(s, sync, {
        reason: "wrong-type",
        message: oddLevels(nb % 2 !== 0 ? "depth bids" : "depth asks", nb % 2 !== 0 ? nb : na),
      });
    const U = c.firstId[k]!,
      u = c.id[k]!,
      pu = c.prevId[k]!;
    const max = 2 * LIMITS.maxLevels;
    const bad =
      depthIdsError(U, u, pu) ??
      (nb <= max && na <= max && this.kernels.levelsInBounds(levels, at, nb + na)
        ? times("depth", x, r)
        : depthRestError(x, r, levels, at, nb, na)) ??
      this.clockError(s, "depth", x, r);
    if (bad !== null) return this.lostDiff(s, sync, bad);
    // the diff described in place, no object: its levels are applied where they lie
    const range = this.range;
    range.symbol = s.symbol;
    range.exchangeTime = x;
    range.receiveTime = r;
    range.firstUpdateId = U;
    range.lastUpdateId = u;
    range.prevUpdateId = pu;
    range.values = levels;
    range.at = at;
    range.bidValues = nb;
    range.askValues = na;
    const outcome = sync.onDiffRange(range);
    range.values = NO_VALUES;
    this.afterDiff(s, sync, outcome, x === x ? x : r, r);
  }

  /** A depth diff that cannot be used: the book would miss its changes, so it is unsynced until the next snapshot. */
  private lostDiff(s: SymbolState, sync: BookSync, bad: Rejection): void {
    sync.lost(bad);
    this.reject(s, bad);
  }

  private depth(s: SymbolState, sync: BookSync, e: DepthDiffEvent): void {
    this.afterDiff(s, sync, sync.onDiff(e), eventTime(e), e.receiveTime);
  }

  /** What a diff's outcome means for the symbol: a recalculation, a duplicate, a rejection. */
  private afterDiff(s: SymbolState, sync: BookSync, outcome: SyncOutcome, time: number, receiveTime: number): void {
    if (outcome === "applied") this.bookChanged(s, sync, time, receiveTime);
    else if (outcome === "duplicate") s.events.duplicates++;
    else if (outcome === "rejected" || outcome === "outOfOrder") this.reject(s, sync.lastRejection!);
  }

  private onSnapshot(s: SymbolState, e: DepthSnapshotEvent): void {
    s.events.snapshot++;
    const bad = this.invalid(s, e);
    if (bad !== null) return this.reject(s, bad);
    const sync = this.syncOf(s);
    const outcome = sync.onSnapshot(e);
    if (outcome === "rejected") this.reject(s, sync.lastRejection!);
    else if (outcome !== "ignored" && sync.synced) this.bookChanged(s, sync, eventTime(e), e.receiveTime);
  }

  private bookChanged(s: SymbolState, sync: BookSync, time: number, receiveTime: number): void {
    s.analyzer.onOrderBook(sync.book);
    this.recalc(s, time, receiveTime, "book");
  }

  private recalc(s: SymbolState, time: number, receiveTime: number, trigger: "book" | "trade"): void {
    // the core's outputs read as numbers: no update, features or components objects but the score update's own
    const out = this.outputs;
    if (!s.analyzer.computeInto(time, out)) return;
    const config = s.analyzer.config;
    const confidence = s.analyzer.confidenceOf(out);
    const composite = (s.composite ??= this.newComposite(s));
    const summary = composite.summarizeOutputs(out, confidence, time);
    const update: ScoreUpdate = {
      symbol: s.symbol,
      time,
      receiveTime,
      trigger,
      score: out[O.SCORE]!,
      confidence,
      actionable: confidence >= config.confidenceThreshold,
      momentum: out[O.MOMENTUM]!,
      meanReversion: out[O.MEAN_REVERSION]!,
      components: componentScoresOf(out),
      composite: summary,
      decision: composite.decision,
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
    for (const s of this.states.values()) disposeState(s);
    this.states.clear();
    this.lastState = null;
    this.lastSymbol = "";
  }
}

/** Releases what a symbol's state holds (kernel memory on the WASM backend). */
function disposeState(s: SymbolState): void {
  s.analyzer.dispose();
  storesOfDropped.unregister(s);
  freeStores(s.stores);
  s.composite?.dispose();
  s.sync?.book.dispose();
}

/** A read-only view of one symbol's state: counts, book, latest score, latency. */
export class SymbolView {
  constructor(
    private readonly s: SymbolState,
    private readonly kernels: Kernels,
  ) {}

  get events(): Readonly<EventCounts> {
    return this.s.events;
  }

  /** The first `keepRejections` rejection messages. */
  get rejections(): readonly string[] {
    return this.s.rejections;
  }

  /** Rejected events by reason (every reason, 0 included; a null-prototype object). */
  get rejectedBy(): Readonly<Record<RejectReason, number>> {
    return this.s.rejectedBy;
  }

  /** The exchange − receive clock offset this symbol's stream has shown, ms (NaN before one event had both). */
  get clockOffsetMs(): number {
    return this.s.clock.offsetMs;
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

  /** The book and its sync; null until the symbol's first depth diff or snapshot. */
  get sync(): BookSync | null {
    return this.s.sync;
  }

  /** The book summary; the book fields only while synced (never from a stale book). */
  book(): BookSummary {
    const sync = this.s.sync;
    if (sync === null) return { synced: false, gaps: 0, applied: 0, staleSnapshots: 0, trimmed: 0 };
    const base = {
      synced: sync.synced,
      gaps: sync.counters.gaps,
      applied: sync.counters.applied,
      staleSnapshots: sync.counters.staleSnapshots,
      trimmed: sync.book.trimmed,
    };
    if (!sync.synced) return base;
    const book = sync.book;
    const top = TOP5;
    const nb = book.bids.top(5, top, 0, 5),
      na = book.asks.top(5, top, 10, 15);
    const depth = Math.min(nb, na);
    // a synced book may have an empty side (a snapshot or diffs that leave one): its best price is null, and so are the measures that need both
    return {
      ...base,
      bestBid: nb > 0 ? book.bids.bestPrice() : null,
      bestAsk: na > 0 ? book.asks.bestPrice() : null,
      imbalance5: depth > 0 ? nullIfNaN(this.kernels.bookImbalance(TOP5_BID_QTY, TOP5_ASK_QTY, depth)) : null,
      microprice:
        depth > 0
          ? nullIfNaN(this.kernels.microprice(book.bids.bestPrice(), book.bids.bestQty(), book.asks.bestPrice(), book.asks.bestQty()))
          : null,
      bidLevels: book.bids.levels,
      askLevels: book.asks.levels,
    };
  }
}

export interface BookSummary {
  synced: boolean;
  gaps: number;
  applied: number;
  /** Snapshots ignored because the synced book was newer. */
  staleSnapshots: number;
  /** Levels dropped because a side held its maximum (the farthest from the touch go first). */
  trimmed: number;
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
const TOP5_BID_QTY = TOP5.subarray(5, 10),
  TOP5_ASK_QTY = TOP5.subarray(15, 20);
