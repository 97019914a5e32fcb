/**
 * The one event validator: what every MarketEvent must hold to before anything is
 * computed from it, with a typed reason for each way it can fail. The streaming engine
 * and the book sync use it; a failing event is a counted rejection with its reason and
 * a one-line message naming the field — never a crash, never a number that looks right.
 *
 * Two kinds of checks, in this order:
 *  - shape: each field of the event's type holds a number (NaN where the field may be
 *    absent, as the decoders write it), `buyerInitiated` a boolean, levels a
 *    Float64Array or an array of numbers. Data from JavaScript, JSON or a foreign decoder
 *    may not hold to the TypeScript types; a string or a BigInt is never coerced.
 *  - magnitude: every value inside the sane bounds of LIMITS. A finite but extreme value
 *    (a price of 1e200, a quantity of 1e308, a time in the year 30,000) is not market
 *    data, and no sum, variance or product the analysis forms over bounded values can
 *    overflow or lose itself in subnormals: prices in [1e−12, 1e12], sizes 0 or in
 *    [1e−12, 1e15], so price × size ≤ 1e27 and a window's sum of squares ≤ 1e38.
 *
 * Sequence checks (out of order, duplicates, implausible clocks, update-id chains) need
 * the stream's history and live with the engine and the book sync; their reasons are in
 * the same union.
 */
import type { MarketEvent } from "./events.js";

/** Sane bounds for every value that enters the analysis. */
export const LIMITS = Object.freeze({
  /** Smallest and largest price accepted (quote currency units). */
  minPrice: 1e-12,
  maxPrice: 1e12,
  /** Smallest non-zero and largest size accepted (0 is always valid: it removes a book level). */
  minQty: 1e-12,
  maxQty: 1e15,
  /** Latest time accepted, ms since the epoch (the end of JavaScript's Date range). */
  maxTime: 8.64e15,
  /** Levels a side in one depth diff or snapshot. */
  maxLevels: 10_000,
  /** Largest u − U of one depth diff (the updates it covers): real diffs span at most tens of thousands. */
  maxUpdateSpan: 1e9,
});

/** Why an event was rejected (stable values, safe to match on and to count by). */
export type RejectReason =
  | "wrong-type" // a field is not of its type (a string, a BigInt, missing, levels of another kind)
  | "unknown-type" // an event type the engine does not know
  | "bad-price" // a price not finite, or outside [LIMITS.minPrice, LIMITS.maxPrice]
  | "bad-qty" // a size not finite, negative, or outside {0} ∪ [LIMITS.minQty, LIMITS.maxQty]
  | "bad-time" // a time not finite or outside [0, LIMITS.maxTime], or no time at all
  | "bad-id" // an update or trade id that is not an integer in [0, 2^53)
  | "too-many-levels" // more than LIMITS.maxLevels levels on a side
  | "crossed" // a best quote or a book with bid ≥ ask
  | "implausible-time" // the exchange time disagrees with the receive clock beyond what this stream has shown
  | "out-of-order" // older than what the stream already delivered (trade time, depth update id)
  | "implausible-update-id" // an update id span or jump no real stream produces
  | "symbol-limit"; // the engine already tracks its maximum number of symbols

/** Every reason, in a fixed order (for tables and complete counters). */
export const REJECT_REASONS: readonly RejectReason[] = [
  "wrong-type",
  "unknown-type",
  "bad-price",
  "bad-qty",
  "bad-time",
  "bad-id",
  "too-many-levels",
  "crossed",
  "implausible-time",
  "out-of-order",
  "implausible-update-id",
  "symbol-limit",
];

/** A rejected event's reason and its one-line message. */
export interface Rejection {
  readonly reason: RejectReason;
  readonly message: string;
}

const NUMBER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  trade: ["exchangeTime", "receiveTime", "price", "qty", "tradeId"],
  quote: ["exchangeTime", "receiveTime", "updateId", "bidPx", "bidQty", "askPx", "askQty"],
  depth: ["exchangeTime", "receiveTime", "firstUpdateId", "lastUpdateId", "prevUpdateId"],
  snapshot: ["exchangeTime", "receiveTime", "lastUpdateId"],
};

const describe = (v: unknown): string =>
  typeof v === "string" ? `"${v.slice(0, 40)}"` : typeof v === "bigint" ? `${v}n` : v === null ? "null" : typeof v;

const { minPrice, maxPrice, minQty, maxQty, maxTime, maxLevels } = LIMITS;

/** A price inside the bounds (false for NaN). */
export const validPrice = (p: number): boolean => p >= minPrice && p <= maxPrice;
/** A size of 0 or inside the bounds (false for NaN and −0 is 0). */
export const validQty = (q: number): boolean => q === 0 || (q >= minQty && q <= maxQty);
/** A time inside [0, maxTime] (false for NaN). */
export const validTime = (t: number): boolean => t >= 0 && t <= maxTime;
/** An id: an integer in [0, 2^53). */
export const validId = (x: number): boolean => x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x;

function reject(reason: RejectReason, message: string): Rejection {
  return { reason, message };
}

/** Whether the engine can file `e` under a symbol: an object whose `symbol` is a non-empty string. */
export function routable(e: unknown): e is MarketEvent {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { symbol?: unknown }).symbol === "string" &&
    (e as { symbol: string }).symbol.length > 0
  );
}

/** What is structurally wrong with `e` (one line, naming the field), or null. `e` must be an object; unknown types pass. */
export function eventShapeError(e: MarketEvent): string | null {
  // the common case in straight-line typeof checks (a few ns); the reason only for a bad event
  const n = "number";
  switch (e.type) {
    case "trade":
      return typeof e.price === n &&
        typeof e.qty === n &&
        typeof e.exchangeTime === n &&
        typeof e.receiveTime === n &&
        typeof e.tradeId === n &&
        typeof e.buyerInitiated === "boolean"
        ? null
        : shapeReason(e);
    case "quote":
      return typeof e.bidPx === n &&
        typeof e.bidQty === n &&
        typeof e.askPx === n &&
        typeof e.askQty === n &&
        typeof e.exchangeTime === n &&
        typeof e.receiveTime === n &&
        typeof e.updateId === n
        ? null
        : shapeReason(e);
    case "depth":
      return typeof e.firstUpdateId === n &&
        typeof e.lastUpdateId === n &&
        typeof e.prevUpdateId === n &&
        typeof e.exchangeTime === n &&
        typeof e.receiveTime === n &&
        e.bids instanceof Float64Array &&
        e.asks instanceof Float64Array &&
        (e.bids.length & 1) === 0 &&
        (e.asks.length & 1) === 0
        ? null
        : shapeReason(e);
    case "snapshot":
      return typeof e.lastUpdateId === n &&
        typeof e.exchangeTime === n &&
        typeof e.receiveTime === n &&
        e.bids instanceof Float64Array &&
        e.asks instanceof Float64Array &&
        (e.bids.length & 1) === 0 &&
        (e.asks.length & 1) === 0
        ? null
        : shapeReason(e);
    default:
      return null;
  }
}

function shapeReason(e: MarketEvent): string | null {
  const record = e as unknown as Record<string, unknown>;
  for (const field of NUMBER_FIELDS[e.type]!) {
    const v = record[field];
    if (typeof v !== "number") return `${e.type} ${field} is ${describe(v)}: expected a number`;
  }
  if (e.type === "trade") return `trade buyerInitiated is ${describe(e.buyerInitiated)}: expected true or false`;
  if (e.type === "depth" || e.type === "snapshot")
    return levelsShapeError(`${e.type} bids`, e.bids) ?? levelsShapeError(`${e.type} asks`, e.asks);
  return null;
}

/** The message for levels of an odd count of values (`name` says whose: "depth bids"). */
export function oddLevels(name: string, values: number): string {
  return `${name} has ${values} values: expected [price, qty] pairs`;
}

function levelsShapeError(name: string, levels: unknown): string | null {
  if (levels instanceof Float64Array) return levels.length % 2 === 0 ? null : oddLevels(name, levels.length);
  if (Array.isArray(levels)) {
    for (let i = 0; i < levels.length; i++) {
      if (typeof levels[i] !== "number") return `${name}[${i}] is ${describe(levels[i])}: expected a number`;
    }
    if (levels.length % 2 !== 0) return oddLevels(name, levels.length);
    return null;
  }
  return `${name} is ${describe(levels)}: expected a Float64Array or an array of numbers`;
}

/**
 * Everything wrong with `e` that needs no history (shape, then magnitudes), or null when it
 * may enter the analysis. `e` must be routable. Allocation-free when the event is valid.
 */
export function validateEvent(e: MarketEvent): Rejection | null {
  const shape = eventShapeError(e);
  if (shape !== null) return reject("wrong-type", shape);
  switch (e.type) {
    case "trade":
      return tradeError(e.exchangeTime, e.receiveTime, e.price, e.qty, e.tradeId);
    case "quote":
      return quoteError(e.exchangeTime, e.receiveTime, e.updateId, e.bidPx, e.bidQty, e.askPx, e.askQty);
    case "depth":
      return (
        depthIdsError(e.firstUpdateId, e.lastUpdateId, e.prevUpdateId) ??
        levels("depth", e.bids, e.asks) ??
        times("depth", e.exchangeTime, e.receiveTime)
      );
    case "snapshot":
      if (!validId(e.lastUpdateId)) return reject("bad-id", `snapshot lastUpdateId ${e.lastUpdateId}: expected an integer in [0, 2^53)`);
      return levels("snapshot", e.bids, e.asks) ?? times("snapshot", e.exchangeTime, e.receiveTime);
    default:
      return reject(
        "unknown-type",
        `unknown event type ${describe((e as { type: unknown }).type)}: expected trade, quote, depth or snapshot`,
      );
  }
}

/*
 * The magnitude checks of one kind on its values (what validateEvent runs after the shape
 * check, and what a batch of decoded columns, whose shape is given, is checked with): the
 * same reasons and messages either way.
 */

/** What is wrong with a trade's values (id NaN when absent), or null. */
export function tradeError(exchangeTime: number, receiveTime: number, price: number, qty: number, id: number): Rejection | null {
  if (!validPrice(price)) return reject("bad-price", `trade price ${price}: expected a finite price in [${minPrice}, ${maxPrice}]`);
  if (!validQty(qty)) return reject("bad-qty", `trade qty ${qty}: expected 0 or a finite size in [${minQty}, ${maxQty}]`);
  if (id === id && !validId(id)) return reject("bad-id", `trade id ${id}: expected an integer in [0, 2^53)`);
  return times("trade", exchangeTime, receiveTime);
}

/** What is wrong with a best quote's values (update id NaN when absent), or null. */
export function quoteError(
  exchangeTime: number,
  receiveTime: number,
  id: number,
  bidPx: number,
  bidQty: number,
  askPx: number,
  askQty: number,
): Rejection | null {
  if (!validPrice(bidPx) || !validPrice(askPx)) {
    return reject("bad-price", `quote prices ${bidPx}/${askPx}: expected finite prices in [${minPrice}, ${maxPrice}]`);
  }
  if (!validQty(bidQty) || !validQty(askQty)) {
    return reject("bad-qty", `quote sizes ${bidQty}/${askQty}: expected 0 or finite sizes in [${minQty}, ${maxQty}]`);
  }
  if (bidPx >= askPx) return reject("crossed", `crossed quote: bid ${bidPx} >= ask ${askPx}`);
  if (id === id && !validId(id)) return reject("bad-id", `quote update id ${id}: expected an integer in [0, 2^53)`);
  return times("quote", exchangeTime, receiveTime);
}

/** What is wrong with a depth diff's update ids U, u and pu (NaN when absent), or null: the checks that come before its levels'. */
export function depthIdsError(first: number, last: number, prev: number): Rejection | null {
  if (!validId(first) || !validId(last) || (prev === prev && !validId(prev))) {
    return reject("bad-id", `depth update ids U ${first}, u ${last}, pu ${prev}: expected integers in [0, 2^53)`);
  }
  if (last < first || last - first > LIMITS.maxUpdateSpan) {
    return reject("implausible-update-id", `depth update ids U ${first}..u ${last}: expected U ≤ u and u − U ≤ ${LIMITS.maxUpdateSpan}`);
  }
  return null;
}

/**
 * What is wrong with a depth diff's levels and times, the levels given as `bidValues` then
 * `askValues` values of `values` from `at` ([price, qty] pairs), or null: the checks after
 * depthIdsError's.
 */
export function depthRestError(
  exchangeTime: number,
  receiveTime: number,
  values: Float64Array,
  at: number,
  bidValues: number,
  askValues: number,
): Rejection | null {
  return (
    levels("depth", values.subarray(at, at + bidValues), values.subarray(at + bidValues, at + bidValues + askValues)) ??
    times("depth", exchangeTime, receiveTime)
  );
}

/** The times' check of an event of `type`: receive time required (finite, in range) unless an exchange time is there; an exchange time, when present, in range. */
export function times(type: MarketEvent["type"], x: number, r: number): Rejection | null {
  if ((x === x && !validTime(x)) || (r === r && !validTime(r)) || (x !== x && r !== r)) {
    return reject("bad-time", `${type} times exchange ${x}, receive ${r}: expected at least one, each in [0, ${maxTime}] ms`);
  }
  return null;
}

function levels(kind: string, bids: ArrayLike<number>, asks: ArrayLike<number>): Rejection | null {
  if (bids.length > 2 * maxLevels || asks.length > 2 * maxLevels) {
    return reject(
      "too-many-levels",
      `${kind} with ${bids.length / 2} bid and ${asks.length / 2} ask levels: expected at most ${maxLevels} a side`,
    );
  }
  return sideError(kind, "bid", bids) ?? sideError(kind, "ask", asks);
}

function sideError(kind: string, side: string, levels: ArrayLike<number>): Rejection | null {
  for (let i = 0; i < levels.length; i += 2) {
    const p = levels[i]!,
      q = levels[i + 1]!;
    if (!validPrice(p))
      return reject("bad-price", `${kind} ${side} level ${i / 2} price ${p}: expected a finite price in [${minPrice}, ${maxPrice}]`);
    if (!validQty(q))
      return reject("bad-qty", `${kind} ${side} level ${i / 2} qty ${q}: expected 0 or a finite size in [${minQty}, ${maxQty}]`);
  }
  return null;
}
