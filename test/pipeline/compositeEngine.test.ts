/**
 * The composite engine: its formulas by hand on a constructed update, ranges and
 * NaN-freedom on random updates, and analyzer + engine over the real BTCUSDT capture on
 * every backend with identical results.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  CompositeEngine,
  ConfluenceAnalyzer,
  InvalidConfigError,
  InvalidParameterError,
  InvalidValueError,
  riskAdjustedOpportunity,
  type ConfluenceUpdate,
  type CompositeOutput,
} from "../../src/index.js";
import { backends } from "../support/backends.js";
import * as O from "../../src/kernels/coreLayout.js";
import { readFeatures } from "../../src/kernels/coreLayout.js";
import { StateWriter } from "../../src/checkpoint/stateCodec.js";
import { BTCUSDT } from "../support/capture.js";
import { captureEvents } from "../support/replay.js";

function update(
  o: {
    score?: number;
    confidence?: number;
    micro?: number;
    ofi?: number;
    spreadRatio?: number;
    volatility?: number;
    mid?: number | null;
  } = {},
): ConfluenceUpdate {
  const component = { score: 50, confidence: 1, signal: 0, weight: 0, available: false };
  return {
    time: 0,
    score: o.score ?? 75,
    confidence: o.confidence ?? 0.8,
    actionable: true,
    momentum: 0.1,
    meanReversion: -0.1,
    components: {
      orderbook: component,
      orderflow: component,
      volume: component,
      price_structure: component,
      technical: component,
      sentiment: component,
    },
    componentScores: {
      orderbook: component,
      orderflow: component,
      volume: component,
      price_structure: component,
      technical: component,
      sentiment: component,
    },
    agreement: 1,
    sufficiency: 1,
    regime: 1,
    coverage: 1,
    features: {
      touchImbalance: o.micro ?? 0.4,
      touchSizeRatio: 1,
      depthWeightedImbalance: 0,
      micropriceOffset: o.micro ?? 0.4,
      volumeDeltaImbalance: 0,
      orderFlowImbalance: o.ofi ?? -0.2,
      tradeFlowImbalance: 0,
      relativeVolume: 1,
      rangePosition: 0,
      vwapZ: 0,
      breakout: 0,
      emaSpread: 0,
      rsi: 50,
      returnZ: 0,
      spreadRatio: o.spreadRatio ?? 2,
      volatilityRatio: 1,
      volatility: o.volatility ?? 0.01,
      ofiSum: 0,
      mid: o.mid === undefined ? 100 : o.mid,
      spread: 0.02,
      microprice: 100.004,
      lastPrice: 100,
    },
  };
}

/** An engine's checkpoint part: what it would carry on. */
function stateOf(e: CompositeEngine): Uint8Array {
  const w = new StateWriter();
  e.writeState(w);
  return w.finish();
}

function outOfRange(o: CompositeOutput): string | null {
  const checks: [string, number, number, number][] = [
    ["directionalBias", o.directionalBias, -1, 1],
    ["executionUrgency", o.executionUrgency, 0, 1],
    ["riskAdjustedOpportunity", o.riskAdjustedOpportunity, 0, 1],
    ["inventoryImpact", o.inventoryImpact, -1, 1],
    ["stability", o.stability, 0, 1],
    ["normalized.zscore", o.normalized!.zscore, -1, 1],
    ["normalized.percentile", o.normalized!.percentile, -1, 1],
    ["normalized.volatilityAdaptive", o.normalized!.volatilityAdaptive, -1, 1],
  ];
  for (const [name, v, lo, hi] of checks) if (!(v >= lo && v <= hi)) return `${name} = ${v}`;
  return null;
}

describe.each(backends)("composite engine on $backend", (k) => {
  test("by hand: score 75, confidence 0.8, micro 0.4, OFI −0.2, spread ratio 2, long 5 of 10", () => {
    const e = new CompositeEngine(k, { maxPosition: 10 });
    const o = e.evaluate(update(), { position: 5 });
    // b = 0.5, s = 0.5, r = 0.8; m = (0.4 − 0.2)/2 = 0.1; inventory −0.5
    expect(o.inventoryImpact).toBe(-0.5);
    expect(o.directionalBias).toBeCloseTo(0.6 * 0.5 + 0.25 * 0.1 + 0.15 * -0.5, 15);
    // first evaluation: stability = r/2; liquidity = 1/2
    expect(o.stability).toBe(0.4);
    expect(o.microstructure.liquidity).toBe(0.5);
    expect(o.executionUrgency).toBeCloseTo(0.5 * (0.5 + 0.5 * 0.4) * (0.5 + 0.5 * 0.5), 15);
    expect(o.riskAdjustedOpportunity).toBe(
      riskAdjustedOpportunity({ signalStrength: 0.5, reliability: 0.8, volatility: 0.01, liquidity: 0.5, correlation: 0 }).opportunity,
    );
    // below 30 scores the normalizer falls back to (s − 50)/50
    expect(o.normalized!.zscore).toBe(0.5);
    expect(o.marketMaking).toMatchObject({ inventoryBias: -0.5, spreadAdjustment: 1 - 0.8, activityLevel: 0.5 });
    expect(o.execution!.side, "a bias of 0.25 is inside the default deadband ±0.3").toBe("none");
    // second evaluation with the same input: σ of two equal biases is 0, stability = r
    expect(e.evaluate(update(), { position: 5 }).stability).toBeCloseTo(0.8, 15);
    e.dispose();
  });

  test("normalize: false keeps no normalizer: normalized is null, every other output the same", () => {
    const [a, b] = [new CompositeEngine(k), new CompositeEngine(k, { normalize: false })];
    for (let i = 0; i < 50; i++) {
      const x = a.evaluate(update(), { referencePrice: 100 + i }),
        y = b.evaluate(update(), { referencePrice: 100 + i });
      expect(y.normalized).toBeNull();
      expect({ ...y, normalized: x.normalized }).toEqual(x);
    }
    expect(() => new CompositeEngine(k, { normalize: "no" as never })).toThrow(InvalidConfigError);
    expect(
      () => new CompositeEngine(k, { correlationWindow: 1 }),
      "checked up front, though the tracker comes with the first reference price",
    ).toThrow(InvalidParameterError);
    a.dispose();
    b.dispose();
  });

  test("the execution decision is held: hysteresis on the directional bias at the update's time, the decision keys passed through", () => {
    const e = new CompositeEngine(k, { decision: { minHoldMs: 1000, enter: 0.3 } });
    // no microstructure, no inventory: directional bias = 0.6·(score − 50)/50
    const at = (score: number, time: number) => e.evaluate({ ...update({ score, micro: 0, ofi: 0 }), time }).execution!.side;
    expect(at(90, 0), "bias 0.48 > 0.3").toBe("buy");
    expect(at(20, 500), "bias −0.36 asks for a sell, 500 ms after the buy").toBe("buy");
    expect(at(20, 1000), "1000 ms after the buy").toBe("sell");
    expect(at(45, 5000), "bias −0.06 is inside the sell's band [−1, −exit = 0]").toBe("sell");
    expect(at(60, 6000), "bias 0.12 > 0 leaves the sell").toBe("none");
    e.reset();
    expect(at(20, 6100), "after reset nothing is held and nothing waits").toBe("sell");
    expect(() => new CompositeEngine(k, { decision: { enter: 1 } }), "decision keys checked up front").toThrow(InvalidConfigError);
    e.dispose();
  });

  test("no price known: no execution decision; invalid options are typed errors", () => {
    const e = new CompositeEngine(k);
    expect(e.evaluate({ ...update(), features: { ...update().features, mid: null, lastPrice: null } }).execution).toBeNull();
    expect(() => new CompositeEngine(k, { maxPosition: 0 })).toThrow(InvalidConfigError);
    e.dispose();
  });

  test("summarize is evaluate without the rest of the output: the same numbers, the same decision, the same state after (fast-check)", () => {
    const step = fc.record({
      score: fc.double({ min: 0, max: 100, noNaN: true }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      micro: fc.double({ min: -1, max: 1, noNaN: true }),
      ofi: fc.double({ min: -1, max: 1, noNaN: true }),
      spreadRatio: fc.double({ min: 0, max: 10, noNaN: true }),
      mid: fc.option(fc.double({ min: 1, max: 1e5, noNaN: true }), { nil: null }),
      dt: fc.integer({ min: 0, max: 3_000 }),
      position: fc.double({ min: -5, max: 5, noNaN: true }),
      referencePrice: fc.double({ min: 1, max: 1e5, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60, size: "max" }), (steps) => {
        const options = { maxPosition: 2, correlationWindow: 5, decision: { minHoldMs: 1_000 } };
        const full = new CompositeEngine(k, options),
          lean = new CompositeEngine(k, options);
        let time = 0;
        for (const s of steps) {
          time += s.dt;
          const u = { ...update(s), time };
          const context = { position: s.position, referencePrice: s.referencePrice };
          const o = full.evaluate(u, context);
          const summary = lean.summarize(u, context);
          expect(summary).toStrictEqual({
            directionalBias: o.directionalBias,
            executionUrgency: o.executionUrgency,
            riskAdjustedOpportunity: o.riskAdjustedOpportunity,
            stability: o.stability,
            signalStrength: o.components.signalStrength,
          });
          expect(lean.decision, "the decision after summarize is evaluate's").toStrictEqual(o.execution);
          expect(full.decision).toBe(o.execution);
        }
        // the windows (biases, correlation, normalizer) and the decision moved alike: the next full outputs agree
        const next = { ...update(steps[0]!), time: time + 5_000 };
        expect(lean.evaluate(next, { position: 1, referencePrice: 100 })).toStrictEqual(
          full.evaluate(next, { position: 1, referencePrice: 100 }),
        );
        full.dispose();
        lean.dispose();
      }),
      { numRuns: 300 },
    );
  });

  test("summarizeOutputs is summarize on the update its slots make: the same bits, decision and state (fast-check)", () => {
    const slot = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true });
    const orNaN = (a: fc.Arbitrary<number>) => fc.option(a, { nil: Number.NaN, freq: 4 });
    const step = fc.record({
      score: slot(0, 100),
      confidence: slot(0, 1),
      momentum: slot(-1, 1),
      meanReversion: slot(-1, 1),
      micro: slot(-1, 1),
      ofi: slot(-1, 1),
      spreadRatio: orNaN(slot(0, 10)),
      volatility: slot(0, 0.1),
      // the nullable features: NaN in the slots where the update has null
      mid: orNaN(slot(1, 1e5)),
      spread: orNaN(slot(0, 5)),
      lastPrice: orNaN(slot(1, 1e5)),
      dt: fc.integer({ min: 0, max: 3_000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60, size: "max" }), (steps) => {
        const options = { decision: { minHoldMs: 1_000 } };
        const byUpdate = new CompositeEngine(k, options),
          bySlots = new CompositeEngine(k, options);
        const out = new Float64Array(O.OUTPUTS).fill(Number.NaN);
        let time = 0;
        for (const s of steps) {
          time += s.dt;
          out[O.SCORE] = s.score;
          out[O.CONFIDENCE] = s.confidence;
          out[O.MOMENTUM] = s.momentum;
          out[O.MEAN_REVERSION] = s.meanReversion;
          out[O.F_MICROPRICE_OFFSET] = s.micro;
          out[O.F_ORDER_FLOW_IMBALANCE] = s.ofi;
          out[O.F_SPREAD_RATIO] = s.spreadRatio;
          out[O.F_VOLATILITY] = s.volatility;
          out[O.F_MID] = s.mid;
          out[O.F_SPREAD] = s.spread;
          out[O.F_LAST_PRICE] = s.lastPrice;
          const u: ConfluenceUpdate = {
            ...update(),
            time,
            score: s.score,
            confidence: s.confidence,
            momentum: s.momentum,
            meanReversion: s.meanReversion,
            features: readFeatures(out),
          };
          const expected = byUpdate.summarize(u);
          expect(bySlots.summarizeOutputs(out, s.confidence, time)).toStrictEqual(expected);
          expect(bySlots.decision).toStrictEqual(byUpdate.decision);
        }
        expect(stateOf(bySlots), "the bias window and the decision tracker moved alike").toStrictEqual(stateOf(byUpdate));
        byUpdate.dispose();
        bySlots.dispose();
      }),
      { numRuns: 300 },
    );
    // a value out of its range is the same typed error as summarize's, before anything changes
    const e = new CompositeEngine(k);
    const out = new Float64Array(O.OUTPUTS).fill(0);
    const before = stateOf(e);
    expect(() => e.summarizeOutputs(out, 1.5, 0)).toThrow(InvalidValueError);
    out[O.SCORE] = Number.NaN;
    expect(() => e.summarizeOutputs(out, 0.5, 0)).toThrow(InvalidValueError);
    // an array too short for the slots: a typed error before the bias window moves
    for (const short of [new Float64Array(O.OUTPUTS - 1).fill(0.5), new Float64Array(12), [] as unknown as Float64Array])
      expect(() => e.summarizeOutputs(short, 0.5, 0)).toThrow(InvalidParameterError);
    expect(stateOf(e)).toStrictEqual(before);
    e.dispose();
  });

  test("ranges on random updates (fast-check)", () => {
    const e = new CompositeEngine(k, { maxPosition: 3 });
    const input = fc.record({
      score: fc.double({ min: 0, max: 100, noNaN: true }),
      confidence: fc.double({ min: 0, max: 1, noNaN: true }),
      micro: fc.double({ min: -1, max: 1, noNaN: true }),
      ofi: fc.double({ min: -1, max: 1, noNaN: true }),
      spreadRatio: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })),
      volatility: fc.double({ min: 0, max: 10, noNaN: true }),
      position: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
    });
    fc.assert(
      fc.property(input, (i) => {
        const problem = outOfRange(e.evaluate(update(i), { position: i.position }));
        if (problem) expect.fail(problem);
      }),
      { numRuns: 1000 },
    );
    e.dispose();
  });
});

test("BTCUSDT: analyzer + composite engine, identical on every backend", async () => {
  const { events } = await captureEvents(BTCUSDT, 10);
  const runs = backends.map((k) => {
    const a = new ConfluenceAnalyzer(k, { preset: "ultraFast" });
    const e = new CompositeEngine(k, { maxPosition: 1 });
    const out: number[] = [];
    for (const ev of events) {
      if (ev.kind === "trade") a.onTrade(ev);
      else if (ev.kind === "quote") a.onQuote(ev);
      else a.onBook(ev.bids, ev.asks);
      const u = a.compute(ev.time);
      if (!u || ev.kind !== "book") continue;
      const o = e.evaluate(u, { position: 0.25 });
      const problem = outOfRange(o);
      if (problem) expect.fail(problem);
      out.push(
        o.directionalBias,
        o.executionUrgency,
        o.riskAdjustedOpportunity,
        o.stability,
        o.normalized!.zscore,
        o.normalized!.percentile,
      );
    }
    a.dispose();
    e.dispose();
    return Float64Array.from(out);
  });
  expect(runs[0]!.length / 6).toBeGreaterThan(3000);
  for (let i = 1; i < runs.length; i++) expect(runs[i]).toEqual(runs[0]);
});
