/**
 * Events that do not hold to the MarketEvent types — what JavaScript callers, JSON or a
 * foreign decoder can hand the engine: each is a counted rejection whose reason names the
 * field, or, with no symbol to file it under, counted in `dropped`. The engine never
 * throws and never coerces a string or a BigInt into a number that looks right.
 */
import { describe, expect, test } from "vitest";
import { InvalidConfigError, InvalidParameterError } from "../../src/errors.js";
import { eventShapeError, routable } from "../../src/feeds/validate.js";
import { StreamingEngine } from "../../src/pipeline/engine.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { backends } from "../support/backends.js";

const base = { symbol: "X", receiveTime: 1, exchangeTime: 1 };
const trade = { ...base, type: "trade", price: 100, qty: 1, buyerInitiated: true, tradeId: 1 };
const quote = { ...base, type: "quote", updateId: 1, bidPx: 99, bidQty: 1, askPx: 101, askQty: 1 };
const depth = {
  ...base,
  type: "depth",
  firstUpdateId: 1,
  lastUpdateId: 1,
  prevUpdateId: NaN,
  bids: Float64Array.of(99, 1),
  asks: new Float64Array(0),
};
const snapshot = { ...base, type: "snapshot", lastUpdateId: 1, bids: Float64Array.of(99, 1), asks: Float64Array.of(101, 1) };

/** [event, the reason's pattern] */
const MALFORMED: [string, Record<string, unknown>, RegExp][] = [
  ["a string price", { ...trade, price: "100" }, /^trade price is "100": expected a number$/],
  ["a BigInt price", { ...trade, price: 100n }, /^trade price is 100n: expected a number$/],
  ["no exchangeTime", { ...trade, exchangeTime: undefined }, /^trade exchangeTime is undefined/],
  ["buyerInitiated 1", { ...trade, buyerInitiated: 1 }, /^trade buyerInitiated is number: expected true or false$/],
  ["a null size", { ...quote, askQty: null }, /^quote askQty is null/],
  ["no bids", { ...depth, bids: undefined }, /^depth bids is undefined: expected a Float64Array or an array of numbers$/],
  ["Float32Array levels", { ...snapshot, asks: Float32Array.of(101, 1) }, /^snapshot asks is object/],
  ["a string in plain-array levels", { ...snapshot, bids: [99, "1"] }, /^snapshot bids\[1\] is "1"/],
];

test.each(MALFORMED)("eventShapeError: %s", (_, e, reason) => {
  expect(eventShapeError(e as unknown as MarketEvent)).toMatch(reason);
});

test("well-formed events pass, plain arrays of numbers as levels included, and NaN where a field may be absent", () => {
  for (const e of [
    trade,
    quote,
    depth,
    snapshot,
    { ...snapshot, bids: [99, 1], asks: [] },
    { ...trade, exchangeTime: NaN, tradeId: NaN },
  ]) {
    expect(eventShapeError(e as unknown as MarketEvent)).toBeNull();
  }
  expect(eventShapeError({ ...base, type: "funding" } as unknown as MarketEvent), "unknown types are the engine's to reject").toBeNull();
  expect([null, 1, "x", {}, { symbol: 1 }, { symbol: "" }, { symbol: "X" }].map(routable)).toEqual([
    false,
    false,
    false,
    false,
    false,
    false,
    true,
  ]);
});

describe.each(backends)("the engine on $backend", (kernels) => {
  test("every malformed event is a counted rejection with its reason; no symbol is a drop; nothing throws", () => {
    const engine = new StreamingEngine(kernels, { keepRejections: 100 });
    for (const [, e] of MALFORMED) expect(() => engine.process(e as unknown as MarketEvent)).not.toThrow();
    for (const e of [null, undefined, 7, "trade", { ...trade, symbol: 42 }, { ...trade, symbol: "" }]) {
      expect(() => engine.process(e as unknown as MarketEvent)).not.toThrow();
    }
    const x = engine.symbolState("X")!;
    expect(x.events.rejected).toBe(MALFORMED.length);
    for (const [i, [, , reason]] of MALFORMED.entries()) expect(x.rejections[i]).toMatch(reason);
    expect(engine.dropped).toBe(6);
    expect(engine.symbols).toEqual(["X"]);
    // the symbol goes on normally afterwards
    engine.process(snapshot as unknown as MarketEvent);
    expect(engine.symbolState("X")!.book()).toMatchObject({ synced: true, bestBid: 99, bestAsk: 101 });
    engine.dispose();
  });

  test("engine options are checked up front with typed errors", () => {
    expect(() => new StreamingEngine(kernels, { keepRejections: -1 })).toThrow(InvalidParameterError);
    expect(() => new StreamingEngine(kernels, { keepRejections: 1.5 })).toThrow(InvalidParameterError);
    expect(() => new StreamingEngine(kernels, { maxBufferedDiffs: 0 })).toThrow(InvalidParameterError);
    expect(() => new StreamingEngine(kernels, { composite: { maxPosition: 0 } })).toThrow(InvalidConfigError);
    expect(() => new StreamingEngine(kernels, { keepRejections: 0, maxBufferedDiffs: 1 }).dispose()).not.toThrow();
  });

  test("a synced book with an empty side: best price null, imbalance and microprice null, no error", () => {
    const engine = new StreamingEngine(kernels);
    engine.process({ ...snapshot, asks: new Float64Array(0) } as unknown as MarketEvent);
    expect(engine.symbolState("X")!.book()).toEqual({
      synced: true,
      gaps: 0,
      applied: 0,
      staleSnapshots: 0,
      trimmed: 0,
      bestBid: 99,
      bestAsk: null,
      imbalance5: null,
      microprice: null,
      bidLevels: 1,
      askLevels: 0,
    });
    engine.dispose();
  });
});
