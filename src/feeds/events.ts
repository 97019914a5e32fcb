/**
 * The typed event model every feed decodes into and the streaming engine consumes:
 * trades, depth diffs, depth snapshots and best quotes, each with its symbol, the
 * exchange's time and the local receive time. Levels are flat Float64Arrays
 * [price₀, qty₀, price₁, qty₁, …] (one allocation per side, no per-level objects).
 *
 * Times: `exchangeTime` in ms since the epoch as the exchange stamped it (NaN when the
 * message carries none, as spot bookTicker and REST snapshots); `receiveTime` in ms
 * since the epoch when the message was received (captures record it in ns: divided by
 * 1e6 here, keeping sub-ms digits).
 */
export interface TradeEvent {
  readonly type: "trade";
  readonly symbol: string;
  readonly exchangeTime: number;
  readonly receiveTime: number;
  readonly price: number;
  readonly qty: number;
  /** The taker bought (Binance: m === false). */
  readonly buyerInitiated: boolean;
  /** Exchange trade id (aggregate id for aggTrade); NaN when absent. */
  readonly tradeId: number;
}

export interface DepthDiffEvent {
  readonly type: "depth";
  readonly symbol: string;
  readonly exchangeTime: number;
  readonly receiveTime: number;
  /** First and last update id in this event (Binance U and u). */
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  /** The previous event's last update id (Binance futures `pu`); NaN on spot. */
  readonly prevUpdateId: number;
  /** Absolute quantities per price level; qty 0 removes the level. */
  readonly bids: Float64Array;
  readonly asks: Float64Array;
}

export interface DepthSnapshotEvent {
  readonly type: "snapshot";
  readonly symbol: string;
  readonly exchangeTime: number;
  readonly receiveTime: number;
  readonly lastUpdateId: number;
  readonly bids: Float64Array;
  readonly asks: Float64Array;
}

export interface QuoteEvent {
  readonly type: "quote";
  readonly symbol: string;
  readonly exchangeTime: number;
  readonly receiveTime: number;
  /** Book update id of the quote (Binance `u`); NaN when absent. */
  readonly updateId: number;
  readonly bidPx: number;
  readonly bidQty: number;
  readonly askPx: number;
  readonly askQty: number;
}

export type MarketEvent = TradeEvent | DepthDiffEvent | DepthSnapshotEvent | QuoteEvent;

/** Where an event's stream came from: spot and futures chain depth diffs differently. */
export type Market = "spot" | "futures";

/** The event's best notion of "when": exchange time when known, else receive time. */
export function eventTime(e: MarketEvent): number {
  return e.exchangeTime === e.exchangeTime ? e.exchangeTime : e.receiveTime;
}
