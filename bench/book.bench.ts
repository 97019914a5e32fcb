/**
 * The L2 book under real and hostile shapes (issue 10): per event, a depth update applied
 * and the top 10 levels of each side read (what the engine does on every book event).
 *
 * Subjects, interleaved round by round (the starting one rotated) so machine drift lands
 * on all alike:
 *   old      the book before issue 10 (bench/l2BookBaseline.ts, the marked baseline)
 *   new      src/book/l2Book.ts (the JS backend's book)
 *   wasm     the WASM backend's book: the same structure in linear memory (assembly/book/),
 *            levels copied in once per update, the top levels copied out
 *   tardis   tardis-dev's OrderBook (red-black trees of {price, amount} objects), what Node
 *            traders use to rebuild books from historical data; fed its own BookChange
 *            objects, built before timing
 * Cases: the real USD-M ETHUSDT futures capture's depth stream (its snapshot, then every
 * depth update after it); the same with a zero-size level off the tick grid injected
 * early (2681.62000001, qty 0 — the 61000.00000001); with a real level off the
 * grid; with a level 10^4 ticks from the touch set and removed on every event; the same
 * stream rescaled to tick sizes 1e-8, 1 and 100 (same ticks, other prices); and a
 * synthetic very wide book (5,000 levels a side over 10^6 ticks, half the changes near
 * the touch, half anywhere).
 * Per subject and case: per-event latency (performance.now() around each event; the pair
 * of calls itself costs ~40 ns here) as median, p99 and max over all measured passes;
 * events/s from untimed passes; memory per book (heap + array buffers after a full GC,
 * 10 books run through the stream, divided by 10) and the new book's own memoryBytes;
 * and the memory of an empty book (1,000 new books).
 * Before timing, every subject's top 10 is checked equal to the new book's after every
 * pass (prices and quantities, bit for bit).
 *
 *   npm run bench:book [capture.jsonl.gz]     (writes bench/results/book.json)
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { OrderBook as TardisBook, type BookChange, type BookPriceLevel } from "tardis-dev";
import { L2Book, loadKernels, type OrderBook } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { L2Book as BaselineBook } from "./l2BookBaseline.js";
import { machineMeta, sink, sinkResult } from "./harness.js";

const CAPTURES = ["data/binance-usdm-ethusdt-2024-08-08.jsonl.gz", "/work/shared/data/binance-usdm-ethusdt-2024-08-08.jsonl.gz"];
const DEPTH = 10;
const WARMUP = 1,
  ROUNDS = 5,
  MEMORY_BOOKS = 10;

interface Step {
  readonly bids: Float64Array;
  readonly asks: Float64Array;
  /** The same levels as tardis-dev takes them. */
  readonly change: BookChange;
}

interface Stream {
  readonly name: string;
  readonly note: string;
  readonly snapshot: Step;
  readonly steps: readonly Step[];
}

function toLevels(flat: Float64Array): BookPriceLevel[] {
  const out: BookPriceLevel[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ price: flat[i]!, amount: flat[i + 1]! });
  return out;
}

function step(bids: Float64Array, asks: Float64Array, isSnapshot = false): Step {
  const t = new Date(0);
  return {
    bids,
    asks,
    change: {
      type: "book_change",
      symbol: "ETHUSDT",
      exchange: "binance-futures",
      isSnapshot,
      bids: toLevels(bids),
      asks: toLevels(asks),
      timestamp: t,
      localTimestamp: t,
    },
  };
}

/** The decimal k · 10^−e as the exchange's string parses. */
const decimal = (k: number, e: number): number => Number(`${k}e-${e}`);

const mapLevels = (flat: Float64Array, price: (p: number) => number): Float64Array => flat.map((x, i) => (i % 2 === 0 ? price(x) : x));

function rescaled(s: Stream, step_: number, decimals: number, name: string): Stream {
  // the capture's 0.01 ticks, written on another tick
  const price = (p: number): number => decimal(Math.round(p * 100) * step_, decimals);
  const map = (x: Step, snap = false): Step => step(mapLevels(x.bids, price), mapLevels(x.asks, price), snap);
  return {
    name,
    note: `the capture's ticks at tick ${decimal(step_, decimals)}`,
    snapshot: map(s.snapshot, true),
    steps: s.steps.map((x) => map(x)),
  };
}

function injected(s: Stream, name: string, note: string, at: number, extra: Step): Stream {
  return { name, note, snapshot: s.snapshot, steps: [...s.steps.slice(0, at), extra, ...s.steps.slice(at)] };
}

function withFarLevels(s: Stream): Stream {
  const bid = s.snapshot.bids[0]!,
    ask = s.snapshot.asks[0]!;
  const steps = s.steps.map((x, i) => {
    const k = Math.floor(i / 2) % 50,
      q = i % 2 === 0 ? 1 + k : 0;
    const b = decimal(Math.round(bid * 100) - 10_000 - k, 2),
      a = decimal(Math.round(ask * 100) + 10_000 + k, 2);
    return step(Float64Array.from([...x.bids, b, q]), Float64Array.from([...x.asks, a, q]));
  });
  return { name: "far", note: "+ a level 10^4 ticks from the touch set and removed every event", snapshot: s.snapshot, steps };
}

/** 5,000 levels a side over 10^6 ticks of 0.01 below and above 20,000.00; 8 changes an event, half within 100 ticks of the touch. */
function wideBook(events: number): Stream {
  let x = 20261124;
  const rand = (): number => {
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const BID = 2_000_000,
    SPAN = 1_000_000;
  const bidAt = (t: number): number => decimal(BID - t, 2),
    askAt = (t: number): number => decimal(BID + 1 + t, 2);
  const snapBids: number[] = [],
    snapAsks: number[] = [];
  const seen = new Set<number>();
  while (snapBids.length < 10_000) {
    const t = Math.floor(rand() * SPAN);
    if (seen.has(t)) continue;
    seen.add(t);
    snapBids.push(bidAt(t), 1 + Math.floor(rand() * 100) / 10);
    snapAsks.push(askAt(t), 1 + Math.floor(rand() * 100) / 10);
  }
  const steps: Step[] = [];
  for (let e = 0; e < events; e++) {
    const b: number[] = [],
      a: number[] = [];
    for (let k = 0; k < 4; k++) {
      const t = rand() < 0.5 ? Math.floor(rand() * 100) : Math.floor(rand() * SPAN),
        q = rand() < 0.3 ? 0 : 1 + Math.floor(rand() * 100) / 10;
      (k % 2 === 0 ? b : a).push(k % 2 === 0 ? bidAt(t) : askAt(t), q);
    }
    steps.push(step(Float64Array.from(b), Float64Array.from(a)));
  }
  return {
    name: "wide",
    note: "synthetic: 5,000 levels a side over 10^6 ticks; 8 changes an event, half near the touch",
    snapshot: step(Float64Array.from(snapBids), Float64Array.from(snapAsks), true),
    steps,
  };
}

/** One subject's book over one stream. */
interface Driver {
  load(): void;
  /** Applies step i and reads the top levels of both sides; returns a value to sink. */
  step(i: number): number;
  /** The top levels after the last step: [bid prices, bid qtys, ask prices, ask qtys]. */
  top(): number[];
  /** The book's own figure of its memory, where it has one. */
  memoryBytes(): number;
}

// The L2 books (old and new) share an API; compiling the step per subject keeps each call
// site monomorphic (the harness's sampler does the same).
const L2_STEP = `return function step(i) {
  const s = steps[i];
  book.apply(s.bids, s.asks);
  const nb = book.bids.top(D, out, 0, D), na = book.asks.top(D, out, 2 * D, 3 * D);
  return nb + na + out[0] + out[2 * D];
}`;

function l2Driver(stream: Stream, book: OrderBook | BaselineBook): Driver {
  const out = new Float64Array(4 * DEPTH);
  const stepFn = new Function("book", "steps", "out", "D", L2_STEP)(book, stream.steps, out, DEPTH) as (i: number) => number;
  return {
    load: () => book.load(stream.snapshot.bids, stream.snapshot.asks),
    step: stepFn,
    top: () => {
      out.fill(NaN);
      book.bids.top(DEPTH, out, 0, DEPTH);
      book.asks.top(DEPTH, out, 2 * DEPTH, 3 * DEPTH);
      return [...out];
    },
    memoryBytes: () => (book instanceof BaselineBook ? NaN : book.memoryBytes),
  };
}

function tardisDriver(stream: Stream): Driver {
  let book = new TardisBook();
  const out = new Float64Array(4 * DEPTH);
  const read = (levels: IterableIterator<BookPriceLevel>, px: number, qty: number): number => {
    let k = 0;
    for (const l of levels) {
      if (k === DEPTH) break;
      out[px + k] = l.price;
      out[qty + k] = l.amount;
      k++;
    }
    return k;
  };
  return {
    load: () => {
      book = new TardisBook();
      book.update(stream.snapshot.change);
    },
    step: (i) => {
      book.update(stream.steps[i]!.change);
      return read(book.bids(), 0, DEPTH) + read(book.asks(), 2 * DEPTH, 3 * DEPTH) + out[0]! + out[2 * DEPTH]!;
    },
    top: () => {
      out.fill(NaN);
      read(book.bids(), 0, DEPTH);
      read(book.asks(), 2 * DEPTH, 3 * DEPTH);
      return [...out];
    },
    memoryBytes: () => NaN,
  };
}

interface Subject {
  readonly name: string;
  readonly baseline?: boolean;
  readonly make: (s: Stream) => Driver;
}

const wasm = await loadKernels();
const SUBJECTS: Subject[] = [
  { name: "old", baseline: true, make: (s) => l2Driver(s, new BaselineBook()) },
  { name: "new", make: (s) => l2Driver(s, new L2Book()) },
  { name: "wasm", make: (s) => l2Driver(s, wasm.orderBook()) },
  { name: "tardis", make: tardisDriver },
];

/** Per-event timing and untimed throughput, each compiled per subject (monomorphic `step`). */
const TIMED = "let acc = 0; for (let i = 0; i < n; i++) { const t0 = perf.now(); acc += step(i); lat[i] = perf.now() - t0; } return acc;";
const UNTIMED = "let acc = 0; for (let i = 0; i < n; i++) acc += step(i); return acc;";

interface SubjectResult {
  name: string;
  baseline: boolean;
  medianNs: number;
  p99Ns: number;
  maxNs: number;
  eventsPerSec: number;
  memoryBytesPerBook: number;
  ownMemoryBytes: number;
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Heap + array buffers in use after full GCs (NaN without --expose-gc). */
function usedBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return NaN;
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function memoryPerBook(subject: Subject, stream: Stream): number {
  const before = usedBytes();
  const drivers: Driver[] = [];
  for (let b = 0; b < MEMORY_BOOKS; b++) {
    const d = subject.make(stream);
    d.load();
    for (let i = 0; i < stream.steps.length; i++) sink(d.step(i));
    drivers.push(d);
  }
  const bytes = (usedBytes() - before) / MEMORY_BOOKS;
  sink(drivers.length);
  return Math.round(bytes);
}

/** Heap + array buffers of one new, empty book, from 1,000 of them. */
function emptyBookBytes(make: () => unknown): number {
  const before = usedBytes();
  const books = Array.from({ length: 1000 }, make);
  const bytes = (usedBytes() - before) / books.length;
  sink(books.length);
  return Math.round(bytes);
}

function runCase(stream: Stream): SubjectResult[] {
  const n = stream.steps.length;
  const live = SUBJECTS.map((s) => ({
    s,
    d: s.make(stream),
    lat: new Float64Array(n * ROUNDS),
    rates: [] as number[],
    timed: new Function("step", "n", "lat", "perf", TIMED) as (
      step: (i: number) => number,
      n: number,
      lat: Float64Array,
      perf: Performance,
    ) => number,
    untimed: new Function("step", "n", UNTIMED) as (step: (i: number) => number, n: number) => number,
  }));
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    for (let k = 0; k < live.length; k++) {
      const l = live[(r + k) % live.length]!;
      const lat = new Float64Array(n);
      l.d.load();
      sink(l.timed(l.d.step, n, lat, performance));
      if (r >= WARMUP) l.lat.set(lat, (r - WARMUP) * n);
      l.d.load();
      const t0 = performance.now();
      sink(l.untimed(l.d.step, n));
      if (r >= WARMUP) l.rates.push(n / ((performance.now() - t0) / 1000));
    }
    const want = live[1]!.d.top();
    for (const l of live) {
      const got = l.d.top();
      if (got.some((x, i) => !Object.is(x, want[i])))
        throw new Error(`${stream.name}: ${l.s.name}'s top ${DEPTH} differs from the new book's after a pass`);
    }
  }
  return live.map((l) => {
    const sorted = l.lat.sort();
    const rates = [...l.rates].sort((a, b) => a - b);
    return {
      name: l.s.name,
      baseline: l.s.baseline === true,
      medianNs: percentile(sorted, 0.5) * 1e6,
      p99Ns: percentile(sorted, 0.99) * 1e6,
      maxNs: sorted[sorted.length - 1]! * 1e6,
      eventsPerSec: rates[rates.length >> 1]!,
      memoryBytesPerBook: memoryPerBook(l.s, stream),
      ownMemoryBytes: l.d.memoryBytes(),
    };
  });
}

function fmtNs(ns: number): string {
  return ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${Math.round(ns)} ns`;
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? CAPTURES.find((f) => existsSync(f));
  if (!file) throw new Error(`no USD-M capture at ${CAPTURES.join(" or ")}: pass one (hftbacktest's examples/usdm, see data/README.md)`);
  const meta = {
    ...machineMeta(`node --expose-gc dist/bench/book.bench.js ${file}`),
    capture: file,
    depth: DEPTH,
    rounds: ROUNDS,
    warmup: WARMUP,
  };
  let snapshot: Step | undefined;
  const steps: Step[] = [];
  await replayCaptureFiles([file], (e) => {
    if (e.type === "snapshot") snapshot ??= step(e.bids, e.asks, true);
    else if (e.type === "depth" && snapshot) steps.push(step(e.bids, e.asks));
  });
  if (!snapshot) throw new Error(`${file}: no depth snapshot`);
  const real: Stream = { name: "real", note: "USD-M ETHUSDT depth stream, tick 0.01", snapshot, steps };
  const offGrid = (p: number): number => decimal(Math.round(p * 1e8) + 1, 8);
  const streams: Stream[] = [
    real,
    injected(
      real,
      "offGridZero",
      "+ a zero-size level off the grid at event 5 (bid and ask)",
      5,
      step(Float64Array.of(offGrid(snapshot.bids[0]!), 0), Float64Array.of(offGrid(snapshot.asks[0]!), 0)),
    ),
    injected(
      real,
      "offGridLevel",
      "+ a real level off the grid at event 5, 100 ticks deep (bid and ask)",
      5,
      step(Float64Array.of(offGrid(snapshot.bids[0]! - 1), 1), Float64Array.of(offGrid(snapshot.asks[0]! + 1), 1)),
    ),
    withFarLevels(real),
    wideBook(10_000),
    rescaled(real, 1, 8, "tick1e-8"),
    rescaled(real, 1, 0, "tick1"),
    rescaled(real, 100, 0, "tick100"),
  ];
  console.log(`book bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")} — ${file}\n`);
  const cases: Record<string, { note: string; events: number; subjects: SubjectResult[]; ratios: Record<string, number> }> = {};
  for (const s of streams) {
    const results = runCase(s);
    const by = (name: string): SubjectResult => results.find((r) => r.name === name)!;
    const ratios = {
      oldOverNewMedian: by("old").medianNs / by("new").medianNs,
      oldOverNewP99: by("old").p99Ns / by("new").p99Ns,
      tardisOverNewMedian: by("tardis").medianNs / by("new").medianNs,
      tardisOverNewP99: by("tardis").p99Ns / by("new").p99Ns,
      newOverOldThroughput: by("new").eventsPerSec / by("old").eventsPerSec,
      newOverTardisThroughput: by("new").eventsPerSec / by("tardis").eventsPerSec,
      wasmOverNewThroughput: by("wasm").eventsPerSec / by("new").eventsPerSec,
      wasmOverTardisThroughput: by("wasm").eventsPerSec / by("tardis").eventsPerSec,
      newOverWasmMedian: by("new").medianNs / by("wasm").medianNs,
    };
    cases[s.name] = { note: s.note, events: s.steps.length, subjects: results, ratios };
    console.log(`${s.name} — ${s.note} — ${s.steps.length} events`);
    for (const r of results) {
      console.log(
        `  ${(r.baseline ? "* " : "  ") + r.name.padEnd(7)} median ${fmtNs(r.medianNs).padStart(9)}  p99 ${fmtNs(r.p99Ns).padStart(9)}  max ${fmtNs(r.maxNs).padStart(9)}  ` +
          `${Math.round(r.eventsPerSec).toLocaleString("en").padStart(10)} events/s  memory/book ${Math.round(r.memoryBytesPerBook).toLocaleString("en").padStart(10)} B` +
          (Number.isNaN(r.ownMemoryBytes) ? "" : ` (memoryBytes ${r.ownMemoryBytes.toLocaleString("en")})`),
      );
    }
    console.log(
      `  old/new: median ${ratios.oldOverNewMedian.toFixed(2)}×, p99 ${ratios.oldOverNewP99.toFixed(2)}×; tardis/new: median ${ratios.tardisOverNewMedian.toFixed(2)}×, p99 ${ratios.tardisOverNewP99.toFixed(2)}×; ` +
        `throughput wasm/new ${ratios.wasmOverNewThroughput.toFixed(2)}×, wasm/tardis ${ratios.wasmOverTardisThroughput.toFixed(2)}×\n`,
    );
  }
  const empty = {
    old: emptyBookBytes(() => new BaselineBook()),
    new: emptyBookBytes(() => new L2Book()),
    tardis: emptyBookBytes(() => new TardisBook()),
  };
  console.log(
    `empty book: old ${empty.old.toLocaleString("en")} B, new ${empty.new.toLocaleString("en")} B (memoryBytes ${new L2Book().memoryBytes}), tardis ${empty.tardis.toLocaleString("en")} B`,
  );
  console.log(`sink ${sinkResult()}`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/book.json",
    JSON.stringify(
      { meta: { ...meta, loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100) }, emptyBookBytes: empty, cases },
      null,
      1,
    ),
  );
}

await main();
