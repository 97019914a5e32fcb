/**
 * Checkpoints of the TypeScript layer's state (issue 15): the decision tracker, the clock check,
 * the score normalizer, the correlation tracker and the composite engine that holds them. Each
 * is cut at fast-check points of a generated stream, written, read into a fresh object (on the
 * same backend and across backends) and both continue: every output after the cut is the same,
 * bit for bit. Bytes that do not fit are a CheckpointError. (The kernel windows inside:
 * test/checkpoint/kernels.test.ts; the whole engine: test/checkpoint/engine.test.ts.)
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { StateReader, StateWriter } from "../../src/checkpoint/stateCodec.js";
import { ConfluenceAnalyzer, type ConfluenceUpdate } from "../../src/confluence/analyzer.js";
import { CheckpointError } from "../../src/errors.js";
import type { Kernels } from "../../src/kernels/types.js";
import { ClockCheck } from "../../src/pipeline/clockCheck.js";
import { CompositeEngine } from "../../src/pipeline/compositeEngine.js";
import { ScoreNormalizer } from "../../src/score/normalizer.js";
import { DecisionTracker } from "../../src/strategy/decisionTracker.js";
import { CorrelationTracker } from "../../src/strategy/risk.js";
import { backends } from "../support/backends.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";

const [wasm, , js] = backends as [Kernels, Kernels, Kernels];
const pairings = [
  [wasm, wasm],
  [js, js],
  [wasm, js],
  [js, wasm],
] as const;

/** Writes `a`'s state and reads it into `b`. */
function copyState(a: { writeState(w: StateWriter): void }, b: { readState(r: StateReader): void }): Uint8Array {
  const w = new StateWriter();
  a.writeState(w);
  const bytes = w.finish();
  const r = new StateReader(bytes);
  b.readState(r);
  r.end();
  return bytes;
}

/** Every prefix of `bytes` but the whole, and a wrong tag: a CheckpointError each time, read into a fresh object. */
function expectRefusals(bytes: Uint8Array, fresh: () => { readState(r: StateReader): void }): void {
  for (let len = 0; len < bytes.length; len += Math.max(1, Math.floor(bytes.length / 61))) {
    expect(() => fresh().readState(new StateReader(bytes.slice(0, len))), `cut to ${len} of ${bytes.length} bytes`).toThrow(
      CheckpointError,
    );
  }
  const tag = bytes.slice();
  tag[0] = tag[0]! ^ 0x20;
  expect(() => fresh().readState(new StateReader(tag)), "a wrong tag").toThrow(/expected part/);
}

// a real update's shape, from the analyzer, with the numbers the composite reads generated
const template: ConfluenceUpdate = (() => {
  const a = new ConfluenceAnalyzer(js, {
    weights: { orderbook: 1, orderflow: 0, volume: 0, price_structure: 0, technical: 0, sentiment: 0 },
  });
  a.onQuote({ bidPx: 100, bidQty: 3, askPx: 100.5, askQty: 1 });
  const u = JSON.parse(JSON.stringify(a.compute(0)!)) as ConfluenceUpdate;
  a.dispose();
  return u;
})();
const reading = fc.record({
  score: fc.double({ min: 0, max: 100, noNaN: true }),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  micro: fc.double({ min: -1, max: 1, noNaN: true }),
  ofi: fc.double({ min: -1, max: 1, noNaN: true }),
  volatility: fc.constantFrom(0, 0.001, 0.01, 0.05),
  mid: fc.constantFrom<number | null>(null, 99, 100, 101.5),
  reference: fc.constantFrom<number | undefined>(undefined, 50, 50.5, 49),
  dt: fc.integer({ min: 0, max: 4_000 }),
});
type Reading = typeof reading extends fc.Arbitrary<infer T> ? T : never;

function updateOf(x: Reading, time: number): ConfluenceUpdate {
  return {
    ...template,
    time,
    score: x.score,
    confidence: x.confidence,
    features: {
      ...template.features,
      micropriceOffset: x.micro,
      orderFlowImbalance: x.ofi,
      volatility: x.volatility,
      mid: x.mid,
      lastPrice: x.mid ?? 100,
    },
  };
}

describe("CompositeEngine (its bias window, normalizer, correlation tracker, decision tracker)", () => {
  test("cut anywhere, restored on any backend: every later evaluation is the same, bit for bit", () => {
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 160 }), fc.nat(), fc.nat(3), fc.boolean(), (xs, at, p, normalize) => {
        const [from, to] = pairings[p]!;
        const options = { normalize, correlationWindow: 5, decision: { minHoldMs: 1_000 } };
        const a = new CompositeEngine(from, options);
        const cut = at % (xs.length + 1);
        let time = 0;
        const times = xs.map((x) => (time += x.dt));
        const run = (e: CompositeEngine, i: number) => {
          const x = xs[i]!;
          return e.evaluate(updateOf(x, times[i]!), x.reference === undefined ? {} : { referencePrice: x.reference });
        };
        for (let i = 0; i < cut; i++) run(a, i);
        const b = new CompositeEngine(to, options);
        copyState(a, b);
        expect(b.decision, "the decision held").toEqual(a.decision);
        for (let i = cut; i < xs.length; i++) expectSameUpdates(run(b, i), run(a, i), `evaluation ${i} after a cut at ${cut}`);
        a.dispose();
        b.dispose();
      }),
      { numRuns: 200 },
    );
  });

  test("refusals: cut bytes, a wrong tag, the other normalize option", () => {
    const a = new CompositeEngine(wasm, { correlationWindow: 5 });
    for (let i = 0; i < 40; i++)
      a.evaluate(
        updateOf(
          { score: 40 + i, confidence: 0.5, micro: 0.1, ofi: -0.1, volatility: 0.01, mid: 100, reference: 50 + i / 10, dt: 100 },
          i * 100,
        ),
        { referencePrice: 50 + i / 10 },
      );
    const w = new StateWriter();
    a.writeState(w);
    const bytes = w.finish();
    expectRefusals(bytes, () => new CompositeEngine(wasm, { correlationWindow: 5 }));
    expect(() => new CompositeEngine(js, { correlationWindow: 5, normalize: false }).readState(new StateReader(bytes))).toThrow(
      /normalize/,
    );
    expect(() => new CompositeEngine(js, { correlationWindow: 7 }).readState(new StateReader(bytes)), "another correlation window").toThrow(
      CheckpointError,
    );
    a.dispose();
  });
});

describe("the parts on their own", () => {
  test("DecisionTracker: the side held and when it was taken carry over (the hold still counts from then)", () => {
    const a = new DecisionTracker({ minHoldMs: 5_000, enter: 0.3 });
    const signal = { directionalBias: 0.6, signalStrength: 0.5, stability: 0.5, mid: 100, spread: 0.1, volatility: 0.001 };
    a.onSignal(signal, 1_000);
    const b = new DecisionTracker({ minHoldMs: 5_000, enter: 0.3 });
    copyState(a, b);
    expect(b.latest).toEqual(a.latest);
    const sell = { ...signal, directionalBias: -0.6 };
    expect(b.onSignal(sell, 5_999).side, "4,999 ms after the buy: held").toBe("buy");
    expect(b.onSignal(sell, 6_000).side).toBe("sell");
    const w = new StateWriter();
    a.writeState(w);
    expectRefusals(w.finish(), () => new DecisionTracker());
  });

  test("ClockCheck: the learnt offset and a candidate half confirmed carry over; other limits are refused", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -5e6, max: 5e6 }), fc.integer({ min: 0, max: 1e6 })), { maxLength: 60 }),
        fc.nat(),
        (pairs, at) => {
          const a = new ClockCheck({ maxAheadMs: 1_000 });
          const cut = at % (pairs.length + 1);
          for (const [off, t] of pairs.slice(0, cut)) a.plausible(t + off, t);
          const b = new ClockCheck({ maxAheadMs: 1_000 });
          copyState(a, b);
          for (const [off, t] of pairs.slice(cut)) expect(b.plausible(t + off, t)).toBe(a.plausible(t + off, t));
          expect(Object.is(b.offsetMs, a.offsetMs)).toBe(true);
        },
      ),
    );
    const w = new StateWriter();
    new ClockCheck().writeState(w);
    expect(() => new ClockCheck({ maxAheadMs: 5 }).readState(new StateReader(w.finish()))).toThrow(/clock limits/);
  });

  test.each(pairings.map(([f, t]) => [`${f.backend} → ${t.backend}`, f, t] as const))(
    "ScoreNormalizer and CorrelationTracker, %s: the same readings after the cut",
    (_, from, to) => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 1, max: 1e4, noNaN: true })), { maxLength: 80 }),
          fc.nat(),
          (xs, at) => {
            const cut = at % (xs.length + 1);
            const n = new ScoreNormalizer(from, { zWindow: 20, percentileWindow: 10, minSamples: 3 });
            const c = new CorrelationTracker(from, 6);
            for (const [s, p] of xs.slice(0, cut)) {
              n.onScore(s);
              c.onPrice(p, p / 2 + s);
            }
            const n2 = new ScoreNormalizer(to, { zWindow: 20, percentileWindow: 10, minSamples: 3 });
            const c2 = new CorrelationTracker(to, 6);
            copyState(n, n2);
            copyState(c, c2);
            expect(n2.latest).toEqual(n.latest);
            expect(c2.latest).toEqual(c.latest);
            for (const [s, p] of xs.slice(cut)) {
              expectSameUpdates(n2.onScore(s), n.onScore(s), "normalized");
              expectSameUpdates(c2.onPrice(p, p / 2 + s), c.onPrice(p, p / 2 + s), "correlation");
            }
            for (const o of [n, n2, c, c2]) o.dispose();
          },
        ),
        { numRuns: 60 },
      );
    },
  );
});
