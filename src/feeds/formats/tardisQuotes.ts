/**
 * tardis.dev `quotes` CSV (docs.tardis.dev, "Downloadable CSV files", data types): the
 * best bid and ask, one row per change, `exchange,symbol,timestamp,local_timestamp,
 * ask_amount,ask_price,bid_price,bid_amount`, times in µs — `timestamp` the exchange's
 * (tardis writes the local time there when the exchange sends none, as Binance spot's
 * bookTicker), `local_timestamp` the receive time. A row with an empty side (an empty
 * book side) is rejected as missing a field: a quote needs both. Quotes carry no update
 * id (updateId NaN).
 */
import type { QuoteEvent } from "../events.js";
import { checkColumns, csvFields, csvPrice, csvQty, csvSymbol, csvTime } from "./csvRow.js";
import type { LineDecoder, LineSink } from "./lineDecoder.js";

export const TARDIS_QUOTES_HEADER = "exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount";
const COLUMNS = [8];

export class TardisQuotes implements LineDecoder {
  readonly format = "tardis-quotes";
  readonly clock = "receive";
  readonly expected = `tardis.dev quotes CSV rows: ${TARDIS_QUOTES_HEADER}`;

  line(b: Uint8Array, start: number, end: number, sink: LineSink): void {
    const f = csvFields(b, start, end);
    if (f.length === COLUMNS[0] && f.join(",") === TARDIS_QUOTES_HEADER) return;
    checkColumns(f, COLUMNS, TARDIS_QUOTES_HEADER);
    const event: QuoteEvent = {
      type: "quote",
      symbol: csvSymbol(f[1]!, "symbol"),
      exchangeTime: csvTime(f[2]!, "timestamp", "us"),
      receiveTime: csvTime(f[3]!, "local_timestamp", "us"),
      updateId: NaN,
      bidPx: csvPrice(f[6]!, "bid_price"),
      bidQty: csvQty(f[7]!, "bid_amount"),
      askPx: csvPrice(f[5]!, "ask_price"),
      askQty: csvQty(f[4]!, "ask_amount"),
    };
    sink.emit(event);
  }

  finish(): void {}
}
