/**
 * Decoding speed of the real BTCUSDT capture (41,249 lines, 1.3 MB gzip → 11 MB), in
 * events per second, the feeds layer's share of a replay:
 *
 *   replay     end to end   replayCaptureFiles: file → gunzip (thread pool) → CaptureParser
 *   naive      end to end   (baseline) file → gunzip → readline → JSON.parse + Number() per line
 *                           (decodeBinanceMessage: the same events, the same checks)
 *   replay-wasm end to end  the same, the lines decoded in linear memory (CaptureParser's decoders: the WASM kernels)
 *   parser     bytes only   CaptureParser on the decompressed bytes (byte-level fast path)
 *   parser-wasm bytes only  the same through the WASM decoder
 *   parser-json bytes only  CaptureParser with fastPath: false (every line through JSON.parse)
 *   naive-lines bytes only  (baseline) TextDecoder + split + JSON.parse + Number() per line
 *
 * Warm: interleaved rounds after warm-up (medians, paired ratios; the async end-to-end
 * group uses the same method as harness.ts). Cold: each variant run once in a fresh
 * process, as a one-shot CLI replay runs (JIT warm-up included), median of several.
 *   loop-js / loop-wasm end to end  the replay loop: gunzip, decoding and the streaming engine, each backend as
 *                           `confluence replay` runs it (issue 14's target: ≥ 1.2M events/s)
 * Target: replay (decoding included) ≥ 300,000 events/s.
 *
 *   npm run build && node dist/bench/decode.bench.js   (from the repository root; writes
 *   bench/results/decode.json and .md)   flags: --rounds=N --cold-runs=N --out=path
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { gunzipSync, createGunzip } from "node:zlib";
import { pipeline } from "node:stream";
import { CaptureParser } from "../src/feeds/capture.js";
import { decodeBinanceMessage } from "../src/feeds/binance.js";
import type { MarketEvent } from "../src/feeds/events.js";
import { FeedDecodeError } from "../src/errors.js";
import { replayCaptureFiles } from "../src/node/captureReader.js";
import { jsKernels, loadKernels } from "../src/kernels/index.js";
import { StreamingEngine } from "../src/pipeline/engine.js";
import type { EventBatch } from "../src/feeds/eventBatch.js";
import type { Kernels } from "../src/kernels/types.js";
import {
  DEFAULT_OPTIONS,
  formatGroup,
  formatGroupMarkdown,
  machineMeta,
  quartiles,
  reportHeader,
  runGroup,
  sink,
  sinkResult,
  type GroupResult,
  type Quartiles,
  type VariantResult,
} from "./harness.js";

const FILE = "data/binance-spot-btcusdt-2024-08-08.jsonl.gz"; // run from the repository root
const TARGET_EVENTS_PER_SEC = 300_000;

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(flag("rounds") ?? 21);
const coldRuns = Number(flag("cold-runs") ?? 7);
const outPath = flag("out") ?? "bench/results/decode.json";

/** What every variant does with an event: cheap, and observable through the sink. */
let checksum = 0;
const consume = (e: MarketEvent): void => {
  checksum += e.receiveTime;
};

// ---- the variants -------------------------------------------------------------------

async function replay(): Promise<number> {
  return (await replayCaptureFiles([FILE], consume)).events;
}

/** The WASM backend's kernels: their capture decoder reads the lines in linear memory (what `confluence replay` does on WASM). */
const wasm = await loadKernels();

async function replayWasm(): Promise<number> {
  return (await replayCaptureFiles([FILE], consume, { decoders: wasm })).events;
}

/**
 * The replay loop (issue 14's target): gunzip, decoding and the streaming engine, as `confluence
 * replay` runs it: the lines decoded into columns by the backend's decoder (on WASM in linear memory) and
 * handed to the engine as batches. `objects`: the step before — on WASM the decoder's events built as
 * objects, on JS FastDecoder line by line into objects.
 */
async function loop(kernels: Kernels, objects = false): Promise<number> {
  let updates = 0;
  const engine = new StreamingEngine(kernels, { onScore: () => updates++ });
  const stats = await replayCaptureFiles(
    [FILE],
    (e) => engine.process(e),
    objects
      ? kernels.backend === "js"
        ? {}
        : { decoders: kernels }
      : { decoders: kernels, onBatch: (b: EventBatch, from: number, to: number) => engine.processBatch(b, from, to) },
  );
  engine.dispose();
  checksum += updates;
  return stats.events;
}
const js = jsKernels();

/** One capture line the naive way (JSON.parse + Number()): 1 when it was an event, 0 when skipped. */
function naiveLine(line: string, state: { snapshotSymbol: string | null }): number {
  if (line.length === 0) return 0;
  const space = line.indexOf(" ");
  try {
    const e = decodeBinanceMessage(line.slice(space + 1), Number(line.slice(0, space)) / 1e6, state.snapshotSymbol);
    if (e.type === "depth") state.snapshotSymbol = e.symbol;
    consume(e);
    return 1;
  } catch (err) {
    if (!(err instanceof FeedDecodeError)) throw err;
    return 0;
  }
}

/** The naive way: readline over the gunzip stream, then naiveLine per line. */
async function naive(): Promise<number> {
  const input = pipeline(createReadStream(FILE), createGunzip(), () => {});
  const state = { snapshotSymbol: null as string | null };
  let events = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) events += naiveLine(line, state);
  return events;
}

function parser(bytes: Uint8Array, fastPath: boolean, decoders?: Kernels): number {
  const p = new CaptureParser(consume, { fastPath, ...(decoders ? { decoders } : {}) });
  p.push(bytes);
  p.end();
  p.dispose();
  return p.events;
}

function naiveLines(bytes: Uint8Array): number {
  const state = { snapshotSymbol: null as string | null };
  let events = 0;
  for (const line of new TextDecoder().decode(bytes).split("\n")) events += naiveLine(line, state);
  return events;
}

// ---- cold: one run in this (fresh) process ------------------------------------------

async function coldRun(variant: string): Promise<void> {
  let ms: number, events: number;
  if (variant === "parser" || variant === "parser-wasm") {
    const bytes = new Uint8Array(gunzipSync(readFileSync(FILE)));
    const t0 = performance.now();
    events = parser(bytes, true, variant === "parser-wasm" ? wasm : undefined);
    ms = performance.now() - t0;
  } else {
    const t0 = performance.now();
    events = variant === "replay" ? await replay() : variant === "replay-wasm" ? await replayWasm() : await naive();
    ms = performance.now() - t0;
  }
  process.stdout.write(JSON.stringify({ variant, ms, events, checksum }));
}

interface ColdResult {
  readonly name: string;
  readonly runs: number;
  readonly ms: Quartiles;
  readonly eventsPerSec: number;
}

function coldGroup(): ColdResult[] {
  const self = fileURLToPath(import.meta.url);
  const names = ["replay", "replay-wasm", "naive", "parser", "parser-wasm"];
  const samples = new Map<string, number[]>(names.map((n) => [n, []]));
  for (let r = 0; r < coldRuns; r++) {
    for (const name of names) {
      const out = spawnSync(process.execPath, [self, `--cold=${name}`], { encoding: "utf8" });
      if (out.status !== 0) throw new Error(`cold run ${name} failed: ${out.stderr}`);
      const { ms, events } = JSON.parse(out.stdout) as { ms: number; events: number };
      if (events !== EVENTS) throw new Error(`cold run ${name}: ${events} events, expected ${EVENTS}`);
      samples.get(name)!.push(ms);
    }
  }
  return names.map((name) => {
    const ms = quartiles(samples.get(name)!);
    return { name, runs: coldRuns, ms, eventsPerSec: EVENTS / (ms.median / 1e3) };
  });
}

// ---- warm, end to end (async): interleaved rounds like harness.ts ---------------------

interface AsyncVariant {
  readonly name: string;
  readonly run: () => Promise<number>;
  readonly baseline?: boolean;
  readonly note?: string;
}

async function runAsyncGroup(group: string, variants: readonly AsyncVariant[]): Promise<GroupResult> {
  for (const v of variants) for (let k = 0; k < 5; k++) sink(await v.run());
  const samples = variants.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < variants.length; k++) {
      const idx = (r + k) % variants.length;
      const t0 = process.hrtime.bigint();
      sink(await variants[idx]!.run());
      samples[idx]!.push(Number(process.hrtime.bigint() - t0));
    }
  }
  const base = variants.findIndex((v) => v.baseline);
  const baseMedian = quartiles(samples[base]!).median;
  const perEvent = (q: Quartiles): Quartiles => ({ p25: q.p25 / EVENTS, median: q.median / EVENTS, p75: q.p75 / EVENTS });
  const results = variants.map((v, i): VariantResult => {
    const ns = quartiles(samples[i]!);
    return {
      name: v.name,
      baseline: v.baseline === true,
      ...(v.note === undefined ? {} : { note: v.note }),
      ns,
      nsPerElement: perEvent(ns),
      speedup: baseMedian / ns.median,
      pairedSpeedup: quartiles(samples[i]!.map((s, r) => samples[base]![r]! / s)),
      callsPerSample: 1,
      samples: samples[i]!.length,
    };
  });
  return {
    group,
    params: { file: "btcusdt-2024-08-08", events: EVENTS },
    elements: EVENTS,
    unit: "event",
    baseline: variants[base]!.name,
    rounds,
    variants: results,
  };
}

// ---- main ---------------------------------------------------------------------------

const EVENTS = 41_249;
const eventsPerSec = (g: GroupResult, name: string): number => EVENTS / (g.variants.find((v) => v.name === name)!.ns.median / 1e9);

async function main(): Promise<void> {
  const started = Date.now();
  const meta = {
    ...machineMeta(`node ${[relative(process.cwd(), process.argv[1] ?? ""), ...args].join(" ")}`),
    file: FILE,
    rounds,
    coldRuns,
  };
  console.log(`decode bench — ${meta.date} — ${meta.cpu} — Node ${meta.node}`);
  console.log(
    `load average at start: ${meta.loadavgStart.join(" ")} (${meta.cores} cores)${meta.loadavgStart[0]! > 1 ? " — the machine is busy: expect noise" : ""}\n`,
  );

  const cold = coldGroup();
  console.log("cold (one run in a fresh process, JIT warm-up included)");
  for (const c of cold) {
    console.log(
      `  ${c.name.padEnd(8)} ${c.ms.median.toFixed(1).padStart(7)} ms [${c.ms.p25.toFixed(1)}–${c.ms.p75.toFixed(1)}]  ${Math.round(c.eventsPerSec).toLocaleString("en")} events/s`,
    );
  }
  console.log();

  const endToEnd = await runAsyncGroup("decodeEndToEnd", [
    { name: "naive", run: naive, baseline: true, note: "readline + JSON.parse + Number()" },
    { name: "replay", run: replay, note: "replayCaptureFiles: gunzip stream + CaptureParser" },
    { name: "replay-wasm", run: replayWasm, note: "the same, lines decoded in linear memory (decoders: WASM kernels)" },
  ]);
  console.log(formatGroup(endToEnd), "\n");

  const replayLoop = await runAsyncGroup("replayLoop", [
    {
      name: "loop-js",
      run: () => loop(js),
      baseline: true,
      note: "gunzip + the JS column decoder + the engine on the JS backend, in batches",
    },
    { name: "loop-wasm", run: () => loop(wasm), note: "gunzip + the WASM decoder + the engine on the WASM backend, in batches" },
    { name: "loop-js-objects", run: () => loop(js, true), note: "gunzip + FastDecoder into objects + the engine on JS (before batches)" },
    { name: "loop-wasm-objects", run: () => loop(wasm, true), note: "the WASM decoder, the events built as objects (before batches)" },
  ]);
  console.log(formatGroup(replayLoop), "\n");

  const bytes = new Uint8Array(gunzipSync(readFileSync(FILE)));
  const bytesOnly = runGroup(
    {
      group: "decodeBytes",
      params: { file: "btcusdt-2024-08-08", events: EVENTS, bytes: bytes.length },
      elements: EVENTS,
      unit: "event",
      variants: [
        { name: "naive-lines", run: () => naiveLines(bytes), baseline: true, note: "TextDecoder + split + JSON.parse + Number()" },
        { name: "parser-json", run: () => parser(bytes, false), note: "CaptureParser, fastPath: false" },
        { name: "parser", run: () => parser(bytes, true), note: "CaptureParser, byte-level fast path" },
        { name: "parser-wasm", run: () => parser(bytes, true, wasm), note: "CaptureParser, blocks of lines decoded in linear memory" },
      ],
    },
    { ...DEFAULT_OPTIONS, groupBudgetMs: 8_000, minRounds: rounds },
  );
  console.log(formatGroup(bytesOnly), "\n");

  const figures = {
    loopJsWarm: eventsPerSec(replayLoop, "loop-js"),
    loopWasmWarm: eventsPerSec(replayLoop, "loop-wasm"),
    replayWarm: eventsPerSec(endToEnd, "replay"),
    replayWasmWarm: eventsPerSec(endToEnd, "replay-wasm"),
    naiveWarm: eventsPerSec(endToEnd, "naive"),
    parserWarm: eventsPerSec(bytesOnly, "parser"),
    parserWasmWarm: eventsPerSec(bytesOnly, "parser-wasm"),
    replayCold: cold.find((c) => c.name === "replay")!.eventsPerSec,
    replayWasmCold: cold.find((c) => c.name === "replay-wasm")!.eventsPerSec,
    naiveCold: cold.find((c) => c.name === "naive")!.eventsPerSec,
    parserCold: cold.find((c) => c.name === "parser")!.eventsPerSec,
  };
  const targets = (["replayWarm", "replayCold"] as const).map((k) => ({
    target: `replay, decoding included (${k === "replayWarm" ? "warm" : "cold"}) ≥ ${TARGET_EVENTS_PER_SEC.toLocaleString("en")} events/s`,
    measured: Math.round(figures[k]),
    met: figures[k] >= TARGET_EVENTS_PER_SEC,
  }));
  console.log("events/s (medians)");
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(11)} ${Math.round(v).toLocaleString("en").padStart(10)}`);
  for (const t of targets) console.log(`  ${t.met ? "MET   " : "MISSED"} ${t.target}: ${t.measured.toLocaleString("en")}`);

  const seconds = (Date.now() - started) / 1000;
  const loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(`\n${seconds.toFixed(0)} s; load average at end ${loadavgEnd.join(" ")}; sink ${sinkResult()} ${checksum}`);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(
    outPath,
    `${JSON.stringify({ meta: { ...meta, loadavgEnd, seconds }, cold, results: [endToEnd, replayLoop, bytesOnly], figures, targets, sink: sinkResult() }, null, 2)}\n`,
  );
  const mdPath = `${outPath.replace(/\.json$/, "")}.md`;
  writeFileSync(
    mdPath,
    [
      ...reportHeader("bench/decode.bench.ts", meta, loadavgEnd, seconds),
      `**cold** (one run in a fresh process, JIT warm-up included; median of ${coldRuns})`,
      "",
      "| variant | median | p25 … p75 | events/s |",
      "|---|---:|---:|---:|",
      ...cold.map(
        (c) =>
          `| ${c.name} | ${c.ms.median.toFixed(1)} ms | ${c.ms.p25.toFixed(1)} … ${c.ms.p75.toFixed(1)} ms | ${Math.round(c.eventsPerSec).toLocaleString("en")} |`,
      ),
      "",
      formatGroupMarkdown(endToEnd),
      "",
      formatGroupMarkdown(replayLoop),
      "",
      formatGroupMarkdown(bytesOnly),
      "",
      "| target | measured | result |",
      "|---|---:|---|",
      ...targets.map((t) => `| ${t.target} | ${t.measured.toLocaleString("en")} | ${t.met ? "met" : "**missed**"} |`),
      "",
    ].join("\n"),
  );
  console.log(`wrote ${outPath} and ${mdPath}`);
}

const cold = flag("cold");
if (cold !== undefined) await coldRun(cold);
else await main();
