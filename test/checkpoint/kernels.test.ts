/**
 * Checkpoints of the kernels' streaming objects (writeState/readState, src/checkpoint/stateCodec.ts)
 * on every backend and across backends: feed a stream, cut at N (drawn by fast-check, 0 and the
 * end included), write the state, read it into a fresh object — of the same backend or another —
 * and continue both with the rest: every output must stay bit-identical (Object.is) after every
 * event, and the restored object must write the same bytes back. Then the refusals: a truncated
 * part at every length, a wrong tag, another configuration and corrupted bytes are a
 * CheckpointError and nothing else, and corrupted bytes that happen to parse leave an object that
 * still runs without a crash.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  CapacityExceededError,
  CheckpointError,
  ConfluenceError,
  type ConfluenceCore,
  type ConfluenceCoreOptions,
  type Kernels,
  OutOfOrderError,
  type OrderFlowWindow,
  type VolumeDeltaWindow,
  type VolumeWindowOptions,
} from "../../src/index.js";
import { StateReader, StateWriter } from "../../src/checkpoint/stateCodec.js";
import type { Checkpointable } from "../../src/kernels/types.js";
import { backends } from "../support/backends.js";
import { BTCUSDT } from "../support/capture.js";
import { captureEvents, type Event } from "../support/replay.js";
import { resolveConfig, type ConfluenceConfig } from "../../src/confluence/config.js";
import { COMPONENT_NAMES, OUTPUTS } from "../../src/kernels/coreLayout.js";
import { expectIdentical } from "../support/close.js";

type Disposable = Checkpointable & { dispose(): void };

/** A kind of object, its stream, and what it outputs after each event. */
interface Subject<T extends Disposable, E> {
  readonly make: (k: Kernels) => T;
  readonly feed: (o: T, e: E) => void;
  readonly outputs: (o: T) => number[];
}

const pairs: [Kernels, Kernels][] = backends.flatMap((a) => backends.map((b) => [a, b] as [Kernels, Kernels]));
/** For the long capture runs: each backend to itself, and the SIMD build and JS both ways (the scalar build's crossings are in `pairs`). */
const capturePairs: [Kernels, Kernels][] = [
  [backends[0]!, backends[0]!],
  [backends[1]!, backends[1]!],
  [backends[2]!, backends[2]!],
  [backends[0]!, backends[2]!],
  [backends[2]!, backends[0]!],
];
const pairName = ([a, b]: [Kernels, Kernels]): string => `${a.backend} → ${b.backend}`;

function checkpoint(o: Checkpointable): Uint8Array {
  const w = new StateWriter();
  o.writeState(w);
  return w.finish();
}

function restore<T extends Checkpointable>(o: T, bytes: Uint8Array): T {
  const r = new StateReader(bytes);
  o.readState(r);
  r.end();
  return o;
}

/**
 * Feeds events[0, cut) to an object on `from`, restores its checkpoint into a fresh object on
 * `to`, then feeds both the rest and compares every output after every event.
 */
function expectContinuation<T extends Disposable, E>(
  s: Subject<T, E>,
  from: Kernels,
  to: Kernels,
  events: readonly E[],
  cut: number,
): void {
  const a = s.make(from);
  for (let i = 0; i < cut; i++) s.feed(a, events[i]!);
  const bytes = checkpoint(a);
  const b = restore(s.make(to), bytes);
  expect(checkpoint(b), "the restored object writes the same checkpoint").toEqual(bytes);
  expectIdentical(s.outputs(b), s.outputs(a), `outputs right after the restore at ${cut}`);
  for (let i = cut; i < events.length; i++) {
    s.feed(a, events[i]!);
    s.feed(b, events[i]!);
    expectIdentical(s.outputs(b), s.outputs(a), `outputs after event ${i} (cut at ${cut})`);
  }
  a.dispose();
  b.dispose();
}

/** Any exception other than a CheckpointError fails; returns whether the bytes were accepted. */
function readsOrRefuses<T extends Checkpointable>(o: T, bytes: Uint8Array): boolean {
  try {
    restore(o, bytes);
    return true;
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    return false;
  }
}

/**
 * Refusals for the checkpoint `bytes` of an object made by `make`: every truncation, a wrong tag,
 * and (after each refusal) a fresh object restored from the good bytes still continues.
 */
function expectRefusals<T extends Disposable>(make: () => T, bytes: Uint8Array, other: readonly (() => T)[]): void {
  for (let n = 0; n < bytes.length; n++) {
    const o = make();
    expect(() => restore(o, bytes.subarray(0, n)), `truncated to ${n} of ${bytes.length} bytes`).toThrow(CheckpointError);
    o.dispose();
  }
  const wrongTag = bytes.slice();
  wrongTag[0] = wrongTag[0]! ^ 0x20;
  const o = make();
  expect(() => restore(o, wrongTag), "a wrong tag").toThrow(/expected part/);
  o.dispose();
  const longer = new Uint8Array(bytes.length + 1);
  longer.set(bytes);
  const p = make();
  expect(() => restore(p, longer), "a byte left over").toThrow(CheckpointError);
  p.dispose();
  for (const [i, makeOther] of other.entries()) {
    const q = makeOther();
    expect(() => restore(q, bytes), `another configuration (${i})`).toThrow(CheckpointError);
    q.dispose();
  }
  const good = restore(make(), bytes);
  expect(checkpoint(good), "a fresh object restores the good bytes").toEqual(bytes);
  good.dispose();
}

/**
 * Corrupted checkpoints (random bytes overwritten): a CheckpointError, or accepted — and then the
 * object runs `events` without any exception (no read outside its memory on WASM).
 */
function expectCorruptionSafe<T extends Disposable, E>(s: Subject<T, E>, k: Kernels, bytes: Uint8Array, events: readonly E[]): void {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
      const bad = bytes.slice();
      for (const [at, v] of edits) bad[at] = v;
      const o = s.make(k);
      // a corrupted clock may make a later event out of order: a typed error is fine, a crash is not
      if (readsOrRefuses(o, bad))
        for (const e of events)
          try {
            s.feed(o, e);
          } catch (err) {
            if (!(err instanceof ConfluenceError)) throw err;
          }
      o.dispose();
    }),
    { numRuns: 150 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (random) => {
      const o = s.make(k);
      expect(() => restore(o, random), "random bytes").toThrow(CheckpointError);
      o.dispose();
    }),
    { numRuns: 100 },
  );
}

// ---- streams ----

/** Finite values with the extremes (±max, subnormals, −0) and runs of repeats (the constant-window path). */
const value = fc.oneof(
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, 60_000.01, 60_000.02, 5e-324, 1.7976931348623157e308) },
);
const values = fc.array(value, { maxLength: 40 }).chain((xs) => fc.tuple(fc.constant(xs), fc.nat(xs.length)));

interface StatsCase {
  window: number;
  minPeriods: number;
  extrema: boolean;
}
const statsCase = fc
  .integer({ min: 1, max: 8 })
  .chain((window) => fc.record({ window: fc.constant(window), minPeriods: fc.integer({ min: 1, max: window }), extrema: fc.boolean() }));

const statsSubject = (c: StatsCase): Subject<ReturnType<Kernels["rollingStats"]>, number> => ({
  make: (k) => k.rollingStats(c.window, { minPeriods: c.minPeriods, extrema: c.extrema }),
  feed: (o, x) => o.push(x),
  outputs: (o) => [o.mean, o.std, o.zscore, o.min, o.max, o.ema, o.last, o.count, Number(o.isStable), o.rank()],
});

const corrSubject = (window: number): Subject<ReturnType<Kernels["rollingCorrelation"]>, [number, number]> => ({
  make: (k) => k.rollingCorrelation(window),
  feed: (o, [x, y]) => o.push(x, y),
  outputs: (o) => [o.cov, o.corr, o.count, Number(o.isStable)],
});

describe("RollingStatsWindow checkpoints", () => {
  test.each(pairs.map((p) => [pairName(p), p] as const))("%s: continues bit-identically from any cut", (_, [from, to]) => {
    fc.assert(
      fc.property(statsCase, values, (c, [xs, cut]) => expectContinuation(statsSubject(c), from, to, xs, cut)),
      { numRuns: 120 },
    );
  });

  test.each(backends.map((k) => [k.backend, k] as const))("%s: refusals (truncation, tag, configuration, corruption)", (_, k) => {
    const c: StatsCase = { window: 5, minPeriods: 3, extrema: true };
    const s = statsSubject(c);
    const o = s.make(k);
    for (const x of [3, 1, 4, 1, 5, 9, 2, 6]) o.push(x); // wrapped, with a rebuild-free history and deques in use
    const bytes = checkpoint(o);
    o.dispose();
    expectRefusals(() => s.make(k), bytes, [
      () => k.rollingStats(4, { minPeriods: 3 }),
      () => k.rollingStats(5, { minPeriods: 2 }),
      () => k.rollingStats(5, { minPeriods: 3, extrema: false }),
      () => k.rollingStats(5, { minPeriods: 3, alpha: 0.5 }),
    ]);
    expectCorruptionSafe(s, k, bytes, [7, -1e300, 1e300, 0, 0, 0, 2, 8]);
  });
});

describe("RollingCorrelationWindow checkpoints", () => {
  const pairsOfValues = fc
    .array(fc.tuple(value, value), { maxLength: 40 })
    .chain((xs) => fc.tuple(fc.constant(xs), fc.nat(xs.length), fc.integer({ min: 1, max: 8 })));

  test.each(pairs.map((p) => [pairName(p), p] as const))("%s: continues bit-identically from any cut", (_, [from, to]) => {
    fc.assert(
      fc.property(pairsOfValues, ([xs, cut, window]) => expectContinuation(corrSubject(window), from, to, xs, cut)),
      { numRuns: 120 },
    );
  });

  test.each(backends.map((k) => [k.backend, k] as const))("%s: refusals (truncation, tag, configuration, corruption)", (_, k) => {
    const s = corrSubject(4);
    const o = s.make(k);
    for (const [x, y] of [
      [1, 2],
      [2, 1],
      [3, 5],
      [4, 4],
      [5, 0],
      [6, 1],
    ] as const)
      o.push(x, y);
    const bytes = checkpoint(o);
    o.dispose();
    expectRefusals(() => s.make(k), bytes, [() => k.rollingCorrelation(3), () => k.rollingCorrelation(5)]);
    expectCorruptionSafe(s, k, bytes, [
      [1, 1],
      [1e300, -1e300],
      [0, 0],
      [2, 3],
    ]);
  });
});

type VolumeEvent = { readonly qty: number; readonly buyer: boolean; readonly time: number } | { readonly qty: null; readonly time: number };

/** Volume windows: trades and clock moves; a trade a full time window turns away changes nothing, on either object. */
const volumeSubject = (options: VolumeWindowOptions): Subject<VolumeDeltaWindow, VolumeEvent> => ({
  make: (k) => k.volumeDeltaWindow(options),
  feed: (o, e) => {
    if (e.qty === null) return o.advance(e.time);
    try {
      o.push(e.qty, e.buyer, e.time);
    } catch (err) {
      if (!(err instanceof CapacityExceededError)) throw err;
    }
  },
  outputs: (o) => [o.buyVolume, o.sellVolume, o.delta, o.imbalance, o.count, Number(o.isStable)],
});

const quantity = fc.oneof(
  { weight: 4, arbitrary: fc.double({ noNaN: true, min: 0, max: 1e4 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 5e-324, 1e-8, 1e300, 1.7976931348623157e308) },
);
/** Trades and clock moves at non-decreasing times (steps of 0 included), with a cut point. */
const volumeEvents = fc
  .array(fc.tuple(fc.option(quantity, { freq: 5 }), fc.boolean(), fc.nat(30)), { maxLength: 40 })
  .map((steps) => {
    let time = 1_000;
    return steps.map(([qty, buyer, dt]): VolumeEvent => {
      time += dt;
      return qty === null ? { qty, time } : { qty, buyer, time };
    });
  })
  .chain((events) => fc.tuple(fc.constant(events), fc.nat(events.length)));
const volumeOptions: fc.Arbitrary<VolumeWindowOptions> = fc.oneof(
  fc.record({ count: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ spanMs: fc.integer({ min: 1, max: 60 }), capacity: fc.integer({ min: 1, max: 6 }) }),
);

describe("VolumeDeltaWindow checkpoints", () => {
  test.each(pairs.map((p) => [pairName(p), p] as const))("%s: continues bit-identically from any cut", (_, [from, to]) => {
    fc.assert(
      fc.property(volumeOptions, volumeEvents, (options, [events, cut]) =>
        expectContinuation(volumeSubject(options), from, to, events, cut),
      ),
      { numRuns: 120 },
    );
  });

  test.each(backends.map((k) => [k.backend, k] as const))("%s: refusals (truncation, tag, configuration, corruption)", (_, k) => {
    for (const options of [{ count: 4 }, { spanMs: 100, capacity: 4 }] as const) {
      const s = volumeSubject(options);
      const o = s.make(k);
      for (const [i, qty] of [3, 1, 4, 1, 5, 9].entries()) o.push(qty, i % 2 === 0, 30 * i); // wrapped
      const bytes = checkpoint(o);
      o.dispose();
      expectRefusals(() => s.make(k), bytes, [
        () => k.volumeDeltaWindow({ count: 3 }),
        () => k.volumeDeltaWindow({ spanMs: 100, capacity: 5 }),
        () => k.volumeDeltaWindow({ spanMs: 99, capacity: 4 }),
        "count" in options ? () => k.volumeDeltaWindow({ spanMs: 100, capacity: 4 }) : () => k.volumeDeltaWindow({ count: 4 }),
      ]);
      expectCorruptionSafe(s, k, bytes, [
        { qty: 2, buyer: true, time: 1e6 },
        { qty: 1e300, buyer: false, time: 2e6 },
        { qty: null, time: 3e6 },
      ]);
    }
  });
});

type Quote = readonly [number, number, number, number];

const ofiSubject = (window: number): Subject<OrderFlowWindow, Quote> => ({
  make: (k) => k.orderFlowWindow(window),
  feed: (o, [pb, qb, pa, qa]) => o.push(pb, qb, pa, qa),
  outputs: (o) => [o.last, o.sum, o.absSum, o.count, Number(o.isStable)],
});

/** Best quotes over a few prices, so the ≥/≤ cases of e (equal prices) all occur. */
const quotesStream = fc
  .array(fc.tuple(fc.constantFrom(99, 99.5, 100), quantity, fc.constantFrom(100.5, 101, 101.5), quantity), { maxLength: 40 })
  .chain((qs) => fc.tuple(fc.constant(qs), fc.nat(qs.length), fc.integer({ min: 1, max: 6 })));

describe("OrderFlowWindow checkpoints", () => {
  test.each(pairs.map((p) => [pairName(p), p] as const))("%s: continues bit-identically from any cut", (_, [from, to]) => {
    fc.assert(
      fc.property(quotesStream, ([qs, cut, window]) => expectContinuation(ofiSubject(window), from, to, qs, cut)),
      { numRuns: 120 },
    );
  });

  test.each(backends.map((k) => [k.backend, k] as const))("%s: refusals (truncation, tag, configuration, corruption)", (_, k) => {
    const s = ofiSubject(3);
    const o = s.make(k);
    for (const [pb, qb, pa, qa] of [
      [99, 1, 101, 2],
      [99.5, 3, 101, 1],
      [99.5, 2, 100.5, 4],
      [99, 5, 100.5, 1],
      [100, 1, 101, 1],
    ] as const)
      o.push(pb, qb, pa, qa);
    const bytes = checkpoint(o);
    o.dispose();
    expectRefusals(() => s.make(k), bytes, [() => k.orderFlowWindow(2), () => k.orderFlowWindow(4)]);
    expectCorruptionSafe(s, k, bytes, [
      [99, 1, 101, 1],
      [100, 1e300, 100.5, 0],
      [99.5, 2, 101, 3],
    ]);
  });
});

// ---- the confluence core ----

type CoreEvent = Event | { kind: "sentiment"; value: number; time: number } | { kind: "compute"; time: number };

/** Core options as ConfluenceAnalyzer builds them from a configuration. */
function coreOptionsOf(k: Kernels, c: ConfluenceConfig): ConfluenceCoreOptions {
  return {
    lookback: c.lookback,
    depth: c.depth,
    ofiWindow: c.ofiWindow,
    flowWindow: c.flowWindow,
    sensitivity: c.sensitivity,
    signalShape: c.signalShape,
    staleMs: c.sentimentStaleMs,
    bookDepthWeight: c.bookDepthWeight,
    tradeFlowWeight: c.tradeFlowWeight,
    weights: COMPONENT_NAMES.map((n) => c.weights[n]),
    levelWeights: Array.from({ length: c.depth }, (_, i) => k.exp((-2 * i) / c.depth)),
  };
}

/** Feeds one event as ConfluenceAnalyzer does (a book: its top levels into the book input), and scores after every market event. */
function feedCore(o: ConfluenceCore, e: CoreEvent, depth: number, scoreEach: boolean): void {
  if (e.kind === "trade") o.trade(e.price, e.qty, e.buyerInitiated, e.time);
  else if (e.kind === "quote") o.quote(e.bidPx, e.bidQty, e.askPx, e.askQty);
  else if (e.kind === "sentiment") o.sentiment(e.value, e.time);
  else if (e.kind === "book") {
    const input = o.bookInput;
    const nb = Math.min(e.bids.length, depth),
      na = Math.min(e.asks.length, depth);
    for (let i = 0; i < nb; i++) [input[i], input[depth + i]] = e.bids[i]!;
    for (let i = 0; i < na; i++) [input[2 * depth + i], input[3 * depth + i]] = e.asks[i]!;
    o.book(nb, na);
  }
  if (e.kind === "compute" || scoreEach) o.compute(e.time);
}

const coreSubject = (
  options: (k: Kernels) => ConfluenceCoreOptions,
  trusted: boolean,
  scoreEach: boolean,
): Subject<ConfluenceCore, CoreEvent> => ({
  make: (k) => k.confluenceCore(options(k), trusted),
  feed: (o, e) => feedCore(o, e, o.bookInput.length / 4, scoreEach),
  outputs: (o) => {
    const out = new Float64Array(OUTPUTS);
    o.snapshot(out);
    return Array.from(out);
  },
});

const smallCore = (k: Kernels, lookback = 2): ConfluenceCoreOptions => ({
  ...coreOptionsOf(k, resolveConfig({})),
  lookback,
  depth: 3,
  ofiWindow: 3,
  flowWindow: 2,
  levelWeights: [1, 0.5, 0.25],
});

const px = fc.constantFrom(99.5, 100, 100.5, 101);
const qty = fc.oneof(fc.constantFrom(0, 1e-12, 1e15), fc.double({ noNaN: true, min: 0.001, max: 50 }));
const level = fc.tuple(px, qty).map(([p, q]): [number, number] => [p, q]);
/** Every kind of event at non-decreasing times, with books of 0 to 4 levels a side (more than the depth included). */
const coreEvents = fc
  .array(
    fc.oneof(
      fc.record({ kind: fc.constant("trade" as const), price: px, qty, buyerInitiated: fc.boolean(), dt: fc.nat(500) }),
      fc.record({ kind: fc.constant("quote" as const), bidPx: px, bidQty: qty, askPx: px, askQty: qty, dt: fc.nat(500) }),
      fc.record({
        kind: fc.constant("book" as const),
        bids: fc.array(level, { maxLength: 4 }),
        asks: fc.array(level, { maxLength: 4 }),
        dt: fc.nat(500),
      }),
      fc.record({ kind: fc.constant("sentiment" as const), value: fc.double({ min: -1, max: 1, noNaN: true }), dt: fc.nat(500) }),
      fc.record({ kind: fc.constant("compute" as const), dt: fc.nat(5000) }),
    ),
    { maxLength: 60 },
  )
  .map((steps) => {
    let time = 1_723_100_000_000;
    return steps.map(({ dt, ...e }) => ({ ...e, time: (time += dt) }) as CoreEvent);
  })
  .chain((events) => fc.tuple(fc.constant(events), fc.nat(events.length)));

describe("ConfluenceCore checkpoints", () => {
  test.each(pairs.map((p) => [pairName(p), p] as const))(
    "%s: every event kind, continues bit-identically from any cut",
    (_, [from, to]) => {
      fc.assert(
        fc.property(coreEvents, fc.integer({ min: 1, max: 3 }), fc.boolean(), ([events, cut], lookback, trusted) =>
          expectContinuation(
            coreSubject((k) => smallCore(k, lookback), trusted, false),
            from,
            to,
            events,
            cut,
          ),
        ),
        { numRuns: 60 },
      );
    },
  );

  const defaults = resolveConfig({});
  const capture = captureEvents(BTCUSDT, defaults.depth);

  test.each(capturePairs.map((p) => [pairName(p), p] as const))(
    "%s: the BTCUSDT capture with the default preset, scored after every event, from cuts across it",
    async (_, [from, to]) => {
      const { events } = await capture;
      const s = coreSubject((k) => coreOptionsOf(k, defaults), true, true);
      // warm-up boundaries (a few events in; lookback-many trades in) and fast-check's draws
      const cuts = [
        0,
        7,
        400,
        events.length,
        ...fc.sample(fc.nat(events.length), { numRuns: 2, seed: from.backend.length * 7 + to.backend.length }),
      ];
      for (const cut of cuts) expectContinuation(s, from, to, events, cut);
    },
    120_000,
  );

  test("a checkpoint of the default preset's core after the BTCUSDT capture: its size, and it restores on every backend", async () => {
    const { events } = await capture;
    const [first] = backends;
    const s = coreSubject((k) => coreOptionsOf(k, defaults), true, true);
    const o = s.make(first!);
    for (const e of events) s.feed(o, e);
    const bytes = checkpoint(o);
    console.log(`default-preset ConfluenceCore checkpoint after the BTCUSDT capture (${events.length} events): ${bytes.length} bytes`);
    for (const k of backends) {
      const b = restore(s.make(k), bytes);
      expectIdentical(s.outputs(b), s.outputs(o), `restored on ${k.backend}`);
      b.dispose();
    }
    o.dispose();
  });

  test.each(backends.map((k) => [k.backend, k] as const))(
    "%s: checked and trusted cores share the part; the checked one keeps trades in time order after a restore",
    (_, k) => {
      const trusted = k.confluenceCore(smallCore(k), true);
      trusted.trade(100, 1, true, 5_000);
      const checked = restore(k.confluenceCore(smallCore(k)), checkpoint(trusted));
      expect(() => checked.trade(100, 1, true, 4_999), "a trade older than the restored last one").toThrow(OutOfOrderError);
      checked.trade(100, 1, false, 5_000);
      const back = restore(k.confluenceCore(smallCore(k), true), checkpoint(checked));
      expect(checkpoint(back)).toEqual(checkpoint(checked));
      for (const o of [trusted, checked, back]) o.dispose();
    },
  );

  test.each(backends.map((k) => [k.backend, k] as const))(
    "%s: refusals (truncation, tag, every configuration option, corruption)",
    (_, k) => {
      const s = coreSubject(smallCore, false, true);
      const o = s.make(k);
      for (const e of fc.sample(coreEvents, { numRuns: 1, seed: 15 })[0]![0]) s.feed(o, e);
      for (let i = 0; i < 20; i++) s.feed(o, { kind: "trade", price: 100 + (i % 3), qty: 1, buyerInitiated: i % 2 === 0, time: 2e12 + i });
      const bytes = checkpoint(o);
      o.dispose();
      const other = (change: Partial<ConfluenceCoreOptions>) => () => k.confluenceCore({ ...smallCore(k), ...change });
      expectRefusals(() => s.make(k), bytes, [
        () => k.confluenceCore(smallCore(k, 3)),
        other({ depth: 2, levelWeights: [1, 0.5] }),
        other({ ofiWindow: 4 }),
        other({ flowWindow: 3 }),
        other({ sensitivity: 0.3 }),
        other({ signalShape: smallCore(k).signalShape === "linear" ? "squash" : "linear" }),
        other({ staleMs: 1 }),
        other({ bookDepthWeight: 0.123 }),
        other({ tradeFlowWeight: 0.123 }),
        other({ weights: [0.5, 0.1, 0.1, 0.1, 0.1, 0.1] }),
        other({ levelWeights: [1, 0.5, 0.2] }),
      ]);
      expectCorruptionSafe(s, k, bytes, [
        { kind: "trade", price: 100, qty: 1, buyerInitiated: true, time: 3e12 },
        { kind: "quote", bidPx: 100, bidQty: 1, askPx: 100.5, askQty: 2, time: 3e12 },
        { kind: "book", bids: [[100, 1]], asks: [[101, 1]], time: 3e12 },
        { kind: "compute", time: 3e12 },
      ]);
    },
  );

  test("a large default-preset checkpoint: refused when truncated anywhere (sampled lengths), on every backend", async () => {
    const { events } = await capture;
    for (const k of backends) {
      const s = coreSubject((kk) => coreOptionsOf(kk, defaults), true, true);
      const o = s.make(k);
      for (const e of events.slice(0, 5_000)) s.feed(o, e);
      const bytes = checkpoint(o);
      o.dispose();
      for (const n of fc.sample(fc.nat(bytes.length - 1), { numRuns: 150, seed: 1 })) {
        const c = s.make(k);
        expect(() => restore(c, bytes.subarray(0, n)), `truncated to ${n} of ${bytes.length}`).toThrow(CheckpointError);
        c.dispose();
      }
    }
  });
});
