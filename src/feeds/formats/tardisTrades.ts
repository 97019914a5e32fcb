/**
 * tardis.dev `trades` CSV (docs.tardis.dev, "Downloadable CSV files", data types): one
 * trade a row, `exchange,symbol,timestamp,local_timestamp,id,side,price,amount`, times in
 * µs since the epoch — `timestamp` the exchange's trade time, `local_timestamp` when
 * tardis received it (the receive time here). `side` is the taker's side (buy: the
 * aggressor bought); a trade of side "unknown" carries no flow information and is
 * rejected as invalid. `id` becomes the tradeId when it is an integer (Binance), NaN
 * otherwise (exchanges with string ids).
 */
import { FeedDecodeError } from "../../errors.js";
import type { TradeEvent } from "../events.js";
import { checkColumns, csvFields, csvPrice, csvQty, csvSymbol, csvTime } from "./csvRow.js";
import type { LineDecoder, LineSink } from "./lineDecoder.js";

export const TARDIS_TRADES_HEADER = "exchange,symbol,timestamp,local_timestamp,id,side,price,amount";
const COLUMNS = [8];
const INTEGER_ID = /^[0-9]{1,16}$/;

export class TardisTrades implements LineDecoder {
  readonly format = "tardis-trades";
  readonly clock = "receive";
  readonly expected = `tardis.dev trades CSV rows: ${TARDIS_TRADES_HEADER}`;

  line(b: Uint8Array, start: number, end: number, sink: LineSink): void {
    const f = csvFields(b, start, end);
    if (f.length === COLUMNS[0] && f.join(",") === TARDIS_TRADES_HEADER) return;
    checkColumns(f, COLUMNS, TARDIS_TRADES_HEADER);
    const side = f[5];
    if (side !== "buy" && side !== "sell")
      throw new FeedDecodeError(
        "invalid-field",
        `column side = ${JSON.stringify(side!.slice(0, 40))}`,
        '"buy" or "sell" (the taker\'s side)',
      );
    const id = f[4]!;
    const tradeId = INTEGER_ID.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : NaN;
    const event: TradeEvent = {
      type: "trade",
      symbol: csvSymbol(f[1]!, "symbol"),
      exchangeTime: csvTime(f[2]!, "timestamp", "us"),
      receiveTime: csvTime(f[3]!, "local_timestamp", "us"),
      price: csvPrice(f[6]!, "price"),
      qty: csvQty(f[7]!, "amount"),
      buyerInitiated: side === "buy",
      tradeId,
    };
    sink.emit(event);
  }

  finish(): void {}
}
