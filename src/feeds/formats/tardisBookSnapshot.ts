/**
 * tardis.dev `book_snapshot_25` and `book_snapshot_5` CSV (docs.tardis.dev, "Downloadable
 * CSV files", data types): the top N levels of each side a row, `exchange,symbol,
 * timestamp,local_timestamp,asks[0].price,asks[0].amount,bids[0].price,bids[0].amount,
 * asks[1].price,…`, best first, times in µs; an empty pair is a level the book did not
 * have. Each row becomes a depth snapshot with a synthesised lastUpdateId (consecutive
 * per symbol), so the book sync loads each as the whole book: the engine's book is the
 * top N only, in sync at every row (there are no diffs to chain), and anything computed
 * deeper than N levels sees an empty book there.
 */
import { FeedDecodeError } from "../../errors.js";
import { checkColumns, csvFields, csvPrice, csvQty, csvSymbol, csvTime } from "./csvRow.js";
import type { LineDecoder, LineSink } from "./lineDecoder.js";

/** The header of a tardis book_snapshot_<depth> file. */
export function tardisBookSnapshotHeader(depth: number): string {
  const columns = ["exchange", "symbol", "timestamp", "local_timestamp"];
  for (let i = 0; i < depth; i++) columns.push(`asks[${i}].price`, `asks[${i}].amount`, `bids[${i}].price`, `bids[${i}].amount`);
  return columns.join(",");
}

/** Symbols given ids in one file. */
const MAX_SYMBOLS = 4096;

export class TardisBookSnapshot implements LineDecoder {
  readonly format = "tardis-book-snapshot";
  readonly clock = "receive";
  readonly expected: string;
  private readonly header: string;
  private readonly ids = new Map<string, number>();

  /** `depth`: the N of book_snapshot_N, from the file's header. */
  constructor(private readonly depth: number) {
    this.header = tardisBookSnapshotHeader(depth);
    this.expected = `tardis.dev book_snapshot_${depth} CSV rows: exchange,symbol,timestamp,local_timestamp,asks[0].price,…`;
  }

  line(b: Uint8Array, start: number, end: number, sink: LineSink): void {
    const f = csvFields(b, start, end);
    const columns = 4 + 4 * this.depth;
    if (f.length === columns && f[0] === "exchange" && f.join(",") === this.header) return;
    checkColumns(f, [columns], `exchange,symbol,timestamp,local_timestamp and ${this.depth} levels a side`);
    const symbol = csvSymbol(f[1]!, "symbol");
    const exchangeTime = csvTime(f[2]!, "timestamp", "us");
    const receiveTime = csvTime(f[3]!, "local_timestamp", "us");
    const asks = this.side(f, 4),
      bids = this.side(f, 6);
    let id = this.ids.get(symbol);
    if (id === undefined && this.ids.size >= MAX_SYMBOLS)
      throw new FeedDecodeError(
        "invalid-field",
        `symbol ${symbol} is past the ${MAX_SYMBOLS} symbols of this file`,
        `at most ${MAX_SYMBOLS} symbols a file`,
      );
    id = (id ?? 0) + 1;
    this.ids.set(symbol, id);
    sink.emit({ type: "snapshot", symbol, exchangeTime, receiveTime, lastUpdateId: id, bids, asks });
  }

  finish(): void {}

  /** The levels of one side (columns at `first`, `first` + 4, …) as flat [p, q, …]; empty pairs are absent levels. */
  private side(f: readonly string[], first: number): Float64Array {
    const out: number[] = [];
    const name = first === 4 ? "asks" : "bids";
    for (let i = 0; i < this.depth; i++) {
      const p = f[first + 4 * i]!,
        q = f[first + 4 * i + 1]!;
      if (p === "" && q === "") continue;
      out.push(csvPrice(p, `${name}[${i}].price`), csvQty(q, `${name}[${i}].amount`));
    }
    return Float64Array.from(out);
  }
}
