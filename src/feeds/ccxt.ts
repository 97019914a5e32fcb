/**
 * Adapters from ccxt's unified structures (`fetchOrderBook`/`watchOrderBook` order
 * books and `fetchTrades`/`watchTrades` trades) to the typed events, so a trader on any
 * exchange ccxt supports can feed the streaming engine directly. Values are checked
 * like a decoded feed's (FeedDecodeError on a bad one). Browser-safe; ccxt itself is
 * not imported, only its documented shapes.
 *
 * ccxt's `side` is the taker's side: "buy" means the aggressor bought (buyerInitiated).
 * An order book's `nonce` is the exchange's update id where it has one (Binance's
 * `lastUpdateId`). ccxt symbols are unified ("BTC/USDT"); the events carry them mapped by
 * the `symbol` option, by default ccxtSymbol ('BTC/USDT' → 'BTCUSDT', 'BTC/USDT:USDT' →
 * 'BTCUSDT'), so that they meet the Binance feeds' and files' symbols; `(s) => s` keeps
 * them as they are.
 */
import { FeedDecodeError } from "../errors.js";
import { ccxtSymbol } from "./ccxtSymbol.js";
import type { DepthSnapshotEvent, TradeEvent } from "./events.js";

/** A ccxt order book: levels best first, [price, amount] (some exchanges add a count, ignored). */
export interface CcxtOrderBook {
  readonly bids: readonly (readonly number[])[];
  readonly asks: readonly (readonly number[])[];
  readonly timestamp?: number | undefined;
  readonly nonce?: number | undefined;
}

export interface CcxtOptions {
  /** The event's symbol from ccxt's unified one; default ccxtSymbol (drops the '/' and a ':SETTLE' suffix). */
  readonly symbol?: (unified: string) => string;
}

/** The fields of a ccxt trade the adapter reads. */
export interface CcxtTrade {
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly price: number;
  readonly amount: number;
  readonly timestamp: number;
  readonly id?: string | undefined;
}

/**
 * A ccxt order book as a depth snapshot of `symbol` (mapped by options.symbol):
 * lastUpdateId = nonce (NaN when the exchange gives none), exchangeTime = timestamp (NaN
 * when absent), receiveTime = now unless given.
 */
export function fromCcxtOrderBook(
  symbol: string,
  ob: CcxtOrderBook,
  receiveTime: number = Date.now(),
  options: CcxtOptions = {},
): DepthSnapshotEvent {
  symbol = mapped(symbol, "ccxt order book symbol", options);
  const nonce = ob.nonce ?? NaN;
  if (nonce === nonce && !(Number.isSafeInteger(nonce) && nonce >= 0)) {
    throw new FeedDecodeError("invalid-field", `ccxt order book nonce = ${nonce}`, "an integer update id ≥ 0, or none");
  }
  return {
    type: "snapshot",
    symbol,
    exchangeTime: optionalTime(ob.timestamp, "ccxt order book timestamp"),
    receiveTime: checkTime(receiveTime, "receiveTime"),
    lastUpdateId: nonce,
    bids: levels(ob.bids, "bids"),
    asks: levels(ob.asks, "asks"),
  };
}

/** A ccxt trade as a trade event (its symbol mapped by options.symbol): tradeId = Number(id) when the id is an integer, else NaN. */
export function fromCcxtTrade(t: CcxtTrade, receiveTime: number = Date.now(), options: CcxtOptions = {}): TradeEvent {
  const symbol = mapped(t.symbol, "ccxt trade symbol", options);
  if (t.side !== "buy" && t.side !== "sell") {
    throw new FeedDecodeError("invalid-field", `ccxt trade side = ${JSON.stringify(t.side)}`, `"buy" or "sell" (the taker's side)`);
  }
  const id = typeof t.id === "string" && /^[0-9]+$/.test(t.id) ? Number(t.id) : NaN;
  return {
    type: "trade",
    symbol,
    exchangeTime: checkTime(t.timestamp, "ccxt trade timestamp"),
    receiveTime: checkTime(receiveTime, "receiveTime"),
    price: checkPrice(t.price, "ccxt trade price"),
    qty: checkQty(t.amount, "ccxt trade amount"),
    buyerInitiated: t.side === "buy",
    tradeId: Number.isSafeInteger(id) ? id : NaN,
  };
}

/** The unified symbol checked, mapped, and the mapping's result checked. */
function mapped(symbol: unknown, what: string, options: CcxtOptions): string {
  checkSymbol(symbol, what);
  const out: unknown = (options.symbol ?? ccxtSymbol)(symbol);
  checkSymbol(out, `${what} ${JSON.stringify(symbol)} mapped`);
  return out;
}

function checkSymbol(symbol: unknown, what: string): asserts symbol is string {
  if (typeof symbol !== "string") throw new FeedDecodeError("invalid-field", `${what} = ${String(symbol)}`, "a symbol string");
  if (symbol === "") throw new FeedDecodeError("empty-symbol", `${what} = ""`, "a non-empty symbol");
}

function checkNumber(x: unknown, what: string): number {
  if (typeof x !== "number" || Number.isNaN(x)) throw new FeedDecodeError("invalid-field", `${what} = ${String(x)}`, "a number");
  if (!Number.isFinite(x)) throw new FeedDecodeError("non-finite", `${what} = ${x}`, "a finite number");
  return x;
}

function checkTime(x: unknown, what: string): number {
  const t = checkNumber(x, what);
  if (t < 0) throw new FeedDecodeError("invalid-field", `${what} = ${t}`, "a time ≥ 0 in ms since the epoch");
  return t;
}

/** ccxt leaves an unknown timestamp undefined (or null in some builds). */
function optionalTime(x: number | null | undefined, what: string): number {
  return x === undefined || x === null ? NaN : checkTime(x, what);
}

function checkPrice(x: unknown, what: string): number {
  const p = checkNumber(x, what);
  if (!(p > 0)) throw new FeedDecodeError("non-positive-price", `${what} = ${p}`, "a price > 0");
  return p;
}

function checkQty(x: unknown, what: string): number {
  const q = checkNumber(x, what);
  if (q < 0) throw new FeedDecodeError("negative-qty", `${what} = ${q}`, "a quantity ≥ 0");
  return q;
}

function levels(side: readonly (readonly number[])[], name: string): Float64Array {
  if (!Array.isArray(side))
    throw new FeedDecodeError("invalid-field", `ccxt order book ${name} = ${String(side)}`, "an array of [price, amount] levels");
  const out = new Float64Array(side.length * 2);
  for (let i = 0; i < side.length; i++) {
    const level = side[i];
    if (!Array.isArray(level) || level.length < 2) {
      throw new FeedDecodeError("invalid-field", `ccxt order book ${name}[${i}] = ${JSON.stringify(level)}`, "a level [price, amount]");
    }
    out[2 * i] = checkPrice(level[0], `ccxt order book ${name}[${i}] price`);
    out[2 * i + 1] = checkQty(level[1], `ccxt order book ${name}[${i}] amount`);
  }
  return out;
}
