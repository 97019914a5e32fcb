import { describe, expect, test } from "vitest";
import { fromCcxtOrderBook, fromCcxtTrade, type CcxtTrade } from "../../src/feeds/ccxt.js";
import { ccxtSymbol } from "../../src/feeds/ccxtSymbol.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { FeedDecodeError, type FeedDecodeReason } from "../../src/errors.js";

// Shapes from ccxt's manual ("Order Book Structure", "Trade Structure").
const BOOK = {
  symbol: "BTC/USDT",
  bids: [
    [61837.63, 3.78826],
    [61837.62, 0.617],
  ],
  asks: [[61837.64, 1.54698, 3]], // some exchanges add an order count: ignored
  timestamp: 1723161255208,
  datetime: "2024-08-08T23:54:15.208Z",
  nonce: 50093239218,
};
const TRADE: CcxtTrade = { symbol: "BTC/USDT", side: "sell", price: 61837.63, amount: 0.02, timestamp: 1723161255342, id: "3735683259" };

function reason(f: () => unknown): FeedDecodeReason {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FeedDecodeError);
    return (e as FeedDecodeError).reason;
  }
  throw new Error("no error thrown");
}

describe("ccxt adapters", () => {
  test("an order book becomes a depth snapshot: nonce → lastUpdateId, timestamp → exchangeTime", () => {
    expect(fromCcxtOrderBook("BTC/USDT", BOOK, 1723161255300.5)).toEqual({
      type: "snapshot",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255208,
      receiveTime: 1723161255300.5,
      lastUpdateId: 50093239218,
      bids: Float64Array.of(61837.63, 3.78826, 61837.62, 0.617),
      asks: Float64Array.of(61837.64, 1.54698),
    });
  });

  test("an order book without nonce or timestamp: NaN for both; receiveTime defaults to now", () => {
    const before = Date.now();
    const e = fromCcxtOrderBook("ETH/USDT", { bids: [], asks: [[2683.8, 3.0292]], timestamp: undefined });
    expect(e.lastUpdateId).toBeNaN();
    expect(e.exchangeTime).toBeNaN();
    expect(e.receiveTime).toBeGreaterThanOrEqual(before);
    expect(e.receiveTime).toBeLessThanOrEqual(Date.now());
    expect(e.bids.length).toBe(0);
  });

  test("a trade: side buy = the taker bought; a numeric id becomes tradeId, any other id NaN", () => {
    expect(fromCcxtTrade(TRADE, 5)).toEqual({
      type: "trade",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255342,
      receiveTime: 5,
      price: 61837.63,
      qty: 0.02,
      buyerInitiated: false,
      tradeId: 3735683259,
    });
    expect(fromCcxtTrade({ ...TRADE, side: "buy" }, 5).buyerInitiated).toBe(true);
    expect(fromCcxtTrade({ ...TRADE, id: "a1b2" }, 5).tradeId).toBeNaN();
    expect(fromCcxtTrade({ symbol: "X", side: "buy", price: 1, amount: 1, timestamp: 1 }, 5).tradeId).toBeNaN();
  });

  test("symbols: 'BTC/USDT' meets 'BTCUSDT' by default (the '/' and a ':SETTLE' suffix dropped); a mapping of one's own replaces it", () => {
    expect(["BTC/USDT", "BTC/USDT:USDT", "ETH/USD:ETH", "BTC/USDT:USDT-240927", "BTCUSDT", "ETHUSD_PERP"].map(ccxtSymbol)).toEqual([
      "BTCUSDT",
      "BTCUSDT",
      "ETHUSD",
      "BTCUSDT-240927",
      "BTCUSDT",
      "ETHUSD_PERP",
    ]);
    expect(fromCcxtTrade({ ...TRADE, symbol: "BTC/USDT:USDT" }, 5).symbol).toBe("BTCUSDT");
    expect(fromCcxtTrade(TRADE, 5, { symbol: (s) => s }).symbol).toBe("BTC/USDT");
    const perp = (s: string): string => (s === "ETH/USD:ETH" ? "ETHUSD_PERP" : ccxtSymbol(s));
    expect(fromCcxtOrderBook("ETH/USD:ETH", BOOK, 5, { symbol: perp }).symbol).toBe("ETHUSD_PERP");
    expect(reason(() => fromCcxtTrade(TRADE, 5, { symbol: () => "" }))).toBe("empty-symbol");
  });

  test("a ccxt trade meets the capture's trades of the same symbol", async () => {
    const symbols = new Set<string>();
    await replayCaptureFiles([new URL("../fixtures/formats/btcusdt-spot.capture.jsonl.gz", import.meta.url).pathname], (e) => {
      symbols.add(e.symbol);
    });
    expect(symbols.has(fromCcxtTrade(TRADE, 5).symbol), [...symbols].join()).toBe(true);
  });

  test("bad values throw FeedDecodeError with the reason", () => {
    expect(reason(() => fromCcxtOrderBook("", BOOK))).toBe("empty-symbol");
    expect(reason(() => fromCcxtOrderBook("X", { ...BOOK, bids: [[0, 1]] }))).toBe("non-positive-price");
    expect(reason(() => fromCcxtOrderBook("X", { ...BOOK, asks: [[1, -1]] }))).toBe("negative-qty");
    expect(reason(() => fromCcxtOrderBook("X", { ...BOOK, asks: [[1, Infinity]] }))).toBe("non-finite");
    expect(reason(() => fromCcxtOrderBook("X", { ...BOOK, asks: [[1]] }))).toBe("invalid-field");
    expect(reason(() => fromCcxtOrderBook("X", { ...BOOK, nonce: 1.5 }))).toBe("invalid-field");
    expect(reason(() => fromCcxtOrderBook("X", { ...BOOK, timestamp: -1 }))).toBe("invalid-field");
    expect(reason(() => fromCcxtTrade({ ...TRADE, side: "long" as "buy" }))).toBe("invalid-field");
    expect(reason(() => fromCcxtTrade({ ...TRADE, price: NaN }))).toBe("invalid-field");
    expect(reason(() => fromCcxtTrade({ ...TRADE, price: -3 }))).toBe("non-positive-price");
    expect(reason(() => fromCcxtTrade({ ...TRADE, amount: -0.1 }))).toBe("negative-qty");
    expect(reason(() => fromCcxtTrade({ ...TRADE, timestamp: Infinity }))).toBe("non-finite");
    expect(reason(() => fromCcxtTrade({ ...TRADE, symbol: "" }))).toBe("empty-symbol");
  });
});
