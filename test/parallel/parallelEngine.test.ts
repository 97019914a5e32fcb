/**
 * The ParallelEngine against a single StreamingEngine on the real BTCUSDT and ETHUSDT
 * captures: the same summary (but perf) and the same score updates, per symbol and in
 * order, with 1 and 2 workers on both backends; symbols spread over both workers; tiny
 * batches (thousands in flight); contexts; bad data; a worker crash as a typed error.
 *
 * The tests run the main-thread side from the TypeScript sources and the worker threads
 * from the built dist/parallel/engineThread.js (src/parallel/workerFile.ts): build first —
 * `npm test` does.
 */
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  DisposedError,
  InvalidConfigError,
  InvalidParameterError,
  InvalidWeightsError,
  jsKernels,
  loadKernels,
  StreamingEngine,
  WorkerFailedError,
  type MarketEvent,
  type ScoreUpdate,
  type SymbolSummary,
} from "../../src/index.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { ParallelEngine, type ParallelEngineOptions } from "../../src/parallel/parallelEngine.js";
import { scoreContext, type ScoreContext } from "../../src/parallel/scoreContext.js";
import { shardOf } from "../../src/parallel/shardOf.js";
import { summarize } from "../../src/pipeline/summary.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { runEngine } from "../support/engineRun.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";

const FILES = [BTCUSDT, ETHUSDT];
const events: MarketEvent[] = [];
beforeAll(async () => {
  await replayCaptureFiles(FILES, (e) => events.push(e));
});

const open: ParallelEngine[] = [];
const engine = (options: ParallelEngineOptions): ParallelEngine => {
  const e = new ParallelEngine(options);
  open.push(e);
  return e;
};
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((e) => e.close()));
});

const withoutPerf = (s: Record<string, SymbolSummary>): Record<string, Omit<SymbolSummary, "perf">> =>
  Object.fromEntries(Object.entries(s).map(([k, { perf: _perf, ...rest }]) => [k, rest]));

function bySymbol<T extends { symbol: string }>(items: readonly T[]): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const u of items) (out[u.symbol] ??= []).push(u);
  return out;
}

/** A single engine over `stream`: summary without perf, updates (with their contexts). */
function single(stream: readonly MarketEvent[], kernels: Awaited<ReturnType<typeof loadKernels>>) {
  const updates: { symbol: string; u: ScoreUpdate; ctx: ScoreContext }[] = [];
  const e: StreamingEngine = new StreamingEngine(kernels, {
    onScore: (u) => updates.push({ symbol: u.symbol, u, ctx: scoreContext(e.symbolState(u.symbol)!) }),
  });
  for (const ev of stream) e.process(ev);
  const summary = withoutPerf(summarize(e, 1));
  const counts = Object.fromEntries(Object.keys(summary).map((s) => [s, e.symbolState(s)!.scoreUpdates]));
  e.dispose();
  return { summary, updates, counts };
}

describe.each(["wasm", "js"] as const)("backend %s", (backend) => {
  let reference: Awaited<ReturnType<typeof runEngine>>;
  beforeAll(async () => {
    reference = await runEngine(backend === "js" ? jsKernels() : await loadKernels(), FILES);
    reference.engine.dispose();
  });

  test.each([1, 2])(
    "%i worker(s): the summary but perf, and every score update of each symbol in order, equal a single engine's",
    async (workers) => {
      const updates: ScoreUpdate[] = [];
      const p = engine({ workers, backend, onScore: (u) => updates.push(u) });
      for (const e of events) p.process(e);
      const summary = await p.summary(2);
      expect(Object.keys(summary), "symbols in order of first appearance").toEqual(Object.keys(reference.summary));
      expect(withoutPerf(summary)).toEqual(reference.summary);
      const got = bySymbol(updates),
        want = bySymbol(reference.updates);
      expect(got.BTCUSDT!.length).toBe(4668);
      expectSameUpdates(got, want, "updates per symbol");
      expectSameUpdates(JSON.stringify(got), JSON.stringify(want), "updates per symbol: the same JSON text, same key order");
      for (const [symbol, s] of Object.entries(summary)) {
        expect(p.scoreUpdates(symbol)).toBe(want[symbol]!.length);
        const e = s.events;
        expect(s.perf.eventsPerSec, "events over the wall time given").toBe(Math.round((e.trade + e.depth + e.quote + e.snapshot) / 2));
        expect(s.perf.latencyNs.p50, "latency from the worker's histogram").toBeGreaterThan(0);
        expect(s.perf.latencyNs.max).toBeGreaterThanOrEqual(s.perf.latencyNs.p999);
      }
    },
  );
});

test("symbols on both workers: four symbols, two per worker, each identical to a single engine's", async () => {
  const renamed = ["BTCUSDT-3", "ETHUSDT-1"];
  const stream = events.flatMap((e) => [e, { ...e, symbol: e.symbol === "BTCUSDT" ? renamed[0]! : renamed[1]! }]);
  const owners = ["BTCUSDT", "ETHUSDT", ...renamed].map((s) => shardOf(s, 2));
  expect(owners.sort(), "the symbols split 2 + 2").toEqual([0, 0, 1, 1]);
  const ref = single(stream, await loadKernels());
  const updates: ScoreUpdate[] = [];
  const p = engine({ workers: 2, onScore: (u) => updates.push(u) });
  for (const e of stream) p.process(e);
  const summary = await p.summary();
  expect(Object.keys(summary)).toEqual(["BTCUSDT", "BTCUSDT-3", "ETHUSDT", "ETHUSDT-1"]);
  expect(withoutPerf(summary)).toEqual(ref.summary);
  expectSameUpdates(
    bySymbol(updates),
    Object.fromEntries(Object.entries(bySymbol(ref.updates)).map(([s, us]) => [s, us.map((x) => x.u)])),
    "updates per symbol",
  );
});

test("batches of 7 events, thousands in flight: every update per symbol in order, and the contexts equal a single engine's", async () => {
  const stream = events.slice(0, 30_000);
  const ref = single(stream, jsKernels());
  const got: { symbol: string; u: ScoreUpdate; ctx: ScoreContext }[] = [];
  const p = engine({
    workers: 2,
    backend: "js",
    batchSize: 7,
    context: true,
    onScore: (u, ctx) => got.push({ symbol: u.symbol, u, ctx: ctx! }),
  });
  for (const e of stream) p.process(e);
  await p.flush();
  expect(got.length).toBeGreaterThan(1000);
  expectSameUpdates(bySymbol(got), bySymbol(ref.updates), "updates and contexts per symbol");
  for (const s of Object.keys(ref.counts)) expect(p.scoreUpdates(s)).toBe(ref.counts[s]);
});

test("without flush(), events still go out when the caller yields to the event loop, and every update arrives", async () => {
  const stream = events.slice(0, 20_000);
  const want = single(stream, await loadKernels()).updates.length;
  expect(want).toBeGreaterThan(100);
  const got: ScoreUpdate[] = [];
  const p = engine({ workers: 1, onScore: (u) => got.push(u) });
  for (let i = 0; i < stream.length; i++) {
    p.process(stream[i]!);
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  for (let waited = 0; got.length < want && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  expect(got.length, "updates delivered without flush()").toBe(want);
});

test("bad data is rejected and counted as a single engine does; a non-object is dropped; nothing throws", async () => {
  const base = { symbol: "BAD", receiveTime: 1 };
  const bad = [
    { ...base, type: "snapshot", exchangeTime: 1, lastUpdateId: 10, bids: Float64Array.of(100, 1), asks: Float64Array.of(101, 1) },
    { ...base, type: "trade", exchangeTime: 2, price: NaN, qty: 1, buyerInitiated: true, tradeId: 1 },
    { ...base, type: "trade", exchangeTime: 3, price: 100, qty: -1, buyerInitiated: false, tradeId: 2 },
    { ...base, type: "trade", exchangeTime: 5, price: 100, qty: 1, buyerInitiated: false, tradeId: 3 },
    { ...base, type: "trade", exchangeTime: 4, price: 100, qty: 1, buyerInitiated: false, tradeId: 4 },
    { ...base, type: "quote", exchangeTime: 6, updateId: 11, bidPx: 102, bidQty: 1, askPx: 101, askQty: 1 },
    {
      ...base,
      type: "depth",
      exchangeTime: 7,
      firstUpdateId: 11,
      lastUpdateId: 11,
      prevUpdateId: NaN,
      bids: Float64Array.of(100, -2),
      asks: new Float64Array(0),
    },
    { ...base, type: "funding", exchangeTime: 8 },
    // not well formed: a string, a BigInt, a missing field, levels of another kind or missing — they travel unpacked
    { ...base, type: "trade", exchangeTime: 9, price: "100", qty: 1, buyerInitiated: true, tradeId: 5 },
    { ...base, type: "trade", exchangeTime: 10, price: 100n, qty: 1, buyerInitiated: true, tradeId: 6 },
    { ...base, type: "trade", price: 100, qty: 1, buyerInitiated: false, tradeId: 7 },
    { ...base, type: "trade", exchangeTime: 11, price: 100, qty: 1, buyerInitiated: 1, tradeId: 8 },
    { ...base, type: "depth", exchangeTime: 12, firstUpdateId: 11, lastUpdateId: 11, prevUpdateId: NaN, asks: new Float64Array(0) },
    {
      ...base,
      type: "depth",
      exchangeTime: 13,
      firstUpdateId: 11,
      lastUpdateId: 11,
      prevUpdateId: NaN,
      bids: Float32Array.of(99, 1),
      asks: new Float64Array(0),
    },
    { ...base, type: "quote", exchangeTime: 14, updateId: 12, bidPx: 100, bidQty: 1, askPx: 101, askQty: null },
    // a book with an empty side, synced from levels given as plain arrays: no best ask, nothing that needs one
    { type: "snapshot", symbol: "ONESIDED", receiveTime: 1, exchangeTime: 1, lastUpdateId: 5, bids: [100, 1, 99, 2], asks: [] },
    { type: "trade", symbol: "ONESIDED", receiveTime: 2, exchangeTime: 2, price: 100, qty: 1, buyerInitiated: true, tradeId: 1 },
  ] as unknown as MarketEvent[];
  const ref = single(bad, await loadKernels());
  const p = engine({ workers: 2 });
  for (const e of bad) p.process(e);
  for (const e of [
    null,
    7,
    { type: "trade" },
    { ...base, symbol: 42 },
    { ...base, symbol: "" },
    { ...base, symbol: "BAD", type: "trade", fn: () => 1 },
  ]) {
    p.process(e as unknown as MarketEvent);
  }
  const summary = await p.summary();
  expect(withoutPerf(summary)).toEqual(ref.summary);
  expect(summary.BAD!.events.rejected).toBe(13);
  expect(summary.ONESIDED!.book).toEqual({
    synced: true,
    gaps: 0,
    staleSnapshots: 0,
    trimmed: 0,
    applied: 0,
    bestBid: 100,
    bestAsk: null,
    imbalance5: null,
    microprice: null,
    bidLevels: 2,
    askLevels: 0,
  });
  expect(p.dropped, "five with no symbol to route by, one that cannot be sent to a thread").toBe(6);
});

test("close() takes no more events from its call on: what came before is all delivered, what comes after is a DisposedError", async () => {
  const updates: ScoreUpdate[] = [];
  const p = engine({ workers: 2, onScore: (u) => updates.push(u) });
  const head = events.slice(0, 20_000);
  for (const e of head) p.process(e);
  const closing = p.close();
  expect(() => p.process(events[20_000]!), "an event during close").toThrow(DisposedError);
  await closing;
  expect(await p.close(), "a second close is a no-op").toBeUndefined();
  const want = single(head, await loadKernels());
  expect(updates.length).toBe(want.updates.length);
  expectSameUpdates(bySymbol(updates), bySymbol(want.updates.map((x) => x.u)), "updates per symbol delivered before close");
});

test("a worker crash (out of memory) is a WorkerFailedError from flush and close — naming the worker's symbols — never an unhandled rejection", async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  try {
    const p = engine({ workers: 2, maxSymbols: 1_000_000, resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 } });
    for (const e of events.slice(0, 2000)) p.process(e);
    await p.flush(); // the workers run within the limit
    // every symbol costs its worker an engine's per-symbol state: 200,000 of them do not fit in 32 MB
    const trade = (i: number): MarketEvent => ({
      type: "trade",
      symbol: `S${i}`,
      exchangeTime: i,
      receiveTime: i,
      price: 1,
      qty: 1,
      buyerInitiated: true,
      tradeId: i,
    });
    for (let i = 0; i < 200_000; i++) p.process(trade(i));
    const err = await p.flush().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkerFailedError);
    const failed = err as WorkerFailedError;
    expect(failed.name).toBe("WorkerFailedError");
    expect(failed.message).toMatch(/memory limit/);
    expect(failed.symbols.length).toBeGreaterThan(1000);
    expect(
      failed.symbols.every((s) => p.workerOf(s) === failed.worker),
      "the failed worker held exactly the symbols the hash gives it",
    ).toBe(true);
    expect(() => p.process(trade(1)), "process never throws for a failed worker").not.toThrow();
    await expect(p.summary()).rejects.toBeInstanceOf(WorkerFailedError);
    await expect(p.close()).rejects.toBeInstanceOf(WorkerFailedError);
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  } finally {
    process.off("unhandledRejection", onUnhandled);
  }
});

test("an exception thrown by onScore comes out of the next flush; delivery goes on", async () => {
  let calls = 0;
  const p = engine({
    workers: 1,
    onScore: () => {
      if (calls++ === 0) throw new RangeError("the caller's own bug");
    },
  });
  for (const e of events.slice(0, 20_000)) p.process(e);
  await expect(p.flush()).rejects.toThrow(/the caller's own bug/);
  expect(calls).toBe(p.scoreUpdates("BTCUSDT") + p.scoreUpdates("ETHUSDT"));
  await expect(p.flush()).resolves.toBeUndefined();
});

test("options are checked up front with typed errors; after close, process and summary throw DisposedError", async () => {
  expect(() => new ParallelEngine({ workers: 0 })).toThrow(InvalidParameterError);
  expect(() => new ParallelEngine({ batchSize: 0.5 })).toThrow(InvalidParameterError);
  expect(() => new ParallelEngine({ config: { weights: { orderbook: 2 } } })).toThrow(InvalidWeightsError);
  expect(() => new ParallelEngine({ keepRejections: -1 }), "engine options too, as a single engine checks them").toThrow(
    InvalidParameterError,
  );
  expect(() => new ParallelEngine({ maxBufferedDiffs: 0 })).toThrow(InvalidParameterError);
  expect(() => new ParallelEngine({ composite: { maxPosition: -1 } })).toThrow(InvalidConfigError);
  const p = engine({ workers: 1 });
  await p.close();
  expect(() => p.process(events[0]!)).toThrow(DisposedError);
  await expect(p.summary()).rejects.toBeInstanceOf(DisposedError);
});
