/**
 * The L2 book against a Map-based reference under random operations (fast-check):
 * every level, best prices, level counts and the top N agree, across recentring of
 * the dense window, the deep (map) levels and tick refinement.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { L2Book } from "../../src/stream/l2Book.js";
import { LatencyHistogram } from "../../src/stream/latencyHistogram.js";

function reference(levels: Map<number, number>, bid: boolean): [number, number][] {
  return [...levels.entries()].filter(([, q]) => q > 0).sort((a, b) => (bid ? b[0] - a[0] : a[0] - b[0]));
}

describe("L2Book", () => {
  test("random snapshots and diffs agree with a Map-based book, in a window of 64 ticks", () => {
    const price = (tickSize: number) => fc.integer({ min: 1, max: 4000 }).map((t) => Math.round(t * tickSize * 1e8) / 1e8);
    const level = (tickSize: number) => fc.tuple(price(tickSize), fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000 }).map((q) => q / 100)));
    const scenario = fc.constantFrom(0.01, 0.5, 1).chain((tick) => fc.record({
      tick: fc.constant(tick),
      snapBids: fc.array(level(tick), { maxLength: 40 }),
      snapAsks: fc.array(level(tick), { maxLength: 40 }),
      diffs: fc.array(fc.record({ bids: fc.array(level(tick), { maxLength: 6 }), asks: fc.array(level(tick), { maxLength: 6 }) }), { maxLength: 60 }),
    }));
    fc.assert(fc.property(scenario, ({ snapBids, snapAsks, diffs }) => {
      const book = new L2Book(64);
      const bids = new Map<number, number>(), asks = new Map<number, number>();
      const flat = (ls: [number, number][]): Float64Array => Float64Array.from(ls.flat());
      for (const [p, q] of snapBids) bids.set(p, q);
      for (const [p, q] of snapAsks) asks.set(p, q);
      book.load(flat(snapBids), flat(snapAsks));
      const check = (): void => {
        const rb = reference(bids, true), ra = reference(asks, false);
        expect(book.bids.entries()).toEqual(rb);
        expect(book.asks.entries()).toEqual(ra);
        expect(book.bids.levels).toBe(rb.length);
        expect(book.asks.levels).toBe(ra.length);
        expect(book.bids.bestPrice()).toEqual(rb.length ? rb[0]![0] : NaN);
        expect(book.asks.bestPrice()).toEqual(ra.length ? ra[0]![0] : NaN);
        const out = new Float64Array(20);
        const nb = book.bids.top(5, out, 0, 5), na = book.asks.top(5, out, 10, 15);
        expect(Array.from({ length: nb }, (_, i) => [out[i], out[5 + i]])).toEqual(rb.slice(0, 5));
        expect(Array.from({ length: na }, (_, i) => [out[10 + i], out[15 + i]])).toEqual(ra.slice(0, 5));
      };
      check();
      for (const d of diffs) {
        for (const [p, q] of d.bids) bids.set(p, q);
        for (const [p, q] of d.asks) asks.set(p, q);
        book.apply(flat(d.bids), flat(d.asks));
        check();
      }
    }), { numRuns: 500 });
  });

  test("the tick size is learnt from the snapshot and refined by an off-grid price", () => {
    const book = new L2Book(1024);
    book.load(Float64Array.of(100, 1, 99.5, 2), Float64Array.of(101, 1, 102.5, 1));
    expect(book.tickSize).toBe(0.5);
    book.apply(Float64Array.of(100.25, 3), new Float64Array(0));
    expect(book.tickSize).toBe(0.25);
    expect(book.bids.entries()).toEqual([[100.25, 3], [100, 1], [99.5, 2]]);
    expect(book.crossed).toBe(false);
    book.apply(Float64Array.of(101, 1), new Float64Array(0));
    expect(book.crossed, "bid 101 >= ask 101").toBe(true);
  });
});

describe("LatencyHistogram", () => {
  test("quantiles overstate by at most one bucket (6.25 %), never understate", () => {
    fc.assert(fc.property(fc.array(fc.double({ min: 1, max: 1e8, noNaN: true }), { minLength: 1, maxLength: 500 }), fc.constantFrom(0.5, 0.9, 0.99, 0.999, 1), (xs, q) => {
      const h = new LatencyHistogram();
      for (const x of xs) h.record(x);
      const sorted = [...xs].sort((a, b) => a - b);
      const exact = sorted[Math.ceil(q * xs.length) - 1]!;
      const got = h.quantile(q);
      expect(got).toBeGreaterThanOrEqual(Math.floor(exact));
      expect(got).toBeLessThanOrEqual(exact * 1.0625 + 1);
      expect(h.max).toBe(sorted[sorted.length - 1]);
    }), { numRuns: 500 });
  });
});
