/**
 * Memory per symbol: how much a symbol costs the streaming engine, at 1, 100, 1,000 and
 * 10,000 symbols, on both backends, each count measured in a fresh process:
 *   trade-once  every symbol gets one trade (a universe where most symbols barely trade:
 *               no book, no composite engine, just the analyzer's windows);
 *   live-book   every symbol gets the BTCUSDT snapshot (1,000 levels a side) and the first
 *               5,000 events after it — a synced book of the real capture's shape, scoring.
 * Reported per run: peak RSS, RSS and JS heap after full GCs, WebAssembly linear memory,
 * and the per-symbol figures (RSS over an empty engine's, divided by the symbols).
 * Goals (issue 10): 10,000 trade-once symbols under 1 GB peak RSS; 1,000 live books
 * under 200 MB.
 *
 *   npm run bench:memory        (writes bench/results/memory.json)
 *   node --expose-gc dist/bench/memory.bench.js --child MODE COUNT BACKEND   (one measurement, JSON on stdout)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { jsKernels, loadKernels, StreamingEngine, type MarketEvent } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { machineMeta } from "./harness.js";

const FILE = "data/binance-spot-btcusdt-2024-08-08.jsonl.gz";
const LIVE_EVENTS = 5_000;

export interface MemoryRun {
  readonly mode: "trade-once" | "live-book";
  readonly symbols: number;
  readonly backend: string;
  readonly peakRssMB: number;
  readonly rssMB: number;
  readonly heapMB: number;
  readonly wasmMB: number;
  /** RSS of the engine before any symbol, after full GCs. */
  readonly baseRssMB: number;
  readonly scoreUpdates: number;
}

const MB = 2 ** 20;

function settled(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
  return process.memoryUsage();
}

/** One measurement in this process. */
export async function measure(mode: MemoryRun["mode"], symbols: number, backend: "wasm" | "js"): Promise<MemoryRun> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles([FILE], (e) => events.push(e));
  const start = events.findIndex((e) => e.type === "snapshot");
  const trade = events.find((e) => e.type === "trade")!;
  // the diffs buffered before the snapshot bridge it: the live stream starts a few events before it
  const live = events.slice(Math.max(0, start - 20), start + LIVE_EVENTS);
  const kernels = backend === "js" ? jsKernels() : await loadKernels();
  let updates = 0;
  const engine = new StreamingEngine(kernels, { maxSymbols: symbols, onScore: () => void updates++ });
  const base = settled();
  for (let s = 0; s < symbols; s++) {
    const symbol = `S${s}`;
    if (mode === "trade-once") engine.process({ ...trade, symbol });
    else for (const e of live) engine.process({ ...e, symbol });
  }
  const after = settled();
  return {
    mode,
    symbols,
    backend: kernels.backend,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    rssMB: after.rss / MB,
    heapMB: after.heapUsed / MB,
    wasmMB: kernels.memoryBytes / MB,
    baseRssMB: base.rss / MB,
    scoreUpdates: updates,
  };
}

async function main(): Promise<void> {
  const [flag, mode, count, backend] = process.argv.slice(2);
  if (flag === "--child") {
    process.stdout.write(JSON.stringify(await measure(mode as MemoryRun["mode"], Number(count), backend as "wasm" | "js")));
    return;
  }
  const meta = machineMeta("node --expose-gc dist/bench/memory.bench.js");
  console.log(`memory bench — ${meta.date} — ${meta.cpu} — Node ${meta.node}\n`);
  const self = fileURLToPath(import.meta.url);
  const runs: MemoryRun[] = [];
  for (const m of ["trade-once", "live-book"] as const) {
    for (const n of [1, 100, 1_000, 10_000]) {
      for (const b of ["wasm", "js"] as const) {
        const r = JSON.parse(
          execFileSync(process.execPath, ["--expose-gc", self, "--child", m, String(n), b], { encoding: "utf8", maxBuffer: 1 << 20 }),
        ) as MemoryRun;
        runs.push(r);
        const perSymbolKB = ((r.rssMB - r.baseRssMB) * 1024) / n;
        console.log(
          `${m.padEnd(10)} ${String(n).padStart(6)} symbols  ${r.backend.padEnd(9)} peak RSS ${r.peakRssMB.toFixed(0).padStart(5)} MB  RSS ${r.rssMB.toFixed(0).padStart(5)} MB  heap ${r.heapMB.toFixed(0).padStart(4)} MB  wasm ${r.wasmMB.toFixed(0).padStart(4)} MB  ≈ ${perSymbolKB.toFixed(1)} KB/symbol`,
        );
      }
    }
  }
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/memory.json", `${JSON.stringify({ meta: { ...meta, loadavgEnd: loadavg() }, runs }, null, 2)}\n`);
  console.log("\nwritten to bench/results/memory.json");
}

await main();
