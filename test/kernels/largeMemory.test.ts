/**
 * WebAssembly linear memory above 2 GiB, on the real module: an i32 pointer above 2 GiB
 * reads as a negative number in JS unless read unsigned. With more than 2 GiB in use and
 * every free block below 2 GiB taken (so each new buffer, scratch block and window lies
 * above it), the kernels, the streaming windows and the streaming engine must give the
 * JS backend's results bit for bit; an allocation that cannot succeed must be an
 * OutOfMemoryError after which the module keeps working.
 *
 * Needs about 4 GB of RAM (the module grows to its 4 GiB limit in the last test) and runs
 * in its own file, so in a worker of its own; about a minute in all on a busy 2-core machine.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  jsKernels,
  levelWeights,
  loadKernels,
  OutOfMemoryError,
  type Float64Buffer,
  type Kernels,
  type RollingResult,
  type Uint8Buffer,
} from "../../src/index.js";
import * as O from "../../src/kernels/coreLayout.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { StreamingEngine, type ScoreUpdate } from "../../src/pipeline/engine.js";
import { BTCUSDT } from "../support/capture.js";
import { captureEvents, type Event } from "../support/replay.js";

const GiB = 2 ** 30;
const N = 50_000_000;
const WINDOW = 16;
const DEPTH = 10;
/** Generous: each test takes seconds to tens of seconds, more on a busy machine, and must not fail for that. */
const TIMEOUT = 300_000;

const wasm = await loadKernels();
const js = jsKernels();

/** Memory held for the whole file: the 5e7-value input, its six outputs, and the blocks that fill every gap below 2 GiB. */
const held: (Float64Buffer | Uint8Buffer)[] = [];
let input: Float64Buffer;
let outputs: Float64Buffer[];
let events: Event[];

beforeAll(async () => {
  outputs = Array.from({ length: 6 }, () => wasm.allocFloat64(N));
  input = wasm.allocFloat64(N); // allocated last: it starts above 2 GiB
  held.push(...outputs, input);
  // Take every free block left below 2 GiB, largest first, so whatever is allocated from
  // here on (scratch blocks, windows, a new symbol's state) lies above 2 GiB.
  for (let size = 1 << 20; size >= 16; size >>= 1) {
    for (;;) {
      const block = wasm.allocUint8(size);
      held.push(block);
      if (block.array.byteOffset >= 2 * GiB) break;
    }
  }
  ({ events } = await captureEvents(BTCUSDT, DEPTH));
}, TIMEOUT);

afterAll(() => {
  for (const b of held) b.free();
});

/** Fails unless a fresh allocation lies above 2 GiB (so what the test allocates next does too). */
function expectAllocationsAbove2GiB(): void {
  expect(wasm.memoryBytes, "linear memory in use").toBeGreaterThan(2 * GiB);
  const probe = wasm.allocFloat64(2);
  expect(probe.array.byteOffset, "a new block's address").toBeGreaterThanOrEqual(2 * GiB);
  probe.free();
}

/** The first position where two result sets differ in any bit, or null. */
function firstDifference(a: ReadonlyMap<string, ArrayLike<number>>, b: ReadonlyMap<string, ArrayLike<number>>): string | null {
  for (const [name, x] of a) {
    const y = b.get(name)!;
    if (x.length !== y.length) return `${name}: length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `${name}[${i}]: ${x[i]} vs ${y[i]}`;
  }
  return null;
}

/**
 * Every kernel and streaming object over the real BTCUSDT capture (trades, best quotes,
 * top-10 books): batch kernels on plain arrays (copied into scratch blocks), windows fed
 * event by event, a confluence core scored after every event.
 */
function everyKernel(k: Kernels): Map<string, ArrayLike<number>> {
  const r = new Map<string, ArrayLike<number>>();
  const trades = events.filter((e) => e.kind === "trade");
  const quotes = events.filter((e) => e.kind === "quote");
  const books = events.filter((e) => e.kind === "book").slice(0, 500);
  const px = Float64Array.from(trades, (t) => t.price),
    qty = Float64Array.from(trades, (t) => t.qty);
  const buyer = Uint8Array.from(trades, (t) => (t.buyerInitiated ? 1 : 0));
  const [pb, qb, pa, qa] = (["bidPx", "bidQty", "askPx", "askQty"] as const).map((f) => Float64Array.from(quotes, (q) => q[f]));
  const vd = k.volumeDelta(qty, buyer);
  r.set("volumeDelta", [vd.buyVolume, vd.sellVolume, vd.delta, vd.imbalance]);
  // level-major books: level i of book m at i·M + m
  const m = books.length,
    bidQ = new Float64Array(m * DEPTH),
    askQ = new Float64Array(m * DEPTH);
  books.forEach((b, j) => {
    for (let i = 0; i < DEPTH; i++) {
      bidQ[i * m + j] = b.bids[i]?.[1] ?? 0;
      askQ[i * m + j] = b.asks[i]?.[1] ?? 0;
    }
  });
  r.set("bookImbalanceBatch", k.bookImbalanceBatch(bidQ, askQ, m, DEPTH));
  r.set("depthWeightedImbalanceBatch", k.depthWeightedImbalanceBatch(bidQ, askQ, m, DEPTH, 0.3));
  const top = (q: Float64Array): Float64Array => Float64Array.from({ length: DEPTH }, (_, i) => q[i * m]!); // the first book
  r.set("bookImbalance", [k.bookImbalance(top(bidQ), top(askQ), DEPTH), k.depthWeightedImbalance(top(bidQ), top(askQ), DEPTH, 0.3)]);
  r.set("micropriceBatch", k.micropriceBatch(pb!, qb!, pa!, qa!));
  r.set("microprice", [k.microprice(pb![0]!, qb![0]!, pa![0]!, qa![0]!)]);
  r.set("orderFlowImbalance", k.orderFlowImbalance(pb!, qb!, pa!, qa!));
  r.set("rollingOrderFlowImbalance", k.rollingOrderFlowImbalance(pb!, qb!, pa!, qa!, 50));
  const rolled = k.rolling(px, 20, { minPeriods: 5 });
  for (const key of ["mean", "std", "zscore", "min", "max", "rank"] as const) r.set(`rolling.${key}`, rolled[key]);
  r.set("ewm", k.ewm(px, 0.1));
  r.set("rollingCov", k.rollingCov(px, qty, 30));
  r.set("rollingCorr", k.rollingCorr(px, qty, 30));

  const stats = k.rollingStats(50),
    corr = k.rollingCorrelation(30);
  const byCount = k.volumeDeltaWindow({ count: 100 }),
    bySpan = k.volumeDeltaWindow({ spanMs: 5000 });
  const streamed: number[] = [];
  for (const t of trades) {
    stats.push(t.price);
    corr.push(t.price, t.qty);
    byCount.push(t.qty, t.buyerInitiated, t.time);
    bySpan.push(t.qty, t.buyerInitiated, t.time);
    streamed.push(stats.mean, stats.std, stats.min, stats.max, stats.ema, stats.rank(), corr.corr, byCount.delta, bySpan.imbalance);
  }
  const ofi = k.orderFlowWindow(50);
  for (let i = 0; i < quotes.length; i++) {
    ofi.push(pb![i]!, qb![i]!, pa![i]!, qa![i]!);
    streamed.push(ofi.sum, ofi.absSum);
  }
  r.set("streaming windows", streamed);
  for (const w of [stats, corr, byCount, bySpan, ofi]) w.dispose();

  const core = k.confluenceCore({
    lookback: 50,
    depth: DEPTH,
    ofiWindow: 10,
    flowWindow: 10,
    sensitivity: 1,
    staleMs: 60_000,
    bookDepthWeight: 0.5,
    tradeFlowWeight: 0.5,
    weights: [0.3, 0.25, 0.15, 0.15, 0.15, 0],
    levelWeights: levelWeights(DEPTH, 0.2),
  });
  const scores: number[] = [];
  const out = new Float64Array(O.OUTPUTS);
  for (const e of events.slice(0, 20_000)) {
    if (e.kind === "trade") core.trade(e.price, e.qty, e.buyerInitiated, e.time);
    else if (e.kind === "quote") core.quote(e.bidPx, e.bidQty, e.askPx, e.askQty);
    else {
      const input = core.bookInput;
      e.bids.forEach(([p, q], i) => {
        input[i] = p;
        input[DEPTH + i] = q;
      });
      e.asks.forEach(([p, q], i) => {
        input[2 * DEPTH + i] = p;
        input[3 * DEPTH + i] = q;
      });
      core.book(e.bids.length, e.asks.length);
    }
    core.compute(e.time);
    core.snapshot(out);
    scores.push(...out);
  }
  core.dispose();
  r.set("confluenceCore", scores);
  return r;
}

/** Replays captured events under another symbol name through a new engine and returns its score updates. */
async function replayAs(k: Kernels, symbol: string, captured: readonly MarketEvent[]): Promise<ScoreUpdate[]> {
  const updates: ScoreUpdate[] = [];
  const engine = new StreamingEngine(k, { onScore: (u) => updates.push(u) });
  for (const e of captured) engine.process({ ...e, symbol });
  const state = engine.symbolState(symbol)!;
  expect(state.rejections, `${k.backend}: no event of ${symbol} was rejected`).toEqual([]);
  engine.dispose();
  return updates;
}

describe("WebAssembly linear memory above 2 GiB", () => {
  test(
    "rolling over 5e7 values, input and outputs above 2 GiB: the JS backend's mean/std/zscore/min/max at every position, rank at every fifth",
    () => {
      wasm.rolling(new Float64Array(64).fill(1), WINDOW); // makes the batch state now: making it later could grow memory under the views below
      expectAllocationsAbove2GiB();
      const values = input.array;
      expect(values.byteOffset, "the input starts above 2 GiB").toBeGreaterThanOrEqual(2 * GiB);
      // a random walk on a 0.01 tick near 60,000 (a linear congruential generator: the same values every run)
      let seed = 12345,
        p = 60_000;
      for (let i = 0; i < N; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        p += (((seed >>> 16) % 7) - 3) * 0.01;
        values[i] = p;
      }
      const [mean, std, zscore, min, max, rank] = outputs.map((b) => b.array) as [
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
        Float64Array,
      ];
      const out: RollingResult = { mean, std, zscore, min, max, rank };
      const before = wasm.memoryBytes;
      wasm.rollingInto(input, WINDOW, out);
      expect(wasm.memoryBytes, "the call allocated nothing, so the views are still attached").toBe(before);

      const ref = js.rollingStats(WINDOW, { alpha: 1 });
      let first = "";
      for (let i = 0; i < N && first === ""; i++) {
        ref.push(values[i]!);
        if (!Object.is(mean[i], ref.mean)) first = `mean[${i}]: wasm ${mean[i]} vs js ${ref.mean}`;
        else if (!Object.is(std[i], ref.std)) first = `std[${i}]: wasm ${std[i]} vs js ${ref.std}`;
        else if (!Object.is(zscore[i], ref.zscore)) first = `zscore[${i}]: wasm ${zscore[i]} vs js ${ref.zscore}`;
        else if (!Object.is(min[i], ref.min)) first = `min[${i}]: wasm ${min[i]} vs js ${ref.min}`;
        else if (!Object.is(max[i], ref.max)) first = `max[${i}]: wasm ${max[i]} vs js ${ref.max}`;
        else if (i % 5 === 0 && !Object.is(rank[i], ref.rank())) first = `rank[${i}]: wasm ${rank[i]} vs js ${ref.rank()}`;
      }
      ref.dispose();
      expect(first, "the first position where the backends differ").toBe("");
      expect(min[N - 1]! <= mean[N - 1]! && mean[N - 1]! <= max[N - 1]!, "the last window's mean lies between its min and max").toBe(true);
    },
    TIMEOUT,
  );

  test(
    "every kernel and streaming window, with its scratch and state above 2 GiB, matches the JS backend bit for bit",
    () => {
      expectAllocationsAbove2GiB();
      const difference = firstDifference(everyKernel(wasm), everyKernel(js));
      expect(difference, "the first result where the backends differ").toBeNull();
    },
    TIMEOUT,
  );

  test(
    "the streaming engine accepts a new symbol and scores it above 2 GiB, as the JS backend does",
    async () => {
      expectAllocationsAbove2GiB();
      const captured: MarketEvent[] = [];
      await replayCaptureFiles([BTCUSDT], (e) => {
        if (captured.length < 5000) captured.push(e);
      });
      const [fromWasm, fromJs] = [await replayAs(wasm, "BTCUSDT-ABOVE-2GIB", captured), await replayAs(js, "BTCUSDT-ABOVE-2GIB", captured)];
      expect(fromWasm.length, "score updates from 5,000 events").toBeGreaterThan(100);
      const i = fromWasm.findIndex((u, j) => JSON.stringify(u) !== JSON.stringify(fromJs[j]));
      expect(i === -1 ? null : { index: i, wasm: fromWasm[i], js: fromJs[i] }, "the first update where the backends differ").toBeNull();
      expect(fromWasm.length).toBe(fromJs.length);
    },
    TIMEOUT,
  );

  test(
    "an allocation that cannot succeed is an OutOfMemoryError; afterwards allocations that fit and every kernel still work",
    () => {
      const tooLarge = (() => {
        try {
          wasm.allocFloat64(2 ** 31);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(tooLarge).toBeInstanceOf(OutOfMemoryError);
      expect((tooLarge as OutOfMemoryError).requested, "bytes asked for").toBe(2 ** 34);
      expect((tooLarge as Error).message).toMatch(
        /^cannot allocate 17179869184 bytes: one block of WebAssembly memory holds at most 1073741820 bytes/,
      );

      // fill linear memory to its limit (256 MiB blocks, then 1 MiB ones): the allocator must refuse once memory cannot grow
      const filler: Uint8Buffer[] = [];
      const fill = (bytes: number): unknown => {
        for (let i = 0; i < 5000; i++) {
          try {
            filler.push(wasm.allocUint8(bytes));
          } catch (e) {
            return e;
          }
        }
        return null;
      };
      const full = fill(2 ** 28);
      expect(full, "a 256 MiB request once memory is full").toBeInstanceOf(OutOfMemoryError);
      expect((full as OutOfMemoryError).message).toMatch(/has no free block that large and cannot grow to make one/);
      expect((full as OutOfMemoryError).memoryBytes, "linear memory when it refused").toBeGreaterThan(3.5 * GiB);
      const nothingLeft = fill(2 ** 20);
      expect(nothingLeft, "a 1 MiB request once memory is full").toBeInstanceOf(OutOfMemoryError);
      expect((nothingLeft as OutOfMemoryError).memoryBytes, "the module grew to within 2 MiB of the 4 GiB wasm32 limit").toBeGreaterThan(
        4 * GiB - 2 ** 21,
      );
      // kernels whose scratch block or state cannot be allocated fail the same way and leave nothing half-made behind
      expect(() => wasm.ewm(new Float64Array(2 ** 18), 0.5), "2 MiB of scratch").toThrow(OutOfMemoryError);
      expect(() => wasm.rolling(new Float64Array(2 ** 18), 2 ** 17), "2 MiB of window state").toThrow(OutOfMemoryError);
      expect(() => wasm.rollingStats(2 ** 17), "a 2 MiB streaming window").toThrow(OutOfMemoryError);

      for (const b of filler) b.free();
      const fits = wasm.allocFloat64(2 ** 24);
      expect(
        fits.array.every((x) => x === 0),
        "a new block is zeroed",
      ).toBe(true);
      fits.array.fill(7);
      const again = wasm.allocUint8(2 ** 28);
      expect(
        fits.array.every((x) => x === 7),
        "a later block does not overlap an earlier one",
      ).toBe(true);
      again.free();
      fits.free();
      const difference = firstDifference(everyKernel(wasm), everyKernel(js));
      expect(difference, "the first result where the backends differ after the refusals").toBeNull();
    },
    TIMEOUT,
  );
});
