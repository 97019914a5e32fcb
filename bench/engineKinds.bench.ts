/**
 * Where the streaming engine's time goes, by kind of event: the spot BTCUSDT + ETHUSDT
 * captures decoded up front (as engine.bench.ts), every event timed on its own and filed
 * under its kind — trade, quote, depth diff, snapshot — and whether it produced a score
 * update (a recalculation: book, analyzer, composite, the update object). The cost of the
 * two clock reads is measured on an empty pair and subtracted. Each backend runs in child
 * processes of its own, alternated (WASM, JS, JS, WASM, …), and the table shows per kind
 * the median over the children of the mean ns an event, its share of the engine's time,
 * and WASM/JS.
 *
 * What it is for: which part of the per-event path a change must move (issue 14). Timing
 * every event slows what it measures by the clock reads' indirect cost, so the absolute
 * figures sit above engine.bench's; the shares and the ratios are what to read.
 *
 *   npm run build && node dist/bench/engineKinds.bench.js   (from the repository root;
 *   writes bench/results/engineKinds.json)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsKernels, loadKernels, StreamingEngine, type MarketEvent } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { machineMeta } from "./harness.js";
import { median, shift, spans } from "./replayLoop.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];
const PASSES = 10,
  WARMUP = 3,
  CHILD_RUNS = 3;
const KINDS = ["trade", "trade+score", "quote", "depth", "depth+score", "snapshot", "snapshot+score"] as const;
type Kind = (typeof KINDS)[number];
type KindFigures = Record<Kind, { perPass: number; ns: number }>;
/** `--child wasm|js`: every event of PASSES passes timed and filed by kind; prints per kind events a pass and mean ns. */
async function child(backend: string): Promise<void> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles(FILES, (e) => events.push(e));
  const { idSpan, timeSpan } = spans(events);
  const kernels = backend === "js" ? jsKernels() : await loadKernels();
  let scored = false;
  // the engine's own latency sample off: this bench times every event itself
  const engine = new StreamingEngine(kernels, { latencySample: 2 ** 30, onScore: () => (scored = true) });
  const total = new Float64Array(KINDS.length),
    count = new Float64Array(KINDS.length);
  let overhead = 0;
  for (let p = 0; p < PASSES + WARMUP; p++) {
    for (const e of events) {
      scored = false;
      const t0 = performance.now();
      engine.process(e);
      const dt = performance.now() - t0;
      const t1 = performance.now();
      overhead += performance.now() - t1;
      if (p < WARMUP) continue;
      const k = KINDS.indexOf(`${e.type}${scored ? "+score" : ""}` as Kind);
      total[k]! += dt;
      count[k]!++;
    }
    shift(events, idSpan, timeSpan);
  }
  const clock = (overhead / ((PASSES + WARMUP) * events.length)) * 1e6;
  const out = Object.fromEntries(
    KINDS.map((k, i) => [k, { perPass: count[i]! / PASSES, ns: count[i]! > 0 ? Math.max(0, (total[i]! / count[i]!) * 1e6 - clock) : 0 }]),
  );
  engine.dispose();
  console.log(JSON.stringify({ kinds: out, clockNs: clock }));
}

function main(): void {
  const meta = machineMeta("node dist/bench/engineKinds.bench.js");
  console.log(`engine by kind of event — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")}\n`);
  const self = fileURLToPath(import.meta.url);
  const runs: Record<"wasm" | "js", KindFigures[]> = { wasm: [], js: [] };
  for (let r = 0; r < CHILD_RUNS; r++) {
    for (const b of r % 2 === 0 ? (["wasm", "js"] as const) : (["js", "wasm"] as const)) {
      const out = JSON.parse(execFileSync(process.execPath, [self, "--child", b], { encoding: "utf8" }).trim()) as { kinds: KindFigures };
      runs[b].push(out.kinds);
    }
  }
  const summary = (b: "wasm" | "js"): KindFigures =>
    Object.fromEntries(KINDS.map((k) => [k, { perPass: runs[b][0]![k].perPass, ns: median(runs[b].map((r) => r[k].ns)) }])) as KindFigures;
  const wasm = summary("wasm"),
    js = summary("js");
  const timeOf = (f: KindFigures): number => KINDS.reduce((s, k) => s + f[k].perPass * f[k].ns, 0);
  const wasmTime = timeOf(wasm),
    jsTime = timeOf(js);
  console.log("kind            events a pass   WASM ns   share    JS ns   share   WASM/JS");
  for (const k of KINDS) {
    const w = wasm[k],
      j = js[k];
    if (w.perPass === 0) continue;
    console.log(
      `${k.padEnd(15)} ${Math.round(w.perPass).toLocaleString("en").padStart(13)} ${Math.round(w.ns).toLocaleString("en").padStart(9)} ${((100 * w.perPass * w.ns) / wasmTime).toFixed(1).padStart(6)}% ${Math.round(j.ns).toLocaleString("en").padStart(8)} ${((100 * j.perPass * j.ns) / jsTime).toFixed(1).padStart(6)}% ${(j.ns / w.ns).toFixed(2).padStart(8)}×`,
    );
  }
  console.log(`all kinds, weighted by count: WASM/JS ${(jsTime / wasmTime).toFixed(2)}× (median of ${CHILD_RUNS} processes a backend)`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/engineKinds.json", JSON.stringify({ meta, wasm, js, runs }, null, 1));
}

if (process.argv[2] === "--child") await child(process.argv[3]!);
else main();
