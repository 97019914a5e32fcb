/**
 * ConfluenceCore.bookFrom: a book's top levels into the core in one call (on the WASM backend,
 * read in place by coreBookFrom; any other OrderBook through its sides' `top`). It must be
 * exactly what writing the top levels by hand and calling book() is: on every backend, with
 * the kernels' own book and with a JS-heap book, through random loads and diffs (fast-check)
 * that leave sides shorter than the depth, empty or crossed — outputs compared bit for bit.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { L2Book, type ConfluenceCore, type Kernels, type OrderBook } from "../../src/index.js";
import * as O from "../../src/kernels/coreLayout.js";
import { backends } from "../support/backends.js";

const options = (depth: number) => ({
  lookback: 3,
  depth,
  ofiWindow: 3,
  flowWindow: 3,
  sensitivity: 1,
  staleMs: 1_000,
  bookDepthWeight: 0.5,
  tradeFlowWeight: 0.5,
  weights: [0.4, 0.2, 0.1, 0.1, 0.1, 0.1],
  levelWeights: Array.from({ length: depth }, (_, i) => 1 / (1 + i)),
});

/** The reference: the top levels written into the input through a scratch array, then book(). */
function byHand(core: ConfluenceCore, book: OrderBook, depth: number): void {
  const top = new Float64Array(4 * depth);
  const nb = book.bids.top(depth, top, 0, depth),
    na = book.asks.top(depth, top, 2 * depth, 3 * depth);
  core.bookInput.set(top);
  core.book(nb, na);
}

function outputs(core: ConfluenceCore, now: number): { ready: boolean; out: Float64Array } {
  const ready = core.compute(now);
  const out = new Float64Array(O.OUTPUTS);
  core.snapshot(out);
  return { ready, out };
}

// prices on a 0.5 grid around 100 (so diffs hit existing levels), sizes with zeros that remove levels
const level = fc.tuple(
  fc.integer({ min: 0, max: 40 }).map((k) => 90 + k * 0.5),
  fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 500 }).map((q) => q / 100),
  ),
);
const side = fc.array(level, { maxLength: 12 }).map((ls) => Float64Array.from(ls.flat()));
// a snapshot's levels: distinct prices, positive sizes
const snapshotSide = fc
  .uniqueArray(level, { maxLength: 12, selector: ([p]) => p })
  .map((ls) => Float64Array.from(ls.flatMap(([p, q]) => [p, q || 1])));
const step = fc.oneof(
  fc.record({ snapshot: fc.constant(true), bids: snapshotSide, asks: snapshotSide }),
  fc.record({ snapshot: fc.constant(false), bids: side, asks: side }),
);

describe.each(backends)("bookFrom on $backend", (k: Kernels) => {
  test("the same outputs as the top levels written by hand, with the kernels' book and with a JS-heap book", () => {
    const scored = new Set<number>();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(step, { minLength: 16, maxLength: 30 }), (depth, steps) => {
        const own = k.orderBook(),
          heap = new L2Book();
        const [reference, fromOwn, fromHeap] = [0, 1, 2].map(() => k.confluenceCore(options(depth), true));
        try {
          steps.forEach((s, i) => {
            for (const book of [own, heap]) {
              if (s.snapshot) book.load(s.bids, s.asks);
              else book.apply(s.bids, s.asks);
            }
            // trades and quotes warm the other components up, so the score is computed and the book's share shows
            for (const c of [reference!, fromOwn!, fromHeap!]) {
              c.trade(100 + (i % 3), 1 + (i % 2), i % 2 === 0, i);
              c.quote(99.5, 1 + (i % 4), 100.5, 2);
            }
            byHand(reference!, own, depth);
            fromOwn!.bookFrom(own);
            fromHeap!.bookFrom(heap);
            const want = outputs(reference!, i);
            expect(outputs(fromOwn!, i), `step ${i}: the kernels' own book`).toStrictEqual(want);
            expect(outputs(fromHeap!, i), `step ${i}: a JS-heap book`).toStrictEqual(want);
            if (want.ready) scored.add(want.out[O.SCORE]!);
          });
        } finally {
          for (const c of [reference, fromOwn, fromHeap]) c!.dispose();
          own.dispose();
        }
      }),
      { numRuns: 200 },
    );
    expect(scored.size, "distinct scores computed (comparing warm-up NaNs would prove nothing)").toBeGreaterThan(100);
  });
});
