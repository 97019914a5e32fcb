/**
 * Events on the wire: a compact, lossless text form of a MarketEvent for Redis Streams
 * and other transports, and back. Levels travel as flat number arrays; NaN (an absent
 * time or id) travels as null. Decoding validates the shape and throws FeedDecodeError,
 * so nothing malformed reaches the engine from another process.
 */
import { FeedDecodeError } from "../errors.js";
import type { MarketEvent } from "./events.js";

const nn = (x: number): number | null => (x === x ? x : null);
const num = (x: unknown, what: string): number => {
  if (x === null) return NaN;
  if (typeof x !== "number") throw new FeedDecodeError("invalid-field", what, "a number or null");
  return x;
};
const levels = (x: unknown, what: string): Float64Array => {
  if (!Array.isArray(x) || x.length % 2 !== 0 || !x.every((v) => typeof v === "number")) {
    throw new FeedDecodeError("invalid-field", what, "an array of [price, qty] numbers, flattened");
  }
  return Float64Array.from(x as number[]);
};

/** The event as one JSON text. */
export function encodeEvent(e: MarketEvent): string {
  const base = { t: e.type, s: e.symbol, x: nn(e.exchangeTime), r: nn(e.receiveTime) };
  switch (e.type) {
    case "trade":
      return JSON.stringify({ ...base, p: e.price, q: e.qty, b: e.buyerInitiated, i: nn(e.tradeId) });
    case "quote":
      return JSON.stringify({ ...base, u: nn(e.updateId), bp: e.bidPx, bq: e.bidQty, ap: e.askPx, aq: e.askQty });
    case "depth":
      return JSON.stringify({ ...base, U: e.firstUpdateId, u: e.lastUpdateId, pu: nn(e.prevUpdateId), bids: Array.from(e.bids), asks: Array.from(e.asks) });
    case "snapshot":
      return JSON.stringify({ ...base, u: e.lastUpdateId, bids: Array.from(e.bids), asks: Array.from(e.asks) });
  }
}

/** The event back from encodeEvent's text; FeedDecodeError when it is not one. */
export function decodeEvent(text: string): MarketEvent {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new FeedDecodeError("not-json", "event", "an encoded event (JSON)");
  }
  if (typeof o !== "object" || o === null) throw new FeedDecodeError("not-json", "event", "a JSON object");
  if (typeof o.s !== "string" || o.s.length === 0) throw new FeedDecodeError("empty-symbol", "s", "a symbol");
  const base = { symbol: o.s, exchangeTime: num(o.x, "x"), receiveTime: num(o.r, "r") };
  switch (o.t) {
    case "trade":
      if (typeof o.b !== "boolean") throw new FeedDecodeError("invalid-field", "b", "true or false");
      return { type: "trade", ...base, price: num(o.p, "p"), qty: num(o.q, "q"), buyerInitiated: o.b, tradeId: num(o.i, "i") };
    case "quote":
      return { type: "quote", ...base, updateId: num(o.u, "u"), bidPx: num(o.bp, "bp"), bidQty: num(o.bq, "bq"), askPx: num(o.ap, "ap"), askQty: num(o.aq, "aq") };
    case "depth":
      return {
        type: "depth", ...base, firstUpdateId: num(o.U, "U"), lastUpdateId: num(o.u, "u"), prevUpdateId: num(o.pu, "pu"),
        bids: levels(o.bids, "bids"), asks: levels(o.asks, "asks"),
      };
    case "snapshot":
      return { type: "snapshot", ...base, lastUpdateId: num(o.u, "u"), bids: levels(o.bids, "bids"), asks: levels(o.asks, "asks") };
    default:
      throw new FeedDecodeError("unknown-kind", "t", "trade, quote, depth or snapshot");
  }
}
