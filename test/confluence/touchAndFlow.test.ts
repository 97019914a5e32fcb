/**
 * The two short-horizon components: orderbook, led by the touch imbalance at the best quote
 * (from the best-quote stream, or from a book when no quote came since the book before it)
 * with depth in only through bookDepthWeight, and orderflow over its own short
 * windows (the order-flow imbalance of the last ofiWindow quotes, the trade flow of the last
 * flowWindow trades, mixed by tradeFlowWeight). Reference values computed by hand on small
 * scripted sequences (the order-flow imbalance per Cont, Kukanov & Stoikov 2014, "The Price
 * Impact of Order Book Events", eq. 10), a property test against a naive reference on every
 * backend, and the identity that makes the microprice offset the touch imbalance, checked on
 * real captures; both signal shapes (squash, and the presets' linear, where the default's orderbook
 * signal is the touch imbalance itself). (The new options' typed errors: test/kernels/contract.test.ts and
 * test/confluence/analyzer.test.ts.)
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { ConfluenceAnalyzer, type ConfluenceConfigInput, type ConfluenceUpdate, type Kernels } from "../../src/index.js";
import { backends } from "../support/backends.js";
import { BTCUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { captureEvents } from "../support/replay.js";

const squash = (x: number): number => x / (1 + Math.abs(x));
const linear = (x: number): number => Math.min(1, Math.max(-1, x));
const ONLY = { orderbook: 0, orderflow: 0, volume: 0, price_structure: 0, technical: 0, sentiment: 0 };

type Quote = { bidPx: number; bidQty: number; askPx: number; askQty: number };
type Level = [number, number];

/** e_n of Cont, Kukanov & Stoikov (2014), eq. 10, from the previous and the current best quote. */
function ofiStep(p: Quote, q: Quote): number {
  return (
    (q.bidPx >= p.bidPx ? q.bidQty : 0) -
    (q.bidPx <= p.bidPx ? p.bidQty : 0) -
    (q.askPx <= p.askPx ? q.askQty : 0) +
    (q.askPx >= p.askPx ? p.askQty : 0)
  );
}

describe.each(backends)("by hand on $backend", (k: Kernels) => {
  test("orderbook: the touch from the quote stream (a book's when no quote came since the book before), depth in by bookDepthWeight, confidence from the touch's size", () => {
    // lookback 1: the touch size's mean is EW with α = 2/(4·1 + 1) = 0.4
    const a = new ConfluenceAnalyzer(k, {
      weights: { ...ONLY, orderbook: 1 },
      depth: 2,
      lookback: 1,
      sensitivity: 1,
      signalShape: "squash",
      bookDepthWeight: 0.5,
    });
    const ob = (u: ConfluenceUpdate | null) => u!.components.orderbook;
    // 1. a book before any quote sets the touch: bids 3@100 1@99, asks 1@101 1@102; touch (3 − 1)/(3 + 1) = 0.5, level weights 1, e^−1
    a.onBook(
      [
        [100, 3],
        [99, 1],
      ],
      [
        [101, 1],
        [102, 1],
      ],
    );
    const dwi = 2 / (4 + 2 * Math.exp(-1));
    let u = a.compute(0)!;
    expect(u.features.touchImbalance).toBe(0.5);
    expect(u.features.micropriceOffset, "microprice 100.75, mid 100.5, spread 1: 2·0.25/1").toBe(0.5);
    expect(u.features.touchSizeRatio, "the first touch is its own mean").toBe(1);
    expect(ob(u).signal).toBeCloseTo(squash(4 * (0.5 * 0.5 + 0.5 * dwi)), 14);
    expect(ob(u).confidence, "size ratio 1 × (1 − d + d·levels/N) = 1").toBe(1);
    // 2. a best quote sets the touch: 100×1 / 101×3, imbalance −0.5; the depth part stays the book's
    a.onQuote({ bidPx: 100, bidQty: 1, askPx: 101, askQty: 3 });
    u = a.compute(1)!;
    expect(u.features.touchImbalance).toBe(-0.5);
    expect(u.features.microprice).toBe(100.25);
    expect(ob(u).signal).toBeCloseTo(squash(4 * (0.5 * -0.5 + 0.5 * dwi)), 14);
    // 3. a thin touch: 100×0.5 / 101×0.5, size 1 against the mean 4 + 0.4·(1 − 4) = 2.8
    a.onQuote({ bidPx: 100, bidQty: 0.5, askPx: 101, askQty: 0.5 });
    u = a.compute(2)!;
    expect(u.features.touchImbalance).toBe(0);
    expect(u.features.touchSizeRatio).toBeCloseTo(1 / 2.8, 14);
    expect(ob(u).signal).toBeCloseTo(squash(4 * (0.5 * dwi)), 14);
    expect(ob(u).confidence, "a thin touch lowers the confidence").toBeCloseTo(1 / 2.8, 14);
    // 4. a book with an empty side after quotes: the quote stream keeps the touch; the depth part is gone
    a.onBook([[100, 1]], []);
    u = a.compute(3)!;
    expect(u.features.touchImbalance).toBe(0);
    expect(ob(u).signal, "touch 0, no depth part").toBe(0);
    expect(ob(u).confidence, "size ratio × (1 − d): the touch still counts").toBeCloseTo((1 / 2.8) * 0.5, 14);
    // 5. another one with no quote since: the book is the touch's source, and it has none: silent
    a.onBook([[100, 1]], []);
    u = a.compute(4)!;
    expect([ob(u).signal, ob(u).confidence, u.score], "no touch: signal 0, confidence 0, score 50").toEqual([0, 0, 50]);
    // 6. a quote brings the touch back; without a complete book the depth part is 0 and backs nothing
    a.onQuote({ bidPx: 100, bidQty: 3, askPx: 101, askQty: 1 });
    u = a.compute(5)!;
    const mean = 2.8 + 0.4 * (4 - 2.8);
    expect(ob(u).signal).toBeCloseTo(squash(4 * (0.5 * 0.5)), 14);
    expect(ob(u).confidence, "size ratio × (1 − d)").toBeCloseTo(Math.min(4 / mean, 1) * 0.5, 14);
    // 7. a complete book after the quote: its depth part counts, the quote's touch stays: bids 1@100 2@99, asks 3@101 1@102
    const book2 = (): void =>
      a.onBook(
        [
          [100, 1],
          [99, 2],
        ],
        [
          [101, 3],
          [102, 1],
        ],
      );
    book2();
    u = a.compute(6)!;
    const dwi2 = (1 + 2 * Math.exp(-1) - (3 + Math.exp(-1))) / (1 + 2 * Math.exp(-1) + 3 + Math.exp(-1));
    expect(u.features.touchImbalance, "the quote's").toBe(0.5);
    expect(ob(u).signal).toBeCloseTo(squash(4 * (0.5 * 0.5 + 0.5 * dwi2)), 14);
    // 8. the next book with no quote between takes the touch over (a quote stream that stopped)
    book2();
    u = a.compute(7)!;
    expect(u.features.touchImbalance, "the book's: (1 − 3)/(1 + 3)").toBe(-0.5);
    expect(ob(u).signal).toBeCloseTo(squash(4 * (0.5 * -0.5 + 0.5 * dwi2)), 14);
    a.dispose();
  });

  test("the linear shape: clamp(4·sensitivity·raw, −1, 1); at the presets' sensitivity 0.25 the touch and OFI as they are", () => {
    const quote = { bidPx: 100, bidQty: 3, askPx: 101, askQty: 1 }; // touch imbalance 0.5
    for (const [sensitivity, expected] of [
      [0.25, 0.5],
      [0.1, 0.2],
      [1, 1], // 4·0.5 = 2, clamped
    ] as const) {
      const a = new ConfluenceAnalyzer(k, { weights: { ...ONLY, orderbook: 1 }, sensitivity, signalShape: "linear" });
      a.onQuote(quote);
      const u = a.compute(0)!;
      expect(u.components.orderbook.signal, `sensitivity ${sensitivity}`).toBeCloseTo(expected, 15);
      a.onQuote({ bidPx: 100, bidQty: 1, askPx: 101, askQty: 3 });
      expect(a.compute(1)!.components.orderbook.signal, "odd: the mirror image").toBeCloseTo(-expected, 15);
      a.dispose();
    }
  });

  test("orderbook with the default preset's share and shape: the touch imbalance itself, exactly, and a quote is enough to score", () => {
    const a = new ConfluenceAnalyzer(k, { weights: { ...ONLY, orderbook: 1 }, depth: 2 });
    expect(a.compute(0)).toBeNull();
    expect(a.needed, "a touch is missing: a quote (or a book)").toEqual({ trades: 0, quotes: 1, books: 0 });
    a.onQuote({ bidPx: 100, bidQty: 3, askPx: 101, askQty: 1 });
    const u = a.compute(1)!;
    expect(u.components.orderbook.signal, "(3 − 1)/(3 + 1)").toBe(0.5);
    expect(u.score).toBe(75);
    a.dispose();
  });

  test("orderflow: OFI over the last K quotes (CKS eq. 10) and trade flow over the last F trades, mixed by m", () => {
    const a = new ConfluenceAnalyzer(k, {
      weights: { ...ONLY, orderflow: 1 },
      lookback: 50,
      ofiWindow: 3,
      flowWindow: 3,
      tradeFlowWeight: 0.25,
      sensitivity: 1,
      signalShape: "squash",
    });
    expect(a.compute(0)).toBeNull();
    expect(a.needed, "F trades and K + 1 quotes, whatever the lookback").toEqual({ trades: 3, quotes: 4, books: 0 });
    const quotes: Quote[] = [
      { bidPx: 100, bidQty: 2, askPx: 101, askQty: 3 },
      { bidPx: 100, bidQty: 5, askPx: 101, askQty: 3 }, // bid queue +3 at the same price: e = 5 − 2 = 3
      { bidPx: 100.5, bidQty: 1, askPx: 101, askQty: 2 }, // a better bid (its queue 1), ask queue 3 → 2: e = 1 − 2 + 3 = 2
      { bidPx: 100.5, bidQty: 1, askPx: 100.9, askQty: 4 }, // a better ask (its queue 4): e = (1 − 1) − 4 = −4
      { bidPx: 100, bidQty: 6, askPx: 100.9, askQty: 2 }, // the bid backs off (1 gone), ask queue 4 → 2: e = −1 − 2 + 4 = 1
    ];
    expect(
      quotes.slice(1).map((q, i) => ofiStep(quotes[i]!, q)),
      "the e_n worked out above",
    ).toEqual([3, 2, -4, 1]);
    const trades = [
      { qty: 1, buyerInitiated: true },
      { qty: 2, buyerInitiated: false },
      { qty: 0.5, buyerInitiated: true },
      { qty: 3, buyerInitiated: true },
    ];
    for (const [i, t] of trades.entries()) a.onTrade({ price: 100, ...t, time: i });
    for (const q of quotes.slice(0, 4)) a.onQuote(q);
    let u = a.compute(4)!;
    // e = 3, 2, −4: Σe = 1, Σ|e| = 9; last three trades: buy 3.5, sell 2
    const tfi = 1.5 / 5.5;
    expect(u.features.orderFlowImbalance).toBeCloseTo(1 / 9, 15);
    expect(u.features.ofiSum).toBe(1);
    expect(u.features.tradeFlowImbalance).toBeCloseTo(tfi, 15);
    expect(u.features.volumeDeltaImbalance, "the L-trade flow: all four trades").toBeCloseTo(2.5 / 6.5, 15);
    expect(u.components.orderflow.signal).toBeCloseTo(squash(4 * (0.75 * (1 / 9) + 0.25 * tfi)), 15);
    expect(u.components.orderflow.confidence).toBeCloseTo(1 - Math.abs(tfi - 1 / 9) / 2, 15);
    a.onQuote(quotes[4]!);
    u = a.compute(5)!;
    // the window moved on: e = 2, −4, 1
    expect(u.features.orderFlowImbalance).toBeCloseTo(-1 / 7, 15);
    expect(u.features.ofiSum).toBe(-1);
    expect(u.components.orderflow.signal).toBeCloseTo(squash(4 * (0.75 * (-1 / 7) + 0.25 * tfi)), 15);
    a.dispose();
  });

  test("warm-up follows the depth's share: a book only when depth counts", () => {
    const a = new ConfluenceAnalyzer(k, { weights: { ...ONLY, orderbook: 1 }, bookDepthWeight: 0.2 });
    a.onQuote({ bidPx: 100, bidQty: 1, askPx: 101, askQty: 1 });
    expect(a.compute(0)).toBeNull();
    expect(a.needed).toEqual({ trades: 0, quotes: 0, books: 1 });
    a.onBook([[100, 1]], [[101, 2]]);
    expect(a.compute(1)).not.toBeNull();
    a.dispose();
  });
});

describe("against a naive reference (fast-check)", () => {
  /** The two components recomputed from the whole history on every event, the obvious way. */
  class Naive {
    readonly quotes: Quote[] = [];
    readonly trades: { qty: number; buyer: boolean }[] = [];
    readonly sizes: number[] = [];
    touch: { qb: number; qa: number } | null = null;
    /** False after a book with an empty side, until the next quote or complete book (the feature keeps the last touch). */
    touchValid = false;
    book: { dwi: number; levels: number } | null = null;
    books = 0;
    /** Quotes seen at the last book: a book sets the touch only when none came since. */
    quotesAtBook = 0;

    constructor(
      readonly c: {
        lookback: number;
        depth: number;
        ofiWindow: number;
        flowWindow: number;
        bookDepthWeight: number;
        tradeFlowWeight: number;
        sensitivity: number;
        signalShape: "squash" | "linear";
      },
    ) {}

    onQuote(q: Quote): void {
      this.quotes.push(q);
      this.setTouch(q.bidQty, q.askQty);
    }

    onBook(bids: Level[], asks: Level[]): void {
      const n = this.c.depth,
        b = bids.slice(0, n),
        s = asks.slice(0, n);
      const touch = this.quotes.length === this.quotesAtBook;
      this.quotesAtBook = this.quotes.length;
      if (b.length === 0 || s.length === 0) {
        this.book = null;
        if (touch) this.touchValid = false;
        return;
      }
      const w = (i: number): number => Math.exp((-2 * i) / n);
      const sb = b.reduce((acc, [, q], i) => acc + w(i) * q, 0),
        sa = s.reduce((acc, [, q], i) => acc + w(i) * q, 0);
      this.book = { dwi: sb + sa > 0 ? (sb - sa) / (sb + sa) : 0, levels: Math.min(b.length, s.length) };
      this.books++;
      if (touch) this.setTouch(b[0]![1], s[0]![1]);
    }

    private setTouch(qb: number, qa: number): void {
      this.touch = { qb, qa };
      this.touchValid = true;
      this.sizes.push(qb + qa);
    }

    needed(): { trades: number; quotes: number; books: number } {
      const { ofiWindow, flowWindow, bookDepthWeight } = this.c;
      const touch = bookDepthWeight === 0 && this.quotes.length + this.books === 0 ? 1 : 0;
      return {
        trades: Math.max(0, flowWindow - this.trades.length),
        quotes: Math.max(touch, ofiWindow + 1 - this.quotes.length),
        books: bookDepthWeight > 0 ? Math.max(0, 1 - this.books) : 0,
      };
    }

    expected(): Record<string, number> {
      const { lookback, ofiWindow, flowWindow, bookDepthWeight: d, tradeFlowWeight: m, sensitivity } = this.c;
      const shape = (x: number): number => (this.c.signalShape === "linear" ? linear : squash)(4 * sensitivity * x);
      const last = this.sizes[this.sizes.length - 1]!;
      let mean = this.sizes[0]!;
      for (const s of this.sizes.slice(1)) mean += (2 / (4 * lookback + 1)) * (s - mean);
      const ratio = mean > 0 ? last / mean : 0;
      const t = this.touch,
        valid = this.touchValid;
      const ti = t && t.qb + t.qa > 0 ? (t.qb - t.qa) / (t.qb + t.qa) : 0;
      const e = this.quotes.slice(1).map((q, i) => ofiStep(this.quotes[i]!, q));
      const window = e.slice(-ofiWindow);
      const sum = window.reduce((a, b) => a + b, 0),
        abs = window.reduce((a, b) => a + Math.abs(b), 0);
      const ofn = e.length >= ofiWindow && abs > 0 ? sum / abs : 0;
      let buy = 0,
        sell = 0;
      for (const x of this.trades.slice(-flowWindow)) x.buyer ? (buy += x.qty) : (sell += x.qty);
      const tfi = buy + sell > 0 ? (buy - sell) / (buy + sell) : 0;
      const depthPart = this.book ? this.book.dwi : 0,
        levels = this.book ? this.book.levels / this.c.depth : 0;
      return {
        touchImbalance: ti,
        touchSizeRatio: ratio,
        orderFlowImbalance: ofn,
        ofiSum: e.length >= ofiWindow ? sum : 0,
        ofiScale: abs,
        tradeFlowImbalance: tfi,
        orderbookSignal: valid ? shape((1 - d) * ti + d * depthPart) : 0,
        orderbookConfidence: valid ? Math.min(ratio, 1) * (1 - d + d * levels) : 0,
        orderflowSignal: shape((1 - m) * ofn + m * tfi),
        orderflowConfidence: 1 - Math.abs(tfi - ofn) / 2,
      };
    }
  }

  const price = fc.oneof(fc.constantFrom(99.99, 100, 100.01, 100.02), fc.double({ min: 1, max: 1e6, noNaN: true }));
  const qty = fc.oneof(fc.constantFrom(0, 0.5, 1, 3.7), fc.double({ min: 1e-6, max: 1e6, noNaN: true }));
  const levels = fc.array(fc.tuple(price, qty), { maxLength: 4 });
  const event = fc.oneof(
    fc.record({ kind: fc.constant("trade" as const), price, qty, buyer: fc.boolean() }),
    fc.record({ kind: fc.constant("quote" as const), bidPx: price, bidQty: qty, askPx: price, askQty: qty }),
    fc.record({ kind: fc.constant("book" as const), bids: levels, asks: levels }),
  );
  const share = fc.oneof(fc.constantFrom(0, 0.5, 1), fc.double({ min: 0, max: 1, noNaN: true }));
  const config = fc.record({
    lookback: fc.integer({ min: 1, max: 5 }),
    depth: fc.integer({ min: 1, max: 4 }),
    ofiWindow: fc.integer({ min: 1, max: 6 }),
    flowWindow: fc.integer({ min: 1, max: 6 }),
    bookDepthWeight: share,
    tradeFlowWeight: share,
    sensitivity: fc.oneof(fc.constantFrom(0.25, 1), fc.double({ min: 0.01, max: 10, noNaN: true })),
    signalShape: fc.constantFrom("squash" as const, "linear" as const),
  });

  test.each(backends.map((k) => [k.backend, k] as const))(
    "%s: features, signals, confidences and warm-up as the naive reference computes them",
    (_, k) => {
      let scored = 0;
      fc.assert(
        fc.property(config, fc.array(event, { minLength: 15, maxLength: 60, size: "max" }), (c, events) => {
          const input: ConfluenceConfigInput = { ...c, weights: { ...ONLY, orderbook: 0.5, orderflow: 0.5 } };
          const a = new ConfluenceAnalyzer(k, input);
          const naive = new Naive(c);
          try {
            for (const [i, e] of events.entries()) {
              if (e.kind === "trade") {
                a.onTrade({ price: e.price, qty: e.qty, buyerInitiated: e.buyer, time: i });
                naive.trades.push({ qty: e.qty, buyer: e.buyer });
              } else if (e.kind === "quote") {
                a.onQuote(e);
                naive.onQuote(e);
              } else {
                a.onBook(e.bids, e.asks);
                naive.onBook(e.bids, e.asks);
              }
              const u = a.compute(i);
              const where = `event ${i} (${e.kind})`;
              if (!u) {
                expect(a.needed, `${where}: what is missing`).toEqual(naive.needed());
                continue;
              }
              expect(naive.needed(), `${where}: scored while the reference still waits`).toEqual({ trades: 0, quotes: 0, books: 0 });
              scored++;
              const x = naive.expected();
              const got: Record<string, number> = {
                touchImbalance: u.features.touchImbalance,
                touchSizeRatio: u.features.touchSizeRatio,
                orderFlowImbalance: u.features.orderFlowImbalance,
                ofiSum: u.features.ofiSum,
                tradeFlowImbalance: u.features.tradeFlowImbalance,
                orderbookSignal: u.components.orderbook.signal,
                orderbookConfidence: u.components.orderbook.confidence,
                orderflowSignal: u.components.orderflow.signal,
                orderflowConfidence: u.components.orderflow.confidence,
              };
              for (const [name, v] of Object.entries(got)) {
                // compensated window sums against plain ones: equal to rounding, on the scale of what was summed
                const scale = name === "ofiSum" ? Math.max(1, x.ofiScale!) : name === "touchSizeRatio" ? Math.max(1, x[name]!) : 1;
                expect(Math.abs(v - x[name]!), `${where}: ${name} ${v}, reference ${x[name]}`).toBeLessThanOrEqual(1e-9 * scale);
              }
            }
          } finally {
            a.dispose();
          }
        }),
        { numRuns: 300 },
      );
      expect(scored, "scored updates compared (not only warm-ups)").toBeGreaterThan(1000);
    },
  );
});

describe("real captures", () => {
  test.each([
    ["BTCUSDT spot", BTCUSDT],
    ["ETHUSDT USD-M", USDM_ETHUSDT],
  ])("%s: the microprice offset is the touch imbalance (microprice − mid = spread·(Bq − Aq)/(Bq + Aq)/2), to rounding", async (_, file) => {
    const { events } = await captureEvents(file, 10);
    const a = new ConfluenceAnalyzer(backends[0]!, { weights: { ...ONLY, orderbook: 1 } });
    let compared = 0;
    for (const e of events) {
      if (e.kind === "trade") a.onTrade(e);
      else if (e.kind === "quote") a.onQuote(e);
      else a.onBook(e.bids, e.asks);
      const u = a.compute(e.time);
      if (!u || !(u.features.spread! > 0)) continue;
      const { micropriceOffset, touchImbalance, mid, spread } = u.features;
      // the offset subtracts two prices: a few ulps of the price, over the half-spread
      const rounding = (16 * Number.EPSILON * mid!) / spread!;
      if (!(Math.abs(micropriceOffset - touchImbalance) <= rounding))
        expect.fail(`${JSON.stringify(e)}: offset ${micropriceOffset}, touch ${touchImbalance}, rounding ${rounding}`);
      compared++;
    }
    a.dispose();
    expect(compared, "touches compared").toBeGreaterThan(events.length / 2);
  });
});
