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
 */
import type { Cluster, Redis } from "ioredis";
import { InvalidConfigError, PublishIncompleteError } from "../errors.js";
import type { CaptureStats } from "../feeds/capture.js";
import type { MarketEvent } from "../feeds/events.js";
import { encodeEvent } from "../feeds/wire.js";
import { replayCaptureFiles } from "../node/captureReader.js";
import { inputKey, SYMBOLS_KEY, taggableSymbol } from "./keys.js";

const XADD_BATCH = "for i = 1, #ARGV do redis.call('XADD', KEYS[1], '*', 'e', ARGV[i]) end return #ARGV";

export interface PublishOptions {
  /** Events per script call (per symbol). Default 1,000. */
  readonly batch?: number;
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
}

/**
 * Publishes events one by one into the input streams (what `publish` does from files and
 * `live --redis` from the exchange): per symbol, events are batched into one script call of up
 * to `batch` XADDs, sent without waiting for the reply; `flush()` sends what is pending and
 * waits for every call. The first failure is kept and thrown by `flush()` as a
 * PublishIncompleteError naming how many events Redis confirmed.
 */
export class StreamPublisher {
  private readonly size: number;
  private readonly counts = new Map<string, number>();
  private readonly pending = new Map<string, string[]>();
  private sent: Promise<void>[] = [];
  private failure: unknown = null;
  private confirmed = 0;
  /** Events accepted for publishing. */
  events = 0;
  /** Events not published because their symbol cannot be a hash tag (empty, containing { or } or a lone surrogate, or longer than MAX_SYMBOL_LENGTH). */
  skipped = 0;

  constructor(
    private readonly redis: Redis | Cluster,
    batch = 1_000,
  ) {
    if (!Number.isInteger(batch) || batch < 1 || batch > 100_000)
      throw new InvalidConfigError("batch", batch, "an integer from 1 to 100,000");
    this.size = batch;
  }

  /** Queues one event; a full batch of its symbol goes out at once. */
  push(e: MarketEvent): void {
    const symbol = e.symbol;
    if (!taggableSymbol(symbol)) {
      this.skipped++;
      return;
    }
    let texts = this.pending.get(symbol);
    if (!texts) {
      if (!this.counts.has(symbol)) this.send(this.redis.sadd(SYMBOLS_KEY, symbol));
      this.pending.set(symbol, (texts = []));
    }
    this.counts.set(symbol, (this.counts.get(symbol) ?? 0) + 1);
    texts.push(encodeEvent(e));
    this.events++;
    if (texts.length >= this.size) this.sendBatch(symbol, texts);
  }

  /** Sends every pending batch and waits for all calls; throws the first failure. */
  async flush(): Promise<void> {
    for (const [symbol, texts] of this.pending) this.sendBatch(symbol, texts);
    const sent = this.sent;
    this.sent = [];
    await Promise.all(sent);
    if (this.failure) {
      const f = this.failure;
      throw new PublishIncompleteError(this.confirmed, this.events, f instanceof Error ? f.message : String(f));
    }
  }

  /** Events published per symbol, in order of first appearance. */
  get symbols(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private send(call: Promise<unknown>, count = 0): void {
    this.sent.push(
      call.then(
        () => {
          this.confirmed += count;
        },
        (err: unknown) => {
          this.failure ??= err;
        },
      ),
    );
  }

  private sendBatch(symbol: string, texts: string[]): void {
    if (texts.length > 0) this.send(this.redis.eval(XADD_BATCH, 1, inputKey(symbol), ...texts), texts.length);
    this.pending.set(symbol, []);
  }
}

/** Reads `files` as one stream (replayCaptureFiles) into the input streams. */
export async function publishCaptures(
  redis: Redis | Cluster,
  files: readonly string[],
  options: PublishOptions = {},
): Promise<PublishResult> {
  const publisher = new StreamPublisher(redis, options.batch ?? 1_000);
  const t0 = performance.now();
  const capture = await replayCaptureFiles(files, (e) => publisher.push(e), {
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
  };
}
