import { describe, expect, test } from "vitest";
import { decodeBinanceMessage } from "../../src/feeds/binance.js";
import { FeedDecodeError, type FeedDecodeReason } from "../../src/errors.js";

const RT = 1723161254087.8914; // a receive time in ms

// Samples in the shapes of Binance's docs ("WebSocket Market Streams", spot and USD-M futures)
// and of the real captures in data/.
const SPOT_TRADE = `{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}`;
const FUTURES_TRADE = `{"e":"trade","E":1723161255343,"T":1723161255341,"s":"BTCUSDT","t":5210000001,"p":"61840.1","q":"0.005","X":"MARKET","m":false}`;
const FUTURES_AGG_TRADE = `{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":true}`;
const SPOT_DEPTH = `{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"],["61730.17000000","1.5"]],"a":[["61837.64000000","1.54698000"]]}`;
const FUTURES_DEPTH = `{"e":"depthUpdate","E":1723161255208,"T":1723161255205,"s":"BTCUSDT","U":4300000010,"u":4300000020,"pu":4300000009,"b":[["61740.1","2.000"]],"a":[]}`;
const SPOT_BOOK_TICKER = `{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}`;
const FUTURES_BOOK_TICKER = `{"e":"bookTicker","u":400900217,"E":1568014460893,"T":1568014460891,"s":"BNBUSDT","b":"25.35190000","B":"31.21000000","a":"25.36520000","A":"40.66000000"}`;
const SPOT_SNAPSHOT = `{"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"],["61837.62000000","0.61700000"]],"asks":[["61837.64000000","1.54698000"]]}`;
const FUTURES_SNAPSHOT = `{"lastUpdateId":1027024,"E":1589436922972,"T":1589436922959,"bids":[["4.00000000","431.00000000"]],"asks":[["4.00000200","12.00000000"]]}`;

const wrap = (stream: string, data: string): string => `{"stream":"${stream}","data":${data}}`;
const levels = (...xs: number[]): Float64Array => Float64Array.from(xs);

describe("decodeBinanceMessage: every supported kind", () => {
  test("spot trade (m true: the buyer was the maker, so the aggressor sold; time from T)", () => {
    expect(decodeBinanceMessage(wrap("btcusdt@trade", SPOT_TRADE), RT, null)).toEqual({
      type: "trade",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255342,
      receiveTime: RT,
      price: 61837.63,
      qty: 0.02,
      buyerInitiated: false,
      tradeId: 3735683259,
    });
  });

  test("futures trade (m false: the taker bought)", () => {
    expect(decodeBinanceMessage(FUTURES_TRADE, RT, null)).toEqual({
      type: "trade",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255341,
      receiveTime: RT,
      price: 61840.1,
      qty: 0.005,
      buyerInitiated: true,
      tradeId: 5210000001,
    });
  });

  test("futures aggTrade: tradeId is the aggregate id a, time from T", () => {
    expect(decodeBinanceMessage(wrap("btcusdt@aggTrade", FUTURES_AGG_TRADE), RT, null)).toEqual({
      type: "trade",
      symbol: "BTCUSDT",
      exchangeTime: 123456785,
      receiveTime: RT,
      price: 0.001,
      qty: 100,
      buyerInitiated: false,
      tradeId: 5933014,
    });
  });

  test("spot depthUpdate: U, u, no pu (prevUpdateId NaN), flat levels, qty 0 kept (it removes a level)", () => {
    expect(decodeBinanceMessage(wrap("btcusdt@depth@100ms", SPOT_DEPTH), RT, null)).toEqual({
      type: "depth",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255208,
      receiveTime: RT,
      firstUpdateId: 50093239189,
      lastUpdateId: 50093239202,
      prevUpdateId: NaN,
      bids: levels(61737.63, 0, 61730.17, 1.5),
      asks: levels(61837.64, 1.54698),
    });
  });

  test("futures depthUpdate: pu becomes prevUpdateId; an empty side is an empty array", () => {
    expect(decodeBinanceMessage(wrap("btcusdt@depth@100ms", FUTURES_DEPTH), RT, null)).toEqual({
      type: "depth",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255208,
      receiveTime: RT,
      firstUpdateId: 4300000010,
      lastUpdateId: 4300000020,
      prevUpdateId: 4300000009,
      bids: levels(61740.1, 2),
      asks: levels(),
    });
  });

  test("spot bookTicker: no event time (exchangeTime NaN)", () => {
    expect(decodeBinanceMessage(wrap("btcusdt@bookTicker", SPOT_BOOK_TICKER), RT, null)).toEqual({
      type: "quote",
      symbol: "BTCUSDT",
      exchangeTime: NaN,
      receiveTime: RT,
      updateId: 50093239212,
      bidPx: 61837.63,
      bidQty: 3.78826,
      askPx: 61837.64,
      askQty: 1.54698,
    });
  });

  test("futures bookTicker: time from E", () => {
    expect(decodeBinanceMessage(FUTURES_BOOK_TICKER, RT, null)).toEqual({
      type: "quote",
      symbol: "BNBUSDT",
      exchangeTime: 1568014460893,
      receiveTime: RT,
      updateId: 400900217,
      bidPx: 25.3519,
      bidQty: 31.21,
      askPx: 25.3652,
      askQty: 40.66,
    });
  });

  test("spot REST snapshot: symbol from the argument, no time", () => {
    expect(decodeBinanceMessage(SPOT_SNAPSHOT, RT, "BTCUSDT")).toEqual({
      type: "snapshot",
      symbol: "BTCUSDT",
      exchangeTime: NaN,
      receiveTime: RT,
      lastUpdateId: 50093239218,
      bids: levels(61837.63, 3.78826, 61837.62, 0.617),
      asks: levels(61837.64, 1.54698),
    });
  });

  test("futures REST snapshot: time from E", () => {
    expect(decodeBinanceMessage(FUTURES_SNAPSHOT, RT, "BNBUSDT")).toEqual({
      type: "snapshot",
      symbol: "BNBUSDT",
      exchangeTime: 1589436922972,
      receiveTime: RT,
      lastUpdateId: 1027024,
      bids: levels(4, 431),
      asks: levels(4.000002, 12),
    });
  });

  test("a bare payload and its combined-stream frame decode to the same event", () => {
    for (const [stream, data] of [
      ["x@trade", SPOT_TRADE],
      ["x@depth", FUTURES_DEPTH],
      ["x@bookTicker", SPOT_BOOK_TICKER],
    ] as const) {
      expect(decodeBinanceMessage(wrap(stream, data), RT, null), stream).toEqual(decodeBinanceMessage(data, RT, null));
    }
  });
});

function reasonOf(text: string, snapshotSymbol: string | null = null): { reason: FeedDecodeReason; message: string } {
  try {
    decodeBinanceMessage(text, RT, snapshotSymbol);
  } catch (e) {
    expect(e, "a typed error").toBeInstanceOf(FeedDecodeError);
    const err = e as FeedDecodeError;
    expect(err.name).toBe("FeedDecodeError");
    return { reason: err.reason, message: err.message };
  }
  throw new Error(`decoded without an error: ${text}`);
}

describe("decodeBinanceMessage: every rejection reason", () => {
  const cases: [string, string, FeedDecodeReason, RegExp][] = [
    ["not JSON", `{"e":"trade",`, "not-json", /is not JSON/],
    ["a JSON array", `[1,2]`, "unknown-kind", /expected a JSON object/],
    ["an unknown event type", `{"e":"kline","s":"BTCUSDT"}`, "unknown-kind", /event type "kline"/],
    ["no event type, no u, no lastUpdateId", `{"result":null,"id":1}`, "unknown-kind", /no event type/],
    ["a frame whose data is not an object", `{"stream":"x@trade","data":5}`, "invalid-field", /combined-stream data/],
    ["a trade without a price", SPOT_TRADE.replace(`"p":"61837.63000000",`, ""), "missing-field", /trade has no "p"/],
    ["a trade without m", SPOT_TRADE.replace(`"m":true,`, ""), "missing-field", /trade has no "m"/],
    ["a depth diff without u", SPOT_DEPTH.replace(`"u":50093239202,`, ""), "missing-field", /depthUpdate has no "u"/],
    ["a numeric price", SPOT_TRADE.replace(`"61837.63000000"`, "61837.63"), "invalid-field", /"p" = 61837.63: expected a decimal string/],
    ["a price in exponent form", SPOT_TRADE.replace(`"61837.63000000"`, `"6.1e4"`), "invalid-field", /expected a decimal string/],
    ["a string m", SPOT_TRADE.replace(`"m":true`, `"m":"true"`), "invalid-field", /"m" = "true": expected true or false/],
    ["a fractional trade id", SPOT_TRADE.replace(`"t":3735683259`, `"t":1.5`), "invalid-field", /"t" = 1.5/],
    ["a negative update id", SPOT_DEPTH.replace(`"U":50093239189`, `"U":-1`), "invalid-field", /"U" = -1/],
    ["a string time", SPOT_TRADE.replace(`"T":1723161255342`, `"T":"1723161255342"`), "invalid-field", /"T" = "1723161255342"/],
    ["levels that are not an array", SPOT_DEPTH.replace(`"a":[["61837.64000000","1.54698000"]]`, `"a":{}`), "invalid-field", /"a" = \{\}/],
    ["a level of three", SPOT_DEPTH.replace(`["61730.17000000","1.5"]`, `["61730.17000000","1.5","x"]`), "invalid-field", /"b"\[1\] = /],
    ["an infinite time", SPOT_TRADE.replace(`"T":1723161255342`, `"T":1e999`), "non-finite", /"T" = Infinity/],
    ["an infinite price", SPOT_TRADE.replace(`"61837.63000000"`, `"${"9".repeat(400)}"`), "non-finite", /expected a finite number/],
    ["a zero price", SPOT_TRADE.replace(`"61837.63000000"`, `"0.00"`), "non-positive-price", /"p" = 0: expected a price > 0/],
    ["a negative quote price", SPOT_BOOK_TICKER.replace(`"b":"61837.63000000"`, `"b":"-1"`), "non-positive-price", /"b" = -1/],
    ["a negative level price", SPOT_DEPTH.replace(`"61730.17000000"`, `"-61730.17"`), "non-positive-price", /"b"\[1\] price = -61730.17/],
    ["a negative trade qty", SPOT_TRADE.replace(`"0.02000000"`, `"-0.02"`), "negative-qty", /"q" = -0.02: expected a quantity ≥ 0/],
    ["a negative level qty", SPOT_DEPTH.replace(`"1.54698000"`, `"-1"`), "negative-qty", /"a"\[0\] qty = -1/],
    ["minus zero as a qty", SPOT_BOOK_TICKER.replace(`"A":"1.54698000"`, `"A":"-0"`), "negative-qty", /"A" = 0/],
    ["an empty symbol", SPOT_TRADE.replace(`"BTCUSDT"`, `""`), "empty-symbol", /"s" = ""/],
    ["a numeric symbol", SPOT_BOOK_TICKER.replace(`"BTCUSDT"`, `7`), "invalid-field", /"s" = 7/],
    ["a snapshot with no symbol to give it", SPOT_SNAPSHOT, "unknown-snapshot-symbol", /names no symbol/],
  ];
  test.each(cases)("%s → %s", (_, text, reason, message) => {
    const r = reasonOf(text);
    expect(r.reason).toBe(reason);
    expect(r.message).toMatch(message);
    expect(r.message, "the message says what was expected and names the reason").toMatch(new RegExp(`expected .*\\(${reason}\\)$`));
  });

  test("a snapshot given an empty symbol is rejected as empty-symbol", () => {
    expect(reasonOf(SPOT_SNAPSHOT, "").reason).toBe("empty-symbol");
  });
});
