/**
 * Browser vs Node, same machine, same run: engine-only events/s of the streaming engine
 * over the BTCUSDT and ETHUSDT captures (decoded once, replayed in a loop with shifted
 * ids), in Chromium (the browser bundle in a page) and in Node, on the WASM and JS
 * backends. Medians of 12 passes after 3 warm-up passes each. Per-event latency only for
 * Node: Chromium coarsens performance.now() (100 µs on this page, which is not cross-origin
 * isolated), far above one event's few hundred ns, so its histogram holds nothing but timer
 * steps — its p99 is recorded as null rather than as a number that means nothing.
 *
 *   npm run bench:browser     (needs /usr/bin/chromium; writes bench/results/browser.json)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { jsKernels, loadKernels, StreamingEngine, type MarketEvent } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { launch, serve } from "../test/support/browser.js";
import type { HarnessGlobal } from "../test/browser/harness.js";
import { median, pass, shift, spans } from "./replayLoop.js";
import { passRatio, runBatches, type Runner } from "./batchLoop.js";
import { decodeFiles } from "./batchFiles.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];
const PASSES = 12;

async function node(backend: "wasm" | "js"): Promise<{ eventsPerSec: number; p99: number }> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles(FILES, (e) => events.push(e));
  const { idSpan, timeSpan } = spans(events);
  const engine = new StreamingEngine(backend === "js" ? jsKernels() : await loadKernels());
  const results = [];
  for (let p = 0; p < PASSES + 3; p++) {
    const r = pass(engine, events);
    if (p >= 3) results.push(r);
    shift(events, idSpan, timeSpan);
  }
  engine.dispose();
  return { eventsPerSec: median(results.map((r) => r.eventsPerSec)), p99: median(results.map((r) => r.p99)) };
}

/** bench/batchLoop.ts in Node: the WASM/JS ratios with batches and with objects. */
async function nodeBatchRatios(passes: number): Promise<{ batches: number; objects: number }> {
  const wasm = await loadKernels(),
    js = jsKernels();
  const onWasm = await decodeFiles(FILES, wasm);
  const onJs = await decodeFiles(FILES, js);
  const [wb, wo, jb, jo] = runBatches(wasm, js, onWasm, onJs, passes, 3) as [Runner, Runner, Runner, Runner];
  return { batches: passRatio(wb, jb).median, objects: passRatio(wo, jo).median };
}

async function main(): Promise<void> {
  const server = await serve(process.cwd());
  const context = await launch();
  const page = await context.newPage();
  await page.goto(`${server.url}/dist/test/harness.html`);
  await page.waitForSelector("body[data-ready=true]", { state: "attached" });
  const browserVersion = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  const captures = FILES.map((f) => ({ name: f, bytes: [...readFileSync(f)] }));
  const meta = {
    date: new Date().toISOString(),
    node: process.version,
    chromium: browserVersion,
    loadavgStart: loadavg().map((x) => Math.round(x * 100) / 100),
    command: "node dist/bench/browser.bench.js",
  };
  console.log(`browser bench — ${meta.date} — Node ${meta.node} — Chromium ${meta.chromium} — load ${meta.loadavgStart.join(" ")}`);
  const rows: Record<string, { eventsPerSec: number; p99: number | null }> = {};
  const inPage = (backend: "wasm" | "js", passes: number) =>
    page.evaluate(
      async ({ cs, b, n }) => {
        const bytes = cs.map((c) => ({ name: c.name, bytes: new Uint8Array(c.bytes).buffer }));
        return (globalThis as unknown as HarnessGlobal).harness.benchEngine(bytes, b, n);
      },
      { cs: captures, b: backend, n: passes },
    );
  // whichever backend runs first in a fresh page also pays for the engine's JIT warm-up:
  // one untimed round of both first, then the measured rounds
  for (const backend of ["wasm", "js"] as const) await inPage(backend, 3);
  await node("wasm");
  for (const backend of ["wasm", "js"] as const) {
    rows[`chromium ${backend}`] = { eventsPerSec: (await inPage(backend, PASSES)).eventsPerSec, p99: null };
    rows[`node ${backend}`] = await node(backend);
  }
  // the engine fed batches (bench/batchLoop.ts), in the page and in Node: each side's four engines take turns
  const batchPasses = 20;
  const pageBatches = await page.evaluate(
    async ({ cs, n }) => {
      const bytes = cs.map((c) => ({ name: c.name, bytes: new Uint8Array(c.bytes).buffer }));
      return (globalThis as unknown as HarnessGlobal).harness.benchBatches(bytes, n);
    },
    { cs: captures, n: batchPasses },
  );
  const nodeBatches = await nodeBatchRatios(batchPasses);
  await context.close();
  await server.close();
  for (const [name, r] of Object.entries(rows))
    console.log(
      `  ${name.padEnd(14)} ${Math.round(r.eventsPerSec).toLocaleString("en").padStart(10)} events/s  p99 ${r.p99 === null ? "– (timer too coarse)" : `${r.p99} ns`}`,
    );
  console.log(
    `  chromium/node: wasm ${(rows["chromium wasm"]!.eventsPerSec / rows["node wasm"]!.eventsPerSec).toFixed(2)}, js ${(rows["chromium js"]!.eventsPerSec / rows["node js"]!.eventsPerSec).toFixed(2)}`,
  );
  console.log(
    `  WASM/JS, batches (objects) in turns, ${batchPasses} passes: chromium ${pageBatches.batches.toFixed(2)} (${pageBatches.objects.toFixed(2)}), node ${nodeBatches.batches.toFixed(2)} (${nodeBatches.objects.toFixed(2)})`,
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/browser.json",
    JSON.stringify({ meta, rows, batches: { chromium: pageBatches, node: nodeBatches } }, null, 1),
  );
}

await main();
