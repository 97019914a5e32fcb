/**
 * The L2 book of every backend (the JS heap's L2Book, its twin in WASM linear memory on the
 * SIMD and scalar builds) against a naive sorted-array book (test/support/referenceBook.ts)
 * under random operation sequences (fast-check): snapshot loads, level sets and removals,
 * removals of absent levels, prices off the grid, far prices, jumps of the touch, tick
 * sizes from 1e-8 to 100, any prices from 1e-12 to 1e12, and the maxLevels bound. After
 * every step the best price and quantity, the level counts, the top N, every level and
 * the trimmed counts agree exactly (prices bit for bit); and a WASM book agrees with the JS
 * one on the work done too (window placements, levels moved, memory, tick size).
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { L2Book } from "../../src/book/l2Book.js";
import type { OrderBook, OrderBookSide } from "../../src/book/orderBook.js";
import type { Kernels } from "../../src/kernels/types.js";
import { LIMITS } from "../../src/feeds/validate.js";
import { InvalidParameterError } from "../../src/errors.js";
import { LatencyHistogram } from "../../src/pipeline/latencyHistogram.js";
import { ReferenceBook, type ReferenceSide } from "../support/referenceBook.js";
import { backends } from "../support/backends.js";

/** A tick size as (step, decimals): tick = step / 10^decimals, from 1e-8 to 100. */
const TICKS: [number, number][] = [
  [1, 8],
  [1, 6],
  [5, 4],
  [1, 2],
  [25, 2],
  [5, 1],
  [1, 0],
  [100, 0],
];

/** Where a price of the pool comes from. */
type PriceSpec =
  | { kind: "near"; ticks: number } // on the grid, within a few hundred ticks of the base
  | { kind: "far"; ticks: number } // on the grid, 10^4 to 10^6 ticks away
  | { kind: "offGrid"; ticks: number; extra: number } // a finer decimal between two ticks
  | { kind: "any"; price: number }; // any double from 1e-12 to 1e12

const priceSpec: fc.Arbitrary<PriceSpec> = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -300, max: 300 }).map((ticks) => ({ kind: "near" as const, ticks })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 10_000, max: 1_000_000 }), fc.boolean())
      .map(([t, up]) => ({ kind: "far" as const, ticks: up ? t : -t })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: -300, max: 300 }), fc.integer({ min: 1, max: 999 }))
      .map(([ticks, extra]) => ({ kind: "offGrid" as const, ticks, extra })),
  },
  { weight: 1, arbitrary: fc.double({ min: 1e-12, max: 1e12, noNaN: true }).map((price) => ({ kind: "any" as const, price })) },
);

/** The double of the decimal k · 10^−e, parsed as the exchange's string is. */
const decimal = (k: number, e: number): number => Number(`${k}e-${e}`);

function priceOf(spec: PriceSpec, base: number, step: number, decimals: number): number {
  switch (spec.kind) {
    case "any":
      return spec.price;
    case "offGrid": {
      const k = (base + spec.ticks) * step * 1000 + spec.extra;
      return k > 0 ? decimal(k, decimals + 3) : spec.extra * 1e-12;
    }
    default: {
      const k = (base + spec.ticks) * step;
      return k > 0 ? decimal(k, decimals) : decimal(spec.ticks < 0 ? -spec.ticks : spec.ticks, decimals + 1) || 1e-12;
    }
  }
}

type Op =
  | { kind: "set"; bid: boolean; at: number; qty: number }
  | { kind: "remove"; bid: boolean; at: number }
  | { kind: "sweep"; bid: boolean; levels: number } // the best levels go: the touch moves away from the spread
  | { kind: "push"; bid: boolean; ticks: number; qty: number } // a level that many ticks better than the best: the touch jumps
  | { kind: "load"; bids: [number, number][]; asks: [number, number][] }
  | { kind: "diff"; bids: [number, number][]; asks: [number, number][] };

const qty = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 1_000_000 }).map((q) => q / 1000),
  fc.double({ min: LIMITS.minQty, max: LIMITS.maxQty, noNaN: true }),
);
const level = fc.tuple(fc.nat(), qty);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ kind: fc.constant("set" as const), bid: fc.boolean(), at: fc.nat(), qty: qty.filter((q) => q > 0) }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("remove" as const), bid: fc.boolean(), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("sweep" as const), bid: fc.boolean(), levels: fc.integer({ min: 1, max: 40 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("push" as const),
      bid: fc.boolean(),
      ticks: fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1000, max: 100_000 })),
      qty: qty.filter((q) => q > 0),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("load" as const),
      bids: fc.array(level, { maxLength: 40 }),
      asks: fc.array(level, { maxLength: 40 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("diff" as const),
      bids: fc.array(level, { maxLength: 8 }),
      asks: fc.array(level, { maxLength: 8 }),
    }),
  },
);

const scenario = fc.record({
  tick: fc.constantFrom(...TICKS),
  base: fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 100_000, max: 1e9 })),
  pool: fc.oneof(
    { weight: 4, arbitrary: fc.array(priceSpec, { minLength: 1, maxLength: 60 }) },
    { weight: 1, arbitrary: fc.array(priceSpec, { minLength: 100, maxLength: 400 }) },
  ),
  ops: fc.array(op, { maxLength: 80 }),
  maxLevels: fc.oneof(fc.constant(10_000), fc.integer({ min: 1, max: 30 })),
  maxWindowTicks: fc.constantFrom(64, 128, 4096),
  loadFirst: fc.boolean(),
});

function expectSide(side: OrderBookSide, ref: ReferenceSide, what: string): void {
  const expected = ref.entries();
  expect(side.levels, `${what} levels`).toBe(expected.length);
  expect(side.trimmed, `${what} trimmed`).toBe(ref.trimmed);
  expect(side.bestPrice(), `${what} best price`).toBe(expected.length ? expected[0]![0] : NaN);
  expect(side.bestQty(), `${what} best qty`).toBe(expected.length ? expected[0]![1] : NaN);
  for (const n of [1, 3, 20]) {
    const out = new Float64Array(2 * n);
    const k = side.top(n, out, 0, n);
    expect(
      Array.from({ length: k }, (_, i) => [out[i], out[n + i]]),
      `${what} top ${n}`,
    ).toEqual(expected.slice(0, n));
  }
  expect(side.entries(), `${what} entries`).toEqual(expected);
}

/** The work a book did and its shape beyond the levels: what two backends must agree on too. */
function work(book: OrderBook): Record<string, number> {
  return {
    tickSize: book.tickSize,
    memoryBytes: book.memoryBytes,
    bidRebuilds: book.bids.rebuilds,
    askRebuilds: book.asks.rebuilds,
    bidRelocated: book.bids.relocated,
    askRelocated: book.asks.relocated,
  };
}

function run(
  k: Kernels,
  s: {
    tick: [number, number];
    base: number;
    pool: PriceSpec[];
    ops: Op[];
    maxLevels: number;
    maxWindowTicks: number;
    loadFirst: boolean;
  },
): void {
  const [step, decimals] = s.tick;
  const prices = s.pool.map((p) => priceOf(p, s.base, step, decimals));
  const px = (at: number): number => prices[at % prices.length]!;
  const flat = (ls: [number, number][]): Float64Array => Float64Array.from(ls.flatMap(([at, q]) => [px(at), q]));
  const book = k.orderBook({ maxLevels: s.maxLevels, maxWindowTicks: s.maxWindowTicks });
  // the JS backend's book beside it: the same work, step by step
  const twin = new L2Book({ maxLevels: s.maxLevels, maxWindowTicks: s.maxWindowTicks });
  const ref = new ReferenceBook(s.maxLevels);
  // a first snapshot of the prices on the grid teaches the book the scenario's tick
  const onGrid = s.pool.flatMap((p, i): [number, number][] => (p.kind === "near" || p.kind === "far" ? [[i, 1 + i]] : []));
  const ops: Op[] = s.loadFirst ? [{ kind: "load", bids: onGrid, asks: [] }, ...s.ops] : s.ops;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.kind === "set" || o.kind === "remove" || o.kind === "sweep" || o.kind === "push") {
      const side = o.bid ? ref.bids : ref.asks,
        best = side.prices[0] ?? px(0);
      const levels =
        o.kind === "set"
          ? Float64Array.of(px(o.at), o.qty)
          : o.kind === "remove"
            ? Float64Array.of(px(o.at), 0)
            : o.kind === "sweep"
              ? Float64Array.from(side.prices.slice(0, o.levels).flatMap((p) => [p, 0]))
              : Float64Array.of(decimal(Math.round(best * 10 ** decimals) + (o.bid ? 1 : -1) * o.ticks * step, decimals), o.qty);
      // a push past the validator's price bounds is no level the book takes (it throws): skip it
      if (levels.length > 0 && !(levels[0]! >= LIMITS.minPrice && levels[0]! <= LIMITS.maxPrice)) continue;
      const none = new Float64Array(0);
      book.apply(o.bid ? levels : none, o.bid ? none : levels);
      twin.apply(o.bid ? levels : none, o.bid ? none : levels);
      ref.apply(o.bid ? levels : none, o.bid ? none : levels);
    } else {
      const b = flat(o.bids),
        a = flat(o.asks);
      if (o.kind === "load") {
        book.load(b, a);
        twin.load(b, a);
        ref.load(b, a);
      } else {
        book.apply(b, a);
        twin.apply(b, a);
        ref.apply(b, a);
      }
    }
    expectSide(book.bids, ref.bids, `after op ${i} (${o.kind}): bids`);
    expectSide(book.asks, ref.asks, `after op ${i} (${o.kind}): asks`);
    expect(work(book), `after op ${i} (${o.kind}): the work done, as the JS book's`).toEqual(work(twin));
    expect(book.crossed, `after op ${i}: crossed`).toBe(twin.crossed);
  }
  book.dispose();
}

describe.each(backends)("the $backend backend's L2 book against a naive book", (k: Kernels) => {
  test("random snapshots, sets, removals, off-grid, far and extreme prices agree exactly after every step", () => {
    fc.assert(
      fc.property(scenario, (s) => run(k, s)),
      { numRuns: 3000 },
    );
  });

  test("the tick size is learnt from each snapshot and a price off the grid does not change it", () => {
    const book = k.orderBook({ maxWindowTicks: 1024 });
    book.load(Float64Array.of(100, 1, 99.5, 2), Float64Array.of(101, 1, 102.5, 1));
    expect(book.tickSize).toBe(0.5);
    book.apply(Float64Array.of(100.25, 3), new Float64Array(0));
    expect(book.tickSize, "an off-grid price is stored as it is, the grid stays").toBe(0.5);
    expect(book.bids.entries()).toEqual([
      [100.25, 3],
      [100, 1],
      [99.5, 2],
    ]);
    expect(book.crossed).toBe(false);
    book.apply(Float64Array.of(101, 1), new Float64Array(0));
    expect(book.crossed, "bid 101 >= ask 101").toBe(true);
    book.load(Float64Array.of(61000.01, 1, 61000, 2), Float64Array.of(61000.02, 1));
    expect(book.tickSize, "relearnt from the next snapshot").toBe(0.01);
    book.dispose();
  });

  test("top(): never past `out` (on WASM the memory beside a view of the module stays as it was), never more than the side holds", () => {
    const book = k.orderBook();
    book.load(Float64Array.of(100, 1, 99, 2, 98, 3), Float64Array.of(101, 1));
    const out = k.allocFloat64(4),
      beside = k.allocFloat64(4);
    beside.array.fill(7);
    expect(() => book.bids.top(20, out.array, 0, 20)).toThrow(InvalidParameterError);
    expect(() => book.bids.top(3, out.array, 0, 2), "the quantities' run would end past out").toThrow(InvalidParameterError);
    expect([...beside.array]).toEqual([7, 7, 7, 7]);
    for (const [n, pxAt, qtyAt] of [
      [2.5, 0, 2],
      [-1, 0, 2],
      [Number.NaN, 0, 2],
      [2, -1, 2],
      [2, 0, 1.5],
      [2, 0, Number.POSITIVE_INFINITY],
    ])
      expect(() => book.bids.top(n!, out.array, pxAt!, qtyAt!), `top(${n}, out, ${pxAt}, ${qtyAt})`).toThrow(InvalidParameterError);
    expect(() => book.bids.top(2, [0, 0, 0, 0] as unknown as Float64Array, 0, 2)).toThrow(InvalidParameterError);
    // n beyond the levels held: as many as there are, the rest of out untouched, no scratch the size of n
    const before = k.memoryBytes;
    const wide = new Float64Array(6).fill(-1);
    expect(book.bids.top(4e6, wide, 0, 3)).toBe(3);
    expect([...wide]).toEqual([100, 99, 98, 1, 2, 3]);
    expect(k.memoryBytes, "no scratch sized by n").toBe(before);
    // nor when `out` is large enough for n (the check lets n through): still the three levels, no scratch the size of n
    const roomy = new Float64Array(2_000_000).fill(-1);
    expect(book.bids.top(1_000_000, roomy, 0, 1_000_000)).toBe(3);
    expect([roomy[0], roomy[1], roomy[2], roomy[3], roomy[1_000_000], roomy[1_000_002], roomy[1_000_003]]).toEqual([
      100, 99, 98, -1, 1, 3, -1,
    ]);
    expect(k.memoryBytes, "no scratch sized by n").toBe(before);
    expect(book.bids.top(2, out.array, 0, 2)).toBe(2);
    expect([...out.array]).toEqual([100, 99, 1, 2]);
    expect(book.asks.top(0, new Float64Array(0), 0, 0)).toBe(0);
    out.free();
    beside.free();
    book.dispose();
  });

  test("levels must be numbers: a numeric string (as exchanges send them) is an InvalidParameterError, not a level", () => {
    const book = k.orderBook();
    const strings = ["100.00", "1.5"] as unknown as Float64Array;
    expect(() => book.load(strings, Float64Array.of(101, 1))).toThrow(InvalidParameterError);
    expect(() => book.apply(Float64Array.of(100, 1), [101, "0.25"] as unknown as Float64Array)).toThrow("asks[1]");
    expect(book.bids.levels + book.asks.levels, "nothing changed").toBe(0);
    book.load([100, 1.5] as unknown as Float64Array, Float64Array.of(101, 1));
    expect(typeof book.bids.bestQty()).toBe("number");
    book.dispose();
  });
});

describe("LatencyHistogram", () => {
  test("quantiles overstate by at most one bucket (6.25 %), never understate", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1, max: 1e8, noNaN: true }), { minLength: 1, maxLength: 500 }),
        fc.constantFrom(0.5, 0.9, 0.99, 0.999, 1),
        (xs, q) => {
          const h = new LatencyHistogram();
          for (const x of xs) h.record(x);
          const sorted = [...xs].sort((a, b) => a - b);
          const exact = sorted[Math.ceil(q * xs.length) - 1]!;
          const got = h.quantile(q);
          expect(got).toBeGreaterThanOrEqual(Math.floor(exact));
          expect(got).toBeLessThanOrEqual(exact * 1.0625 + 1);
          expect(h.max).toBe(sorted[sorted.length - 1]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
