/** encodeEvent/decodeEvent: every event of both captures round-trips exactly; bad text is a typed error. */
import { expect, test } from "vitest";
import fc from "fast-check";
import { decodeEvent, encodeEvent, FeedDecodeError, type MarketEvent } from "../../src/index.js";
import { replayCaptureFiles } from "../../src/node/index.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { difference } from "./support.js";

test("every event of both captures round-trips exactly (NaN times and ids included)", async () => {
  const events: MarketEvent[] = [];
  await replayCaptureFiles([BTCUSDT, ETHUSDT], (e) => events.push(e));
  expect(new Set(events.map((e) => e.type))).toEqual(new Set(["trade", "quote", "depth", "snapshot"]));
  for (const e of events) {
    const back = decodeEvent(encodeEvent(e));
    const diff = difference(back, e);
    if (diff) expect.fail(`${e.type} ${e.symbol}: ${diff}`);
  }
});

test("bad text is a FeedDecodeError naming what is wrong", () => {
  expect(() => decodeEvent("nope")).toThrow(FeedDecodeError);
  expect(() => decodeEvent('{"t":"trade","s":"X","x":1,"r":1,"p":"1","q":1,"b":true}')).toThrow(/^p: expected a number/);
  expect(() => decodeEvent('{"t":"snapshot","s":"X","x":1,"r":1,"u":2,"bids":[1,"2"],"asks":[]}')).toThrow(/bids\[1\]/);
  expect(() => decodeEvent('{"t":"depth","s":"X","x":1,"r":1,"U":1,"u":2,"pu":null,"bids":[1],"asks":[]}')).toThrow(/bids/);
  expect(() => decodeEvent('{"t":"candle","s":"X","x":1,"r":1}')).toThrow(/trade, quote, depth or snapshot/);
  expect(() => decodeEvent('{"t":"trade","s":""}')).toThrow(FeedDecodeError);
});

test("any double round-trips to the same bits (property): NaN, ±Infinity and −0 included, in fields and levels", () => {
  const double = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, Number.MAX_VALUE, Number.MIN_VALUE));
  const levels = fc.array(double, { maxLength: 20 }).map((xs) => Float64Array.from(xs.length % 2 ? xs.slice(1) : xs));
  const event = fc.oneof(
    fc.record({
      type: fc.constant("trade" as const),
      symbol: fc.constant("X"),
      exchangeTime: double,
      receiveTime: double,
      price: double,
      qty: double,
      buyerInitiated: fc.boolean(),
      tradeId: double,
    }),
    fc.record({
      type: fc.constant("quote" as const),
      symbol: fc.constant("X"),
      exchangeTime: double,
      receiveTime: double,
      updateId: double,
      bidPx: double,
      bidQty: double,
      askPx: double,
      askQty: double,
    }),
    fc.record({
      type: fc.constant("depth" as const),
      symbol: fc.constant("X"),
      exchangeTime: double,
      receiveTime: double,
      firstUpdateId: double,
      lastUpdateId: double,
      prevUpdateId: double,
      bids: levels,
      asks: levels,
    }),
    fc.record({
      type: fc.constant("snapshot" as const),
      symbol: fc.constant("X"),
      exchangeTime: double,
      receiveTime: double,
      lastUpdateId: double,
      bids: levels,
      asks: levels,
    }),
  );
  fc.assert(
    fc.property(event, (e) => {
      const diff = difference(decodeEvent(encodeEvent(e as MarketEvent)), e as MarketEvent);
      if (diff) throw new Error(diff);
    }),
    { numRuns: 2000 },
  );
});
