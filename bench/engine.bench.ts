/**
 * The streaming engine on the real captures (BTCUSDT and ETHUSDT, replayed in a loop
 * with update ids and times shifted each pass so every pass is a valid continuation):
 *   engine only   events decoded once up front; events/s and the engine's own per-event
 *                 latency histogram, WASM and JS backends interleaved pass by pass;
 *   one backend a process  the same passes in child processes that each load one backend,
 *                 alternated (WASM, JS, WASM, …): in one process the engine's call sites
 *                 meet both backends' classes (since issue 14 each keeps its own book) and
 *                 their inline caches turn polymorphic, which a user's process never sees;
 *   decoding      gunzip + capture parser + engine from the .gz files, WASM backend;
 *   memory        10 million events through one engine: WASM linear memory and RSS after
 *                 warm-up and at the end.
 * Targets (issue 4): engine only ≥ 2,000,000 events/s with p99 ≤ 5 µs; WASM ≥ 1.5× JS;
 * decoding included ≥ 300,000 events/s; RSS growth < 10 MB and a flat WASM heap.
 *
 *   npm run bench:engine        (writes bench/results/engine.json)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { jsKernels, loadKernels, StreamingEngine, type EngineOptions, type Kernels, type MarketEvent } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { machineMeta } from "./harness.js";
import { median, pass, shift, spans, type PassResult as Pass } from "./replayLoop.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];
const PASSES = 12,
  WARMUP = 3,
  CHILD_RUNS = 3;

async function loadEvents(): Promise<MarketEvent[]> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles(FILES, (e) => events.push(e));
  return events;
}

/** `--child wasm|js`: the engine-only passes on one backend in this process; prints the median pass as JSON. */
async function child(backend: string): Promise<void> {
  const events = await loadEvents();
  const { idSpan, timeSpan } = spans(events);
  const engine = new StreamingEngine(backend === "js" ? jsKernels() : await loadKernels());
  const rs: Pass[] = [];
  for (let p = 0; p < PASSES + WARMUP; p++) {
    const r = pass(engine, events);
    if (p >= WARMUP) rs.push(r);
    shift(events, idSpan, timeSpan);
  }
  console.log(JSON.stringify({ eventsPerSec: median(rs.map((r) => r.eventsPerSec)), p99: median(rs.map((r) => r.p99)) }));
}

/** The child runs, alternated: per backend the median of its children's medians. */
function separateProcesses(): Record<"wasm" | "js", { eventsPerSec: number; p99: number; runs: number[] }> {
  const runs: Record<"wasm" | "js", { eventsPerSec: number; p99: number }[]> = { wasm: [], js: [] };
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < CHILD_RUNS; r++) {
    for (const b of r % 2 === 0 ? (["wasm", "js"] as const) : (["js", "wasm"] as const)) {
      runs[b].push(JSON.parse(execFileSync(process.execPath, [self, "--child", b], { encoding: "utf8" }).trim()));
    }
  }
  const sum = (rs: { eventsPerSec: number; p99: number }[]) => ({
    eventsPerSec: median(rs.map((x) => x.eventsPerSec)),
    p99: median(rs.map((x) => x.p99)),
    runs: rs.map((x) => Math.round(x.eventsPerSec)),
  });
  return { wasm: sum(runs.wasm), js: sum(runs.js) };
}

async function main(): Promise<void> {
  const events = await loadEvents();
  const { idSpan, timeSpan } = spans(events);
  const meta = {
    ...machineMeta("node dist/bench/engine.bench.js"),
    events: events.length,
  };
  console.log(
    `engine bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")} — ${events.length} events a pass\n`,
  );

  // engine only: WASM and JS interleaved, one engine each, warm-up passes first
  // the default samples latency (one event in 16 per symbol); "timed" times every event, as before issue 14
  const wasm = await loadKernels(),
    js = jsKernels();
  const backends: [string, Kernels, EngineOptions][] = [
    ["wasm", wasm, {}],
    ["js", js, {}],
    ["wasm timed", wasm, { latencySample: 1 }],
    ["js timed", js, { latencySample: 1 }],
  ];
  const engines = backends.map(([, k, o]) => new StreamingEngine(k, o));
  const results: Record<string, Pass[]> = Object.fromEntries(backends.map(([name]) => [name, []]));
  for (let p = 0; p < PASSES + WARMUP; p++) {
    for (let b = 0; b < backends.length; b++) {
      const r = pass(engines[b]!, events);
      if (p >= WARMUP) results[backends[b]![0]]!.push(r);
    }
    shift(events, idSpan, timeSpan);
  }
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, rs]) => [
      name,
      {
        eventsPerSec: median(rs.map((r) => r.eventsPerSec)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        p999: median(rs.map((r) => r.p999)),
        max: median(rs.map((r) => r.max)),
      },
    ]),
  );
  for (const [name, s] of Object.entries(summary)) {
    console.log(
      `engine only  ${name.padEnd(10)} ${Math.round(s.eventsPerSec).toLocaleString("en")} events/s  p50 ${s.p50} ns  p99 ${s.p99} ns  p99.9 ${s.p999} ns  max ${Math.round(s.max)} ns (median of ${PASSES} passes)`,
    );
  }
  for (const e of engines) e.dispose();

  const separate = separateProcesses();
  for (const b of ["wasm", "js"] as const) {
    console.log(
      `one backend a process  ${b.padEnd(4)} ${Math.round(separate[b].eventsPerSec).toLocaleString("en")} events/s  p99 ${separate[b].p99} ns (median of ${CHILD_RUNS} processes: ${separate[b].runs.map((x) => x.toLocaleString("en")).join(", ")})`,
    );
  }
  console.log(`one backend a process  WASM/JS ${(separate.wasm.eventsPerSec / separate.js.eventsPerSec).toFixed(2)}×`);

  // decoding included: gunzip + parse + engine, WASM — the lines decoded in linear memory, as confluence replay does
  const decoding: number[] = [];
  for (let r = 0; r < 5; r++) {
    const kernels = backends[0]![1];
    const engine = new StreamingEngine(kernels);
    let n = 0;
    const t0 = performance.now();
    await replayCaptureFiles(
      FILES,
      (e) => {
        n++;
        engine.process(e);
      },
      { decoders: kernels },
    );
    decoding.push(n / ((performance.now() - t0) / 1000));
    engine.dispose();
  }
  const decodingMedian = median(decoding);
  console.log(
    `decoding included  wasm ${Math.round(decodingMedian).toLocaleString("en")} events/s (median of 5 runs: ${decoding.map((x) => Math.round(x)).join(", ")})`,
  );

  // memory: 10 million events through one engine; RSS and heap sampled (after full
  // GCs) every million events from the warm-up point on
  const k = backends[0]![1];
  const engine = new StreamingEngine(k);
  const target = 10_000_000;
  let done = 0,
    nextSample = 3_000_000;
  const samples: { events: number; rssMB: number; heapMB: number; wasm: number }[] = [];
  const sample = (): void => {
    globalThis.gc?.();
    globalThis.gc?.();
    const m = process.memoryUsage();
    samples.push({ events: done, rssMB: m.rss / 2 ** 20, heapMB: m.heapUsed / 2 ** 20, wasm: k.memoryBytes });
  };
  while (done < target) {
    pass(engine, events);
    shift(events, idSpan, timeSpan);
    done += events.length;
    if (done >= nextSample) {
      sample();
      nextSample += 1_000_000;
    }
  }
  engine.dispose();
  const warm = samples[0]!,
    end = samples[samples.length - 1]!;
  const memory = {
    events: done,
    samples,
    rssGrowthMB: end.rssMB - warm.rssMB,
    heapGrowthMB: end.heapMB - warm.heapMB,
    rssSpreadMB: Math.max(...samples.map((x) => x.rssMB)) - Math.min(...samples.map((x) => x.rssMB)),
    wasmGrowthBytes: end.wasm - warm.wasm,
  };
  console.log(
    `memory  ${done.toLocaleString("en")} events, sampled from 3M on: RSS ${warm.rssMB.toFixed(1)} → ${end.rssMB.toFixed(1)} MB ` +
      `(${memory.rssGrowthMB.toFixed(1)} MB; samples span ${memory.rssSpreadMB.toFixed(1)} MB), JS heap ${warm.heapMB.toFixed(1)} → ${end.heapMB.toFixed(1)} MB, ` +
      `WASM memory ${warm.wasm} → ${end.wasm} bytes`,
  );

  const w = summary.wasm!,
    j = summary.js!;
  const targets = [
    { target: "engine only ≥ 2,000,000 events/s (WASM)", measured: w.eventsPerSec, met: w.eventsPerSec >= 2e6 },
    { target: "engine only p99 ≤ 5 µs (WASM)", measured: w.p99, met: w.p99 <= 5000 },
    { target: "engine only WASM ≥ 1.5× JS", measured: w.eventsPerSec / j.eventsPerSec, met: w.eventsPerSec / j.eventsPerSec >= 1.5 },
    {
      target: "engine only WASM ≥ 1.5× JS, one backend a process",
      measured: separate.wasm.eventsPerSec / separate.js.eventsPerSec,
      met: separate.wasm.eventsPerSec / separate.js.eventsPerSec >= 1.5,
    },
    { target: "decoding included ≥ 300,000 events/s", measured: decodingMedian, met: decodingMedian >= 3e5 },
    { target: "10M events: RSS growth < 10 MB", measured: memory.rssGrowthMB, met: memory.rssGrowthMB < 10 },
    { target: "10M events: WASM heap flat after warm-up", measured: memory.wasmGrowthBytes, met: memory.wasmGrowthBytes === 0 },
  ];
  console.log("\ntargets");
  for (const t of targets)
    console.log(`  ${t.met ? "MET   " : "MISSED"} ${t.target}: ${Number.isInteger(t.measured) ? t.measured : t.measured.toFixed(2)}`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/engine.json",
    JSON.stringify(
      {
        meta,
        engineOnly: { summary, passes: results },
        separateProcesses: separate,
        decoding: { runs: decoding, median: decodingMedian },
        memory,
        targets,
      },
      null,
      1,
    ),
  );
}

if (process.argv[2] === "--child") await child(process.argv[3]!);
else await main();
