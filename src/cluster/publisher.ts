/**
 * Publishing recorded captures into the input streams, sharded by symbol: every event
 * becomes one entry `e = encodeEvent(event)` of `cf:in:{SYMBOL}` (in capture order, which
 * is the order workers process), and each symbol is registered in `cf:symbols` where the
 * workers discover it. Publishing appends: running it twice publishes the events twice.
 *
 * The XADDs go out in batches, pipelined: per symbol, up to `batch` events become ONE
 * script call that runs their XADDs inside Redis, and calls are sent as batches fill,
 * without waiting for replies. Measured here, this is ~5× faster than a pipeline of single
 * XADD commands (the client's per-command cost dominates). The script is sent with EVAL,
 * not EVALSHA: a NOSCRIPT retry could run a batch after a later one and reorder a stream.
 * Each call touches one symbol's stream, so it is valid on Redis Cluster too.
 *
 * Bounded: the events held — queued in a batch or sent and not yet confirmed by Redis — are at
 * most about `maxInFlight`. Reading files, the publisher is waited for (`ready()`): past
 * `maxInFlight` the reader stops (between chunks of input) until Redis has confirmed half of
 * them, so a capture of any size is published in at most `maxInFlight` events plus one chunk's.
 * A live feed cannot be paused (`live: true`): past twice `maxInFlight` its events are dropped and
 * counted (`overflowed`) — a Redis that cannot keep up with the exchange loses events it would
 * otherwise have lost with the process's memory.
 */
import type { Cluster, Redis } from "ioredis";
import { InvalidConfigError, PublishIncompleteError } from "../errors.js";
import type { CaptureStats } from "../feeds/capture.js";
import type { MarketEvent } from "../feeds/events.js";
import { encodeEvent } from "../feeds/wire.js";
import { replayCaptureFiles } from "../node/captureReader.js";
import { inputKey, SYMBOLS_KEY, taggableSymbol } from "./keys.js";

const XADD_BATCH = "for i = 1, #ARGV do redis.call('XADD', KEYS[1], '*', 'e', ARGV[i]) end return #ARGV";

/** Events held (queued or unconfirmed) before the reader waits, unless `maxInFlight` says otherwise. */
const DEFAULT_MAX_IN_FLIGHT = 100_000;

export interface PublishOptions {
  /** Events per script call (per symbol). Default 1,000. */
  readonly batch?: number;
  /** Events held (queued or sent and unconfirmed) at most before reading waits for Redis. Default 100,000. */
  readonly maxInFlight?: number;
  /** The stream a capture named `-` is read from (replayCaptureFiles). */
  readonly stdin?: NodeJS.ReadableStream;
  /** The symbol of input that names none (replayCaptureFiles). */
  readonly symbol?: string;
  /** Merge the files by receive time (replayCaptureFiles). */
  readonly merge?: boolean;
}

export interface PublishResult {
  /** Events published per symbol, in order of first appearance. */
  readonly symbols: Record<string, number>;
  readonly events: number;
  /** Events not published because their symbol cannot be a hash tag (empty, containing { or } or a lone surrogate, or longer than MAX_SYMBOL_LENGTH). */
  readonly skipped: number;
  /** The capture parser's counters: malformed lines are counted (and named) there. */
  readonly capture: CaptureStats;
  readonly seconds: number;
  /** The most events held at once (queued or unconfirmed): what the memory bound held to. */
  readonly peakHeld: number;
}

/**
 * Publishes events one by one into the input streams (what `publish` does from files and
 * `live --redis` from the exchange): per symbol, events are batched into one script call of up
 * to `batch` XADDs, sent without waiting for the reply; `flush()` sends what is pending and
 * waits for every call. The first failure is kept and thrown by `flush()` as a
 * PublishIncompleteError naming how many events Redis confirmed. Holds about `maxInFlight`
 * events when its producer waits for `ready()`; a `live` one, whose producer cannot wait, drops
 * (counting them in `overflowed`) beyond twice that.
 */
export class StreamPublisher {
  private readonly size: number;
  private readonly maxInFlight: number;
  private readonly counts = new Map<string, number>();
  private readonly pending = new Map<string, string[]>();
  /** Events queued in `pending`. */
  private queued = 0;
  /** Events sent and not yet answered, and calls not yet answered. */
  private inFlight = 0;
  private calls = 0;
  /** Resolved when the events held fall to half of maxInFlight, or when no call is left (flush). */
  private waiters: (() => void)[] = [];
  private failure: unknown = null;
  private confirmed = 0;
  /** Events accepted for publishing. */
  events = 0;
  /** Events not published because their symbol cannot be a hash tag (empty, containing { or } or a lone surrogate, or longer than MAX_SYMBOL_LENGTH). */
  skipped = 0;
  /** Events a live publisher dropped because twice `maxInFlight` were held already. */
  overflowed = 0;
  /** The most events held at once. */
  peakHeld = 0;

  private readonly live: boolean;

  constructor(
    private readonly redis: Redis | Cluster,
    options: { readonly batch?: number; readonly maxInFlight?: number; readonly live?: boolean } = {},
  ) {
    const { batch = 1_000, maxInFlight = DEFAULT_MAX_IN_FLIGHT, live = false } = options;
    if (!Number.isInteger(batch) || batch < 1 || batch > 100_000)
      throw new InvalidConfigError("batch", batch, "an integer from 1 to 100,000");
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > 10_000_000)
      throw new InvalidConfigError("maxInFlight", maxInFlight, "an integer from 1 to 10,000,000");
    this.size = batch;
    this.maxInFlight = maxInFlight;
    this.live = live;
  }

  /** A live publisher's events held at most: past this, `push` drops and counts (`overflowed`). */
  get maxHeld(): number {
    return 2 * this.maxInFlight;
  }

  /** Events held: queued in a batch, or sent and not yet confirmed. */
  get held(): number {
    return this.queued + this.inFlight;
  }

  /**
   * null while fewer than `maxInFlight` events are held; else every queued batch is sent and a
   * promise resolves once Redis has answered for all but half of them (or a call failed: `flush`
   * throws it). A producer that awaits it holds the publisher to about `maxInFlight` events.
   */
  ready(): Promise<void> | null {
    if (this.failure) throw this.incomplete();
    if (this.held < this.maxInFlight) return null;
    this.sendAll();
    if (this.inFlight <= this.maxInFlight >> 1) return null;
    return new Promise<void>((resolve) => this.waiters.push(resolve)).then(() => {
      if (this.failure) throw this.incomplete();
    });
  }

  /** Queues one event; a full batch of its symbol goes out at once. */
  push(e: MarketEvent): void {
    const symbol = e.symbol;
    if (!taggableSymbol(symbol)) {
      this.skipped++;
      return;
    }
    if (this.live && this.held >= this.maxHeld) {
      this.overflowed++;
      return;
    }
    let texts = this.pending.get(symbol);
    if (!texts) {
      if (!this.counts.has(symbol)) this.send(this.redis.sadd(SYMBOLS_KEY, symbol));
      this.pending.set(symbol, (texts = []));
    }
    this.counts.set(symbol, (this.counts.get(symbol) ?? 0) + 1);
    texts.push(encodeEvent(e));
    this.queued++;
    this.events++;
    if (this.held > this.peakHeld) this.peakHeld = this.held;
    if (texts.length >= this.size) this.sendBatch(symbol, texts);
  }

  /** Sends every pending batch and waits for all calls; throws the first failure. */
  async flush(): Promise<void> {
    this.sendAll();
    while (this.calls > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure) throw this.incomplete();
  }

  /** The first failure, with how many events Redis confirmed. */
  private incomplete(): PublishIncompleteError {
    const f = this.failure;
    return new PublishIncompleteError(this.confirmed, this.events, f instanceof Error ? f.message : String(f));
  }

  /** Events published per symbol, in order of first appearance. */
  get symbols(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private send(call: Promise<unknown>, count = 0): void {
    this.inFlight += count;
    this.calls++;
    const settle = (): void => {
      this.inFlight -= count;
      this.calls--;
      if (this.waiters.length > 0 && (this.calls === 0 || this.inFlight <= this.maxInFlight >> 1 || this.failure)) {
        const waiting = this.waiters;
        this.waiters = [];
        for (const w of waiting) w();
      }
    };
    call.then(
      () => {
        this.confirmed += count;
        settle();
      },
      (err: unknown) => {
        this.failure ??= err;
        settle();
      },
    );
  }

  private sendAll(): void {
    for (const [symbol, texts] of this.pending) this.sendBatch(symbol, texts);
  }

  private sendBatch(symbol: string, texts: string[]): void {
    if (texts.length > 0) {
      this.queued -= texts.length;
      this.send(this.redis.eval(XADD_BATCH, 1, inputKey(symbol), ...texts), texts.length);
    }
    this.pending.set(symbol, []);
  }
}

/** Reads `files` as one stream (replayCaptureFiles) into the input streams. */
export async function publishCaptures(
  redis: Redis | Cluster,
  files: readonly string[],
  options: PublishOptions = {},
): Promise<PublishResult> {
  const publisher = new StreamPublisher(redis, {
    ...(options.batch !== undefined ? { batch: options.batch } : {}),
    ...(options.maxInFlight !== undefined ? { maxInFlight: options.maxInFlight } : {}),
  });
  const t0 = performance.now();
  const capture = await replayCaptureFiles(files, (e) => publisher.push(e), {
    // the reader waits for Redis past maxInFlight: a capture of any size in bounded memory
    drain: () => publisher.ready(),
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.symbol ? { symbol: options.symbol } : {}),
    ...(options.merge ? { merge: true } : {}),
  });
  await publisher.flush();
  return {
    symbols: publisher.symbols,
    events: publisher.events,
    skipped: publisher.skipped,
    capture,
    seconds: (performance.now() - t0) / 1000,
    peakHeld: publisher.peakHeld,
  };
}
