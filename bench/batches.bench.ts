/**
 * The streaming engine fed decoded columns (`processBatch`) against the same events as objects
 * (`process`), on both backends, in one process: four engines taking turns pass by pass on the
 * spot BTCUSDT + ETHUSDT captures, decoded once up front —
 *   wasm-batches  the columns as the WASM decoder writes them, the level column in linear
 *                 memory: a depth diff's levels are checked and applied where they lie;
 *   wasm-objects  the same events as objects (what `process` takes);
 *   js-batches    the columns as plain typed arrays (the JS decoder's, ColumnDecoder);
 *   js-objects    objects on the JS backend.
 * Snapshots are never decoded into a batch: every engine gets them as objects, in place. Each
 * pass shifts ids and times so the next one continues the stream. Reports each engine's median
 * events/s and the medians of the per-pass ratios; all four must give the same updates.
 *
 *   npm run bench:batches   (node dist/bench/batches.bench.js [passes] [--only NAME]: one engine, for a profile)
 */
import {
  DEPTH,
  eventBatch,
  jsKernels,
  loadKernels,
  StreamingEngine,
  type EventBatch,
  type Kernels,
  type MarketEvent,
} from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { machineMeta } from "./harness.js";
import { median, shift, spans } from "./replayLoop.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];
const WARMUP = 4;

/** The captures' events: as objects, and as one batch of columns with the snapshots (objects) at their batch positions. */
interface Decoded {
  readonly events: MarketEvent[];
  readonly batch: EventBatch;
  /** Before batch event `at`, `event` (a snapshot). */
  readonly snapshots: { at: number; event: MarketEvent }[];
}

/**
 * Decodes the captures with `k`'s decoder into one batch; its level column from `levels` (on WASM a
 * kernel buffer in linear memory, whose `array` is its view of the memory now).
 */
async function decode(k: Kernels, levels: (n: number) => { readonly array: Float64Array }): Promise<Decoded> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles(FILES, (e) => events.push(e));
  const n = events.length;
  const total = events.reduce((s, e) => s + (e.type === "depth" ? e.bids.length + e.asks.length : 0), 0);
  const column = levels(Math.max(1, total));
  const names: string[] = [];
  const batch = eventBatch(n, column, (index) => names[index]!);
  const snapshots: { at: number; event: MarketEvent }[] = [];
  let count = 0,
    used = 0;
  // the decoder's own batches, copied out range by range (what it decodes is what a replay hands the engine)
  await replayCaptureFiles(FILES, (e) => snapshots.push({ at: count, event: e }), {
    decoders: k,
    onBatch: (b, from, to) => {
      const src = b.columnsNow();
      for (let j = from; j < to; j++, count++) {
        const name = b.symbolName(src.symbol[j]!);
        let at = names.indexOf(name);
        if (at < 0) at = names.push(name) - 1;
        const c = batch.columns;
        c.symbol[count] = at;
        for (const key of ["kind", "exchangeTime", "receiveTime", "id", "firstId", "prevId", "a", "b", "c", "d"] as const)
          c[key][count] = src[key][j]!;
        if (src.kind[j] === DEPTH) {
          const nv = src.bidValues[j]! + src.askValues[j]!;
          // the buffer's view now: decoding may have grown the module's memory
          batch.columnsNow().levels.set(src.levels.subarray(src.levelStart[j]!, src.levelStart[j]! + nv), used);
          c.levelStart[count] = used;
          c.bidValues[count] = src.bidValues[j]!;
          c.askValues[count] = src.askValues[j]!;
          used += nv;
        }
      }
    },
  });
  batch.count = count;
  if (count + snapshots.length !== n) throw new Error(`decoded ${count} + ${snapshots.length} events, expected ${n}`);
  return { events, batch, snapshots };
}

/** Shifts the batch's ids and times by one pass, as replayLoop's shift does the objects'. */
function shiftBatch(d: Decoded, idSpan: number, timeSpan: number): void {
  const c = d.batch.columns;
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

interface Runner {
  readonly name: string;
  readonly engine: StreamingEngine;
  readonly seen: { updates: number; scores: number };
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
  return { name, engine, seen, rates: [], pass };
}

const quartile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

async function main(): Promise<void> {
  const passes = Number(process.argv[2] ?? 40);
  const only = process.argv.indexOf("--only") > 0 ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
  const meta = machineMeta(`node dist/bench/batches.bench.js ${passes}`);
  const wasm = await loadKernels(),
    js = jsKernels();
  const onWasm = await decode(wasm, (n) => wasm.allocFloat64(n));
  const onJs = await decode(js, (n) => ({ array: new Float64Array(n) }));
  const n = onWasm.events.length;
  console.log(
    `batches bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")} — ${n} events a pass\n`,
  );
  // the objects engines read the object events; each batch engine its own columns (shifted with them)
  const { idSpan, timeSpan } = spans(onWasm.events);
  const all = [
    runner("wasm-batches", wasm, onWasm, true),
    runner("wasm-objects", wasm, onWasm, false),
    runner("js-batches", js, onJs, true),
    runner("js-objects", js, onJs, false),
  ];
  const runners = only === undefined ? all : all.filter((r) => r.name === only);
  if (runners.length === 0) throw new Error(`--only ${only}: expected one of ${all.map((r) => r.name).join(", ")}`);
  for (let p = 0; p < WARMUP + passes; p++) {
    // every engine sees the same stream: the objects and both batches shift together after each pass
    const order = runners.map((_, i) => runners[(i + p) % runners.length]!);
    for (const r of order) {
      const seconds = r.pass();
      if (p >= WARMUP) r.rates.push(n / seconds);
    }
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
  for (const r of runners) console.log(`${r.name.padEnd(13)} ${Math.round(median(r.rates)).toLocaleString("en").padStart(10)} events/s`);
  if (runners.length < all.length) return;
  const ratio = (a: Runner, b: Runner): number[] => a.rates.map((x, i) => x / b.rates[i]!);
  const line = (label: string, rs: number[]) =>
    console.log(
      `${label.padEnd(34)} ${median(rs).toFixed(3)} (interquartile ${quartile(rs, 0.25).toFixed(3)}–${quartile(rs, 0.75).toFixed(3)})`,
    );
  const [wb, wo, jb, jo] = runners as [Runner, Runner, Runner, Runner];
  console.log(`\nper-pass ratios, ${passes} passes (${first.updates} updates each engine):`);
  line("wasm batches / wasm objects", ratio(wb, wo));
  line("js batches / js objects", ratio(jb, jo));
  line("WASM/JS, batches", ratio(wb, jb));
  line("WASM/JS, objects", ratio(wo, jo));
}

await main();
