/**
 * The structural check every event passes at the engine's edge, before any range or
 * sequence check: each field of its type holds a number (NaN where the field may be
 * absent, as the decoders write it), `buyerInitiated` a boolean, and the levels a
 * Float64Array or an array of numbers. TypeScript callers get this from the types; data
 * from JavaScript, JSON or a foreign decoder may not hold to them, and a string, a
 * BigInt or a missing field must be a counted rejection with a reason — never coerced
 * into a number that looks right, never a TypeError out of the engine.
 *
 * Events of a type the engine does not know pass here (the engine rejects them by type).
 */
import type { MarketEvent } from "./events.js";

const NUMBER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  trade: ["exchangeTime", "receiveTime", "price", "qty", "tradeId"],
  quote: ["exchangeTime", "receiveTime", "updateId", "bidPx", "bidQty", "askPx", "askQty"],
  depth: ["exchangeTime", "receiveTime", "firstUpdateId", "lastUpdateId", "prevUpdateId"],
  snapshot: ["exchangeTime", "receiveTime", "lastUpdateId"],
};

const describe = (v: unknown): string => (typeof v === "string" ? `"${v.slice(0, 40)}"` : typeof v === "bigint" ? `${v}n` : v === null ? "null" : typeof v);

function levelsError(name: string, levels: unknown): string | null {
  if (levels instanceof Float64Array) return null;
  if (Array.isArray(levels)) {
    for (let i = 0; i < levels.length; i++) {
      if (typeof levels[i] !== "number") return `${name}[${i}] is ${describe(levels[i])}: expected a number`;
    }
    return null;
  }
  return `${name} is ${describe(levels)}: expected a Float64Array or an array of numbers`;
}

/** What is structurally wrong with `e` (one line, naming the field), or null. `e` must be an object. */
export function eventShapeError(e: MarketEvent): string | null {
  // the common case in straight-line typeof checks (a few ns); the reason only for a bad event
  const n = "number";
  switch (e.type) {
    case "trade":
      return typeof e.price === n && typeof e.qty === n && typeof e.exchangeTime === n && typeof e.receiveTime === n
        && typeof e.tradeId === n && typeof e.buyerInitiated === "boolean" ? null : reason(e);
    case "quote":
      return typeof e.bidPx === n && typeof e.bidQty === n && typeof e.askPx === n && typeof e.askQty === n
        && typeof e.exchangeTime === n && typeof e.receiveTime === n && typeof e.updateId === n ? null : reason(e);
    case "depth":
      return typeof e.firstUpdateId === n && typeof e.lastUpdateId === n && typeof e.prevUpdateId === n && typeof e.exchangeTime === n
        && typeof e.receiveTime === n && e.bids instanceof Float64Array && e.asks instanceof Float64Array ? null : reason(e);
    case "snapshot":
      return typeof e.lastUpdateId === n && typeof e.exchangeTime === n && typeof e.receiveTime === n
        && e.bids instanceof Float64Array && e.asks instanceof Float64Array ? null : reason(e);
    default:
      return null;
  }
}

function reason(e: MarketEvent): string | null {
  const record = e as unknown as Record<string, unknown>;
  for (const field of NUMBER_FIELDS[e.type]!) {
    const v = record[field];
    if (typeof v !== "number") return `${e.type} ${field} is ${describe(v)}: expected a number`;
  }
  if (e.type === "trade") return `trade buyerInitiated is ${describe(e.buyerInitiated)}: expected true or false`;
  if (e.type === "depth" || e.type === "snapshot") return levelsError(`${e.type} bids`, e.bids) ?? levelsError(`${e.type} asks`, e.asks);
  return null;
}

/** Whether the engine can file `e` under a symbol: an object whose `symbol` is a non-empty string. */
export function routable(e: unknown): e is MarketEvent {
  return typeof e === "object" && e !== null && typeof (e as { symbol?: unknown }).symbol === "string" && (e as { symbol: string }).symbol.length > 0;
}
