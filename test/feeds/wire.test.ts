/** encodeEvent/decodeEvent: every event of both captures round-trips exactly; bad text is a typed error. */
import { expect, test } from "vitest";
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
  expect(() => decodeEvent('{"t":"trade","s":"X","x":1,"r":1,"p":"1","q":1,"b":true}')).toThrow("p: expected a number or null");
  expect(() => decodeEvent('{"t":"depth","s":"X","x":1,"r":1,"U":1,"u":2,"pu":null,"bids":[1],"asks":[]}')).toThrow(/bids/);
  expect(() => decodeEvent('{"t":"candle","s":"X","x":1,"r":1}')).toThrow(/trade, quote, depth or snapshot/);
  expect(() => decodeEvent('{"t":"trade","s":""}')).toThrow(FeedDecodeError);
});
