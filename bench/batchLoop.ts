/**
 * The engine fed decoded columns (`processBatch`) against the same events as objects (`process`):
 * the capture's events copied out of a decoder's batches into one batch (snapshots, never decoded
 * into one, kept as objects at their places), four engines — WASM and JS, batches and objects —
 * taking turns pass by pass, each pass shifting ids and times so the next continues the stream.
 * Shared by the Node bench (batches.bench.ts) and the page's (test/browser/harness.ts). Browser-safe.
 */
import { DEPTH, QUOTE, TRADE, eventBatch, StreamingEngine, type EventBatch, type Kernels, type MarketEvent } from "../src/index.js";
import { median, shift, spans } from "./replayLoop.js";

/** Events as objects, and as one batch of columns with the snapshots (objects) at their batch positions. */
export interface Decoded {
  readonly events: MarketEvent[];
  readonly batch: EventBatch;
  /** Before batch event `at`, `event` (a snapshot). */
  readonly snapshots: { at: number; event: MarketEvent }[];
}

/** Where a parse (replayCaptureFiles, a CaptureParser) delivers: events as objects, decoded ones as batch ranges. */
export type Parse = (onEvent: (e: MarketEvent) => void, onBatch: (b: EventBatch, from: number, to: number) => void) => Promise<void>;

/**
 * The same captures twice: as objects (`objects`), then through `parse` with a decoder, its batches
 * copied into one batch whose columns are `k`'s buffers (on WASM in linear memory, as a WASM decoder's are).
 */
export async function decodeBatches(objects: MarketEvent[], parse: Parse, k: Kernels): Promise<Decoded> {
  const n = objects.length;
  const total = levelValues(objects);
  const names: string[] = [];
  const batch = eventBatch(n, k.allocFloat64(Math.max(1, total)), (index) => names[index]!, k);
  const snapshots: { at: number; event: MarketEvent }[] = [];
  let count = 0,
    used = 0;
  await parse(
    (e) => snapshots.push({ at: count, event: e }),
    (b, from, to) => {
      const src = b.columnsNow();
      for (let j = from; j < to; j++, count++) {
        const name = b.symbolName(src.symbol[j]!);
        let at = names.indexOf(name);
        if (at < 0) at = names.push(name) - 1;
        // the views now: copying may have grown the module's memory
        const c = batch.columnsNow();
        c.symbol[count] = at;
        for (const key of ["kind", "exchangeTime", "receiveTime", "id", "firstId", "prevId", "a", "b", "c", "d"] as const)
          c[key][count] = src[key][j]!;
        if (src.kind[j] === DEPTH) {
          const nv = src.bidValues[j]! + src.askValues[j]!;
          c.levels.set(src.levels.subarray(src.levelStart[j]!, src.levelStart[j]! + nv), used);
          c.levelStart[count] = used;
          c.bidValues[count] = src.bidValues[j]!;
          c.askValues[count] = src.askValues[j]!;
          used += nv;
        }
      }
    },
  );
  batch.count = count;
  if (count + snapshots.length !== n) throw new Error(`decoded ${count} + ${snapshots.length} events, expected ${n}`);
  return { events: objects, batch, snapshots };
}

/** The level values `events[from, to)` hold (a depth diff's bids and asks; snapshots are never in a batch). */
export function levelValues(events: readonly MarketEvent[], from = 0, to = events.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    if (e.type === "depth") n += e.bids.length + e.asks.length;
  }
  return n;
}

/**
 * Writes `events[from, to)` but the snapshots into `batch` from event 0 and level value 0 on (its
 * symbol indices into `names`, which grows as new names come), and sets its count; returns the
 * index in `events` of each batch event. The batch must hold them (capacity, levelValues). Builds
 * nothing per event (a bench's garbage would be collected inside the engine's timed part).
 */
export function fillBatch(events: readonly MarketEvent[], batch: EventBatch, names: string[], from = 0, to = events.length): number[] {
  const c = batch.columnsNow();
  const index = new Map(names.map((name, i) => [name, i]));
  const order: number[] = [];
  let used = 0;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    if (e.type === "snapshot") continue;
    const k = order.length;
    order.push(i);
    let at = index.get(e.symbol);
    if (at === undefined) {
      at = names.push(e.symbol) - 1;
      index.set(e.symbol, at);
    }
    c.symbol[k] = at;
    c.exchangeTime[k] = e.exchangeTime;
    c.receiveTime[k] = e.receiveTime;
    c.d[k] = Number.NaN;
    if (e.type === "trade") {
      c.kind[k] = TRADE;
      c.a[k] = e.price;
      c.b[k] = e.qty;
      c.c[k] = e.buyerInitiated ? 1 : 0;
      c.id[k] = e.tradeId;
    } else if (e.type === "quote") {
      c.kind[k] = QUOTE;
      c.id[k] = e.updateId;
      c.a[k] = e.bidPx;
      c.b[k] = e.bidQty;
      c.c[k] = e.askPx;
      c.d[k] = e.askQty;
    } else {
      c.kind[k] = DEPTH;
      c.firstId[k] = e.firstUpdateId;
      c.id[k] = e.lastUpdateId;
      c.prevId[k] = e.prevUpdateId;
      c.levelStart[k] = used;
      c.bidValues[k] = e.bids.length;
      c.askValues[k] = e.asks.length;
      c.levels.set(e.bids, used);
      c.levels.set(e.asks, used + e.bids.length);
      used += e.bids.length + e.asks.length;
    }
  }
  batch.count = order.length;
  return order;
}

/** Shifts the batch's ids and times by one pass, as replayLoop's shift does the objects'. */
function shiftBatch(d: Decoded, idSpan: number, timeSpan: number): void {
  const c = d.batch.columnsNow();
  for (let k = 0; k < d.batch.count; k++) {
    c.exchangeTime[k] = c.exchangeTime[k]! + timeSpan;
    c.receiveTime[k] = c.receiveTime[k]! + timeSpan;
    if (c.kind[k] === DEPTH) {
      c.firstId[k] = c.firstId[k]! + idSpan;
      c.id[k] = c.id[k]! + idSpan;
      if (c.prevId[k] === c.prevId[k]) c.prevId[k] = c.prevId[k]! + idSpan;
    }
  }
  shift(
    d.snapshots.map((s) => s.event),
    idSpan,
    timeSpan,
  );
}

export interface Runner {
  readonly name: string;
  readonly seen: { updates: number; scores: number };
  /** events/s of each measured pass. */
  readonly rates: number[];
  /** One pass; returns its seconds. */
  readonly pass: () => number;
}

function runner(name: string, k: Kernels, d: Decoded, batches: boolean): Runner {
  const seen = { updates: 0, scores: 0 };
  const engine = new StreamingEngine(k, {
    onScore: (u) => {
      seen.updates++;
      seen.scores += u.score + u.composite.directionalBias;
    },
  });
  const pass = batches
    ? () => {
        const t0 = performance.now();
        let from = 0;
        for (const s of d.snapshots) {
          engine.processBatch(d.batch, from, s.at);
          engine.process(s.event);
          from = s.at;
        }
        engine.processBatch(d.batch, from, d.batch.count);
        return (performance.now() - t0) / 1000;
      }
    : () => {
        const t0 = performance.now();
        const events = d.events;
        for (let i = 0; i < events.length; i++) engine.process(events[i]!);
        return (performance.now() - t0) / 1000;
      };
  return { name, seen, rates: [], pass };
}

/** Engine names, in the order runBatches runs and reports them. */
export const ENGINES = ["wasm-batches", "wasm-objects", "js-batches", "js-objects"] as const;

/**
 * `passes` measured passes (after `warmup`) of the engines named in `only` (all four by default), in
 * turns that rotate pass by pass; `onWasm` and `onJs` are the same captures decoded by each backend.
 * Throws when two engines gave different updates.
 */
export function runBatches(
  wasm: Kernels,
  js: Kernels,
  onWasm: Decoded,
  onJs: Decoded,
  passes: number,
  warmup: number,
  only: readonly string[] = ENGINES,
): Runner[] {
  const n = onWasm.events.length;
  const { idSpan, timeSpan } = spans(onWasm.events);
  const made = [
    runner("wasm-batches", wasm, onWasm, true),
    runner("wasm-objects", wasm, onWasm, false),
    runner("js-batches", js, onJs, true),
    runner("js-objects", js, onJs, false),
  ];
  const runners = made.filter((r) => only.includes(r.name));
  for (let p = 0; p < warmup + passes; p++) {
    for (let i = 0; i < runners.length; i++) {
      const r = runners[(i + p) % runners.length]!;
      const seconds = r.pass();
      if (p >= warmup) r.rates.push(n / seconds);
    }
    // every engine sees the same stream: the objects and both batches shift together after each pass
    shift(onWasm.events, idSpan, timeSpan);
    if (onJs.events !== onWasm.events) shift(onJs.events, idSpan, timeSpan);
    shiftBatch(onWasm, idSpan, timeSpan);
    shiftBatch(onJs, idSpan, timeSpan);
  }
  const first = runners[0]!.seen;
  for (const r of runners)
    if (r.seen.updates !== first.updates || r.seen.scores !== first.scores)
      throw new Error(
        `${r.name} gave ${r.seen.updates} updates (${r.seen.scores}), ${runners[0]!.name} ${first.updates} (${first.scores})`,
      );
  return runners;
}

/** The median and interquartile range of the per-pass ratios a/b. */
export function passRatio(a: Runner, b: Runner): { median: number; p25: number; p75: number } {
  const rs = a.rates.map((x, i) => x / b.rates[i]!).sort((x, y) => x - y);
  return { median: median(rs), p25: rs[Math.floor(0.25 * (rs.length - 1))]!, p75: rs[Math.floor(0.75 * (rs.length - 1))]! };
}
