/**
 * Events on the wire: a compact, lossless text form of a MarketEvent for Redis Streams
 * and other transports, and back. Levels travel as flat number arrays. Every number
 * comes back as the same double: finite ones as JSON numbers (shortest round-trip form),
 * and what JSON has no number for as a string — "NaN" (an absent time or id, or a bad
 * value the engine will reject, as it would have in-process), "Infinity", "-Infinity",
 * and "-0". (null is read as NaN too.) Decoding validates the shape and throws
 * FeedDecodeError, so nothing malformed reaches the engine from another process.
 */
import { FeedDecodeError } from "../errors.js";
import type { MarketEvent } from "./events.js";

/** A number as JSON can carry it exactly. */
const w = (x: number): number | string => (x - x === 0 ? (x === 0 && 1 / x < 0 ? "-0" : x) : String(x));
const SPECIAL: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };
/** The number `w` wrote; undefined when `x` is not one. */
const unw = (x: unknown): number | undefined =>
  typeof x === "number" ? x : x === null ? NaN : typeof x === "string" ? SPECIAL[x] : undefined;
const num = (x: unknown, what: string): number => {
  const v = unw(x);
  if (v === undefined) throw new FeedDecodeError("invalid-field", what, 'a number (or "NaN", "Infinity", "-Infinity", "-0", null)');
  return v;
};
const wl = (x: Float64Array): (number | string)[] => Array.from(x, w);
const levels = (x: unknown, what: string): Float64Array => {
  if (!Array.isArray(x) || x.length % 2 !== 0)
    throw new FeedDecodeError("invalid-field", what, "an array of [price, qty] numbers, flattened");
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = unw(x[i]);
    if (v === undefined) throw new FeedDecodeError("invalid-field", `${what}[${i}]`, "a number");
    out[i] = v;
  }
  return out;
};

/** The event as one JSON text. */
export function encodeEvent(e: MarketEvent): string {
  const base = { t: e.type, s: e.symbol, x: w(e.exchangeTime), r: w(e.receiveTime) };
  switch (e.type) {
    case "trade":
      return JSON.stringify({ ...base, p: w(e.price), q: w(e.qty), b: e.buyerInitiated, i: w(e.tradeId) });
    case "quote":
      return JSON.stringify({ ...base, u: w(e.updateId), bp: w(e.bidPx), bq: w(e.bidQty), ap: w(e.askPx), aq: w(e.askQty) });
    case "depth":
      return JSON.stringify({
        ...base,
        U: w(e.firstUpdateId),
        u: w(e.lastUpdateId),
        pu: w(e.prevUpdateId),
        bids: wl(e.bids),
        asks: wl(e.asks),
      });
    case "snapshot":
      return JSON.stringify({ ...base, u: w(e.lastUpdateId), bids: wl(e.bids), asks: wl(e.asks) });
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
      return {
        type: "quote",
        ...base,
        updateId: num(o.u, "u"),
        bidPx: num(o.bp, "bp"),
        bidQty: num(o.bq, "bq"),
        askPx: num(o.ap, "ap"),
        askQty: num(o.aq, "aq"),
      };
    case "depth":
      return {
        type: "depth",
        ...base,
        firstUpdateId: num(o.U, "U"),
        lastUpdateId: num(o.u, "u"),
        prevUpdateId: num(o.pu, "pu"),
        bids: levels(o.bids, "bids"),
        asks: levels(o.asks, "asks"),
      };
    case "snapshot":
      return { type: "snapshot", ...base, lastUpdateId: num(o.u, "u"), bids: levels(o.bids, "bids"), asks: levels(o.asks, "asks") };
    default:
      throw new FeedDecodeError("unknown-kind", "t", "trade, quote, depth or snapshot");
  }
}
