/**
 * The clock plausibility check on its own, and the engine's trade-order reference: a lone
 * implausible time is rejected and never becomes the reference; a consistent new clock (a
 * stepped local clock, or a bogus first event) is adopted after a short run of events.
 */
import { describe, expect, test } from "vitest";
import { ClockCheck } from "../../src/pipeline/clockCheck.js";
import { StreamingEngine } from "../../src/pipeline/engine.js";
import { jsKernels } from "../../src/kernels/index.js";
import type { TradeEvent } from "../../src/feeds/events.js";

const T0 = 1_723_161_255_000;

describe("ClockCheck", () => {
  test("a stream with a steady offset passes; an outlier ahead or far behind is rejected and does not move the offset", () => {
    const c = new ClockCheck();
    for (let i = 0; i < 100; i++) expect(c.plausible(T0 + i * 10 + 1200 + (i % 7) * 20, T0 + i * 10)).toBe(true);
    const offset = c.offsetMs;
    expect(offset).toBeGreaterThan(1000);
    expect(c.plausible(999_999_999_999_999, T0 + 1000), "the year 33,658").toBe(false);
    expect(c.plausible(T0 + 1000 + 1200 + 20_000, T0 + 1000), "20 s ahead").toBe(false);
    expect(c.plausible(T0 - 5 * 3_600_000, T0 + 1000), "5 h behind").toBe(false);
    expect(c.offsetMs).toBe(offset);
    expect(c.plausible(T0 + 1000 + 1200 - 30_000, T0 + 1000), "30 s late: a delayed feed is still data").toBe(true);
    expect(c.plausible(T0 + 2000 + 1250, T0 + 2000)).toBe(true);
  });

  test("events with one clock only pass and teach nothing", () => {
    const c = new ClockCheck();
    expect(c.plausible(NaN, T0)).toBe(true);
    expect(c.plausible(T0, NaN)).toBe(true);
    expect(c.offsetMs).toBeNaN();
  });

  test("a bogus first event is outvoted: after 8 consistent events the stream's own offset is adopted", () => {
    const c = new ClockCheck();
    expect(c.plausible(999_999_999_999_999, T0)).toBe(true);
    const verdicts = Array.from({ length: 10 }, (_, i) => c.plausible(T0 + i + 1200, T0 + i));
    expect(verdicts).toEqual([false, false, false, false, false, false, false, true, true, true]);
    expect(c.offsetMs).toBeCloseTo(1200, 6);
  });

  test("limits are configurable", () => {
    const c = new ClockCheck({ maxAheadMs: 100, maxBehindMs: 100 });
    c.plausible(T0, T0);
    expect(c.plausible(T0 + 500, T0)).toBe(false);
    expect(c.plausible(T0 - 500, T0)).toBe(false);
    expect(c.plausible(T0 + 50, T0)).toBe(true);
  });
});

describe("the engine's trade-order reference", () => {
  const trade = (i: number, time: number): TradeEvent => ({
    type: "trade",
    symbol: "X",
    exchangeTime: NaN,
    receiveTime: time,
    price: 100 + (i % 3),
    qty: 1,
    buyerInitiated: i % 2 === 0,
    tradeId: i,
  });

  test("a trade with a future receive time and no exchange time: later trades are out of order only until 64 in a row say otherwise", () => {
    const e = new StreamingEngine(jsKernels());
    for (let i = 0; i < 10; i++) e.process(trade(i, T0 + i));
    e.process(trade(10, 9_000_000_000_000_000 / 2));
    for (let i = 11; i < 200; i++) e.process(trade(i, T0 + i));
    const v = e.symbolState("X")!;
    expect(v.rejectedBy["out-of-order"], "63 rejected, then the stream's clock is followed again").toBe(63);
    expect(v.trades.count).toBe(200);
    e.process(trade(500, T0 + 150));
    expect(v.rejectedBy["out-of-order"], "the reference is the stream's again: an older trade is out of order").toBe(64);
    e.dispose();
  });
});
