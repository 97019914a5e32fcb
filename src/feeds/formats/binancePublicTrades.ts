/**
 * Binance public data (data.binance.vision) trades and aggTrades CSV, spot and futures:
 * the whole tape of a day, for a trader who has no recording of their own.
 *   trades:    id,price,qty,quote_qty,time,is_buyer_maker[,is_best_match]
 *   aggTrades: agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker[,is_best_match]
 * Futures files start with that header and have no is_best_match; spot files have no
 * header and end with is_best_match (True/False). Times are ms, or µs in spot files
 * since 2025: told apart by magnitude (csvTime). is_buyer_maker true means the aggressor
 * sold (buyerInitiated = false), as the websocket's `m`. The files record no receive
 * time: the trade time stands in for it (clock "exchange"). They name no symbol either:
 * it comes from the file's name — `BTCUSDT-trades-2024-08-08.csv`, the zip entry's or
 * the file's (symbolFromFileName) — or is given.
 */
import type { TradeEvent } from "../events.js";
import { checkColumns, csvBool, csvFields, csvId, csvPrice, csvQty, csvTime } from "./csvRow.js";
import type { LineDecoder, LineSink } from "./lineDecoder.js";

export const BINANCE_TRADES_HEADER = "id,price,qty,quote_qty,time,is_buyer_maker";
export const BINANCE_AGG_TRADES_HEADER = "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker";

/** The symbol in a data.binance.vision file name (`ETHUSD_PERP-aggTrades-2024-08-08.csv`), or null. */
export function symbolFromFileName(name: string): string | null {
  const base = name.split(/[\\/]/).pop() ?? name;
  const m = /^([A-Za-z0-9]+(?:_[A-Za-z0-9]+)?)-(?:trades|aggTrades)-/.exec(base);
  return m ? m[1]!.toUpperCase() : null;
}

export class BinancePublicTrades implements LineDecoder {
  readonly format: "binance-trades" | "binance-agg-trades";
  readonly clock = "exchange";
  readonly expected: string;
  private readonly header: string;
  /** Column indices of the price, quantity, time and maker flag; the columns of a futures row. */
  private readonly at: { id: number; price: number; qty: number; time: number; maker: number; columns: number };

  constructor(
    readonly kind: "trades" | "aggTrades",
    private readonly symbol: string,
  ) {
    this.format = kind === "trades" ? "binance-trades" : "binance-agg-trades";
    this.header = kind === "trades" ? BINANCE_TRADES_HEADER : BINANCE_AGG_TRADES_HEADER;
    this.at =
      kind === "trades"
        ? { id: 0, price: 1, qty: 2, time: 4, maker: 5, columns: 6 }
        : { id: 0, price: 1, qty: 2, time: 5, maker: 6, columns: 7 };
    this.expected = `Binance public ${kind} CSV rows: ${this.header}[,is_best_match]`;
  }

  line(b: Uint8Array, start: number, end: number, sink: LineSink): void {
    const f = csvFields(b, start, end);
    const at = this.at;
    if (f.length === at.columns && f.join(",") === this.header) return;
    checkColumns(f, [at.columns, at.columns + 1], `${this.header}[,is_best_match]`);
    const names = this.header.split(",");
    if (f.length > at.columns) csvBool(f[at.columns]!, "is_best_match");
    const time = csvTime(f[at.time]!, names[at.time]!, "auto");
    const event: TradeEvent = {
      type: "trade",
      symbol: this.symbol,
      exchangeTime: time,
      receiveTime: time,
      price: csvPrice(f[at.price]!, names[at.price]!),
      qty: csvQty(f[at.qty]!, names[at.qty]!),
      buyerInitiated: !csvBool(f[at.maker]!, "is_buyer_maker"),
      tradeId: csvId(f[at.id]!, names[at.id]!),
    };
    sink.emit(event);
  }

  finish(): void {}
}
