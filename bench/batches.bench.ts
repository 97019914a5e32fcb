/**
 * The streaming engine fed decoded columns (`processBatch`) against the same events as objects
 * (`process`), on both backends, in one process: four engines taking turns pass by pass on the
 * spot BTCUSDT + ETHUSDT captures, decoded once up front (bench/batchLoop.ts) —
 *   wasm-batches  the columns as the WASM decoder writes them, the level column in linear
 *                 memory: a depth diff's levels are checked and applied where they lie;
 *   wasm-objects  the same events as objects (what `process` takes);
 *   js-batches    the columns as plain typed arrays (the JS decoder's, ColumnDecoder);
 *   js-objects    objects on the JS backend.
 * Snapshots are never decoded into a batch: every engine gets them as objects, in place. Reports
 * each engine's median events/s and the medians of the per-pass ratios; all four must give the
 * same updates. `bench:browser` runs the same in Chromium.
 *
 *   npm run bench:batches   (node dist/bench/batches.bench.js [passes] [--only NAME]: one engine, for a profile)
 */
import { jsKernels, loadKernels } from "../src/index.js";
import { ENGINES, passRatio, runBatches, type Runner } from "./batchLoop.js";
import { decodeFiles } from "./batchFiles.js";
import { machineMeta } from "./harness.js";
import { median } from "./replayLoop.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];

async function main(): Promise<void> {
  const passes = Number(process.argv[2] ?? 40);
  const at = process.argv.indexOf("--only");
  const only = at > 0 ? [process.argv[at + 1]!] : ENGINES;
  if (!only.every((name) => (ENGINES as readonly string[]).includes(name)))
    throw new Error(`--only ${only.join()}: expected one of ${ENGINES.join(", ")}`);
  const meta = machineMeta(`node dist/bench/batches.bench.js ${passes}`);
  const wasm = await loadKernels(),
    js = jsKernels();
  const onWasm = await decodeFiles(FILES, wasm);
  const onJs = await decodeFiles(FILES, js);
  console.log(
    `batches bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")} — ${onWasm.events.length} events a pass\n`,
  );
  const runners = runBatches(wasm, js, onWasm, onJs, passes, 4, only);
  for (const r of runners) console.log(`${r.name.padEnd(13)} ${Math.round(median(r.rates)).toLocaleString("en").padStart(10)} events/s`);
  if (runners.length < ENGINES.length) return;
  const line = (label: string, a: Runner, b: Runner) => {
    const r = passRatio(a, b);
    console.log(`${label.padEnd(34)} ${r.median.toFixed(3)} (interquartile ${r.p25.toFixed(3)}–${r.p75.toFixed(3)})`);
  };
  const [wb, wo, jb, jo] = runners as [Runner, Runner, Runner, Runner];
  console.log(`\nper-pass ratios, ${passes} passes (${wb.seen.updates} updates each engine):`);
  line("wasm batches / wasm objects", wb, wo);
  line("js batches / js objects", jb, jo);
  line("WASM/JS, batches", wb, jb);
  line("WASM/JS, objects", wo, jo);
}

await main();
