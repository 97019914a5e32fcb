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
import type { Redis } from "ioredis";
import { InvalidConfigError, PublishIncompleteError } from "../errors.js";
import type { CaptureStats } from "../feeds/capture.js";
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

/** Reads `files` as one stream (replayCaptureFiles) into the input streams. */
export async function publishCaptures(redis: Redis, files: readonly string[], options: PublishOptions = {}): Promise<PublishResult> {
  const size = options.batch ?? 1_000;
  if (!Number.isInteger(size) || size < 1 || size > 100_000) throw new InvalidConfigError("batch", size, "an integer from 1 to 100,000");
  const t0 = performance.now();
  const counts = new Map<string, number>();
  const pending = new Map<string, string[]>();
  const sent: Promise<void>[] = [];
  let failure: unknown = null;
  let events = 0,
    skipped = 0,
    confirmed = 0;
  // the first failure is kept and thrown once every call has settled
  const send = (call: Promise<unknown>, count = 0): void => {
    sent.push(
      call.then(
        () => {
          confirmed += count;
        },
        (err: unknown) => {
          failure ??= err;
        },
      ),
    );
  };
  const flush = (symbol: string, texts: string[]): void => {
    if (texts.length > 0) send(redis.eval(XADD_BATCH, 1, inputKey(symbol), ...texts), texts.length);
    pending.set(symbol, []);
  };
  const capture = await replayCaptureFiles(
    files,
    (e) => {
      const symbol = e.symbol;
      if (!taggableSymbol(symbol)) {
        skipped++;
        return;
      }
      let texts = pending.get(symbol);
      if (!texts) {
        send(redis.sadd(SYMBOLS_KEY, symbol));
        pending.set(symbol, (texts = []));
      }
      counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
      texts.push(encodeEvent(e));
      events++;
      if (texts.length >= size) flush(symbol, texts);
    },
    {
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.symbol ? { symbol: options.symbol } : {}),
      ...(options.merge ? { merge: true } : {}),
    },
  );
  for (const [symbol, texts] of pending) flush(symbol, texts);
  await Promise.all(sent);
  if (failure) throw new PublishIncompleteError(confirmed, events, failure instanceof Error ? failure.message : String(failure));
  return { symbols: Object.fromEntries(counts), events, skipped, capture, seconds: (performance.now() - t0) / 1000 };
}
