/**
 * Many symbols in one engine (issue 14): N symbols (100 and 1,000), each fed the real BTCUSDT
 * capture's snapshot (1,000 levels a side) and the EVENTS events around it, interleaved event by
 * event across the symbols — every symbol's state is touched in turn, as a universe's feed does,
 * which is the hard case for caches. Each (backend, N) runs in a fresh process, after a warm-up
 * run of 20 symbols in the same process: events/s over the whole stream, per-event latency over
 * all symbols (the engine's sampled histograms merged: one event in 16 per symbol), the books'
 * own memory (memoryBytes summed over the symbols) and the WebAssembly linear memory.
 * Each runs twice: events as objects (`process`) and as batches of decoded columns (`processBatch`,
 * the columns in the kernels' memory, refilled CHUNK events at a time outside the timed part, as a
 * decoder would fill them; snapshots as objects in their places). Interleaved symbols are the hard
 * case for batches too: no two events in a row are of one symbol, so no run is longer than one event.
 * Targets (issue 14): 1,000 symbols p99 ≤ 5 µs and ≤ 100 MB of book memory; 100 symbols ≥ 2.5M events/s.
 *
 *   npm run bench:universe      (writes bench/results/universe.json)
 *   node dist/bench/universe.bench.js --child wasm|js N objects|batches   (one measurement, JSON on stdout)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { eventBatch, jsKernels, LatencyHistogram, loadKernels, StreamingEngine, type Kernels, type MarketEvent } from "../src/index.js";
import { fillBatch, levelValues } from "./batchLoop.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { machineMeta } from "./harness.js";

const FILE = "data/binance-spot-btcusdt-2024-08-08.jsonl.gz";
const EVENTS = 2_000;
const COUNTS = [100, 1_000];
const MODES = ["objects", "batches"] as const;
type Mode = (typeof MODES)[number];
/** Events a batch holds (refilled for each chunk of the stream). */
const CHUNK = 8192;
const MB = 2 ** 20;

interface Run {
  backend: string;
  mode: Mode;
  symbols: number;
  events: number;
  eventsPerSec: number;
  p50: number;
  p99: number;
  p999: number;
  bookMB: number;
  wasmMB: number;
  scoreUpdates: number;
}

/** The capture's events around its snapshot (the diffs just before it bridge it), once per symbol, interleaved. */
function universe(base: readonly MarketEvent[], symbols: number): MarketEvent[] {
  const out: MarketEvent[] = [];
  for (const e of base) for (let s = 0; s < symbols; s++) out.push({ ...e, symbol: `S${s}` });
  return out;
}

/** `events` through `engine` as batches of CHUNK events (the snapshots as objects in their places); seconds in the engine. */
function batched(kernels: Kernels, engine: StreamingEngine, events: readonly MarketEvent[]): number {
  const names: string[] = [];
  let most = 2;
  for (let i = 0; i < events.length; i += CHUNK) most = Math.max(most, levelValues(events, i, Math.min(i + CHUNK, events.length)));
  const levels = kernels.allocFloat64(most);
  const batch = eventBatch(CHUNK, levels, (index) => names[index]!, kernels);
  let seconds = 0;
  for (let i = 0; i < events.length; i += CHUNK) {
    const end = Math.min(i + CHUNK, events.length);
    const order = fillBatch(events, batch, names, i, end);
    const t0 = performance.now();
    // the snapshots in their places: before the first batch event that follows each
    let from = 0;
    for (let k = 0; k <= order.length; k++) {
      const upTo = k < order.length ? order[k]! : end;
      const previous = k > 0 ? order[k - 1]! : i - 1;
      if (upTo - previous === 1) continue;
      engine.processBatch(batch, from, k);
      for (let j = previous + 1; j < upTo; j++) engine.process(events[j]!);
      from = k;
    }
    engine.processBatch(batch, from, order.length);
    seconds += (performance.now() - t0) / 1000;
  }
  batch.free();
  levels.free();
  return seconds;
}

function run(kernels: Kernels, base: readonly MarketEvent[], symbols: number, mode: Mode): Run {
  const events = universe(base, symbols);
  let updates = 0;
  const engine = new StreamingEngine(kernels, { maxSymbols: symbols, onScore: () => void updates++ });
  let seconds: number;
  if (mode === "batches") seconds = batched(kernels, engine, events);
  else {
    const t0 = performance.now();
    for (let i = 0; i < events.length; i++) engine.process(events[i]!);
    seconds = (performance.now() - t0) / 1000;
  }
  const all = new LatencyHistogram();
  let book = 0;
  for (const s of engine.symbols) {
    const v = engine.symbolState(s)!;
    all.merge(v.latency);
    book += v.sync?.book.memoryBytes ?? 0;
  }
  const r = {
    backend: kernels.backend,
    mode,
    symbols,
    events: events.length,
    eventsPerSec: events.length / seconds,
    p50: all.quantile(0.5),
    p99: all.quantile(0.99),
    p999: all.quantile(0.999),
    bookMB: book / MB,
    wasmMB: kernels.memoryBytes / MB,
    scoreUpdates: updates,
  };
  engine.dispose();
  return r;
}

async function child(backend: string, symbols: number, mode: Mode): Promise<void> {
  const all: MarketEvent[] = [];
  await replayCaptureFiles([FILE], (e) => all.push(e));
  const start = all.findIndex((e) => e.type === "snapshot");
  const base = all.slice(Math.max(0, start - 20), start + EVENTS);
  const kernels = backend === "js" ? jsKernels() : await loadKernels();
  run(kernels, base, 20, mode);
  console.log(JSON.stringify(run(kernels, base, symbols, mode)));
}

function main(): void {
  const meta = machineMeta("npm run bench:universe");
  console.log(`universe bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")}\n`);
  const self = fileURLToPath(import.meta.url);
  const runs: Run[] = [];
  for (const n of COUNTS) {
    for (const [b, mode] of ["wasm", "js"].flatMap((b) => MODES.map((m) => [b, m] as const))) {
      const r = JSON.parse(
        execFileSync(process.execPath, [self, "--child", b, String(n), mode], { encoding: "utf8", maxBuffer: 1 << 20 }),
      ) as Run;
      runs.push(r);
      console.log(
        `${String(n).padStart(5)} symbols  ${r.backend.padEnd(9)} ${mode.padEnd(7)} ${Math.round(r.eventsPerSec).toLocaleString("en").padStart(10)} events/s  ` +
          `p50 ${r.p50} ns  p99 ${r.p99} ns  p99.9 ${r.p999} ns  books ${r.bookMB.toFixed(1)} MB  wasm ${r.wasmMB.toFixed(0)} MB  (${r.events.toLocaleString("en")} events)`,
      );
    }
  }
  const at = (n: number, b: string, mode: Mode): Run => runs.find((r) => r.symbols === n && r.backend.startsWith(b) && r.mode === mode)!;
  const targets = MODES.flatMap((m) => [
    { target: `1,000 symbols: p99 ≤ 5 µs (WASM, ${m})`, measured: at(1000, "wasm", m).p99, met: at(1000, "wasm", m).p99 <= 5000 },
    { target: `1,000 symbols: books ≤ 100 MB (WASM, ${m})`, measured: at(1000, "wasm", m).bookMB, met: at(1000, "wasm", m).bookMB <= 100 },
    {
      target: `100 symbols: ≥ 2.5M events/s (WASM, ${m})`,
      measured: at(100, "wasm", m).eventsPerSec,
      met: at(100, "wasm", m).eventsPerSec >= 2.5e6,
    },
  ]);
  console.log("\ntargets");
  for (const t of targets) console.log(`  ${t.met ? "MET   " : "MISSED"} ${t.target}: ${Math.round(t.measured * 100) / 100}`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/universe.json",
    JSON.stringify({ meta: { ...meta, loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100) }, runs, targets }, null, 1),
  );
}

if (process.argv[2] === "--child")
  await child(process.argv[3]!, Number(process.argv[4]), process.argv[5] === "batches" ? "batches" : "objects");
else main();
