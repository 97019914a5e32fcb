/**
 * tardis.dev `incremental_book_L2` CSV (docs.tardis.dev, "Downloadable CSV files", data
 * types): one price level a row, `exchange,symbol,timestamp,local_timestamp,is_snapshot,
 * side,price,amount`, times in µs, `amount` the level's new absolute size (0 removes it).
 * Rows with is_snapshot true are the book's initial snapshot (or a fresh one after
 * tardis reconnected); the rest are changes. One exchange message is one run of rows
 * with the same local_timestamp (tardis's documented grouping).
 *
 * The engine keeps its book by Binance's update-id chain, and tardis keeps no ids. So the
 * reader gives each group consecutive synthesised ids per symbol: a run of snapshot rows
 * becomes one snapshot with lastUpdateId n, each following run of change rows one depth
 * diff with U = u = n + 1, n + 2, … (no `pu`: chained as spot). A fresh snapshot gets the
 * next id and replaces the book. Changes before the first snapshot of a symbol stay
 * buffered by the book sync, unsynced, as a live stream's would. Bounds: a diff of more
 * than LIMITS.maxLevels levels a side is split into consecutive diffs; snapshot rows past
 * it are rejected; at most MAX_SYMBOLS symbols a file (rows of more are rejected).
 */
import { FeedDecodeError } from "../../errors.js";
import { LIMITS } from "../validate.js";
import { checkColumns, csvBool, csvFields, csvPrice, csvQty, csvSymbol, csvTime } from "./csvRow.js";
import type { LineDecoder, LineSink } from "./lineDecoder.js";

export const TARDIS_INCREMENTAL_BOOK_L2_HEADER = "exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount";
const COLUMNS = [8];
/** Symbols given ids in one file. */
const MAX_SYMBOLS = 4096;

export class TardisIncrementalBookL2 implements LineDecoder {
  readonly format = "tardis-incremental-book-l2";
  readonly clock = "receive";
  readonly expected = `tardis.dev incremental_book_L2 CSV rows: ${TARDIS_INCREMENTAL_BOOK_L2_HEADER}`;
  /** The last id given per symbol. */
  private readonly ids = new Map<string, number>();
  /** The open group: its key, times and levels. */
  private open = false;
  private symbol = "";
  private local = "";
  private snapshot = false;
  private exchangeTime = 0;
  private receiveTime = 0;
  private bids = new Float64Array(256);
  private asks = new Float64Array(256);
  private bidCount = 0;
  private askCount = 0;

  line(b: Uint8Array, start: number, end: number, sink: LineSink): void {
    const f = csvFields(b, start, end);
    if (f.length === COLUMNS[0] && f.join(",") === TARDIS_INCREMENTAL_BOOK_L2_HEADER) return;
    checkColumns(f, COLUMNS, TARDIS_INCREMENTAL_BOOK_L2_HEADER);
    const symbol = csvSymbol(f[1]!, "symbol");
    const exchangeTime = csvTime(f[2]!, "timestamp", "us");
    const local = f[3]!;
    const receiveTime = csvTime(local, "local_timestamp", "us");
    const snapshot = csvBool(f[4]!, "is_snapshot");
    const side = f[5];
    if (side !== "bid" && side !== "ask")
      throw new FeedDecodeError("invalid-field", `column side = ${JSON.stringify(side!.slice(0, 40))}`, '"bid" or "ask"');
    const price = csvPrice(f[6]!, "price");
    const qty = csvQty(f[7]!, "amount");
    if (!this.ids.has(symbol)) {
      if (this.ids.size >= MAX_SYMBOLS)
        throw new FeedDecodeError(
          "invalid-field",
          `symbol ${symbol} is past the ${MAX_SYMBOLS} symbols of this file`,
          `at most ${MAX_SYMBOLS} symbols a file`,
        );
      this.ids.set(symbol, 0);
    }
    if (this.open && (symbol !== this.symbol || local !== this.local || snapshot !== this.snapshot)) this.flush(sink);
    const full = (side === "bid" ? this.bidCount : this.askCount) >= 2 * LIMITS.maxLevels;
    if (this.open && full) {
      if (snapshot)
        throw new FeedDecodeError(
          "invalid-field",
          `a snapshot of more than ${LIMITS.maxLevels} levels a side`,
          `at most ${LIMITS.maxLevels} levels a side`,
        );
      this.flush(sink);
    }
    if (!this.open) {
      this.open = true;
      this.symbol = symbol;
      this.local = local;
      this.snapshot = snapshot;
      this.exchangeTime = exchangeTime;
      this.receiveTime = receiveTime;
    }
    if (side === "bid") {
      this.bids = room(this.bids, this.bidCount);
      this.bids[this.bidCount++] = price;
      this.bids[this.bidCount++] = qty;
    } else {
      this.asks = room(this.asks, this.askCount);
      this.asks[this.askCount++] = price;
      this.asks[this.askCount++] = qty;
    }
  }

  finish(sink: LineSink): void {
    if (this.open) this.flush(sink);
  }

  /** The open group as one event, with the next id of its symbol. */
  private flush(sink: LineSink): void {
    const id = this.ids.get(this.symbol)! + 1;
    this.ids.set(this.symbol, id);
    const bids = this.bids.slice(0, this.bidCount),
      asks = this.asks.slice(0, this.askCount);
    this.open = false;
    this.bidCount = 0;
    this.askCount = 0;
    const common = { symbol: this.symbol, exchangeTime: this.exchangeTime, receiveTime: this.receiveTime };
    if (this.snapshot) sink.emit({ type: "snapshot", ...common, lastUpdateId: id, bids, asks });
    else sink.emit({ type: "depth", ...common, firstUpdateId: id, lastUpdateId: id, prevUpdateId: NaN, bids, asks });
  }
}

/** `levels` with room for one more [price, qty] after `count` values. */
function room(levels: Float64Array<ArrayBuffer>, count: number): Float64Array<ArrayBuffer> {
  if (count + 2 <= levels.length) return levels;
  const grown = new Float64Array(levels.length * 2);
  grown.set(levels);
  return grown;
}
