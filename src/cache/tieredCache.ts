/**
 * The tiered cache: L1 an in-process LRU (lru-cache) bounded in entries and bytes; L2 a
 * store shared by processes (Redis: `RedisStore` from confluence-hft/node); on a miss of
 * both, the caller's computation. Browser-safe: without an L2 it is an L1 cache.
 *
 *   get           L1 → L2 (a hit is promoted into L1 for L2's remaining TTL) → undefined
 *   set           L1 at once; L2 in the background (SET key value PX ttl). Per key at most
 *                 one L2 write is in flight; a newer value queued behind it replaces an
 *                 older queued one (last write wins, as it would anyway), so a burst of
 *                 updates to one key costs one round trip at a time, not one per update
 *   getOrCompute  get, else compute (callers of a key being computed share that
 *                 computation), then set
 *   getFresh      for keys other processes overwrite (latest scores): L2 first, L1 when
 *                 L2 fails or has nothing (L1 entries never outlive their L2 TTL)
 *
 * To a trader: a result another process (or this one) already computed is reused when
 * that is cheaper than computing it; a dead Redis costs speed, never an answer.
 *
 * Values travel as JSON: anything JSON.stringify round-trips (finite numbers — NaN and
 * ±Infinity would come back as null — and no undefined, which means "miss"). L1 keeps the
 * value itself and returns it on hits, shared between callers: treat it as read-only.
 * The byte bound counts each entry's JSON length (its L2 payload).
 *
 * Failure: L2 errors never reach the caller. A failed L2 read is a miss, a failed write a
 * no-op; both count in `l2Errors`. The cache is `degraded` from the first failure or
 * disconnect until L2 answers or reconnects; each transition is logged once through
 * `logger` (default console.warn), never once per call.
 */
import { LRUCache } from "lru-cache";
import { InvalidParameterError, UnknownConfigKeyError } from "../errors.js";

/** An L2 entry: the stored JSON text and its remaining time to live (null: no expiry). */
export interface RemoteEntry {
  readonly value: string;
  readonly ttlMs: number | null;
}

/** The shared layer (L2) as the tiered cache uses it. Calls may reject: the cache counts and absorbs that. */
export interface RemoteStore {
  /** The entry, or null when the key is absent (or expired). */
  get(key: string): Promise<RemoteEntry | null>;
  /** Stores `value` under `key` for `ttlMs` (SET key value PX ttlMs). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Called on every connection change: up (reconnected) or down, with the reason. */
  onStatus(listener: (up: boolean, reason: string) => void): void;
  close(): Promise<void>;
}

export interface TieredCacheOptions {
  /** L1 entry bound. Default 10,000. */
  readonly maxEntries?: number;
  /** L1 byte bound (sum of the entries' JSON lengths). Default 64 MiB. */
  readonly maxBytes?: number;
  /** Time to live of `set` and `getOrCompute` entries, in both layers, unless given per call. Default 60,000 ms. */
  readonly ttlMs?: number;
  /** The shared layer; none: L1 only. */
  readonly l2?: RemoteStore | null;
  /** Where state changes are reported (one line per transition). Default console.warn. */
  readonly logger?: (message: string) => void;
}

export interface CacheStats {
  /** Lookups answered from L1. */
  readonly l1Hits: number;
  /** Lookups answered from L2 (and promoted into L1). */
  readonly l2Hits: number;
  /** Lookups answered by neither. */
  readonly misses: number;
  /** Values refused by set (not JSON-serializable: a BigInt, a cycle, a function); getOrCompute still returns them. */
  readonly unstorable: number;
  /** L2 calls that failed (refused, timed out, disconnected) or returned what is not JSON. */
  readonly l2Errors: number;
  /** L2 is failing or disconnected: lookups go on from L1 and computation. */
  readonly degraded: boolean;
  /** When the current degradation began (ms since the epoch); null when not degraded. */
  readonly degradedSince: number | null;
  readonly l1Entries: number;
  readonly l1Bytes: number;
}

const OPTION_KEYS = ["maxEntries", "maxBytes", "ttlMs", "l2", "logger"];
const RESOLVED: Promise<void> = Promise.resolve();
// lru-cache holds no null: a null value is stored as this marker
const NULL = Symbol("null");
const toL1 = (value: unknown): NonNullable<unknown> => value ?? NULL;
const fromL1 = <T>(stored: NonNullable<unknown>): T => (stored === NULL ? null : stored) as T;

/** A write waiting behind the one in flight for its key; `done` settles every set() it absorbed. */
interface QueuedWrite {
  text: string;
  ttlMs: number;
  readonly done: (() => void)[];
}

const describeValue = (v: unknown): string => (typeof v === "object" && v !== null ? Object.prototype.toString.call(v) : typeof v);

function positiveInteger(name: string, value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 1) return value;
  throw new InvalidParameterError(name, value, "an integer ≥ 1");
}

export class TieredCache {
  private readonly l1: LRUCache<string, NonNullable<unknown>>;
  private readonly l2: RemoteStore | null;
  private readonly ttlMs: number;
  private readonly log: (message: string) => void;
  private readonly counts = { l1Hits: 0, l2Hits: 0, misses: 0, unstorable: 0, l2Errors: 0 };
  private since: number | null = null;
  private errorsBefore = 0;
  private closed = false;
  /** Keys with an L2 write in flight → the write queued behind it (null: none queued). */
  private readonly writes = new Map<string, QueuedWrite | null>();
  private readonly idle: (() => void)[] = [];
  private readonly computing = new Map<string, Promise<unknown>>();
  /** Keys with an L2 read in flight; `dirty` once set() wrote the key meanwhile (the answer may be older than L1). */
  private readonly reads = new Map<string, { n: number; dirty: boolean }>();

  constructor(options: TieredCacheOptions = {}) {
    for (const key of Object.keys(options)) if (!OPTION_KEYS.includes(key)) throw new UnknownConfigKeyError(key, OPTION_KEYS);
    this.l1 = new LRUCache({
      max: positiveInteger("maxEntries", options.maxEntries ?? 10_000),
      maxSize: positiveInteger("maxBytes", options.maxBytes ?? 64 * 1024 * 1024),
    });
    this.ttlMs = positiveInteger("ttlMs", options.ttlMs ?? 60_000);
    this.log = options.logger ?? ((message) => console.warn(message));
    this.l2 = options.l2 ?? null;
    this.l2?.onStatus((up, reason) => (up ? this.l2Answered() : this.l2Down(reason)));
  }

  /** L1, then L2 (promoting a hit into L1); undefined when neither has the key. */
  async get<T>(key: string): Promise<T | undefined> {
    const local = this.l1.get(key);
    if (local !== undefined) {
      this.counts.l1Hits++;
      return fromL1<T>(local);
    }
    if (this.l2 && !this.closed) {
      const remote = await this.readL2(key);
      if (typeof remote === "object") {
        this.counts.l2Hits++;
        return remote.value as T;
      }
    }
    this.counts.misses++;
    return undefined;
  }

  /**
   * L2 first (it has what other processes wrote last), L1 when L2 fails or has nothing —
   * or when this cache has a write of the key still on its way to L2 (then L1 is newer).
   */
  async getFresh<T>(key: string): Promise<T | undefined> {
    if (this.l2 && !this.closed && !this.writes.has(key)) {
      const remote = await this.readL2(key);
      if (typeof remote === "object") {
        this.counts.l2Hits++;
        return remote.value as T;
      }
    }
    const local = this.l1.get(key);
    if (local === undefined) {
      this.counts.misses++;
      return undefined;
    }
    this.counts.l1Hits++;
    return fromL1<T>(local);
  }

  /**
   * Stores `value` in L1 now and in L2 in the background. The promise settles when L2 has
   * it, or has failed (counted), or a newer value of the key replaced it; it never rejects.
   * A value JSON cannot hold (undefined, a BigInt, a cycle, a function) is an
   * InvalidParameterError, thrown at once (and counted in `unstorable`).
   */
  set(key: string, value: unknown, ttlMs: number = this.ttlMs): Promise<void> {
    positiveInteger("ttlMs", ttlMs);
    let text: string | undefined;
    try {
      text = value === undefined ? undefined : JSON.stringify(value);
    } catch (err) {
      this.counts.unstorable++;
      throw new InvalidParameterError(
        "value",
        describeValue(value),
        `a JSON-serializable value (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    if (typeof text !== "string") {
      this.counts.unstorable++;
      throw new InvalidParameterError(
        "value",
        describeValue(value),
        "a JSON value (undefined means a miss; functions and symbols have no JSON form)",
      );
    }
    const reading = this.reads.get(key);
    if (reading) reading.dirty = true;
    this.l1.set(key, toL1(value), { size: text.length, ttl: ttlMs });
    if (!this.l2 || this.closed) return RESOLVED;
    return new Promise((resolve) => {
      if (!this.writes.has(key)) {
        this.writes.set(key, null);
        void this.drain(key, { text, ttlMs, done: [resolve] });
        return;
      }
      const queued = this.writes.get(key);
      if (queued) {
        queued.text = text;
        queued.ttlMs = ttlMs;
        queued.done.push(resolve);
      } else {
        this.writes.set(key, { text, ttlMs, done: [resolve] });
      }
    });
  }

  /**
   * The cached value of `key`, else `compute()`'s (stored for `ttlMs`). Concurrent callers
   * of a key being computed share the computation. Errors of `compute` reach the caller
   * (nothing is stored); errors of the cache never do.
   */
  async getOrCompute<T>(key: string, compute: () => T | Promise<T>, ttlMs: number = this.ttlMs): Promise<T> {
    positiveInteger("ttlMs", ttlMs);
    const local = this.l1.get(key);
    if (local !== undefined) {
      this.counts.l1Hits++;
      return fromL1<T>(local);
    }
    const running = this.computing.get(key);
    if (running) {
      this.counts.misses++;
      return running as Promise<T>;
    }
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const joined = this.computing.get(key);
    if (joined) return joined as Promise<T>;
    const computation = (async () => {
      try {
        const value = await compute();
        try {
          void this.set(key, value, ttlMs);
        } catch {
          // not storable (counted): the caller still gets what was computed
        }
        return value;
      } finally {
        this.computing.delete(key);
      }
    })();
    this.computing.set(key, computation);
    return computation;
  }

  /** Resolves once no L2 write is in flight or queued. */
  flush(): Promise<void> {
    if (this.writes.size === 0) return RESOLVED;
    return new Promise((resolve) => this.idle.push(resolve));
  }

  get stats(): CacheStats {
    return {
      ...this.counts,
      degraded: this.since !== null,
      degradedSince: this.since,
      l1Entries: this.l1.size,
      l1Bytes: this.l1.calculatedSize,
    };
  }

  /** Finishes the queued L2 writes, then closes the L2 store; L1 stays readable. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.l2?.close();
  }

  /** The L2 entry promoted into L1, "absent", or "failed" (counted). */
  private async readL2(key: string): Promise<{ readonly value: unknown } | "absent" | "failed"> {
    let reading = this.reads.get(key);
    if (!reading) this.reads.set(key, (reading = { n: 0, dirty: false }));
    reading.n++;
    let entry: RemoteEntry | null;
    try {
      entry = await this.l2!.get(key);
    } catch (err) {
      this.l2Failed(err);
      return "failed";
    } finally {
      if (--reading.n === 0) this.reads.delete(key);
    }
    this.l2Answered();
    if (entry === null) return "absent";
    let value: unknown;
    try {
      value = JSON.parse(entry.value);
    } catch {
      this.counts.l2Errors++; // someone else's data under this key: not a connection problem
      return "failed";
    }
    const ttl = entry.ttlMs ?? this.ttlMs;
    // a local write of this key — in flight, or made while L2 was answering — is newer than L2's answer
    if (ttl > 0 && !reading.dirty && !this.writes.has(key)) this.l1.set(key, toL1(value), { size: entry.value.length, ttl });
    return { value };
  }

  private async drain(key: string, first: QueuedWrite): Promise<void> {
    let write: QueuedWrite | null | undefined = first;
    while (write) {
      try {
        await this.l2!.set(key, write.text, write.ttlMs);
        this.l2Answered();
      } catch (err) {
        this.l2Failed(err);
      }
      for (const done of write.done) done();
      write = this.writes.get(key);
      this.writes.set(key, null);
    }
    this.writes.delete(key);
    if (this.writes.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private l2Failed(err: unknown): void {
    this.l2Down(err instanceof Error ? err.message : String(err));
    this.counts.l2Errors++;
  }

  private l2Down(reason: string): void {
    if (this.since !== null || this.closed) return;
    this.since = Date.now();
    this.errorsBefore = this.counts.l2Errors;
    this.log(`confluence-hft cache: L2 unavailable (${reason}); serving from L1 and computing misses until it is back`);
  }

  private l2Answered(): void {
    if (this.since === null || this.closed) return;
    const seconds = (Date.now() - this.since) / 1000;
    const errors = this.counts.l2Errors - this.errorsBefore;
    this.since = null;
    this.log(`confluence-hft cache: L2 available again after ${seconds.toFixed(1)} s (${errors} L2 errors during the outage)`);
  }
}
