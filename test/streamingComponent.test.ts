/**
 * The streaming contract (src/streamingComponent.ts), one table run through every
 * streaming component of the scoring and strategy layers — on every backend where kernels
 * are involved: results null while warming up (from the input method or compute, and
 * `latest`), WarmupError from `result`, isStable turning true at its documented input
 * and never before the first result, reset back to warm-up with the configuration kept
 * (the same inputs give the same results again), and dispose (every later use throws
 * DisposedError; dispose again does nothing).
 */
import { describe, expect, test } from "vitest";
import {
  BarBuilder,
  ConfluenceAnalyzer,
  CorrelationTracker,
  DecisionTracker,
  DisposedError,
  MultiTimeframeScorer,
  ScoreNormalizer,
  WarmupError,
  type Kernels,
  type StreamingComponent,
} from "../src/index.js";
import { backends } from "./support/backends.js";
import { BOOK_FLOW_VOLUME } from "./support/weights.js";

/** One component under the contract: how to make it and a scripted input sequence. */
interface ContractCase {
  readonly name: string;
  /** Keeps kernel windows (so it runs on every backend) or not (runs once). */
  readonly usesKernels: boolean;
  make(k: Kernels): StreamingComponent<unknown>;
  /** Input step i (its input, then compute(now) where the component has one): what the step returned. */
  step(c: StreamingComponent<unknown>, i: number): unknown;
  readonly steps: number;
  /** The step that gives the first result, and the one after which isStable is true. */
  readonly firstResult: number;
  readonly stable: number;
  /** Every input method (and compute), called with valid arguments: all must throw DisposedError after dispose. */
  readonly calls: ReadonlyArray<(c: StreamingComponent<unknown>) => unknown>;
}

const book = {
  bids: [
    [100, 3],
    [99, 1],
  ] as [number, number][],
  asks: [
    [101, 1],
    [102, 1],
  ] as [number, number][],
};
const quote = (i: number) => ({ bidPx: 100, bidQty: 2 + i, askPx: 101, askQty: 1 });
const trade = (i: number, time = i) => ({ price: 100 + (i % 3), qty: 1 + (i % 2), buyerInitiated: i % 3 !== 1, time });

const signal = { directionalBias: 0, signalStrength: 0.5, stability: 0.5, mid: 100, spread: 0.1, volatility: 0.001 };

const analyzer = (c: StreamingComponent<unknown>) => c as ConfluenceAnalyzer;
const scorer = (c: StreamingComponent<unknown>) => c as MultiTimeframeScorer;

const CASES: readonly ContractCase[] = [
  {
    // lookback 2, OFI over 2 quotes, trade flow over 2 trades: a book, K + 1 = 3 quotes and 4L = 8 trades
    // before the seed's ultraFast weights (which count volume) score
    name: "ConfluenceAnalyzer",
    usesKernels: true,
    make: (k) => new ConfluenceAnalyzer(k, { preset: "ultraFast", weights: BOOK_FLOW_VOLUME, lookback: 2, ofiWindow: 2, flowWindow: 2 }),
    step: (c, i) => {
      const a = analyzer(c);
      if (i === 0) a.onBook(book.bids, book.asks);
      else if (i <= 3) a.onQuote(quote(i));
      else a.onTrade(trade(i));
      return a.compute(i);
    },
    steps: 16,
    firstResult: 11,
    stable: 11,
    calls: [
      (c) => analyzer(c).onTrade(trade(0, 100)),
      (c) => analyzer(c).onQuote(quote(0)),
      (c) => analyzer(c).onBook(book.bids, book.asks),
      (c) => analyzer(c).onBookInput(1, 1),
      (c) => analyzer(c).onSentiment(0.1, 100),
      (c) => analyzer(c).compute(100),
      (c) => analyzer(c).needed,
    ],
  },
  {
    // 1 s and 2 s bars, book and flow only, windows of 1: each timeframe scores once a bar of its own has closed
    // (a trade) after a book and two quotes; the 1 s bar closes at t = 1000, the 2 s bar at t = 2000
    name: "MultiTimeframeScorer",
    usesKernels: true,
    make: (k) =>
      new MultiTimeframeScorer(k, {
        timeframes: [
          { name: "1s", periodMs: 1000, weight: 0.5 },
          { name: "2s", periodMs: 2000, weight: 0.5 },
        ],
        analyzer: {
          lookback: 1,
          ofiWindow: 1,
          flowWindow: 1,
          weights: { orderbook: 0.5, orderflow: 0.5, volume: 0, price_structure: 0, technical: 0, sentiment: 0 },
        },
      }),
    step: (c, i) => {
      const m = scorer(c);
      const time = [0, 0, 0, 100, 1000, 1500, 2000, 2500, 3000, 4000][i]!;
      if (i === 0) m.onBook(book.bids, book.asks);
      else if (i <= 2) m.onQuote(quote(i));
      else m.onTrade(trade(i, time));
      return m.compute(time);
    },
    steps: 10,
    firstResult: 4,
    stable: 6,
    calls: [
      (c) => scorer(c).onTrade(trade(0, 5000)),
      (c) => scorer(c).onQuote(quote(0)),
      (c) => scorer(c).onBook(book.bids, book.asks),
      (c) => scorer(c).onSentiment(0.1, 5000),
      (c) => scorer(c).compute(5000),
    ],
  },
  {
    // 1 s bars: the trade at 1500 closes the first bar (partial: seen from 500), the one at 2500 the first whole one
    name: "BarBuilder",
    usesKernels: false,
    make: () => new BarBuilder(1000),
    step: (c, i) => (c as BarBuilder).onTrade(trade(i, 500 + 1000 * i)),
    steps: 5,
    firstResult: 1,
    stable: 2,
    calls: [(c) => (c as BarBuilder).onTrade(trade(0, 5000)), (c) => (c as BarBuilder).current()],
  },
  {
    // every score gives a reading (the raw bias until minSamples = 3), stable from the third
    name: "ScoreNormalizer",
    usesKernels: true,
    make: (k) => new ScoreNormalizer(k, { zWindow: 4, percentileWindow: 4, minSamples: 3 }),
    step: (c, i) => (c as ScoreNormalizer).onScore(40 + 7 * (i % 4)),
    steps: 8,
    firstResult: 0,
    stable: 2,
    calls: [(c) => (c as ScoreNormalizer).onScore(50)],
  },
  {
    // window 3: the first pair is only recorded, the fourth completes three returns
    name: "CorrelationTracker",
    usesKernels: true,
    make: (k) => new CorrelationTracker(k, 3),
    step: (c, i) => (c as CorrelationTracker).onPrice(100 + (i % 3), 50 + ((i * 2) % 5)),
    steps: 8,
    firstResult: 3,
    stable: 3,
    calls: [(c) => (c as CorrelationTracker).onPrice(100, 50)],
  },
  {
    // no window: every reading gives a decision, stable from the first; the bias swings through the deadband so the side changes
    name: "DecisionTracker",
    usesKernels: false,
    make: () => new DecisionTracker({ minHoldMs: 1000 }),
    step: (c, i) => (c as DecisionTracker).onSignal({ ...signal, directionalBias: [0.5, -0.5, 0.1, -0.4][i % 4]! }, 700 * i),
    steps: 8,
    firstResult: 0,
    stable: 0,
    calls: [(c) => (c as DecisionTracker).onSignal(signal, 10_000)],
  },
];

/** Runs every step from warm-up, checking the contract after each; returns the results. */
function runSteps(c: StreamingComponent<unknown>, t: ContractCase): unknown[] {
  const results: unknown[] = [];
  for (let i = 0; i < t.steps; i++) {
    const out = t.step(c, i);
    results.push(out);
    if (i < t.firstResult) {
      expect(out, `${t.name}: step ${i} is still warming up`).toBeNull();
      expect(c.latest, `${t.name}: latest at step ${i}`).toBeNull();
      expect(() => c.result, `${t.name}: result at step ${i}`).toThrow(WarmupError);
    } else if (i === t.firstResult) {
      expect(out, `${t.name}: step ${i} gives the first result`).not.toBeNull();
    }
    if (i >= t.firstResult && out !== null) {
      expect(c.latest, `${t.name}: latest is what step ${i} returned`).toBe(out);
      expect(c.result, `${t.name}: result is what step ${i} returned`).toBe(out);
    }
    expect(c.isStable, `${t.name}: isStable after step ${i} (stable from step ${t.stable})`).toBe(i >= t.stable);
  }
  return results;
}

for (const t of CASES) {
  describe.each(t.usesKernels ? backends : [backends[0]!])(`${t.name} keeps the streaming contract ($backend)`, (k: Kernels) => {
    test("warm-up: latest null, result a WarmupError naming the component, not stable", () => {
      const c = t.make(k);
      expect(c.latest).toBeNull();
      expect(c.isStable).toBe(false);
      expect(() => c.result).toThrow(WarmupError);
      expect(() => c.result).toThrow(new RegExp(`^${t.name} is warming up: still needs `));
      c.dispose();
    });

    test("results null until the first one, isStable turns true at its step and stays", () => {
      const c = t.make(k);
      const results = runSteps(c, t);
      expect(
        results.some((r) => r !== null),
        "the script produces results",
      ).toBe(true);
      c.dispose();
    });

    test("reset returns to warm-up, keeping the configuration: the same inputs give the same results", () => {
      const c = t.make(k);
      const first = runSteps(c, t);
      c.reset();
      expect(c.latest, "latest after reset").toBeNull();
      expect(c.isStable, "isStable after reset").toBe(false);
      expect(() => c.result, "result after reset").toThrow(WarmupError);
      expect(JSON.stringify(runSteps(c, t)), "the run after reset").toBe(JSON.stringify(first));
      c.dispose();
    });

    test("dispose: every later use throws DisposedError; dispose again does nothing", () => {
      const c = t.make(k);
      runSteps(c, t);
      c.dispose();
      expect(() => c.dispose()).not.toThrow();
      const reads: Array<[string, () => unknown]> = [
        ["latest", () => c.latest],
        ["result", () => c.result],
        ["isStable", () => c.isStable],
        ["reset", () => c.reset()],
        ...t.calls.map((call, i): [string, () => unknown] => [`input ${i}`, () => call(c)]),
      ];
      for (const [what, read] of reads) expect(read, `${t.name}.${what} after dispose`).toThrow(DisposedError);
    });
  });
}
