/**
 * The confluence analyzer: configuration, warm-up, hand-computed sub-scores, ranges and
 * NaN-freedom (fast-check), symmetry, monotonicity, identical results on every backend,
 * and a replay of the real captures.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  COMPONENT_NAMES,
  ConfluenceAnalyzer,
  DisposedError,
  InvalidConfigError,
  InvalidParameterError,
  InvalidValueError,
  InvalidWeightsError,
  OutOfOrderError,
  PRESETS,
  UnknownConfigKeyError,
  WarmupError,
  resolveConfig,
  type ConfluenceUpdate,
  type Kernels,
} from "../../src/index.js";
import { LIMITS } from "../../src/feeds/validate.js";
import { backends } from "../support/backends.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { captureEvents, type Event } from "../support/replay.js";
import { BOOK_FLOW_VOLUME, EVERY_COMPONENT } from "../support/weights.js";
import { FITTED } from "../../src/confluence/fittedPresets.js";
import * as O from "../../src/kernels/coreLayout.js";
import { StateWriter } from "../../src/checkpoint/stateCodec.js";

function feed(a: ConfluenceAnalyzer, events: readonly Event[], onUpdate?: (u: ConfluenceUpdate | null, e: Event) => void): void {
  for (const e of events) {
    if (e.kind === "trade") a.onTrade(e);
    else if (e.kind === "quote") a.onQuote(e);
    else a.onBook(e.bids, e.asks);
    onUpdate?.(a.compute(e.time), e);
  }
}

/** The first output out of its range (or NaN), or null: a plain check, cheap enough to run per event. */
function outOfRange(u: ConfluenceUpdate): string | null {
  const within = (v: number, lo: number, hi: number): boolean => v >= lo && v <= hi; // false for NaN
  const checks: [string, number, number, number][] = [
    ["score", u.score, 0, 100],
    ["confidence", u.confidence, 0, 1],
    ["momentum", u.momentum, -1, 1],
    ["meanReversion", u.meanReversion, -1, 1],
    ["agreement", u.agreement, 0, 1],
    ["sufficiency", u.sufficiency, 0, 1],
    ["regime", u.regime, 0, 1],
    ["coverage", u.coverage, 0, 1],
  ];
  for (const [name, c] of Object.entries(u.components)) {
    checks.push([`${name}.score`, c.score, 0, 100], [`${name}.confidence`, c.confidence, 0, 1]);
  }
  for (const [name, v, lo, hi] of checks) if (!within(v, lo, hi)) return `${name} = ${v} outside [${lo}, ${hi}]`;
  // the lean breakdown a score update carries is the full one's score and confidence, in the same order
  if (Object.keys(u.componentScores).join() !== COMPONENT_NAMES.join())
    return `componentScores keys ${Object.keys(u.componentScores).join()}`;
  for (const name of COMPONENT_NAMES) {
    const lean = u.componentScores[name],
      full = u.components[name];
    if (!Object.is(lean.score, full.score) || !Object.is(lean.confidence, full.confidence))
      return `componentScores.${name} ${JSON.stringify(lean)} ≠ components.${name}`;
  }
  for (const [name, v] of Object.entries(u.features)) if (Number.isNaN(v)) return `feature ${name} is NaN (no value is null)`;
  return null;
}

function expectInRange(u: ConfluenceUpdate): void {
  const problem = outOfRange(u);
  if (problem) expect.fail(`${problem} in ${JSON.stringify(u)}`);
}

describe("configuration", () => {
  test("presets: default and ultraFast, fitted values from fittedPresets.ts and the rest as set", () => {
    const fit = FITTED.ultraFast;
    expect(resolveConfig({ preset: "ultraFast" })).toEqual({
      weights: fit.weights,
      depth: 5,
      lookback: 10,
      ofiWindow: 10,
      flowWindow: 10,
      bookDepthWeight: 0,
      tradeFlowWeight: 0,
      updateIntervalMs: 100,
      sensitivity: 0.25,
      signalShape: "linear",
      confidenceThreshold: fit.confidenceThreshold,
      calibration: fit.calibration,
      sentimentStaleMs: 60_000,
      approximations: false,
      caching: false,
      decision: {
        enter: 0.55,
        exit: 0,
        minHoldMs: 6000,
        horizonMs: 5000,
        urgencyMedium: fit.urgencyMedium,
        urgencyHigh: fit.urgencyHigh,
      },
      trainedOn: fit.trainedOn,
    });
    expect(resolveConfig()).toEqual(PRESETS.default);
    expect(PRESETS.default.weights).toEqual(FITTED.default.weights);
    expect(Object.values(PRESETS.default.weights).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  test("overrides merge onto the preset, weights by component", () => {
    const { orderbook, orderflow } = FITTED.ultraFast.weights;
    const c = resolveConfig({ preset: "ultraFast", lookback: 20, weights: { orderbook: orderbook - 0.15, volume: 0.15 } });
    expect(c.lookback).toBe(20);
    expect(c.weights, "orderflow kept from the preset").toMatchObject({ orderbook: orderbook - 0.15, orderflow, volume: 0.15 });
    expect(resolveConfig({ preset: "ultraFast", decision: { minHoldMs: 0, exit: -0.1 } }).decision, "decision keys by key").toEqual({
      ...PRESETS.ultraFast.decision,
      minHoldMs: 0,
      exit: -0.1,
    });
    expect(Object.isFrozen(resolveConfig().decision), "a resolved decision cannot be changed (nor the preset through it)").toBe(true);
  });
  test("typed errors at the edge", () => {
    expect(() => resolveConfig({ depht: 5 } as never)).toThrow(UnknownConfigKeyError);
    expect(() => resolveConfig({ parallelism: true } as never), "the flag nothing read is gone").toThrow(
      "unknown configuration key 'parallelism'",
    );
    expect(() => resolveConfig({ weights: { orderbok: 1 } as never })).toThrow("unknown configuration key 'weights.orderbok'");
    expect(() => resolveConfig({ weights: { orderbook: -0.1, orderflow: 0.6 } })).toThrow(InvalidWeightsError);
    expect(() => resolveConfig({ weights: { ...EVERY_COMPONENT, orderbook: 0.3 } })).toThrow(/sum to 1\.05.*expected 1 within 1e-9/);
    expect(() => resolveConfig({ weights: { ...EVERY_COMPONENT, orderbook: 0.25 + 2e-9 } })).toThrow(InvalidWeightsError);
    expect(resolveConfig({ weights: { ...EVERY_COMPONENT, orderbook: 0.25 + 5e-10 } }).weights.orderbook, "within 1e-9").toBe(0.25 + 5e-10);
    expect(() => resolveConfig({ depth: 0 })).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ lookback: 0 })).toThrow("lookback = 0: expected an integer from 1");
    expect(() => resolveConfig({ lookback: 2.5 })).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ ofiWindow: 0 })).toThrow("ofiWindow = 0: expected an integer from 1 to 1048576");
    expect(() => resolveConfig({ flowWindow: 2.5 })).toThrow("flowWindow = 2.5: expected an integer from 1 to 1048576");
    expect(() => resolveConfig({ bookDepthWeight: 1.5 })).toThrow("bookDepthWeight = 1.5: expected a number in [0, 1]");
    expect(() => resolveConfig({ tradeFlowWeight: -0.1 })).toThrow("tradeFlowWeight = -0.1: expected a number in [0, 1]");
    expect(() => resolveConfig({ bookDepthWeight: NaN })).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ tradeFlowWeight: "0.5" } as never)).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ sensitivity: 0 })).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ signalShape: "tanh" } as never)).toThrow('signalShape = "tanh": expected one of squash, linear');
    expect(() => resolveConfig({ confidenceThreshold: 1.5 })).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ caching: "yes" } as never)).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ preset: "fast" } as never)).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ decision: { minHold: 1 } } as never)).toThrow("unknown configuration key 'decision.minHold'");
    expect(() => resolveConfig({ decision: { enter: 0.2, exit: 0.25 } })).toThrow(
      "decision.exit = 0.25: expected a number in [−enter, enter)",
    );
    expect(() => resolveConfig({ decision: { horizonMs: -1 } })).toThrow(InvalidConfigError);
    expect(() => resolveConfig({ decision: 5 } as never)).toThrow("decision = 5: expected an object");
    // names an object has without owning them are no preset
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(() => resolveConfig({ preset: name } as never), name).toThrow(InvalidConfigError);
    }
  });
});

describe.each(backends)("analyzer on $backend", (k: Kernels) => {
  test("warm-up: null with what is still needed, then a score", () => {
    const a = new ConfluenceAnalyzer(k, { preset: "ultraFast", weights: BOOK_FLOW_VOLUME, lookback: 2, ofiWindow: 2, flowWindow: 3 });
    expect(a.compute(0)).toBeNull();
    // volume needs 4L trades, orderflow K + 1 quotes (and F trades), the touch a quote or a book
    expect(a.needed).toEqual({ trades: 8, quotes: 3, books: 0 });
    expect(() => a.result).toThrow(WarmupError);
    a.onBook([[100, 1]], [[101, 1]]);
    for (let i = 0; i < 3; i++) a.onQuote({ bidPx: 100, bidQty: 1 + i, askPx: 101, askQty: 1 });
    for (let i = 0; i < 7; i++) a.onTrade({ price: 100 + (i % 2), qty: 1, buyerInitiated: i % 2 === 0, time: i });
    expect(a.compute(7)).toBeNull();
    expect(a.needed).toEqual({ trades: 1, quotes: 0, books: 0 });
    a.onTrade({ price: 101, qty: 1, buyerInitiated: true, time: 8 });
    const u = a.compute(8)!;
    expect(u).not.toBeNull();
    expectInRange(u);
    expect(a.result).toBe(u);
    a.dispose();
  });

  test("sentiment: absent → its weight is redistributed and coverage says so; stale → absent again", () => {
    const a = new ConfluenceAnalyzer(k, {
      weights: { orderbook: 0.8, orderflow: 0, volume: 0, price_structure: 0, technical: 0, sentiment: 0.2 },
      sentimentStaleMs: 1000,
    });
    a.onBook([[100, 1]], [[101, 1]]);
    const absent = a.compute(0)!;
    expect(absent.coverage).toBeCloseTo(0.8, 15);
    expect(absent.components.sentiment.available).toBe(false);
    expect(absent.components.orderbook.weight).toBe(1);
    a.onSentiment(0.5, 0);
    const present = a.compute(250)!;
    expect(present.coverage).toBe(1);
    expect(present.components.sentiment).toMatchObject({ signal: 0.5, confidence: 0.75, weight: 0.2, available: true });
    expect(present.score).toBeCloseTo(50 + 50 * (0.8 * present.components.orderbook.signal + 0.2 * 0.5), 12);
    expect(a.compute(1001)!.components.sentiment.available, "stale after sentimentStaleMs").toBe(false);
    a.dispose();
  });

  test("bad events are typed errors and change nothing", () => {
    const a = new ConfluenceAnalyzer(k, { preset: "ultraFast", weights: BOOK_FLOW_VOLUME });
    a.onTrade({ price: 100, qty: 1, buyerInitiated: true, time: 10 });
    expect(() => a.onTrade({ price: NaN, qty: 1, buyerInitiated: true, time: 11 })).toThrow(InvalidValueError);
    expect(() => a.onTrade({ price: 100, qty: -1, buyerInitiated: true, time: 11 })).toThrow("trade qty[0] = -1");
    expect(() => a.onTrade({ price: 100, qty: 1, buyerInitiated: true, time: 9 })).toThrow(OutOfOrderError);
    expect(() => a.onQuote({ bidPx: 0, bidQty: 1, askPx: 1, askQty: 1 })).toThrow(
      "bidPx[0] = 0: expected a finite price in [1e-12, 1000000000000]",
    );
    expect(() => a.onBook([[100, Infinity]], [[101, 1]])).toThrow("bidQty[0] = Infinity");
    // finite but extreme: outside the sane bounds every sum and variance of the analysis stays finite in
    expect(() => a.onTrade({ price: 1e200, qty: 1, buyerInitiated: true, time: 11 })).toThrow("trade price[0] = 1e+200");
    expect(() => a.onTrade({ price: 100, qty: 1e308, buyerInitiated: true, time: 11 })).toThrow("trade qty[0] = 1e+308");
    expect(() => a.onTrade({ price: 5e-324, qty: 1, buyerInitiated: true, time: 11 })).toThrow(InvalidValueError);
    expect(() => a.onBook([[1e300, 1]], [[1e301, 1]])).toThrow("bidPx[0] = 1e+300");
    expect(() => a.onSentiment(1.5, 0)).toThrow(InvalidValueError);
    expect(() => a.compute(NaN)).toThrow(InvalidValueError);
    expect(a.compute(12)!, "the rejected events did not count").toBeNull();
    expect(a.needed.trades, "volume needs 4 × lookback 10 trades: one came").toBe(39);
    a.dispose();
  });
});

describe("properties (fast-check)", () => {
  const price = fc.oneof(
    fc.constant(100),
    fc.integer({ min: 9990, max: 10010 }).map((t) => t / 100),
    fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
  );
  const qty = fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: LIMITS.minQty, max: 1e6, noNaN: true }));
  const event = fc.oneof(
    fc.record({ kind: fc.constant("trade" as const), price, qty, buyerInitiated: fc.boolean() }),
    fc.record({ kind: fc.constant("quote" as const), bidPx: price, bidQty: qty, askPx: price, askQty: qty }),
    fc.record({
      kind: fc.constant("book" as const),
      bids: fc.array(fc.tuple(price, qty), { minLength: 0, maxLength: 4 }),
      asks: fc.array(fc.tuple(price, qty), { minLength: 0, maxLength: 4 }),
    }),
    fc.record({ kind: fc.constant("sentiment" as const), value: fc.double({ min: -1, max: 1, noNaN: true }) }),
  );
  type Generated = typeof event extends fc.Arbitrary<infer T> ? T : never;
  const run = (k: Kernels, events: Generated[], preset: "default" | "ultraFast"): (ConfluenceUpdate | null)[] => {
    const a = new ConfluenceAnalyzer(k, { preset, lookback: 2, depth: 3 });
    const out = events.map((e, t) => {
      if (e.kind === "trade") a.onTrade({ ...e, time: t });
      else if (e.kind === "quote") a.onQuote(e);
      else if (e.kind === "book") a.onBook(e.bids, e.asks);
      else a.onSentiment(e.value, t);
      return a.compute(t);
    });
    a.dispose();
    return out;
  };

  test.each(["default", "ultraFast"] as const)("%s: every output in range, never NaN, identical on every backend", (preset) => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), (events) => {
        const results = backends.map((k) => run(k, events as never, preset));
        for (const [i, r] of results.entries()) expect(r, `${backends[i]!.backend} vs ${backends[0]!.backend}`).toEqual(results[0]);
        for (const u of results[0]!) if (u) expectInRange(u);
      }),
      { numRuns: 500 },
    );
  });
});

describe("symmetry and monotonicity", () => {
  const k = backends[0]!;
  const C = 200; // mirror prices around C/2: p → C − p
  const flows = fc.array(
    fc.record({
      price: fc.integer({ min: 9950, max: 10050 }).map((t) => t / 100),
      qty: fc.integer({ min: 1, max: 500 }).map((q) => q / 100),
      buyer: fc.boolean(),
    }),
    { minLength: 40, maxLength: 80 },
  );
  const levels = fc.array(
    fc.integer({ min: 1, max: 900 }).map((q) => q / 100),
    { minLength: 5, maxLength: 5 },
  );

  test("a mirrored book and mirrored flow give score 100 − s and negated momentum and mean reversion", () => {
    fc.assert(
      fc.property(flows, levels, levels, (trades, bq, aq) => {
        const build = (mirror: boolean): ConfluenceUpdate => {
          const a = new ConfluenceAnalyzer(k, { lookback: 5, depth: 5, weights: { ...EVERY_COMPONENT, sentiment: 0, orderbook: 0.35 } });
          const px = (p: number): number => (mirror ? C - p : p);
          trades.forEach((t, i) => {
            a.onTrade({ price: px(t.price), qty: t.qty, buyerInitiated: mirror ? !t.buyer : t.buyer, time: i });
            const bid = t.price - 0.01 * (1 + (i % 3)),
              ask = t.price + 0.01 * (1 + (i % 2));
            const q1 = bq[i % 5]!,
              q2 = aq[i % 5]!;
            if (mirror) a.onQuote({ bidPx: C - ask, bidQty: q2, askPx: C - bid, askQty: q1 });
            else a.onQuote({ bidPx: bid, bidQty: q1, askPx: ask, askQty: q2 });
          });
          const mid = trades[trades.length - 1]!.price;
          const bids = bq.map((q, i) => [mid - 0.01 * (i + 1), q] as [number, number]);
          const asks = aq.map((q, i) => [mid + 0.01 * (i + 1), q] as [number, number]);
          if (mirror)
            a.onBook(
              asks.map(([p, q]) => [C - p, q]),
              bids.map(([p, q]) => [C - p, q]),
            );
          else a.onBook(bids, asks);
          const u = a.compute(trades.length)!;
          a.dispose();
          return u;
        };
        const s = build(false),
          m = build(true);
        expect(m.score, "score of the mirror").toBeCloseTo(100 - s.score, 6);
        expect(m.momentum).toBeCloseTo(-s.momentum, 6);
        expect(m.meanReversion).toBeCloseTo(-s.meanReversion, 6);
        expect(m.confidence).toBeCloseTo(s.confidence, 6);
        for (const name of ["orderbook", "orderflow", "volume", "price_structure", "technical"] as const) {
          expect(m.components[name].score, name).toBeCloseTo(100 - s.components[name].score, 6);
        }
      }),
      { numRuns: 200 },
    );
  });

  test("more bid depth never lowers the orderbook sub-score, whatever the depth's share", () => {
    const book = fc.record({
      bq: levels,
      aq: levels,
      level: fc.integer({ min: 0, max: 4 }),
      extra: fc.double({ min: 0, max: 1e4, noNaN: true }),
      bookDepthWeight: fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true })),
    });
    fc.assert(
      fc.property(book, ({ bq, aq, level, extra, bookDepthWeight }) => {
        const score = (bids: number[]): number => {
          const a = new ConfluenceAnalyzer(k, {
            depth: 5,
            bookDepthWeight,
            weights: { orderbook: 1, orderflow: 0, volume: 0, price_structure: 0, technical: 0, sentiment: 0 },
          });
          a.onBook(
            bids.map((q, i) => [100 - i, q]),
            aq.map((q, i) => [101 + i, q]),
          );
          const s = a.compute(0)!.components.orderbook.score;
          a.dispose();
          return s;
        };
        const more = bq.slice();
        more[level] = more[level]! + extra;
        // monotone in exact arithmetic; floating point may wobble in the last bits (1e−12 of the scale)
        expect(score(more)).toBeGreaterThanOrEqual(score(bq) - 1e-12 * 100);
      }),
      { numRuns: 500 },
    );
  });
});

describe("real captures", () => {
  test.each([
    ["BTCUSDT", BTCUSDT],
    ["ETHUSDT", ETHUSDT],
  ])("%s: warms up and scores every event after, identically on every backend", async (_, file) => {
    const { events } = await captureEvents(file, 10);
    for (const preset of ["default", "ultraFast"] as const) {
      const scores = backends.map((k) => {
        const a = new ConfluenceAnalyzer(k, { preset });
        const out: number[] = [];
        let first = -1;
        feed(a, events, (u, e) => {
          if (u) {
            if (first < 0) first = out.length;
            expectInRange(u);
            out.push(u.score, u.confidence, u.momentum, u.meanReversion);
          } else if (first >= 0) expect.fail(`no score after warm-up at ${JSON.stringify(e)}`);
        });
        a.dispose();
        expect(first, "warmed up").toBeGreaterThanOrEqual(0);
        return Float64Array.from(out);
      });
      for (let i = 1; i < scores.length; i++) expect(scores[i], `${backends[i]!.backend} (${preset})`).toEqual(scores[0]);
      expect(scores[0]!.length / 4, `${preset}: scored updates`).toBeGreaterThan(events.length * 0.9);
    }
  });
});

describe.each(backends)("computeInto on $backend", (k: Kernels) => {
  test("the outputs compute() reads, the same update when asked for, the same checkpoint; a bad array is a typed error", async () => {
    const { events } = await captureEvents(BTCUSDT, 10);
    // ultraFast carries a calibration: the update's confidence is the calibrated one either way
    for (const preset of ["default", "ultraFast"] as const) {
      const eager = new ConfluenceAnalyzer(k, { preset }),
        lazy = new ConfluenceAnalyzer(k, { preset });
      const out = new Float64Array(O.OUTPUTS),
        ref = new Float64Array(O.OUTPUTS);
      const core = (eager as unknown as { core: { output(slot: number): number } }).core;
      const bytes = (a: ConfluenceAnalyzer): Uint8Array => {
        const w = new StateWriter();
        a.writeState(w);
        return w.finish();
      };
      let scored = 0;
      for (const [i, e] of events.slice(0, 4_000).entries()) {
        for (const a of [eager, lazy]) {
          if (e.kind === "trade") a.onTrade(e);
          else if (e.kind === "quote") a.onQuote(e);
          else a.onBook(e.bids, e.asks);
        }
        const u = eager.compute(e.time);
        out.fill(Number.NaN);
        const got = lazy.computeInto(e.time, out);
        const [ln, en] = [lazy.needed, eager.needed];
        if (
          got !== (u !== null) ||
          lazy.isStable !== eager.isStable ||
          ln.trades !== en.trades ||
          ln.quotes !== en.quotes ||
          ln.books !== en.books
        )
          expect({ got, needed: ln, stable: lazy.isStable }, `event ${i}`).toStrictEqual({
            got: u !== null,
            needed: en,
            stable: eager.isStable,
          });
        if (u === null) continue;
        scored++;
        // bit for bit the slots compute() built its update from (the core's, read one by one)
        for (let s = 0; s < O.OUTPUTS; s++) ref[s] = core.output(s);
        if (!Buffer.from(out.buffer).equals(Buffer.from(ref.buffer))) expect(Array.from(out), `event ${i}`).toStrictEqual(Array.from(ref));
        // every 97th update: the checkpoint before the update is built, then the update itself
        if (i % 97 === 0) {
          expect(bytes(lazy)).toStrictEqual(bytes(eager));
          expect(JSON.stringify(lazy.latest)).toBe(JSON.stringify(u));
          expect(lazy.result).toBe(lazy.latest);
        }
      }
      expect(scored, preset).toBeGreaterThan(3_000);
      expect(bytes(lazy)).toStrictEqual(bytes(eager));
      eager.dispose();
      lazy.dispose();
    }
    // a compute that throws (a bad time) leaves the last update as it was: the same object
    const checked = new ConfluenceAnalyzer(k);
    let last: ConfluenceUpdate | null = null;
    feed(checked, events.slice(0, 3_000), (u) => {
      last = u;
    });
    expect(last, "scored").not.toBeNull();
    expect(() => checked.compute(Number.NaN)).toThrow();
    expect(() => checked.computeInto(Number.NaN, new Float64Array(O.OUTPUTS))).toThrow();
    expect(checked.latest).toBe(last);
    checked.dispose();
    const a = new ConfluenceAnalyzer(k);
    expect(a.computeInto(0, new Float64Array(O.OUTPUTS)), "nothing fed: warming up").toBe(false);
    expect(() => a.result).toThrow(WarmupError);
    for (const bad of [
      new Float64Array(O.OUTPUTS - 1),
      [] as unknown as Float64Array,
      new Float32Array(O.OUTPUTS) as unknown as Float64Array,
    ]) {
      expect(() => a.computeInto(0, bad)).toThrow(InvalidParameterError);
    }
    a.dispose();
    expect(() => a.computeInto(0, new Float64Array(O.OUTPUTS))).toThrow(DisposedError);
  });
});
