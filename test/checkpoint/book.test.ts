/**
 * Checkpoints of the order book, its Binance sync and the recent-ids memory (issue 15): a
 * BookSync (or a bare book) run to event N, written with writeState, restored with readState
 * into a fresh one — on the same backend or another (JS heap, WASM SIMD, WASM scalar) — and
 * both continued with the same remaining events must agree after every event, bit for bit
 * (Object.is): outcomes, sync state, ids, counters, last rejection, best quotes, top levels,
 * level counts, trims, window moves; and at the end their checkpoints are the same bytes.
 * Streams: the four real captures (data/), fed as the engine feeds them, and fast-check
 * streams with gaps, duplicates, stale and invalid diffs, off-grid and far levels, crossed
 * books, overflowing buffers and tight level bounds. Refusals: every truncation, wrong tags,
 * other bounds, hostile sizes, random and mutated bytes — a CheckpointError, never another
 * exception, and a fresh object restores from the good bytes afterwards.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { BookSync, type BookSyncOptions, type SyncOutcome } from "../../src/book/bookSync.js";
import type { OrderBook, OrderBookSide } from "../../src/book/orderBook.js";
import { RecentIds } from "../../src/book/recentIds.js";
import { MISS_SLACK } from "../../src/book/bookSide.js";
import { L2Book } from "../../src/book/l2Book.js";
import { StateReader, StateWriter } from "../../src/checkpoint/stateCodec.js";
import { CheckpointError } from "../../src/errors.js";
import type { DepthDiffEvent, DepthSnapshotEvent } from "../../src/feeds/events.js";
import { REJECT_REASONS } from "../../src/feeds/validate.js";
import type { Kernels } from "../../src/kernels/types.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { backends } from "../support/backends.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";

type SyncInput = DepthDiffEvent | DepthSnapshotEvent;

const NAMES = ["wasm-simd", "wasm-scalar", "js"];
const OUTCOMES: readonly SyncOutcome[] = ["applied", "buffered", "stale", "duplicate", "ignored", "outOfOrder", "gap", "rejected"];
const STATES = ["waiting", "synced", "gap"];
/** Top levels compared after every event (the whole book at the end, through the checkpoint bytes). */
const TOP = 12;

function newSync(k: Kernels, options: Omit<BookSyncOptions, "newBook"> = {}): BookSync {
  return new BookSync({ ...options, newBook: (o) => k.orderBook(o) });
}

function feed(s: BookSync, e: SyncInput): SyncOutcome {
  return e.type === "depth" ? s.onDiff(e) : s.onSnapshot(e);
}

function checkpoint(write: (w: StateWriter) => void): Uint8Array {
  const w = new StateWriter();
  write(w);
  return w.finish();
}

/** Reads the bytes into `into` and checks every byte was used. */
function restore(bytes: Uint8Array, into: { readState(r: StateReader): void }): void {
  const r = new StateReader(bytes);
  into.readState(r);
  r.end();
}

const top = new Float64Array(2 * TOP);
function sideView(side: OrderBookSide, out: number[]): void {
  out.push(side.levels, side.trimmed, side.rebuilds, side.relocated, side.bestPrice(), side.bestQty());
  top.fill(-7);
  out.push(side.top(TOP, top, 0, TOP), ...top);
}

/** Everything observable of a book, as numbers. */
function bookView(b: OrderBook): number[] {
  const out = [b.tickSize, b.trimmed, b.crossed ? 1 : 0];
  sideView(b.bids, out);
  sideView(b.asks, out);
  return out;
}

/** Everything observable of a sync after an event, as numbers and the rejection's text. */
function syncView(s: BookSync, outcome: SyncOutcome | null): { nums: number[]; rejection: string } {
  const nums = [outcome === null ? -1 : OUTCOMES.indexOf(outcome), STATES.indexOf(s.state), s.lastUpdateId];
  for (const v of Object.values(s.counters)) nums.push(v);
  nums.push(...bookView(s.book));
  const r = s.lastRejection;
  return { nums, rejection: r === null ? "none" : `${r.reason}: ${r.message}` };
}

function expectSameNumbers(a: number[], b: number[], what: string): void {
  expect(b.length, `${what}: as many values`).toBe(a.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) expect.fail(`${what}: value ${i} is ${b[i]} after the restore, ${a[i]} without it`);
}

function expectSameSync(a: BookSync, b: BookSync, oa: SyncOutcome | null, ob: SyncOutcome | null, what: string): void {
  const va = syncView(a, oa),
    vb = syncView(b, ob);
  expectSameNumbers(va.nums, vb.nums, what);
  expect(vb.rejection, `${what}: last rejection`).toBe(va.rejection);
}

/**
 * Runs `events` on a sync of backend `w` to `cut`, restores its checkpoint into a fresh sync of
 * backend `r`, continues both, and checks them equal after every event and at the end (same
 * checkpoint bytes, same entries); returns the bytes written at the cut.
 */
function roundTrip(
  events: readonly SyncInput[],
  cut: number,
  w: number,
  r: number,
  options: Omit<BookSyncOptions, "newBook"> = {},
): Uint8Array {
  const a = newSync(backends[w]!, options),
    b = newSync(backends[r]!, options);
  try {
    for (let i = 0; i < cut; i++) feed(a, events[i]!);
    const bytes = checkpoint((wr) => a.writeState(wr));
    restore(bytes, b);
    const where = `cut at ${cut} of ${events.length}, written on ${NAMES[w]}, restored on ${NAMES[r]}`;
    expectSameSync(a, b, null, null, `${where}, at the cut`);
    for (let i = cut; i < events.length; i++) {
      const oa = feed(a, events[i]!),
        ob = feed(b, events[i]!);
      expectSameSync(a, b, oa, ob, `${where}, event ${i}`);
    }
    expect(b.book.bids.entries(), `${where}: every bid at the end`).toEqual(a.book.bids.entries());
    expect(b.book.asks.entries(), `${where}: every ask at the end`).toEqual(a.book.asks.entries());
    expect(
      checkpoint((wr) => b.writeState(wr)),
      `${where}: the checkpoints at the end are the same bytes`,
    ).toEqual(checkpoint((wr) => a.writeState(wr)));
    return bytes;
  } finally {
    a.book.dispose();
    b.book.dispose();
  }
}

async function syncEvents(file: string): Promise<SyncInput[]> {
  const out: SyncInput[] = [];
  await replayCaptureFiles([file], (e) => {
    if (e.type === "depth" || e.type === "snapshot") out.push(e);
  });
  return out;
}

const backendIndex = fc.integer({ min: 0, max: backends.length - 1 });

describe("BookSync checkpoints on the real captures", () => {
  for (const [name, file] of [
    ["spot BTCUSDT", BTCUSDT],
    ["spot ETHUSDT", ETHUSDT],
    ["USD-M ETHUSDT", USDM_ETHUSDT],
    ["COIN-M ETHUSD_PERP", COINM_ETHUSD],
  ] as const) {
    test(`${name}: cut anywhere, restore on any backend, continue: the same outputs as without the cut`, async () => {
      const events = await syncEvents(file);
      expect(events.filter((e) => e.type === "snapshot").length, `${name} holds a snapshot`).toBeGreaterThan(0);
      const cut = fc.integer({ min: 0, max: events.length });
      fc.assert(
        fc.property(cut, backendIndex, backendIndex, (n, w, r) => {
          roundTrip(events, n, w, r);
        }),
        {
          numRuns: 8,
          examples: [
            [0, 2, 0],
            [1, 0, 2],
            [events.length, 2, 1],
            [events.length >> 1, 0, 0],
          ],
        },
      );
    });
  }

  test("spot BTCUSDT at the capture's end: the sync's checkpoint is 16 bytes a level plus a fixed part", async () => {
    const events = await syncEvents(BTCUSDT);
    for (const k of backends) {
      const s = newSync(k);
      for (const e of events) feed(s, e);
      const levels = s.book.bids.levels + s.book.asks.levels;
      const bytes = checkpoint((w) => s.writeState(w));
      // the fixed part: the sync's fields (~90 bytes), the recent ids (2 × 256 f64) and the book's header and counters
      expect(bytes.length, `${levels} levels`).toBe(16 * levels + FIXED_SYNC_BYTES);
      const book = checkpoint((w) => s.book.writeState(w));
      expect(book.length, "the book's part").toBe(16 * levels + FIXED_BOOK_BYTES);
      s.book.dispose();
    }
  });
});

/** The book's part without its levels: tag, two bounds, the grid, and per side window, misses, counters, length. */
const FIXED_BOOK_BYTES = 4 + 8 + 24 + 2 * (4 + 8 + 4 + 24 + 4);
/** A synced sync without a rejection or buffered diffs: its fields, the recent ids with tags, the book. */
const FIXED_SYNC_BYTES = 4 + 4 + 1 + 8 + 7 * 8 + 1 + 4 + 8 + 1 + 4 + (4 + 4 + 4 + 256 * 8 + 1 + 4 + 256 * 8) + FIXED_BOOK_BYTES;

// ---- fast-check streams ----

interface StreamSpec {
  futures: boolean;
  /** A tick as (step, decimals): tick = step / 10^decimals. */
  tick: [number, number];
  ops: StreamOp[];
}

type LevelSpec = { where: "near" | "far" | "offGrid"; ticks: number; qty: number };
type StreamOp =
  | { kind: "diff"; span: number; skip: number; bids: LevelSpec[]; asks: LevelSpec[] } // skip 0: continues the chain; > 0 a gap
  | { kind: "again"; back: number } // a diff sent before, again
  | { kind: "old"; back: number } // ids behind the chain, not a duplicate
  | { kind: "invalid" } // a level the validator refuses
  | { kind: "snapshot"; jump: number; bids: LevelSpec[]; asks: LevelSpec[] };

const level: fc.Arbitrary<LevelSpec> = fc.record({
  where: fc.constantFrom<LevelSpec["where"][]>("near", "near", "near", "far", "offGrid"),
  ticks: fc.integer({ min: -40, max: 300 }),
  qty: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 100_000 }).map((q) => q / 1000),
  ),
});
const levels = fc.array(level, { maxLength: 8 });
const streamOp: fc.Arbitrary<StreamOp> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("diff" as const),
      span: fc.integer({ min: 0, max: 3 }),
      skip: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) }),
      bids: levels,
      asks: levels,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("again" as const), back: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("old" as const), back: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "invalid" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("snapshot" as const),
      jump: fc.integer({ min: -6, max: 3 }),
      bids: fc.array(level, { maxLength: 30 }),
      asks: fc.array(level, { maxLength: 30 }),
    }),
  },
);
const streamSpec: fc.Arbitrary<StreamSpec> = fc.record({
  futures: fc.boolean(),
  tick: fc.constantFrom<[number, number]>([1, 2], [5, 1], [1, 8], [25, 2]),
  ops: fc.array(streamOp, { maxLength: 60 }),
});
const syncOptions = fc.record({
  maxBuffered: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(10_000)),
  book: fc.record({
    maxLevels: fc.oneof(fc.integer({ min: 1, max: 24 }), fc.constant(10_000)),
    maxWindowTicks: fc.constantFrom(64, 128, 8192),
  }),
});

/** The double of the decimal k · 10^−e, parsed as the exchange's string is. */
const decimal = (k: number, e: number): number => Number(`${k}e-${e}`);
/** Bids lie below tick BASE, asks above; a level's ticks count away from the middle (negative: across it, which may cross the book). */
const BASE = 1_000_000;

function levelsOf(specs: LevelSpec[], bid: boolean, [step, decimals]: [number, number]): Float64Array {
  const out = new Float64Array(2 * specs.length);
  specs.forEach((l, i) => {
    const away = l.where === "far" ? 20_000 + 500 * l.ticks : l.ticks;
    const t = BASE + (bid ? -away : away);
    out[2 * i] = l.where === "offGrid" ? decimal(t * step * 10 + 3, decimals + 1) : decimal(t * step, decimals);
    out[2 * i + 1] = l.qty;
  });
  return out;
}

function buildStream(spec: StreamSpec): SyncInput[] {
  const out: SyncInput[] = [],
    diffs: DepthDiffEvent[] = [];
  let u = 100,
    time = 1_700_000_000_000;
  const base = { symbol: "TEST", receiveTime: 0 };
  for (const op of spec.ops) {
    time += 100;
    const at = { ...base, exchangeTime: time, receiveTime: time + 5 };
    switch (op.kind) {
      case "diff": {
        const first = u + 1 + op.skip,
          last = first + op.span;
        const d: DepthDiffEvent = {
          type: "depth",
          ...at,
          firstUpdateId: first,
          lastUpdateId: last,
          prevUpdateId: spec.futures ? (op.skip > 0 ? u + op.skip : u) : NaN,
          bids: levelsOf(op.bids, true, spec.tick),
          asks: levelsOf(op.asks, false, spec.tick),
        };
        u = last;
        diffs.push(d);
        out.push(d);
        break;
      }
      case "again": {
        const d = diffs[diffs.length - op.back];
        if (d) out.push(d);
        break;
      }
      case "old": {
        const last = Math.max(1, u - op.back);
        out.push({
          type: "depth",
          ...at,
          firstUpdateId: last,
          lastUpdateId: last,
          prevUpdateId: spec.futures ? last - 1 : NaN,
          bids: new Float64Array(0),
          asks: new Float64Array(0),
        });
        break;
      }
      case "invalid":
        out.push({
          type: "depth",
          ...at,
          firstUpdateId: u + 1,
          lastUpdateId: u + 1,
          prevUpdateId: spec.futures ? u : NaN,
          bids: Float64Array.of(-1, 1),
          asks: new Float64Array(0),
        });
        u++;
        break;
      case "snapshot":
        out.push({
          type: "snapshot",
          ...at,
          lastUpdateId: Math.max(0, u + op.jump),
          bids: levelsOf(op.bids, true, spec.tick),
          asks: levelsOf(op.asks, false, spec.tick),
        });
        break;
    }
  }
  return out;
}

describe("BookSync checkpoints on fast-check streams", () => {
  test("gaps, duplicates, stale and invalid diffs, off-grid and far levels, crossed books, full buffers: the same outputs after a restore", () => {
    const outcomes = new Set<SyncOutcome>();
    const seen = { overflowed: 0, trimmed: 0, relocated: 0, duplicates: 0, gaps: 0 };
    fc.assert(
      fc.property(
        streamSpec,
        syncOptions,
        fc.double({ min: 0, max: 1, noNaN: true }),
        backendIndex,
        backendIndex,
        (spec, options, at, w, r) => {
          const events = buildStream(spec);
          const cut = Math.round(at * events.length);
          roundTrip(events, cut, w, r, options);
          const probe = newSync(backends[2]!, options);
          for (const e of events) outcomes.add(feed(probe, e));
          const c = probe.counters,
            b = probe.book;
          seen.overflowed += c.overflowed;
          seen.duplicates += c.duplicates;
          seen.gaps += c.gaps;
          seen.trimmed += b.trimmed;
          seen.relocated += b.bids.relocated + b.asks.relocated;
        },
      ),
      { numRuns: 300 },
    );
    // the generator reaches every outcome, so every kind of state was cut through
    expect([...outcomes].sort(), "outcomes the streams produced").toEqual([...OUTCOMES].sort());
    for (const [what, n] of Object.entries(seen)) expect(n, `${what} over all streams`).toBeGreaterThan(0);
  });
});

// ---- bare books, on every backend ----

type BookOp = { load: boolean; bids: LevelSpec[]; asks: LevelSpec[] };
const bookOp: fc.Arbitrary<BookOp> = fc.record({
  load: fc.oneof({ weight: 1, arbitrary: fc.constant(true) }, { weight: 6, arbitrary: fc.constant(false) }),
  bids: fc.array(level, { maxLength: 20 }),
  asks: fc.array(level, { maxLength: 20 }),
});

describe("OrderBook checkpoints", () => {
  test("a book cut anywhere in load/apply sequences (window moves, trims, far and stray levels) restores on any backend", () => {
    fc.assert(
      fc.property(
        fc.array(bookOp, { maxLength: 50 }),
        fc.constantFrom<[number, number]>([1, 2], [5, 1], [1, 8]),
        syncOptions.map((o) => o.book),
        fc.nat(),
        backendIndex,
        backendIndex,
        (ops, tick, options, at, w, r) => {
          const cut = ops.length === 0 ? 0 : at % (ops.length + 1);
          const a = backends[w]!.orderBook(options),
            b = backends[r]!.orderBook(options);
          const run = (book: OrderBook, op: BookOp): void => {
            const bids = levelsOf(op.bids, true, tick),
              asks = levelsOf(op.asks, false, tick);
            if (op.load) book.load(bids, asks);
            else book.apply(bids, asks);
          };
          try {
            for (let i = 0; i < cut; i++) run(a, ops[i]!);
            restore(
              checkpoint((wr) => a.writeState(wr)),
              b,
            );
            expectSameNumbers(bookView(a), bookView(b), `at the cut ${cut}`);
            for (let i = cut; i < ops.length; i++) {
              run(a, ops[i]!);
              run(b, ops[i]!);
              expectSameNumbers(bookView(a), bookView(b), `op ${i} after a cut at ${cut}`);
            }
            expect(checkpoint((wr) => b.writeState(wr))).toEqual(checkpoint((wr) => a.writeState(wr)));
          } finally {
            a.dispose();
            b.dispose();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a side's misses beyond what a window can gather are refused (an i32 counter on WASM would wrap); at the bound, both backends go on alike", () => {
    const options = { maxLevels: 1000, maxWindowTicks: 64 };
    const source = new L2Book(options);
    const bids: number[] = [],
      asks: number[] = [];
    for (let t = 0; t < 40; t++) {
      bids.push((1000 - t) / 100, 1);
      asks.push((1001 + t) / 100, 1);
    }
    source.load(Float64Array.from(bids), Float64Array.from(asks));
    const bytes = checkpoint((w) => source.writeState(w));
    // "BOOK", maxLevels, maxWindowTicks, the grid's three f64s, then the bid side: window slots (u32), first tick (f64), misses (u32)
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([view.getUint32(36, true), view.getFloat64(40, true), view.getUint32(48, true)]).toEqual([
      source.bids.windowSize,
      source.bids.windowLo,
      source.bids.missCount,
    ]);
    const bound = MISS_SLACK + (options.maxWindowTicks >> 2);
    view.setUint32(48, bound + 1, true);
    for (const k of backends) expect(() => restore(bytes, k.orderBook(options)), k.backend).toThrow(CheckpointError);
    view.setUint32(48, bound, true);
    const books = backends.map((k) => k.orderBook(options));
    for (const b of books) restore(bytes, b);
    // the touch walks far below the window: every change misses it, and the sides recentre alike
    for (let i = 0; i < 200; i++) {
      const change = Float64Array.of((1000 - i) / 100, 0, (900 - i) / 100, 1);
      for (const b of books) b.apply(change, new Float64Array(0));
    }
    for (const b of books.slice(1)) expectSameNumbers(bookView(b), bookView(books[0]!), "after 200 changes off the window");
    expect(books[0]!.bids.rebuilds).toBeGreaterThan(0);
    for (const b of [source, ...books]) b.dispose();
  });

  test("an empty book's checkpoint restores as an empty book; a book restores into one with other bounds never", () => {
    for (const k of backends) {
      const bytes = checkpoint((w) => k.orderBook().writeState(w));
      const b = k.orderBook();
      restore(bytes, b);
      expect(bookView(b)).toEqual(bookView(k.orderBook()));
      expect(() => restore(bytes, k.orderBook({ maxLevels: 9_999 }))).toThrow(/maxLevels 10000, this book has 9999/);
      expect(() => restore(bytes, k.orderBook({ maxWindowTicks: 4096 }))).toThrow(/maxWindowTicks 8192, this book has 4096/);
    }
  });
});

// ---- refusals ----

/** A sync in a state with everything in it: a book with window, far and stray levels, a gap, a rejection, buffered diffs. */
function richSync(k: Kernels): BookSync {
  const spec: StreamSpec = { futures: false, tick: [1, 2], ops: [] };
  const lv = (where: LevelSpec["where"], ticks: number, qty: number): LevelSpec => ({ where, ticks, qty });
  spec.ops.push(
    { kind: "diff", span: 1, skip: 0, bids: [lv("near", 3, 1)], asks: [] },
    {
      kind: "snapshot",
      jump: -1,
      bids: [lv("near", 1, 2), lv("near", 2, 3), lv("far", 4, 1)],
      asks: [lv("near", 1, 2), lv("offGrid", 5, 1)],
    },
    { kind: "diff", span: 0, skip: 0, bids: [lv("offGrid", 7, 0.5), lv("far", 9, 2)], asks: [lv("near", 30, 4)] },
    { kind: "invalid" },
    { kind: "diff", span: 2, skip: 0, bids: [lv("near", 5, 1)], asks: [lv("near", 6, 1)] },
    { kind: "diff", span: 0, skip: 0, bids: [], asks: [lv("far", 2, 1)] },
  );
  const s = newSync(k, { maxBuffered: 8 });
  for (const e of buildStream(spec)) feed(s, e);
  expect(s.state, "the rich sync waits for a snapshot after a rejection").toBe("gap");
  expect(s.lastRejection?.reason).toBe("bad-price");
  return s;
}

/** Restoring `bytes` into a fresh sync must throw a CheckpointError (and nothing else). */
function expectRefused(k: Kernels, bytes: Uint8Array, what: string, options: Omit<BookSyncOptions, "newBook"> = { maxBuffered: 8 }): void {
  const s = newSync(k, options);
  try {
    restore(bytes, s);
  } catch (e) {
    if (e instanceof CheckpointError) return;
    expect.fail(`${what}: ${String(e)} instead of a CheckpointError`);
  } finally {
    s.book.dispose();
  }
  expect.fail(`${what}: restored without an error`);
}

function indexOfTag(bytes: Uint8Array, tag: string): number {
  const t = new TextEncoder().encode(tag);
  for (let i = 0; i + 4 <= bytes.length; i++) if (t.every((c, j) => bytes[i + j] === c)) return i;
  throw new Error(`no ${tag} in the checkpoint`);
}

describe("refused checkpoints", () => {
  for (const [i, k] of backends.entries()) {
    test(`${NAMES[i]}: every truncation, wrong tags, other bounds, hostile sizes — a CheckpointError; then the good bytes still restore`, () => {
      const rich = richSync(k);
      const good = checkpoint((w) => rich.writeState(w));
      rich.book.dispose();
      for (let n = 0; n < good.length; n++) expectRefused(k, good.subarray(0, n), `truncated to ${n} of ${good.length} bytes`);
      expectRefused(k, Uint8Array.of(...good, 0), "one byte too many");
      for (const tag of ["SYNC", "RIDS", "BOOK"]) {
        const bad = good.slice();
        const at = indexOfTag(good, tag) + 1;
        bad[at] = bad[at]! ^ 0x20;
        expectRefused(k, bad, `a wrong ${tag} tag`);
      }
      expectRefused(k, good, "another maxBuffered", { maxBuffered: 9 });
      expectRefused(k, good, "another maxLevels", { maxBuffered: 8, book: { maxLevels: 100 } });
      expectRefused(k, good, "another maxWindowTicks", { maxBuffered: 8, book: { maxWindowTicks: 64 } });
      const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const book = indexOfTag(good, "BOOK"),
        bids = book + 36;
      const hostile: [string, (v: DataView) => void][] = [
        ["a window of 2^30 slots", (v) => v.setUint32(bids, 2 ** 30, true)],
        ["a window of 96 slots", (v) => v.setUint32(bids, 96, true)],
        ["a window at tick 0.5", (v) => v.setFloat64(bids + 4, 0.5, true)],
        ["2^32 − 1 bid values", (v) => v.setUint32(bids + 40, 2 ** 32 - 1, true)],
        ["an odd count of bid values", (v) => v.setUint32(bids + 40, v.getUint32(bids + 40, true) - 1, true)],
        ["a grid unit of 1/3", (v) => v.setFloat64(book + 12, 3, true)],
        ["a grid step of 0.5", (v) => v.setFloat64(book + 28, 0.5, true)],
        ["a negative trim count", (v) => v.setFloat64(bids + 16, -1, true)],
        ["a first bid price of NaN", (v) => v.setFloat64(bids + 44, NaN, true)],
        ["a first bid quantity of 0", (v) => v.setFloat64(bids + 44 + 8 * (v.getUint32(bids + 40, true) >> 1), 0, true)],
        ["bids worst first", (v) => v.setFloat64(bids + 44, 1e-6, true)],
        ["a state byte of 3", (v) => v.setUint8(8, 3)],
        ["2^31 buffered diffs", (v) => v.setUint32(bufferCountAt(good), 2 ** 31, true)],
      ];
      for (const [what, patch] of hostile) {
        const bad = good.slice();
        patch(view(bad));
        expectRefused(k, bad, what);
      }
      const again = newSync(k, { maxBuffered: 8 });
      restore(good, again);
      expect(
        checkpoint((w) => again.writeState(w)),
        "a fresh sync restored from the good bytes writes them back",
      ).toEqual(good);
      again.book.dispose();
    });

    test(`${NAMES[i]}: random bytes, and good bytes with a byte changed: a CheckpointError or a sync that keeps working`, () => {
      const rich = richSync(k);
      const good = checkpoint((w) => rich.writeState(w));
      rich.book.dispose();
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => expectRefused(k, bytes, "random bytes")),
        { numRuns: 200 },
      );
      const more = buildStream({ futures: false, tick: [1, 2], ops: [{ kind: "snapshot", jump: 0, bids: [level0], asks: [level0] }] });
      fc.assert(
        fc.property(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
          const bad = good.slice();
          bad[at] = bad[at]! ^ x;
          const s = newSync(k, { maxBuffered: 8 });
          try {
            restore(bad, s);
          } catch (e) {
            if (!(e instanceof CheckpointError)) expect.fail(`byte ${at} ^ ${x}: ${String(e)} instead of a CheckpointError`);
            return;
          } finally {
            s.book.dispose();
          }
          // a change the checks let through is a state the sync can be in: it keeps working
          const s2 = newSync(k, { maxBuffered: 8 });
          restore(bad, s2);
          for (const e of more) feed(s2, e);
          s2.book.dispose();
        }),
        { numRuns: 400 },
      );
    });
  }

  test("a checkpoint with a rejection reason this version does not know is refused", () => {
    const k = backends[2]!;
    const rich = richSync(k);
    const good = checkpoint((w) => rich.writeState(w));
    // the reason byte follows the sync's fields: tag, maxBuffered, state, lastUpdateId, 7 counters, bridged, staleRun, latestSeen, a flag
    const at = 4 + 4 + 1 + 8 + 56 + 1 + 4 + 8 + 1;
    expect(good[at], "the reason byte of the rich sync").toBe(REJECT_REASONS.indexOf("bad-price"));
    const bad = good.slice();
    bad[at] = REJECT_REASONS.length;
    expectRefused(k, bad, "an unknown reason");
  });
});

const level0: LevelSpec = { where: "near", ticks: 1, qty: 1 };

/** Where a sync checkpoint holds its count of buffered diffs: after the fields before it, read as readState does. */
function bufferCountAt(bytes: Uint8Array): number {
  const r = new StateReader(bytes);
  r.tag("SYNC");
  r.u32();
  r.u8();
  for (let i = 0; i < 8; i++) r.f64();
  r.bool();
  r.u32();
  r.f64();
  if (r.bool()) {
    r.u8();
    r.string(65_536);
  }
  return r.offset;
}

// ---- recent ids ----

describe("RecentIds checkpoints", () => {
  test("cut anywhere in a stream of ids (with and without tags): the same answers after a restore", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(4, 64, 256),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2000 }))), {
          maxLength: 80,
        }),
        fc.nat(),
        (size, adds, at) => {
          const cut = at % (adds.length + 1);
          const a = new RecentIds(size),
            b = new RecentIds(size);
          for (let i = 0; i < cut; i++) a.add(adds[i]![0], adds[i]![1]);
          restore(
            checkpoint((w) => a.writeState(w)),
            b,
          );
          for (let i = cut; i <= adds.length; i++) {
            for (const [id, tag] of adds) expect(b.has(id, tag), `has(${id}, ${tag}) after add ${i}`).toBe(a.has(id, tag));
            if (i < adds.length) {
              a.add(adds[i]![0], adds[i]![1]);
              b.add(adds[i]![0], adds[i]![1]);
            }
          }
          expect(checkpoint((w) => b.writeState(w))).toEqual(checkpoint((w) => a.writeState(w)));
        },
      ),
      { numRuns: 200 },
    );
  });

  test("another size, an id in the wrong slot, a tag that is not an id: refused", () => {
    const a = new RecentIds(4);
    a.add(5, 3);
    const good = checkpoint((w) => a.writeState(w));
    expect(() => restore(good, new RecentIds(8))).toThrow(CheckpointError);
    const wrongSlot = good.slice();
    new DataView(wrongSlot.buffer).setFloat64(8 + 4, 5, true); // slot 0 holding id 5 (≡ 1 mod 4)
    expect(() => restore(wrongSlot, new RecentIds(4))).toThrow(/slot 0 holds 5/);
    const badTag = good.slice();
    new DataView(badTag.buffer).setFloat64(badTag.length - 8, 0.5, true);
    expect(() => restore(badTag, new RecentIds(4))).toThrow(/tag that is not an id/);
  });
});
