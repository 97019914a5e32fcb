/**
 * The streaming engine spread over worker threads: `process(event)` on the main thread,
 * the engine's work in N workers, each with its own WASM instance and the full state of
 * the symbols it owns. A symbol belongs to one worker, chosen by a stable hash of its
 * name (shardOf.ts), so its events are handled in order by one engine — the results
 * are those of a single StreamingEngine, bit for bit: every score update per symbol,
 * in order, and the summary. Throughput grows with cores when there are several busy
 * symbols; one symbol never runs faster than one core.
 *
 * Events are packed into one batch per worker (eventBatch.ts) and sent when the batch
 * holds `batchSize` events, when the caller yields to the event loop (a live feed's
 * events still go out promptly), and on flush/summary/close. Score updates come back
 * packed, per batch, and reach `onScore` per symbol in order (the interleaving across
 * symbols on different workers differs from a single engine's). Without `onScore` the
 * workers send no updates at all.
 *
 * Bad data never throws: the workers' engines reject and count it, as a single engine
 * does (an event that is not well formed travels unpacked, so the reason is the same);
 * an event with no symbol to route it by — not an object, or `symbol` not a non-empty
 * string — is counted in `dropped`, as a single engine counts it, and so is one that
 * cannot be sent to a thread at all (it holds a function, say). A worker that crashes takes its symbols' state
 * with it: that is reported as a WorkerFailedError from flush, summary and close —
 * never thrown from `process` and never an unhandled rejection — and its symbols get
 * no more events. An exception thrown by `onScore` is rethrown from the next flush,
 * summary or close (the first one; delivery goes on). Node-only.
 */
import { availableParallelism } from "node:os";
import type { ResourceLimits } from "node:worker_threads";
import { DisposedError, InvalidParameterError } from "../errors.js";
import type { MarketEvent } from "../feeds/events.js";
import { jsKernels } from "../kernels/index.js";
import { StreamingEngine, type DropCounts, type ScoreUpdate } from "../pipeline/engine.js";
import type { SymbolSummary } from "../pipeline/summary.js";
import { engineSettings, type BatchResult, type EngineSettings, type SummaryResult, type WorkerInit } from "./threadProtocol.js";
import { readScoreBatch } from "./scoreBatch.js";
import type { ScoreContext } from "./scoreContext.js";
import { shardOf } from "./shardOf.js";
import { routable } from "../feeds/validate.js";
import { WorkerShard } from "./workerShard.js";

/** The engine's options that a worker can take (config, composite, buffers), and the pool's. */
export interface ParallelEngineOptions extends EngineSettings {
  /** Worker threads. Default: the available cores minus one (the main thread's), at least 1. */
  readonly workers?: number;
  /** The workers' kernels. Default "wasm". */
  readonly backend?: "wasm" | "js";
  /** Every score update, per symbol in order, delivered in batches; with `context`, the update's ScoreContext too. */
  readonly onScore?: (update: ScoreUpdate, context?: ScoreContext) => void;
  /** Send each update's ScoreContext (book and volumes at that moment) with it. Default false. */
  readonly context?: boolean;
  /** Events per worker batch. Default 1024. */
  readonly batchSize?: number;
  /** Limits for each worker's heap and stack; a worker exceeding them is stopped by Node (a WorkerFailedError). */
  readonly resourceLimits?: ResourceLimits;
}

interface Route {
  readonly shard: WorkerShard;
  readonly index: number;
}

export class ParallelEngine {
  /** Worker threads. */
  readonly workers: number;
  /** Events dropped: no symbol to route them by or a symbol beyond maxSymbols (as StreamingEngine.dropped), or not cloneable to a thread. */
  dropped = 0;
  /** The drops a single engine would count, by why (events that cannot be cloned count in `dropped` only). */
  readonly droppedBy: DropCounts = { unroutable: 0, symbolLimit: 0 };
  private readonly maxSymbols: number;
  private readonly shards: WorkerShard[];
  private readonly routes = new Map<string, Route>();
  private readonly updates = new Map<string, number>();
  private readonly batchSize: number;
  private readonly onScore: ParallelEngineOptions["onScore"];
  private readonly context: boolean;
  private lastSymbol: string | null = null;
  private lastRoute: Route | null = null;
  private yieldScheduled = false;
  private callbackError: { error: unknown } | null = null;
  private started = -1;
  /** close() has begun: no more events are taken (they could not all be delivered). */
  private closing = false;
  private closingDone: Promise<void> | null = null;
  private closed = false;

  constructor(options: ParallelEngineOptions = {}) {
    const workers = options.workers ?? Math.max(1, availableParallelism() - 1);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256)
      throw new InvalidParameterError("workers", workers, "an integer from 1 to 256");
    const batchSize = options.batchSize ?? 1024;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidParameterError("batchSize", batchSize, "an integer ≥ 1");
    // bad engine options throw here, typed, as for a single engine — not in a worker
    new StreamingEngine(jsKernels(), engineSettings(options)).dispose();
    this.maxSymbols = options.maxSymbols ?? 10_000;
    this.workers = workers;
    this.batchSize = batchSize;
    this.onScore = options.onScore;
    this.context = options.context === true && options.onScore !== undefined;
    const init: WorkerInit = {
      backend: options.backend ?? "wasm",
      engine: engineSettings(options),
      scores: options.onScore !== undefined,
      context: this.context,
    };
    const onResult = (r: BatchResult, symbols: readonly string[]): void => this.deliver(r, symbols);
    this.shards = Array.from({ length: workers }, (_, i) => new WorkerShard(i, workers, init, options.resourceLimits, onResult));
  }

  /** The worker that owns `symbol` (the same for every engine with this many workers). */
  workerOf(symbol: string): number {
    return shardOf(symbol, this.workers);
  }

  /** Queues one event for its symbol's worker. Never throws for bad data. */
  process(e: MarketEvent): void {
    if (this.closing) throw new DisposedError("ParallelEngine");
    if (!routable(e)) {
      this.dropped++;
      this.droppedBy.unroutable++;
      return;
    }
    if (this.started < 0) this.started = performance.now();
    const symbol = e.symbol;
    let route = symbol === this.lastSymbol ? this.lastRoute! : this.routes.get(symbol);
    if (!route) {
      if (this.routes.size >= this.maxSymbols) {
        this.dropped++;
        this.droppedBy.symbolLimit++;
        return;
      }
      const shard = this.shards[this.workerOf(symbol)]!;
      route = { shard, index: shard.symbols.push(symbol) - 1 };
      this.routes.set(symbol, route);
    }
    this.lastSymbol = symbol;
    this.lastRoute = route;
    const writer = route.shard.writer;
    if (!writer.write(e, route.index)) this.dropped++;
    if (writer.count >= this.batchSize) route.shard.send();
    else if (!this.yieldScheduled) {
      this.yieldScheduled = true;
      setImmediate(this.sendAll);
    }
  }

  /** Score updates of `symbol` so far (as of the batches handled). */
  scoreUpdates(symbol: string): number {
    return this.updates.get(symbol) ?? 0;
  }

  /** Seconds from the first event to now. */
  get elapsedSeconds(): number {
    return this.started < 0 ? 0 : (performance.now() - this.started) / 1000;
  }

  /**
   * Sends every pending batch and waits until all results are delivered. Rejects with
   * the first WorkerFailedError (or the first exception thrown by onScore).
   */
  async flush(): Promise<void> {
    this.sendAll();
    await Promise.all(this.shards.map((s) => s.settled()));
    this.throwIfFailed();
  }

  /**
   * What `summarize()` gives for a single engine over the same events — the same object
   * but for perf: events/s over `wallSeconds` (default: first event to now, flush
   * included), latency quantiles from each worker's histograms. Flushes first.
   */
  async summary(wallSeconds?: number): Promise<Record<string, SymbolSummary>> {
    if (this.closed) throw new DisposedError("ParallelEngine");
    await this.flush();
    const wall = wallSeconds ?? this.elapsedSeconds;
    const parts = await Promise.all(this.shards.map((s) => (s.symbols.length > 0 ? s.summary(wall) : Promise.resolve<SummaryResult>({}))));
    const merged = Object.create(null) as Record<string, SymbolSummary>;
    for (const [symbol, route] of this.routes) {
      const s = parts[route.shard.index]![symbol];
      if (s) merged[symbol] = s;
    }
    return merged;
  }

  /** Flushes, then stops the workers (always); rejects like flush. From its call on, process throws DisposedError; after it, summary too. */
  close(): Promise<void> {
    if (this.closing) return this.closed ? Promise.resolve() : this.closingDone!;
    this.closing = true;
    this.closingDone = (async () => {
      try {
        await this.flush();
      } finally {
        this.closed = true;
        await Promise.all(this.shards.map((s) => s.close()));
      }
    })();
    return this.closingDone;
  }

  private readonly sendAll = (): void => {
    this.yieldScheduled = false;
    for (const s of this.shards) s.send();
  };

  private deliver(r: BatchResult, symbols: readonly string[]): void {
    const c = r.counts;
    for (let i = 0; i < c.length; i += 2) {
      const symbol = symbols[c[i]!]!;
      this.updates.set(symbol, (this.updates.get(symbol) ?? 0) + c[i + 1]!);
    }
    const onScore = this.onScore;
    if (!r.scores || !onScore) return;
    readScoreBatch(r.scores, this.context, symbols, (u, ctx) => {
      try {
        onScore(u, ctx);
      } catch (error) {
        this.callbackError ??= { error };
      }
    });
  }

  private throwIfFailed(): void {
    for (const s of this.shards) if (s.failure) throw s.failure;
    if (this.callbackError) {
      const { error } = this.callbackError;
      this.callbackError = null;
      throw error;
    }
  }
}
