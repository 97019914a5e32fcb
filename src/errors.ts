/**
 * Every error the library throws. Each class has a stable `name` (safe to match on)
 * and a message that says what was wrong and what was expected.
 */
export class ConfluenceError extends Error {
  override name = "ConfluenceError";
}

/** Two inputs that must line up do not have the same length (or a shape is off). */
export class LengthMismatchError extends ConfluenceError {
  override name = "LengthMismatchError";
  constructor(
    readonly what: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`${what}: length ${actual}, expected ${expected}`);
  }
}

/** A value is NaN, ±Infinity or negative where that makes no sense. */
export class InvalidValueError extends ConfluenceError {
  override name = "InvalidValueError";
  constructor(
    readonly what: string,
    readonly index: number,
    readonly value: number,
    readonly expected: string,
  ) {
    super(`${what}[${index}] = ${value}: expected ${expected}`);
  }
}

/** Finite inputs whose sum overflows to ±Infinity (values near Number.MAX_VALUE). */
export class SumOverflowError extends ConfluenceError {
  override name = "SumOverflowError";
  constructor(readonly what: string) {
    super(`${what}: the sum overflowed to Infinity: expected values whose sums are finite`);
  }
}

/** Input that must hold at least one element is empty. */
export class EmptyInputError extends ConfluenceError {
  override name = "EmptyInputError";
  constructor(readonly what: string) {
    super(`${what} is empty: expected at least one element`);
  }
}

/** A window length is not an integer in [1, capacity]. */
export class InvalidWindowError extends ConfluenceError {
  override name = "InvalidWindowError";
  constructor(
    readonly window: number,
    readonly capacity: number,
  ) {
    super(`window ${window}: expected an integer from 1 to ${capacity}`);
  }
}

/** A book depth is not an integer in [1, levels given]. */
export class InvalidDepthError extends ConfluenceError {
  override name = "InvalidDepthError";
  constructor(
    readonly depth: number,
    readonly levels: number,
  ) {
    super(`depth ${depth}: expected an integer from 1 to ${levels} (the levels given)`);
  }
}

/** A smoothing factor is outside (0, 1]. */
export class InvalidAlphaError extends ConfluenceError {
  override name = "InvalidAlphaError";
  constructor(readonly alpha: number) {
    super(`alpha ${alpha}: expected a number in (0, 1]`);
  }
}

/** A parameter (decay, span, capacity…) is out of its range. */
export class InvalidParameterError extends ConfluenceError {
  override name = "InvalidParameterError";
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${parameter} = ${String(value)}: expected ${expected}`);
  }
}

/** A timestamp goes backwards in a stream that must be in time order. */
export class OutOfOrderError extends ConfluenceError {
  override name = "OutOfOrderError";
  constructor(
    readonly what: string,
    readonly time: number,
    readonly previous: number,
  ) {
    super(`${what} at ${time} is older than the previous one at ${previous}: expected non-decreasing time`);
  }
}

/** A fixed-capacity time window is full of entries that are all still inside its span. */
export class CapacityExceededError extends ConfluenceError {
  override name = "CapacityExceededError";
  constructor(
    readonly what: string,
    readonly capacity: number,
  ) {
    super(`${what} is full (${capacity} entries all inside the span): expected a larger capacity`);
  }
}

/** A streaming object was used after dispose(). */
export class DisposedError extends ConfluenceError {
  override name = "DisposedError";
  constructor(readonly what: string) {
    super(`${what} was disposed: expected a live object`);
  }
}

/**
 * An argument of the wrong type: a string, an array, null or an object where a number,
 * a boolean or a typed array belongs. Never coerced ("1" is not 1).
 */
export class ArgumentTypeError extends ConfluenceError {
  override name = "ArgumentTypeError";
  constructor(
    readonly what: string,
    readonly found: string,
    readonly expected: string,
  ) {
    super(`${what} is ${found}: expected ${expected}`);
  }
}

/**
 * An allocation the backend cannot satisfy: larger than one block of WebAssembly memory
 * can be, or more than linear memory can still grow to. Nothing was allocated and the
 * kernels keep working; `memoryBytes` is the linear memory in use when it failed.
 */
export class OutOfMemoryError extends ConfluenceError {
  override name = "OutOfMemoryError";
  constructor(
    readonly requested: number,
    readonly memoryBytes: number,
    readonly reason: string,
  ) {
    super(`cannot allocate ${requested} bytes: ${reason}: expected a smaller allocation, or fewer live buffers and windows`);
  }
}

/**
 * The WebAssembly module's runtime aborted (a failed check inside AssemblyScript's standard
 * library, e.g. an allocation larger than a block can be): a call the TypeScript layer
 * should have refused before making it, so a bug of ours. The instance may be unusable.
 */
export class WasmAbortError extends ConfluenceError {
  override name = "WasmAbortError";
  constructor(
    readonly abortMessage: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(
      `the WebAssembly module aborted: ${abortMessage} at ${file}:${line}:${column}: expected every call to be checked before it reaches the module (please report it)`,
    );
  }
}

/** A configuration object has a key the library does not know (often a typo). */
export class UnknownConfigKeyError extends ConfluenceError {
  override name = "UnknownConfigKeyError";
  constructor(
    readonly key: string,
    readonly known: readonly string[],
  ) {
    super(`unknown configuration key '${key}': expected one of ${known.join(", ")}`);
  }
}

/** The longest a value is quoted in an error message (characters; the rest is cut with …). */
const QUOTED_MAX = 200;

/**
 * A value as an error message quotes it: its JSON, cut to QUOTED_MAX characters — or, for what JSON
 * cannot write (a BigInt, a circular object, a string too long to quote), a short description. Never throws.
 */
function quoted(value: unknown): string {
  let text: string;
  try {
    // undefined, a function or a symbol: JSON writes nothing, the value's own words stand
    text =
      (typeof value === "string" && value.length > QUOTED_MAX ? JSON.stringify(value.slice(0, QUOTED_MAX)) : JSON.stringify(value)) ??
      String(value);
  } catch {
    text = typeof value === "bigint" ? `${value}n` : `(${typeof value} that JSON cannot write)`;
  }
  return text.length > QUOTED_MAX ? `${text.slice(0, QUOTED_MAX)}…` : text;
}

/** A configuration value is out of range or of the wrong type. */
export class InvalidConfigError extends ConfluenceError {
  override name = "InvalidConfigError";
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${key} = ${quoted(value)}: expected ${expected}`);
  }
}

/** Weights that are negative, unknown or do not sum to 1. */
export class InvalidWeightsError extends ConfluenceError {
  override name = "InvalidWeightsError";
  constructor(
    readonly what: string,
    readonly detail: string,
  ) {
    super(`${what}: ${detail}`);
  }
}

/** A result was asked for before enough data arrived. */
export class WarmupError extends ConfluenceError {
  override name = "WarmupError";
  constructor(
    readonly what: string,
    readonly needed: string,
  ) {
    super(`${what} is warming up: still needs ${needed}`);
  }
}

/** A symbol appears more than once in a universe that must list each symbol once. */
export class DuplicateSymbolError extends ConfluenceError {
  override name = "DuplicateSymbolError";
  constructor(
    readonly symbol: string,
    readonly first: number,
    readonly second: number,
  ) {
    super(`symbol '${symbol}' appears at entries ${first} and ${second}: expected each symbol once`);
  }
}

/** Why a feed message was rejected (stable values, safe to match on and to count by). */
export type FeedDecodeReason =
  | "bad-timestamp" // a capture line without its `<ns> ` prefix; a line with no time to place it at (a CSV time that is not µs/ms digits, a raw bookTicker before any timed message of its symbol)
  | "not-json" // not JSON text (or not valid UTF-8)
  | "unknown-kind" // JSON, but no message kind this decoder knows
  | "missing-field"
  | "invalid-field" // present but of the wrong type or shape
  | "non-finite" // a number that is ±Infinity (or NaN)
  | "non-positive-price"
  | "negative-qty"
  | "empty-symbol"
  | "unknown-snapshot-symbol" // a REST depth snapshot (it names no symbol) with no symbol to give it
  | "line-too-long"; // a capture line longer than the parser's limit (its bytes are skipped, not kept)

/** Every FeedDecodeReason, in a fixed order. */
export const FEED_DECODE_REASONS: readonly FeedDecodeReason[] = [
  "bad-timestamp",
  "not-json",
  "unknown-kind",
  "missing-field",
  "invalid-field",
  "non-finite",
  "non-positive-price",
  "negative-qty",
  "empty-symbol",
  "unknown-snapshot-symbol",
  "line-too-long",
];

/** A market-data message (a Binance frame, a capture line, a ccxt object) that cannot become an event. */
export class FeedDecodeError extends ConfluenceError {
  override name = "FeedDecodeError";
  constructor(
    readonly reason: FeedDecodeReason,
    readonly what: string,
    readonly expected: string,
  ) {
    super(`${what}: expected ${expected} (${reason})`);
  }
}

/** A capture file that cannot be read to its end: missing, unreadable, or a corrupt or truncated gzip. */
export class CaptureFileError extends ConfluenceError {
  override name = "CaptureFileError";
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}: expected a readable capture file (gzip or plain text)`);
  }
}

/** An output file (`--out`, `--report`, `--record`) that could not be written to the end: a full disk, a lost device. */
export class OutputWriteError extends ConfluenceError {
  override name = "OutputWriteError";
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot write ${file}: ${reason}: expected room for the whole file`);
  }
}

/** A file whose format was recognised but that holds no valid line of it at all: nothing to replay. */
export class EmptyCaptureError extends ConfluenceError {
  override name = "EmptyCaptureError";
  constructor(
    readonly file: string,
    readonly lines: number,
    readonly firstRejection: string | null,
    /** What its lines should have been (the format detected); the capture format by default. */
    readonly expected = "lines of `<receive time, ns since epoch> <Binance JSON message>`, gzip or plain text",
  ) {
    super(
      `no valid capture lines in ${file} (${lines} line${lines === 1 ? "" : "s"} read${firstRejection ? `; first: ${firstRejection}` : ""}): ` +
        `expected ${expected}`,
    );
  }
}

/** A file in none of the formats the readers know (a CSV of other columns, random bytes, an empty file). */
export class UnknownFormatError extends ConfluenceError {
  override name = "UnknownFormatError";
  constructor(
    readonly file: string,
    /** What was found instead, in words. */
    readonly found: string,
  ) {
    super(
      `${file}: ${found}: expected a format confluence reads — a capture (\`<ns> <json>\` lines), raw Binance websocket JSON lines, ` +
        "tardis.dev CSV (trades, quotes, incremental_book_L2, book_snapshot_5/25) or Binance public data trades/aggTrades CSV; gzip, zip or plain",
    );
  }
}

/** A file that names no symbol (Binance public trades CSV), read without one being given. */
export class MissingSymbolError extends ConfluenceError {
  override name = "MissingSymbolError";
  constructor(
    readonly file: string,
    readonly format: string,
  ) {
    super(
      `${file}: ${format} names no symbol and none was given: expected a file (or zip entry) named like ` +
        "BTCUSDT-trades-2024-08-08.csv or BTCUSDT-aggTrades-2024-08-08.csv, or the symbol given (--symbol)",
    );
  }
}

/** A cache key's input holds something with no stable byte form (a function, a Map, a cycle…). */
export class UnhashableInputError extends ConfluenceError {
  override name = "UnhashableInputError";
  constructor(
    readonly path: string,
    readonly found: string,
  ) {
    super(`${path} is ${found}: expected null, a boolean, a number, a string, an array, a plain object or a typed array, without cycles`);
  }
}

/** The Redis server (or Redis Cluster) a cluster worker or publisher needs cannot be used: unreachable, refused, too old, or not the kind asked for. */
export class RedisUnavailableError extends ConfluenceError {
  override name = "RedisUnavailableError";
  constructor(
    readonly url: string,
    readonly reason: string,
    /** What was expected there (a Redis Cluster's seed nodes expect a cluster). */
    readonly expected = "a reachable Redis server, version 6.2 or later",
  ) {
    super(`${url}: ${reason}: expected ${expected}`);
  }
}

/**
 * Publishing to Redis Streams stopped on a failed call (the connection dropped, the
 * server refused): `confirmed` events are known to be in their streams; a batch whose
 * reply was lost may or may not be (it is never resent, which could append it twice).
 */
export class PublishIncompleteError extends ConfluenceError {
  override name = "PublishIncompleteError";
  constructor(
    readonly confirmed: number,
    readonly read: number,
    readonly reason: string,
  ) {
    super(
      `publish stopped: ${reason}; ${confirmed} of ${read} events confirmed in their streams (a batch whose reply was lost may or may not be in): expected every Redis call to succeed`,
    );
  }
}

/**
 * A worker thread of the parallel engine (src/parallel/) crashed, failed to start, or
 * was replaced by a fresh one: the state of the symbols it held is gone, so nothing
 * more is computed for them and the engine reports this from flush, summary and close.
 */
export class WorkerFailedError extends ConfluenceError {
  override name = "WorkerFailedError";
  constructor(
    readonly worker: number,
    readonly workers: number,
    readonly symbols: readonly string[],
    readonly reason: string,
  ) {
    const held =
      symbols.length === 0
        ? "no symbols yet"
        : `symbols ${symbols.slice(0, 5).join(", ")}${symbols.length > 5 ? `, … (${symbols.length})` : ""}`;
    super(`worker ${worker} of ${workers} (${held}) failed: ${reason}: expected it to run until close(); its symbols' state is lost`);
  }
}

/**
 * A checkpoint (src/checkpoint/) that cannot be restored: truncated or corrupt bytes, another
 * format version, or state written under another configuration or for another kind of object.
 * Nothing is restored: the engine keeps what it had.
 */
export class CheckpointError extends ConfluenceError {
  override name = "CheckpointError";
  constructor(
    readonly reason: string,
    readonly at: number,
  ) {
    super(`checkpoint rejected at byte ${at}: ${reason}; nothing was restored`);
  }
}
