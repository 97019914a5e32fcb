/**
 * The contract of a line-oriented input format: what turns one line of a file (a raw
 * websocket message, a tardis.dev CSV row, a Binance public-data CSV row) into typed
 * events. The capture parser (feeds/capture.ts) does the rest for every format alike —
 * splitting chunks into lines anywhere, bounding line length, counting lines, events and
 * rejections per file with line numbers — so a trader gets the same counters and the
 * same "line 12: …" messages whatever the data was recorded with.
 */
import type { MarketEvent } from "../events.js";

/** The formats the readers know (detectFormat.ts tells them apart by content). */
export type InputFormat =
  | "capture" // hftbacktest collector: `<local receive ns> <Binance JSON>`
  | "binance-ws" // raw Binance websocket messages, one a line, no receive time
  | "tardis-trades"
  | "tardis-quotes"
  | "tardis-incremental-book-l2"
  | "tardis-book-snapshot" // book_snapshot_5 and book_snapshot_25
  | "binance-trades" // data.binance.vision trades CSV, spot or futures
  | "binance-agg-trades"; // data.binance.vision aggTrades CSV, spot or futures

/** Each format in words, for summaries. */
export const FORMAT_NAMES: Readonly<Record<InputFormat, string>> = {
  capture: "capture",
  "binance-ws": "raw Binance websocket lines",
  "tardis-trades": "tardis.dev trades CSV",
  "tardis-quotes": "tardis.dev quotes CSV",
  "tardis-incremental-book-l2": "tardis.dev incremental_book_L2 CSV (synthesised update ids)",
  "tardis-book-snapshot": "tardis.dev book_snapshot CSV (a snapshot a row)",
  "binance-trades": "Binance public trades CSV",
  "binance-agg-trades": "Binance public aggTrades CSV",
};

/**
 * Which clock an event's `receiveTime` holds: the local receive time the format recorded,
 * or — where it recorded none — the exchange's own time standing in for it.
 */
export type InputClock = "receive" | "exchange";

/** Where a decoder's events go. */
export interface LineSink {
  emit(event: MarketEvent): void;
  /** The symbol of the latest depth diff of the stream (a REST snapshot names none); null before any. */
  readonly snapshotSymbol: string | null;
}

export interface LineDecoder {
  readonly format: InputFormat;
  readonly clock: InputClock;
  /** What a valid line looks like, for the error when a file has none. */
  readonly expected: string;
  /**
   * One line: bytes [start, end) of `b`, newline and CR removed, never empty. Emits the
   * line's events (none for a header, or while a group of rows is still open); throws a
   * FeedDecodeError for a malformed line, which is counted and skipped.
   */
  line(b: Uint8Array, start: number, end: number, sink: LineSink): void;
  /** The file ended: emits what was held back (the last group of rows). */
  finish(sink: LineSink): void;
}
