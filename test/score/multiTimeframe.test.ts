/**
 * Bars from trades and the multi-timeframe composite: hand-computed cases, ranges on
 * random inputs, and a replay of the real BTCUSDT capture on every backend.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { BarBuilder } from "../../src/score/bars.js";
import { MultiTimeframeScorer, combineTimeframes } from "../../src/score/multiTimeframe.js";
import { InvalidWeightsError, InvalidValueError, OutOfOrderError } from "../../src/index.js";
import { backends } from "../support/backends.js";
import { BTCUSDT } from "../support/capture.js";
import { captureEvents } from "../support/replay.js";

describe("bars", () => {
  test("OHLCV and the aggressor split on an epoch-aligned 1 s grid; a trade at the end opens the next bar", () => {
    const b = new BarBuilder(1000);
    const trade = (price: number, qty: number, buyerInitiated: boolean, time: number) => b.onTrade({ price, qty, buyerInitiated, time });
    expect(trade(100, 1, true, 1000)).toBeNull();
    expect(trade(102, 2, false, 1500)).toBeNull();
    expect(trade(99, 0.5, true, 1999)).toBeNull();
    const bar = trade(101, 1, true, 2000)!;
    expect(bar).toEqual({
      start: 1000,
      end: 2000,
      open: 100,
      high: 102,
      low: 99,
      close: 99,
      volume: 3.5,
      buyVolume: 1.5,
      sellVolume: 2,
      trades: 3,
    });
    expect(trade(103, 1, false, 5200)!.start, "an empty period makes no bar").toBe(2000);
    expect(b.current()!.start).toBe(5000);
  });
});

describe("combineTimeframes", () => {
  test("by hand: weights 0.5/0.5, scores 75 and 40, confidences 1 and 0.5", () => {
    // biases 0.5 and −0.2; w·c = 0.5 and 0.25; directional = (0.25 − 0.05)/0.75; strength = (0.25 + 0.05)/0.75
    const c = combineTimeframes(
      [
        { weight: 0.5, score: 75, confidence: 1 },
        { weight: 0.5, score: 40, confidence: 0.5 },
      ],
      1,
    )!;
    expect(c.directional).toBeCloseTo(0.2 / 0.75, 15);
    expect(c.strength).toBeCloseTo(0.3 / 0.75, 15);
    expect(c.alignment).toBeCloseTo(0.2 / 0.3, 15);
    expect(c.confidence).toBeCloseTo(0.75 * (0.2 / 0.3), 15);
  });
  test("aligned timeframes: alignment 1; opposite and equal: 0; all neutral: 1; nothing scored: null", () => {
    expect(
      combineTimeframes(
        [
          { weight: 0.5, score: 70, confidence: 1 },
          { weight: 0.5, score: 90, confidence: 0.2 },
        ],
        1,
      )!.alignment,
    ).toBe(1);
    expect(
      combineTimeframes(
        [
          { weight: 0.5, score: 70, confidence: 1 },
          { weight: 0.5, score: 30, confidence: 1 },
        ],
        1,
      )!.alignment,
    ).toBe(0);
    expect(combineTimeframes([{ weight: 1, score: 50, confidence: 1 }], 1)!.alignment).toBe(1);
    expect(combineTimeframes([null, { weight: 1, score: 80, confidence: 0 }], 1)).toBeNull();
  });
  test("ranges on random readings", () => {
    const reading = fc.option(
      fc.record({
        weight: fc.double({ min: 0, max: 1, noNaN: true }),
        score: fc.double({ min: 0, max: 100, noNaN: true }),
        confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
    );
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 6 }), (rs) => {
        const total = rs.reduce((s, r) => s + (r?.weight ?? 0), 0) || 1;
        const c = combineTimeframes(rs, total);
        if (!c) return;
        expect(Math.abs(c.directional)).toBeLessThanOrEqual(1 + 1e-12);
        expect(c.strength).toBeLessThanOrEqual(1 + 1e-12);
        expect(Math.abs(c.directional)).toBeLessThanOrEqual(c.strength + 1e-12);
        for (const v of [c.alignment, c.confidence]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("MultiTimeframeScorer", () => {
  test("invalid timeframes are typed errors; bad trades too", () => {
    const k = backends[0]!;
    expect(() => new MultiTimeframeScorer(k, { timeframes: [{ name: "1s", periodMs: 1000, weight: 0.5 }] })).toThrow(InvalidWeightsError);
    const m = new MultiTimeframeScorer(k);
    m.onTrade({ price: 100, qty: 1, buyerInitiated: true, time: 10 });
    expect(() => m.onTrade({ price: 100, qty: 1, buyerInitiated: true, time: 9 })).toThrow(OutOfOrderError);
    expect(() => m.onTrade({ price: -1, qty: 1, buyerInitiated: true, time: 11 })).toThrow(InvalidValueError);
    m.dispose();
  });

  test("BTCUSDT: 1 s and 5 s timeframes warm up and stay in range, identically on every backend", async () => {
    const { events } = await captureEvents(BTCUSDT, 10);
    const runs = backends.map((k) => {
      const m = new MultiTimeframeScorer(k, {
        timeframes: [
          { name: "1s", periodMs: 1000, weight: 0.6 },
          { name: "5s", periodMs: 5000, weight: 0.4 },
        ],
        analyzer: { lookback: 3 },
      });
      const out: number[] = [];
      for (const e of events) {
        if (e.kind === "trade") m.onTrade(e);
        else if (e.kind === "quote") m.onQuote(e);
        else m.onBook(e.bids, e.asks);
        if (e.kind !== "book") continue;
        const u = m.compute(e.time);
        if (!u) continue;
        out.push(u.directional, u.strength, u.alignment, u.confidence);
      }
      m.dispose();
      return Float64Array.from(out);
    });
    expect(runs[0]!.length, "composite updates").toBeGreaterThan(1000);
    for (let i = 0; i < runs[0]!.length; i += 4) {
      const [d, s, a, c] = runs[0]!.subarray(i, i + 4);
      if (!(Math.abs(d!) <= 1 && s! <= 1 && a! >= 0 && a! <= 1 && c! >= 0 && c! <= 1))
        expect.fail(`out of range at ${i / 4}: ${[d, s, a, c]}`);
    }
    for (let i = 1; i < runs.length; i++) expect(runs[i]).toEqual(runs[0]);
  });
});
