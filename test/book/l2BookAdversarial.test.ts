/**
 * The book under hostile shapes, asserting on the work done (window placements and the
 * levels they carried, the tick size, memory), never on time: a zero-size level off the
 * grid (61000.00000001) injected into a real capture changes nothing at all; a real level
 * off the grid changes nothing but itself; far levels and a touch that jumps back and
 * forth cost bounded work; memory starts at zero, grows with the book's width, shrinks
 * with it and stays bounded by maxLevels; prices read back bit for bit from 1e-12 to 1e12;
 * bad input gets typed errors. Real data: the BTCUSDT spot capture in data/, every depth
 * update after its snapshot, checked against the naive book. Every backend's book (the JS
 * heap's, and its twin in WASM linear memory, SIMD and scalar builds) passes the same suite.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { OrderBook } from "../../src/book/orderBook.js";
import type { Kernels } from "../../src/kernels/types.js";
import { InvalidParameterError, InvalidValueError } from "../../src/errors.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import type { DepthDiffEvent, DepthSnapshotEvent } from "../../src/feeds/events.js";
import { ReferenceBook } from "../support/referenceBook.js";
import { BTCUSDT } from "../support/capture.js";
import { backends } from "../support/backends.js";

const NONE = new Float64Array(0);
let snapshot: DepthSnapshotEvent;
const diffs: DepthDiffEvent[] = [];

beforeAll(async () => {
  let snap: DepthSnapshotEvent | undefined;
  await replayCaptureFiles([BTCUSDT], (e) => {
    if (e.type === "snapshot") snap ??= e;
    else if (e.type === "depth" && snap) diffs.push(e);
  });
  snapshot = snap!;
});

/** Work and shape of a book, to compare two runs. */
function work(book: OrderBook): Record<string, number> {
  return {
    tickSize: book.tickSize,
    memoryBytes: book.memoryBytes,
    trimmed: book.trimmed,
    bidRebuilds: book.bids.rebuilds,
    askRebuilds: book.asks.rebuilds,
    bidRelocated: book.bids.relocated,
    askRelocated: book.asks.relocated,
    bidLevels: book.bids.levels,
    askLevels: book.asks.levels,
  };
}

function top(book: OrderBook, n: number): number[] {
  const out = new Float64Array(4 * n);
  const nb = book.bids.top(n, out, 0, n),
    na = book.asks.top(n, out, 2 * n, 3 * n);
  return [nb, na, ...out];
}

/** The capture through a book, with `inject` applied after the first `at` diffs; returns the book. */
function replay(book: OrderBook, inject?: { at: number; bids: Float64Array; asks: Float64Array }, each?: (k: number) => void): OrderBook {
  book.load(snapshot.bids, snapshot.asks);
  for (let k = 0; k < diffs.length; k++) {
    if (inject && k === inject.at) book.apply(inject.bids, inject.asks);
    book.apply(diffs[k]!.bids, diffs[k]!.asks);
    each?.(k);
  }
  return book;
}

describe.each(backends)("the $backend backend's book", (k: Kernels) => {
  describe("L2Book on the real BTCUSDT capture", () => {
    test("every depth update agrees with the naive book: best, top 20, level counts, and every level at the end", () => {
      const ref = new ReferenceBook();
      ref.load(snapshot.bids, snapshot.asks);
      const book = k.orderBook();
      const out = new Float64Array(40);
      replay(book, undefined, (k) => {
        ref.apply(diffs[k]!.bids, diffs[k]!.asks);
        for (const [side, r] of [
          [book.bids, ref.bids],
          [book.asks, ref.asks],
        ] as const) {
          const n = side.top(20, out, 0, 20);
          const expected = r.entries().slice(0, 20);
          if (n !== expected.length || expected.some(([p, q], i) => p !== out[i] || q !== out[20 + i]) || side.levels !== r.prices.length) {
            expect(
              Array.from({ length: n }, (_, i) => [out[i], out[20 + i]]),
              `diff ${k}: top 20 of ${side.isBid ? "bids" : "asks"}`,
            ).toEqual(expected);
            expect(side.levels, `diff ${k}: levels`).toBe(r.prices.length);
          }
        }
      });
      expect(book.bids.entries()).toEqual(ref.bids.entries());
      expect(book.asks.entries()).toEqual(ref.asks.entries());
      expect(book.tickSize).toBe(0.01);
    });

    test("a zero-size level off the grid (61000.00000001) changes nothing: same grid, same window placements, same memory, same levels", () => {
      const clean = replay(k.orderBook());
      const stray = Float64Array.of(61000.00000001, 0);
      const probe = k.orderBook();
      probe.load(snapshot.bids, snapshot.asks);
      const before = work(probe);
      probe.apply(stray, stray);
      expect(work(probe), "removing an absent off-grid level is a no-op: nothing moved, nothing allocated").toEqual(before);
      const cleanTops: number[][] = [];
      const again = k.orderBook();
      replay(again, undefined, () => cleanTops.push(top(again, 20)));
      const injected = k.orderBook();
      replay(injected, { at: 5, bids: stray, asks: stray }, (k) => {
        const t = top(injected, 20);
        if (t.some((x, i) => !Object.is(x, cleanTops[k]![i]))) expect(t, `top 20 after diff ${k}`).toEqual(cleanTops[k]);
      });
      expect(work(injected), "the whole stream after the injection").toEqual(work(clean));
      expect(injected.tickSize, "the grid is still the snapshot's 0.01").toBe(0.01);
      expect(injected.bids.entries()).toEqual(clean.bids.entries());
      expect(injected.asks.entries()).toEqual(clean.asks.entries());
    });

    test("a real level off the grid is kept exactly and changes nothing else: same grid, same window placements", () => {
      const clean = replay(k.orderBook());
      const px = 61000.00000001;
      const injected = replay(k.orderBook(), { at: 5, bids: Float64Array.of(px, 0.5), asks: NONE });
      expect(injected.tickSize).toBe(0.01);
      const w = work(injected),
        c = work(clean);
      expect(
        { ...w, memoryBytes: 0, bidLevels: w.bidLevels! - 1 },
        "everything but the level itself and the small tree that holds it",
      ).toEqual({ ...c, memoryBytes: 0 });
      expect(injected.bids.entries().filter(([p]) => p !== px)).toEqual(clean.bids.entries());
      expect(
        injected.bids.entries().find(([p]) => p === px),
        "read back bit for bit",
      ).toEqual([px, 0.5]);
      expect(w.memoryBytes! - c.memoryBytes!, "one small leaf pool for the off-grid level").toBeLessThanOrEqual(2 * (32 * 16 + 12));
    });

    test("the window follows the drifting touch in few placements (6 minutes of BTCUSDT)", () => {
      const book = replay(k.orderBook());
      const moves = book.bids.rebuilds + book.asks.rebuilds,
        carried = book.bids.relocated + book.asks.relocated;
      let changes = 0;
      for (const d of diffs) changes += (d.bids.length + d.asks.length) / 2;
      expect(moves, `${moves} placements for ${diffs.length} updates`).toBeLessThan(diffs.length / 20);
      expect(carried, `${carried} levels carried for ${changes} level changes`).toBeLessThan(changes / 4);
    });
  });

  describe("L2Book: bounded work under hostile shapes", () => {
    /** A book of 1,000 bids 1 tick apart below 61000 and 1,000 asks above, tick 0.01. */
    function ladder(options = {}): OrderBook {
      const bids = new Float64Array(2000),
        asks = new Float64Array(2000);
      for (let i = 0; i < 1000; i++) {
        bids[2 * i] = (6_100_000 - i) / 100;
        bids[2 * i + 1] = 1;
        asks[2 * i] = (6_100_001 + i) / 100;
        asks[2 * i + 1] = 1;
      }
      const book = k.orderBook(options);
      book.load(bids, asks);
      return book;
    }

    test("a touch that jumps 10^4 ticks and back, 20,000 times, costs amortised O(1) level moves per change", () => {
      const book = ladder(),
        ref = new ReferenceBook();
      ref.load(
        ...(() => {
          const b: number[] = [],
            a: number[] = [];
          for (let i = 0; i < 1000; i++) {
            b.push((6_100_000 - i) / 100, 1);
            a.push((6_100_001 + i) / 100, 1);
          }
          return [b, a] as const;
        })(),
      );
      const jump = Float64Array.of(61100, 2),
        back = Float64Array.of(61100, 0);
      const n = 20_000;
      for (let k = 0; k < n; k++) {
        const levels = k % 2 === 0 ? jump : back;
        book.apply(levels, NONE);
        ref.apply(levels, NONE);
        if (k % 1000 < 2) expect(book.bids.bestPrice(), `after change ${k}`).toBe(ref.bids.prices[0]);
      }
      expect(book.bids.entries()).toEqual(ref.bids.entries());
      expect(book.bids.relocated, `levels carried by ${book.bids.rebuilds} placements for ${n} changes`).toBeLessThan(10 * n);
    });

    test("levels far from the touch (10^4 to 10^6 ticks) never recentre the window: at most they grow it, a bounded number of times", () => {
      const book = ladder();
      const before = book.bids.rebuilds;
      for (let k = 0; k < 10_000; k++) {
        const px = (6_100_000 - 10_000 - ((k * 7919) % 990_000)) / 100;
        book.apply(Float64Array.of(px, 1 + (k % 3)), NONE);
        if (k % 2 === 1) book.apply(Float64Array.of(px, 0), NONE);
      }
      expect(
        book.bids.rebuilds - before,
        "doublings from the ladder's 2048 ticks to the widest window, 16384, at most",
      ).toBeLessThanOrEqual(3);
      expect(book.bids.bestPrice()).toBe(61000);
    });

    test("the window follows the book as it drifts 20,000 ticks, even with a stale level pinned above it", () => {
      const clean = ladder(),
        pinned = ladder();
      pinned.apply(Float64Array.of(61000.5, 1), NONE);
      // each step the 100 best real bids go and 100 new ones come in below the deepest
      for (let step = 0; step < 200; step++) {
        const levels = new Float64Array(400);
        for (let i = 0; i < 100; i++) {
          levels[2 * i] = (6_100_000 - 100 * step - i) / 100;
          levels[200 + 2 * i] = (6_100_000 - 1000 - 100 * step - i) / 100;
          levels[200 + 2 * i + 1] = 1;
        }
        clean.apply(levels, NONE);
        pinned.apply(levels, NONE);
      }
      expect(clean.bids.rebuilds, "the window moved with the book").toBeGreaterThan(1);
      expect(pinned.bids.rebuilds, "and as often with a stale best level above it (anchored on the 8th best, not the best)").toBe(
        clean.bids.rebuilds,
      );
      expect(pinned.bids.entries().slice(1)).toEqual(clean.bids.entries());
      expect(pinned.bids.bestPrice()).toBe(61000.5);
    });

    test("removing absent levels (in the window, far, off the grid) changes nothing and allocates nothing", () => {
      const book = ladder();
      const before = work(book);
      for (const px of [61000.005, 61010.01, 50000, 61000.00000001, 1e-12, 1e12]) {
        book.apply(Float64Array.of(px, 0), Float64Array.of(px, 0));
        expect(work(book), `remove absent ${px}`).toEqual(before);
      }
    });

    test("a very wide book (10,000 levels over 10^6 ticks) keeps every level exactly, in bounded memory", () => {
      const book = k.orderBook(),
        ref = new ReferenceBook();
      const bids: number[] = [],
        asks: number[] = [];
      for (let i = 0; i < 10_000; i++) {
        const t = (i * 104_729) % 1_000_000;
        bids.push((6_100_000 - t) / 100, 1 + (i % 5));
        asks.push((6_100_001 + t) / 100, 1 + (i % 7));
      }
      book.load(Float64Array.from(bids), Float64Array.from(asks));
      ref.load(bids, asks);
      for (let i = 0; i < 5000; i++) {
        const t = (i * 7_919) % 1_000_000,
          px = (6_100_000 - t) / 100;
        const levels = Float64Array.of(px, i % 3 === 0 ? 0 : 2);
        book.apply(levels, NONE);
        ref.apply(levels, NONE);
      }
      expect(book.bids.entries()).toEqual(ref.bids.entries());
      expect(book.asks.entries()).toEqual(ref.asks.entries());
      expect(book.memoryBytes, "20,000 levels: windows (2 × 34 KB) + trees and pool (~16–32 B a level)").toBeLessThan(
        2 * 34_000 + 20_000 * 40,
      );
    });
  });

  describe("L2Book: memory follows the book", () => {
    test("an empty book holds no arrays; a snapshot sizes the window to its width; an empty snapshot releases it", () => {
      const book = k.orderBook();
      expect(book.memoryBytes, "a new book").toBe(0);
      book.load(Float64Array.of(100, 1, 99.99, 1), Float64Array.of(100.01, 1));
      const small = book.memoryBytes;
      /** A window of `ticks`: 2 B a tick, its bitmap and summary words, and a pool of 16 quantities. */
      const window = (ticks: number): number => ticks * 2 + (ticks / 32) * 4 + Math.max(1, ticks / 1024) * 4 + 16 * 8;
      expect(small, "a narrow book: two 64-tick windows").toBe(2 * window(64));
      book.apply(Float64Array.of(99, 1), NONE);
      expect(book.bids.rebuilds, "a level 100 ticks deep grows the bid window (64 → 256 ticks)").toBe(2);
      expect(book.memoryBytes).toBe(window(64) + window(256));
      book.load(Float64Array.of(100, 1), Float64Array.of(100.01, 1));
      expect(book.memoryBytes, "a narrow snapshot shrinks it back").toBe(small);
      book.load(NONE, NONE);
      expect(book.memoryBytes, "an empty snapshot").toBe(0);
    });

    test("a real 1000-level-a-side snapshot (BTCUSDT, levels ~20 ticks apart) takes about 100 KB; maxWindowTicks bounds the window", () => {
      const book = k.orderBook();
      book.load(snapshot.bids, snapshot.asks);
      expect(book.memoryBytes, "two 16384-tick windows (34 KB each) and ~1000 levels at 8–18 B").toBeLessThan(110_000);
      const narrow = k.orderBook({ maxWindowTicks: 1024 });
      narrow.load(snapshot.bids, snapshot.asks);
      expect(narrow.memoryBytes, "two 1024-tick windows, the rest in trees").toBeLessThan(45_000);
      expect(narrow.bids.entries()).toEqual(book.bids.entries());
    });

    test("maxLevels bounds each side: the levels farthest from the touch are dropped and counted", () => {
      const book = k.orderBook({ maxLevels: 100 });
      book.load(snapshot.bids, snapshot.asks);
      expect(book.bids.levels).toBe(100);
      expect(book.trimmed, "900 a side dropped from the 1000-level snapshot").toBe(1800);
      const full = k.orderBook();
      full.load(snapshot.bids, snapshot.asks);
      expect(book.bids.entries(), "the best 100 are kept").toEqual(full.bids.entries().slice(0, 100));
      const better = full.bids.bestPrice() + 0.01;
      book.apply(Float64Array.of(better, 1), NONE);
      expect(book.bids.levels).toBe(100);
      expect(book.bids.trimmed, "a new best pushes out the deepest").toBe(901);
      expect(book.bids.entries()[99]![0]).toBe(full.bids.entries()[98]![0]);
    });
  });

  describe("L2Book: exact prices and typed errors", () => {
    test("prices from 1e-12 to 1e12 read back bit for bit, on the grid and off it", () => {
      const prices = [
        1e-12,
        3e-12,
        1.5e-9,
        0.00001234,
        0.1,
        0.30000000000000004,
        1,
        61000.01,
        99999999.99,
        123456789.123,
        2 ** 38 + 0.5,
        9.99e11,
        1e12,
      ].sort((a, b) => a - b);
      for (const gridFrom of [
        [1e-12, 2e-12],
        [61000.01, 61000.02],
        [1e12, 1e12 - 1],
      ]) {
        const book = k.orderBook();
        book.load(Float64Array.of(gridFrom[0]!, 1, gridFrom[1]!, 1), NONE);
        book.apply(Float64Array.of(gridFrom[0]!, 0, gridFrom[1]!, 0), NONE);
        const bids = Float64Array.from(prices.flatMap((p, i) => [p, i + 1]));
        book.apply(bids, bids);
        const want = prices.map((p, i): [number, number] => [p, i + 1]);
        expect(book.asks.entries(), `asks with the grid of ${gridFrom[0]} (tick ${book.tickSize})`).toEqual(want);
        expect(book.bids.entries(), `bids with the grid of ${gridFrom[0]}`).toEqual([...want].reverse());
        expect(book.asks.bestPrice()).toBe(1e-12);
      }
    });

    test("levels given as plain arrays of numbers (the validator allows them) load and apply as a Float64Array's do", () => {
      const book = k.orderBook(),
        twin = k.orderBook();
      book.load([100, 1, 99.5, 2] as unknown as Float64Array, [] as unknown as Float64Array);
      twin.load(Float64Array.of(100, 1, 99.5, 2), NONE);
      book.apply([99.5, 0, 99, 3] as unknown as Float64Array, [101, 1] as unknown as Float64Array);
      twin.apply(Float64Array.of(99.5, 0, 99, 3), Float64Array.of(101, 1));
      expect(book.bids.entries()).toEqual([
        [100, 1],
        [99, 3],
      ]);
      expect(book.asks.entries()).toEqual(twin.asks.entries());
      expect(work(book)).toEqual(work(twin));
    });

    test("bad options and bad levels get typed errors, and a rejected update changes nothing", () => {
      expect(() => k.orderBook({ maxLevels: 0 })).toThrow(InvalidParameterError);
      expect(() => k.orderBook({ maxWindowTicks: 100 })).toThrow(/maxWindowTicks = 100: expected a power of two from 64 to 32768/);
      const book = k.orderBook();
      book.load(Float64Array.of(100, 1), Float64Array.of(101, 1));
      expect(() => book.apply(Float64Array.of(99, 1, Number.NaN, 1), NONE)).toThrow(InvalidValueError);
      expect(() => book.apply(NONE, Float64Array.of(102, -1))).toThrow(
        /asks\[1\] = -1: expected 0 or a quantity in \[1e-12, 1000000000000000\]/,
      );
      expect(() => book.apply(Float64Array.of(99), NONE)).toThrow(InvalidParameterError);
      expect(() => book.load("100,1" as unknown as Float64Array, NONE)).toThrow(InvalidParameterError);
      expect(() => book.apply(null as unknown as Float64Array, NONE)).toThrow(/bids = null: expected a Float64Array/);
      expect(book.bids.entries(), "unchanged").toEqual([[100, 1]]);
      expect(book.asks.entries()).toEqual([[101, 1]]);
    });
  });
});
