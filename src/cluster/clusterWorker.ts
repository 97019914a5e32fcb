/**
 * A worker of a consumer group: one process (on any machine pointing at the same Redis, or
 * the same Redis Cluster) that owns some of the symbols and runs their engines. Several
 * workers share the load:
 *
 *  - every tick (⅓ of the lease, at most 500 ms) it heartbeats into the group's live set,
 *    renews the leases it holds (a lease found lost stops that symbol at once), and reads
 *    the symbol registry;
 *  - its share is ⌈symbols / live workers⌉: below it, it tries to take unowned symbols
 *    (in random order, so workers spread); above it — a worker joined — it hands one
 *    symbol back per tick (finishes the batch, commits, releases the lease) for the
 *    newcomer to take;
 *  - each owned symbol runs in a SymbolProcessor (take-over, rebuild, read, commit).
 *
 * `stop()` (SIGTERM/SIGINT in the CLI) lets every symbol finish its batch, releases the
 * leases and leaves the live set. A killed worker releases nothing: its leases and its
 * heartbeat expire after `leaseMs` and the others take its symbols over. Redis errors
 * never end the worker: a failing symbol is let go and taken again later, after a wait
 * that doubles with each failure in a row (symbolLedger.ts), so nothing loops.
 *
 * Nothing in Redis can grow the worker without bound: it owns at most `maxSymbols`
 * symbols (a share above that is left to other workers, logged and reported), ignores
 * names in `cf:symbols` that cannot be a symbol (logged when their number changes) and
 * takes delivery of entries size-bounded (entryBounds.ts).
 *
 * When Redis loses its data (a restart without persistence, FLUSHALL) every lease is gone:
 * each owned symbol ends, its engine with it, and the worker logs once per symbol that its
 * stream or group is gone, and once that `cf:symbols` is empty. Heartbeats recreate the
 * live set; when the symbols are published again the worker takes them like new ones
 * (creating the group), and its counters for them restart (historyLost.ts).
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { InvalidConfigError } from "../errors.js";
import { jsKernels, loadKernels } from "../kernels/index.js";
import type { EngineOptions } from "../pipeline/engine.js";
import { abandonConnection, connectRedisTarget, type RedisTarget } from "./connect.js";
import { DEFAULT_MAX_ENTRY_BYTES } from "./entryBounds.js";
import { groupInfo } from "./groupInfo.js";
import { MAX_SYMBOL_LENGTH, SYMBOLS_KEY, symbolKeys, taggableSymbol } from "./keys.js";
import { acquireLease, releaseLease, renewLease } from "./lease.js";
import { fairShare, heartbeat, leave } from "./membership.js";
import { pause } from "./pause.js";
import { SymbolLedger, type SymbolStats } from "./symbolLedger.js";
import { SymbolProcessor, type ProcessorContext, type ProcessorEnd } from "./symbolProcessor.js";

export interface WorkerOptions {
  /** The Redis server, e.g. redis://127.0.0.1:6379 (give this or `cluster`). */
  readonly url?: string;
  /** A Redis Cluster's seed nodes, e.g. ["10.0.0.5:7000", "10.0.0.6:7000"] (give this or `url`). */
  readonly cluster?: readonly string[];
  /** The consumer group: workers of one group share the symbols. */
  readonly group: string;
  /** This worker's consumer name; default `<host>-<pid>-<random>` (unique per run). */
  readonly consumer?: string;
  readonly backend?: "wasm" | "js";
  /** How long a symbol stays owned without renewal (a killed worker's symbols wait this long). Default 5,000. */
  readonly leaseMs?: number;
  /** How long a pending entry must be idle before a new owner claims it. Default: leaseMs. */
  readonly claimIdleMs?: number;
  /** Stop after this long without processing anything. Default: run until stopped. */
  readonly exitWhenIdleMs?: number;
  /** Entries per read and per commit. Default 500. */
  readonly batch?: number;
  /** TTL of the latest-score key cf:score:{S}. Default 60,000. */
  readonly scoreTtlMs?: number;
  /** Symbols this worker owns at most (each has its own engine). Default 1,000. */
  readonly maxSymbols?: number;
  /** Input entries larger than this (bytes of field names and values) are malformed, not read whole. Default 1 MiB; the same for every worker of a group. */
  readonly maxEntryBytes?: number;
  /** Checkpoint each symbol's engine at least every this many input entries (committed with them; the input is trimmed behind). Default 10,000. */
  readonly checkpointEvery?: number;
  /** ...and at least this often (ms) while entries arrive. Default 60,000. */
  readonly checkpointMs?: number;
  /** The output stream cf:out:{S} keeps about this many score updates (XADD MAXLEN ~); 0 = all. Default 1,000,000. */
  readonly outMaxlen?: number;
  /** Engine options (the analyzer configuration) — the same for every worker of a group. */
  readonly engine?: Omit<EngineOptions, "onScore">;
  /** Progress lines (taking over, handing back, losing a symbol, Redis errors). */
  readonly log?: (line: string) => void;
}

export interface WorkerSummary {
  readonly consumer: string;
  readonly group: string;
  /** The kernels' backend: "wasm-simd", "wasm" or "js". */
  readonly backend: string;
  readonly seconds: number;
  /** Per symbol this worker owned at some point, summed over its ownerships (since the symbol's last data loss). */
  readonly symbols: Record<string, SymbolStats>;
  /** The most symbols its share ever exceeded maxSymbols by (left to other workers). */
  readonly symbolsOverLimit: number;
}

const MAX_MS = 2 ** 31 - 1;

/** The Redis of the options: exactly one of `url` and `cluster`. */
function redisTarget(options: WorkerOptions): RedisTarget {
  if (options.url !== undefined && options.cluster !== undefined)
    throw new InvalidConfigError(
      "cluster",
      options.cluster,
      "either url (one Redis server) or cluster (a Redis Cluster's seed nodes), not both",
    );
  if (options.cluster !== undefined) return { cluster: options.cluster };
  if (options.url === undefined)
    throw new InvalidConfigError("url", options.url, "a Redis server's URL, or cluster: a Redis Cluster's seed nodes");
  return { url: options.url };
}

function integer(key: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidConfigError(key, value, `an integer from ${min} to ${max}`);
  return value;
}

export class ClusterWorker {
  readonly consumer: string;
  private readonly leaseMs: number;
  private readonly claimIdleMs: number;
  private readonly exitWhenIdleMs: number | null;
  private readonly batch: number;
  private readonly scoreTtlMs: number;
  private readonly log: (line: string) => void;
  private readonly abort = new AbortController();
  private readonly maxSymbols: number;
  private readonly maxEntryBytes: number;
  private readonly checkpointEvery: number;
  private readonly checkpointMs: number;
  private readonly outMaxlen: number;
  private readonly target: RedisTarget;
  private readonly owned = new Map<string, { processor: SymbolProcessor; done: Promise<void> }>();
  private readonly ledgers = new Map<string, SymbolLedger>();
  private lastActivity = performance.now();
  private leasesTaken = 0;
  /** How often the worker heartbeats, renews and looks for symbols; also the first wait after a failure. */
  private readonly tickMs: number;
  /** What the last tick saw in cf:symbols (to log changes once, not every tick). */
  private listed = 0;
  private unusable = 0;
  private overLimit = 0;
  private maxOverLimit = 0;
  /** The error of the last tick (null: it succeeded), to log a failing Redis once per change, not every tick. */
  private tickError: string | null = null;

  /** Validates the options (InvalidConfigError, keyed by the option's name). */
  constructor(private readonly options: WorkerOptions) {
    this.target = redisTarget(options);
    if (options.group.length === 0) throw new InvalidConfigError("group", options.group, "a non-empty consumer group name");
    this.leaseMs = integer("leaseMs", options.leaseMs ?? 5_000, 100, MAX_MS);
    this.claimIdleMs = integer("claimIdleMs", options.claimIdleMs ?? this.leaseMs, 0, MAX_MS);
    this.exitWhenIdleMs = options.exitWhenIdleMs === undefined ? null : integer("exitWhenIdleMs", options.exitWhenIdleMs, 0, MAX_MS);
    this.batch = integer("batch", options.batch ?? 500, 1, 10_000);
    this.scoreTtlMs = integer("scoreTtlMs", options.scoreTtlMs ?? 60_000, 1, MAX_MS);
    this.maxSymbols = integer("maxSymbols", options.maxSymbols ?? 1_000, 1, 1_000_000);
    this.maxEntryBytes = integer("maxEntryBytes", options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES, 1_024, 64 << 20);
    this.checkpointEvery = integer("checkpointEvery", options.checkpointEvery ?? 10_000, 1, 1_000_000_000);
    this.checkpointMs = integer("checkpointMs", options.checkpointMs ?? 60_000, 1, MAX_MS);
    this.outMaxlen = integer("outMaxlen", options.outMaxlen ?? 1_000_000, 0, Number.MAX_SAFE_INTEGER);
    this.tickMs = Math.min(500, Math.floor(this.leaseMs / 3));
    this.consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
    this.log = options.log ?? (() => {});
  }

  /** Stops the worker: every symbol finishes its batch, leases are released, run() resolves. */
  stop(): void {
    this.abort.abort();
  }

  /** Connects (RedisUnavailableError when it cannot) and works until stopped or idle. */
  async run(): Promise<WorkerSummary> {
    const t0 = performance.now();
    const redis = await connectRedisTarget(this.target);
    const kernels = this.options.backend === "js" ? jsKernels() : await loadKernels();
    this.lastActivity = performance.now();
    this.log(`joined group ${this.options.group} (${kernels.backend} kernels)`);
    const ctx: ProcessorContext = {
      redis,
      kernels,
      engine: this.options.engine ?? {},
      group: this.options.group,
      consumer: this.consumer,
      batch: this.batch,
      claimIdleMs: this.claimIdleMs,
      scoreTtlMs: this.scoreTtlMs,
      maxEntryBytes: this.maxEntryBytes,
      checkpointEvery: this.checkpointEvery,
      checkpointMs: this.checkpointMs,
      outMaxlen: this.outMaxlen,
      onActivity: () => {
        this.lastActivity = performance.now();
      },
      log: this.log,
    };
    // resolves on stop (no timer: it holds nothing open)
    const stopped = new Promise<void>((resolve) => this.abort.signal.addEventListener("abort", () => resolve(), { once: true }));
    try {
      while (!this.abort.signal.aborted && !this.idle()) {
        // a tick waits on Redis: while Redis is down that is a long wait, which a stop must not sit out
        const tick = this.tick(ctx).then(
          () => this.tickFailed(null),
          (e: unknown) => this.tickFailed((e as Error).message),
        );
        await Promise.race([tick, stopped]);
        await pause(this.tickMs, this.abort.signal);
      }
    } finally {
      for (const { processor } of this.owned.values()) processor.requestStop("stopped");
      const shutdown = (async () => {
        await Promise.all([...this.owned.values()].map((o) => o.done));
        await leave(redis, this.options.group, this.consumer).catch(() => {});
      })();
      // with Redis down, each call would wait out its retries: give the graceful part one lease, then drop the connection
      // (what was not released expires by itself; nothing is acknowledged that was not committed)
      const timer = new AbortController();
      const finished = await Promise.race([
        shutdown.then(
          () => true,
          () => true,
        ),
        pause(this.leaseMs, timer.signal).then(() => false),
      ]);
      timer.abort(); // the wait must not hold the process open once the shutdown is done
      if (finished) await redis.quit().catch(() => redis.disconnect());
      else {
        this.log(`redis: shutdown not done within ${this.leaseMs} ms; disconnecting (unreleased leases expire by themselves)`);
        abandonConnection(redis);
        await shutdown.catch(() => {});
      }
    }
    return {
      consumer: this.consumer,
      group: this.options.group,
      backend: kernels.backend,
      seconds: (performance.now() - t0) / 1000,
      symbols: Object.fromEntries([...this.ledgers].map(([symbol, ledger]) => [symbol, ledger.stats])),
      symbolsOverLimit: this.maxOverLimit,
    };
  }

  private tickFailed(message: string | null): void {
    if (message !== this.tickError) this.log(message === null ? "redis: answering again" : `redis: ${message}`);
    this.tickError = message;
  }

  private idle(): boolean {
    if (this.exitWhenIdleMs === null || performance.now() - this.lastActivity < this.exitWhenIdleMs) return false;
    for (const { processor } of this.owned.values()) if (processor.takingOver) return false;
    return true;
  }

  private async tick(ctx: ProcessorContext): Promise<void> {
    const { redis, group } = ctx;
    const live = await heartbeat(redis, group, this.consumer, this.leaseMs);
    await Promise.all(
      [...this.owned.values()].map(async ({ processor }) => {
        if (!processor.stopping && !(await renewLease(redis, processor.keys.lease, processor.token, this.leaseMs))) {
          processor.requestStop("lost");
        }
      }),
    );
    const symbols = this.usable(await redis.smembers(SYMBOLS_KEY));
    const share = this.limited(fairShare(symbols.length, live));
    const active = [...this.owned.values()].filter((o) => !o.processor.stopping);
    if (active.length > share) {
      const handBack = active.find((o) => !o.processor.takingOver);
      handBack?.processor.requestStop("released");
      return;
    }
    let count = active.length;
    const now = performance.now();
    for (const symbol of shuffle(symbols.filter((s) => !this.owned.has(s) && !this.ledgers.get(s)?.waiting(now)))) {
      if (count >= share || this.abort.signal.aborted) break;
      const token = `${this.consumer}#${++this.leasesTaken}`;
      if (!(await acquireLease(redis, symbolKeys(symbol, group).lease, token, this.leaseMs))) continue;
      this.start(ctx, symbol, token);
      count++;
    }
  }

  /** The names in cf:symbols that can be symbols; logs when the number of those that cannot changes, and when none is left. */
  private usable(names: string[]): string[] {
    const symbols = names.filter(taggableSymbol);
    const unusable = names.length - symbols.length;
    if (unusable !== this.unusable && unusable > 0) {
      this.log(
        `${SYMBOLS_KEY}: ignoring ${plural(unusable, "name")} that cannot be a symbol (empty, with { or }, a lone surrogate, or longer than ${MAX_SYMBOL_LENGTH})`,
      );
    }
    if (symbols.length === 0 && this.listed > 0) {
      this.log(
        `${SYMBOLS_KEY} is empty (it listed ${plural(this.listed, "symbol")}: Redis lost its data, or they were removed); waiting for symbols to be published`,
      );
    }
    this.unusable = unusable;
    this.listed = symbols.length;
    return symbols;
  }

  /** The share, capped at maxSymbols; logs when the cap starts or stops binding. */
  private limited(share: number): number {
    const over = Math.max(0, share - this.maxSymbols);
    if (over > 0 !== this.overLimit > 0) {
      this.log(
        over > 0
          ? `share of ${share} symbols exceeds maxSymbols ${this.maxSymbols}: owning ${this.maxSymbols}, the rest is left to other workers`
          : `share back within maxSymbols ${this.maxSymbols}`,
      );
    }
    this.overLimit = over;
    this.maxOverLimit = Math.max(this.maxOverLimit, over);
    return share - over;
  }

  private start(ctx: ProcessorContext, symbol: string, token: string): void {
    let ledger = this.ledgers.get(symbol);
    if (!ledger) this.ledgers.set(symbol, (ledger = new SymbolLedger()));
    const processor = new SymbolProcessor(ctx, symbol, token, ledger);
    const release = (): Promise<void> => releaseLease(ctx.redis, processor.keys.lease, token).catch(() => {});
    const done = processor
      .run()
      .then(
        async (end) => {
          // a lease lost with the group itself: Redis lost its data (or the stream was deleted)
          if (end === "lost" && !(await groupInfo(ctx.redis, processor.keys.input, ctx.group).catch(() => true))) end = "vanished";
          if (end !== "lost") await release();
          this.log(`${symbol}: ${ENDED[end]}`);
        },
        async (e: unknown) => {
          const wait = ledger.failed(performance.now(), this.tickMs);
          this.log(`${symbol}: ${(e as Error).message}; letting it go (error ${ledger.stats.errors}; taken again in ${wait} ms or later)`);
          await release();
        },
      )
      .finally(() => {
        this.owned.delete(symbol);
      });
    this.owned.set(symbol, { processor, done });
  }
}

/** The log line of each way an ownership ends. */
const ENDED: Readonly<Record<ProcessorEnd, string>> = {
  stopped: "stopped",
  released: "handed back (share)",
  lost: "lease lost",
  vanished:
    "its input stream or consumer group is gone (deleted, or Redis lost its data): engine state dropped; it is taken again once published",
  rewound:
    "its consumer group delivered an entry the engine had already seen (Redis restored an older state?): engine state dropped; taking it over again from what Redis holds",
};

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
