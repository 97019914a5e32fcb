/**
 * Many symbols in one engine (issue 14): N symbols (100 and 1,000), each fed the real BTCUSDT
 * capture's snapshot (1,000 levels a side) and the EVENTS events around it, interleaved event by
 * event across the symbols — every symbol's state is touched in turn, as a universe's feed does,
 * which is the hard case for caches. Each (backend, N) runs in a fresh process, after a warm-up
 * run of 20 symbols in the same process: events/s over the whole stream, per-event latency over
 * all symbols (the engine's sampled histograms merged: one event in 16 per symbol), the books'
 * own memory (memoryBytes summed over the symbols) and the WebAssembly linear memory.
 * Targets (issue 14): 1,000 symbols p99 ≤ 5 µs and ≤ 100 MB of book memory; 100 symbols ≥ 2.5M events/s.
 *
 *   npm run bench:universe      (writes bench/results/universe.json)
 *   node dist/bench/universe.bench.js --child wasm|js N        (one measurement, JSON on stdout)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { jsKernels, LatencyHistogram, loadKernels, StreamingEngine, type Kernels, type MarketEvent } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { machineMeta } from "./harness.js";

const FILE = "data/binance-spot-btcusdt-2024-08-08.jsonl.gz";
const EVENTS = 2_000;
const COUNTS = [100, 1_000];
const MB = 2 ** 20;

interface Run {
  backend: string;
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

function run(kernels: Kernels, base: readonly MarketEvent[], symbols: number): Run {
  const events = universe(base, symbols);
  let updates = 0;
  const engine = new StreamingEngine(kernels, { maxSymbols: symbols, onScore: () => void updates++ });
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) engine.process(events[i]!);
  const seconds = (performance.now() - t0) / 1000;
  const all = new LatencyHistogram();
  let book = 0;
  for (const s of engine.symbols) {
    const v = engine.symbolState(s)!;
    all.merge(v.latency);
    book += v.sync?.book.memoryBytes ?? 0;
  }
  const r = {
    backend: kernels.backend,
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

async function child(backend: string, symbols: number): Promise<void> {
  const all: MarketEvent[] = [];
  await replayCaptureFiles([FILE], (e) => all.push(e));
  const start = all.findIndex((e) => e.type === "snapshot");
  const base = all.slice(Math.max(0, start - 20), start + EVENTS);
  const kernels = backend === "js" ? jsKernels() : await loadKernels();
  run(kernels, base, 20);
  console.log(JSON.stringify(run(kernels, base, symbols)));
}

function main(): void {
  const meta = machineMeta("npm run bench:universe");
  console.log(`universe bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")}\n`);
  const self = fileURLToPath(import.meta.url);
  const runs: Run[] = [];
  for (const n of COUNTS) {
    for (const b of ["wasm", "js"]) {
      const r = JSON.parse(
        execFileSync(process.execPath, [self, "--child", b, String(n)], { encoding: "utf8", maxBuffer: 1 << 20 }),
      ) as Run;
      runs.push(r);
      console.log(
        `${String(n).padStart(5)} symbols  ${r.backend.padEnd(9)} ${Math.round(r.eventsPerSec).toLocaleString("en").padStart(10)} events/s  ` +
          `p50 ${r.p50} ns  p99 ${r.p99} ns  p99.9 ${r.p999} ns  books ${r.bookMB.toFixed(1)} MB  wasm ${r.wasmMB.toFixed(0)} MB  (${r.events.toLocaleString("en")} events)`,
      );
    }
  }
  const at = (n: number, b: string): Run => runs.find((r) => r.symbols === n && r.backend.startsWith(b))!;
  const targets = [
    { target: "1,000 symbols: p99 ≤ 5 µs (WASM)", measured: at(1000, "wasm").p99, met: at(1000, "wasm").p99 <= 5000 },
    { target: "1,000 symbols: books ≤ 100 MB (WASM)", measured: at(1000, "wasm").bookMB, met: at(1000, "wasm").bookMB <= 100 },
    { target: "100 symbols: ≥ 2.5M events/s (WASM)", measured: at(100, "wasm").eventsPerSec, met: at(100, "wasm").eventsPerSec >= 2.5e6 },
  ];
  console.log("\ntargets");
  for (const t of targets) console.log(`  ${t.met ? "MET   " : "MISSED"} ${t.target}: ${Math.round(t.measured * 100) / 100}`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/universe.json",
    JSON.stringify({ meta: { ...meta, loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100) }, runs, targets }, null, 1),
  );
}

if (process.argv[2] === "--child") await child(process.argv[3]!, Number(process.argv[4]));
else main();
