/**
 * Decodes one Binance market-data message (spot or USD-M futures) into a typed event:
 * the trades, depth diffs and best quotes a trader's book and flow signals are built
 * from, plus the REST depth snapshot that anchors the book. Accepts a combined-stream
 * frame `{"stream": …, "data": {…}}` or a bare payload. Every field is checked: a bad
 * message throws a FeedDecodeError naming the field and the reason, never a half-filled
 * event. Browser-safe.
 *
 * Field meanings (Binance API docs, "WebSocket Market Streams" and "Order Book"):
 * `m` true means the buyer was the maker, so the aggressor SOLD (buyerInitiated = !m);
 * trades take their exchange time from `T` (trade time), the other kinds from `E`
 * (event time) when present; `pu` (futures) is the previous diff's `u`. This is the
 * reference decoder: the capture parser's byte-level fast path must agree with it.
 *
 * A REST depth snapshot names no symbol. Recordings of several symbols (src/live/captureLine.ts)
 * wrap it in the envelope `{"stream":"<symbol lowercase>@depthSnapshot","data":{…}}`, which
 * gives it its symbol (upper case), so that such a recording replays to the same events.
 */
import { FeedDecodeError } from "../errors.js";
import type { DepthDiffEvent, DepthSnapshotEvent, MarketEvent, QuoteEvent, TradeEvent } from "./events.js";

type Json = Record<string, unknown>;

/** Binance's decimal strings: digits, an optional fraction, an optional minus (rejected later by sign). */
const DECIMAL = /^-?[0-9]+(?:\.[0-9]+)?$/;

/**
 * Decodes `text` (one message) received at `receiveTime` (ms since the epoch). A REST
 * depth snapshot names no symbol: it gets `snapshotSymbol`, and is rejected when that is
 * null. Throws FeedDecodeError for anything that is not a valid supported message.
 */
export function decodeBinanceMessage(text: string, receiveTime: number, snapshotSymbol: string | null): MarketEvent {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    throw new FeedDecodeError("not-json", `message ${preview(text)} is not JSON (${(e as Error).message})`, "a JSON object");
  }
  if (!isObject(msg)) throw new FeedDecodeError("unknown-kind", `message ${preview(text)}`, "a JSON object");
  let p = msg;
  if (msg.stream !== undefined && msg.data !== undefined) {
    if (!isObject(msg.data))
      throw new FeedDecodeError("invalid-field", `combined-stream data ${preview(JSON.stringify(msg.data))}`, "an object");
    p = msg.data;
    const named = snapshotStreamSymbol(msg.stream);
    if (named !== null) {
      if (p.lastUpdateId === undefined)
        throw new FeedDecodeError("missing-field", `${preview(String(msg.stream))} data has no "lastUpdateId"`, "a depth snapshot");
      return snapshot(p, receiveTime, named);
    }
  }
  const kind = p.e;
  if (kind === undefined) {
    if (p.lastUpdateId !== undefined) return snapshot(p, receiveTime, snapshotSymbol);
    if (p.u !== undefined) return quote(p, receiveTime, "bookTicker");
    throw new FeedDecodeError(
      "unknown-kind",
      `message ${preview(text)} has no event type "e", "lastUpdateId" or "u"`,
      "a trade, aggTrade, depthUpdate, bookTicker or depth snapshot",
    );
  }
  switch (kind) {
    case "trade":
      return trade(p, receiveTime, "trade", "t");
    case "aggTrade":
      return trade(p, receiveTime, "aggTrade", "a");
    case "depthUpdate":
      return depth(p, receiveTime);
    case "bookTicker":
      return quote(p, receiveTime, "bookTicker");
    default:
      throw new FeedDecodeError(
        "unknown-kind",
        `event type ${preview(JSON.stringify(kind))}`,
        "trade, aggTrade, depthUpdate or bookTicker",
      );
  }
}

/** The suffix of a recorded snapshot's stream name. */
export const SNAPSHOT_STREAM_SUFFIX = "@depthSnapshot";

/** The symbol a `<symbol>@depthSnapshot` stream name gives its snapshot (upper case); null for any other stream. */
function snapshotStreamSymbol(stream: unknown): string | null {
  if (typeof stream !== "string" || !stream.endsWith(SNAPSHOT_STREAM_SUFFIX)) return null;
  return stream.slice(0, -SNAPSHOT_STREAM_SUFFIX.length).toUpperCase();
}

function trade(p: Json, receiveTime: number, kind: string, idKey: string): TradeEvent {
  return {
    type: "trade",
    symbol: symbol(p, kind),
    exchangeTime: time(p, "T", kind),
    receiveTime,
    price: price(p, "p", kind),
    qty: qty(p, "q", kind),
    buyerInitiated: !bool(p, "m", kind),
    tradeId: id(p, idKey, kind),
  };
}

function depth(p: Json, receiveTime: number): DepthDiffEvent {
  const kind = "depthUpdate";
  return {
    type: "depth",
    symbol: symbol(p, kind),
    exchangeTime: time(p, "E", kind),
    receiveTime,
    firstUpdateId: id(p, "U", kind),
    lastUpdateId: id(p, "u", kind),
    prevUpdateId: p.pu === undefined ? NaN : id(p, "pu", kind),
    bids: levels(p, "b", kind),
    asks: levels(p, "a", kind),
  };
}

function quote(p: Json, receiveTime: number, kind: string): QuoteEvent {
  return {
    type: "quote",
    symbol: symbol(p, kind),
    exchangeTime: p.E === undefined ? NaN : time(p, "E", kind),
    receiveTime,
    updateId: id(p, "u", kind),
    bidPx: price(p, "b", kind),
    bidQty: qty(p, "B", kind),
    askPx: price(p, "a", kind),
    askQty: qty(p, "A", kind),
  };
}

function snapshot(p: Json, receiveTime: number, snapshotSymbol: string | null): DepthSnapshotEvent {
  const kind = "depth snapshot";
  if (snapshotSymbol === null) {
    throw new FeedDecodeError(
      "unknown-snapshot-symbol",
      "a depth snapshot names no symbol and none was given",
      "a depth diff of the same symbol before the snapshot",
    );
  }
  if (snapshotSymbol === "") throw new FeedDecodeError("empty-symbol", `${kind} symbol ""`, "a non-empty symbol");
  return {
    type: "snapshot",
    symbol: snapshotSymbol,
    exchangeTime: p.E === undefined ? NaN : time(p, "E", kind),
    receiveTime,
    lastUpdateId: id(p, "lastUpdateId", kind),
    bids: levels(p, "bids", kind),
    asks: levels(p, "asks", kind),
  };
}

function isObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function preview(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function field(p: Json, key: string, kind: string, expected: string): unknown {
  const v = p[key];
  if (v === undefined) throw new FeedDecodeError("missing-field", `${kind} has no "${key}"`, expected);
  return v;
}

function symbol(p: Json, kind: string): string {
  const v = field(p, "s", kind, "a symbol string");
  if (typeof v !== "string") throw new FeedDecodeError("invalid-field", `${kind} "s" = ${JSON.stringify(v)}`, "a symbol string");
  if (v === "") throw new FeedDecodeError("empty-symbol", `${kind} "s" = ""`, "a non-empty symbol");
  return v;
}

/** An exchange time in ms: a finite number ≥ 0. */
function time(p: Json, key: string, kind: string): number {
  const v = field(p, key, kind, "a time in ms since the epoch");
  if (typeof v !== "number")
    throw new FeedDecodeError("invalid-field", `${kind} "${key}" = ${JSON.stringify(v)}`, "a time in ms since the epoch");
  if (!Number.isFinite(v)) throw new FeedDecodeError("non-finite", `${kind} "${key}" = ${v}`, "a finite time");
  if (v < 0) throw new FeedDecodeError("invalid-field", `${kind} "${key}" = ${v}`, "a time ≥ 0");
  return v;
}

/** A trade or update id: an integer in [0, 2^53). */
function id(p: Json, key: string, kind: string): number {
  const v = field(p, key, kind, "an integer id");
  if (typeof v === "number" && !Number.isFinite(v))
    throw new FeedDecodeError("non-finite", `${kind} "${key}" = ${v}`, "a finite integer id");
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new FeedDecodeError("invalid-field", `${kind} "${key}" = ${JSON.stringify(v)}`, "an integer id in [0, 2^53)");
  }
  return v;
}

function bool(p: Json, key: string, kind: string): boolean {
  const v = field(p, key, kind, "true or false");
  if (typeof v !== "boolean") throw new FeedDecodeError("invalid-field", `${kind} "${key}" = ${JSON.stringify(v)}`, "true or false");
  return v;
}

function decimal(v: unknown, what: string): number {
  if (typeof v !== "string" || !DECIMAL.test(v))
    throw new FeedDecodeError("invalid-field", `${what} = ${JSON.stringify(v)}`, "a decimal string");
  const x = Number(v);
  if (!Number.isFinite(x)) throw new FeedDecodeError("non-finite", `${what} = "${preview(v)}"`, "a finite number");
  return x;
}

function checkPrice(x: number, what: string): number {
  if (!(x > 0)) throw new FeedDecodeError("non-positive-price", `${what} = ${x}`, "a price > 0");
  return x;
}

function checkQty(x: number, what: string): number {
  if (x < 0 || Object.is(x, -0)) throw new FeedDecodeError("negative-qty", `${what} = ${x}`, "a quantity ≥ 0");
  return x;
}

function price(p: Json, key: string, kind: string): number {
  const what = `${kind} "${key}"`;
  return checkPrice(decimal(field(p, key, kind, "a decimal price string"), what), what);
}

function qty(p: Json, key: string, kind: string): number {
  const what = `${kind} "${key}"`;
  return checkQty(decimal(field(p, key, kind, "a decimal quantity string"), what), what);
}

/** Price levels [[price, qty], …] as a flat [p0, q0, p1, q1, …]; qty 0 (remove the level) is valid. */
function levels(p: Json, key: string, kind: string): Float64Array {
  const v = field(p, key, kind, "an array of [price, qty] levels");
  if (!Array.isArray(v))
    throw new FeedDecodeError("invalid-field", `${kind} "${key}" = ${preview(JSON.stringify(v))}`, "an array of [price, qty] levels");
  const out = new Float64Array(v.length * 2);
  for (let i = 0; i < v.length; i++) {
    const level: unknown = v[i];
    // The happy path builds no message; a bad level goes through the checks that name what is wrong.
    if (Array.isArray(level) && level.length === 2) {
      const p0: unknown = level[0],
        q0: unknown = level[1];
      const px = typeof p0 === "string" && DECIMAL.test(p0) ? Number(p0) : NaN;
      const q = typeof q0 === "string" && DECIMAL.test(q0) ? Number(q0) : NaN;
      if (px > 0 && px < Infinity && q >= 0 && q < Infinity && !Object.is(q, -0)) {
        out[2 * i] = px;
        out[2 * i + 1] = q;
        continue;
      }
    }
    const what = `${kind} "${key}"[${i}]`;
    if (!Array.isArray(level) || level.length !== 2) {
      throw new FeedDecodeError(
        "invalid-field",
        `${what} = ${preview(JSON.stringify(level))}`,
        "a level [price, qty] of two decimal strings",
      );
    }
    out[2 * i] = checkPrice(decimal(level[0], `${what} price`), `${what} price`);
    out[2 * i + 1] = checkQty(decimal(level[1], `${what} qty`), `${what} qty`);
  }
  return out;
}
