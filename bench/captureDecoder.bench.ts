/**
 * Is a WebAssembly capture decoder worth it? The byte-level fast path on decompressed real
 * captures (spot BTCUSDT, USD-M ETHUSDT), in ns per decoded event, four ways in one process,
 * interleaved rounds, medians (harness.ts):
 *
 *   js-objects     FastDecoder.decode per line: a MarketEvent object each (today's path)
 *   wasm-columns   WasmCaptureDecoder: lines copied into linear memory, decoded into columns, no objects
 *   wasm-objects   wasm-columns plus EventBatch.event() per event (objects built from the columns)
 *   js-columns     ColumnDecoder: FastDecoder's algorithm writing the same columns (the fair twin of wasm-columns)
 *
 * Every variant splits lines and reads receive times itself and skips the lines the fast
 * path declines (the REST snapshot: JSON.parse is not measured here). What each does with
 * an event is cheap and observable: objects add receiveTime + a price, columns read the
 * same two columns. Ratios: b/d = wasm-columns ÷ js-columns, b/a = wasm-columns ÷ js-objects
 * (per-event times: below 1 is faster). Figures taken on a shared 2-core machine are preliminary.
 *
 *   npm run build && node dist/bench/captureDecoder.bench.js   (from the repository root; writes
 *   bench/results/captureDecoder.json and .md)   flags: --out=path
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { receiveTimeOf, timestampEnd } from "../src/feeds/captureTimestamp.js";
import { ColumnDecoder } from "../src/feeds/columnDecoder.js";
import { DEPTH, type EventBatch } from "../src/feeds/eventBatch.js";
import { FastDecoder } from "../src/feeds/fastDecoder.js";
import { LevelSlab } from "../src/feeds/levelSlab.js";
import { WasmCaptureDecoder } from "../src/kernels/wasm/feeds/captureDecoder.js";
import { loadWasm } from "../src/wasm/module.js";
import {
  DEFAULT_OPTIONS,
  formatGroup,
  formatGroupMarkdown,
  machineMeta,
  medianOf,
  runGroup,
  sinkResult,
  type GroupResult,
  reportHeader,
} from "./harness.js";

const FILES = [
  ["btcusdt-spot", "data/binance-spot-btcusdt-2024-08-08.jsonl.gz"],
  ["ethusdt-usdm", "data/binance-usdm-ethusdt-2024-08-08.jsonl.gz"],
] as const; // run from the repository root

const args = process.argv.slice(2);
const outPath = args.find((a) => a.startsWith("--out="))?.slice(6) ?? "bench/results/captureDecoder.json";

/** (a) FastDecoder per line, an object per event. */
function jsObjects(fast: FastDecoder, bytes: Uint8Array): number {
  let sum = 0,
    start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    const space = timestampEnd(bytes, start, end);
    if (space >= 0) {
      const e = fast.decode(bytes, space + 1, end, receiveTimeOf(bytes, start, space));
      if (e !== null) sum += e.receiveTime + (e.type === "trade" ? e.price : e.type === "quote" ? e.bidPx : e.bids.length);
    }
    start = end + 1;
  }
  return sum;
}

/** What a column consumer reads: the same two values per event as jsObjects. */
function columnSum(batch: EventBatch): number {
  const c = batch.columns,
    n = batch.count;
  let sum = 0;
  for (let k = 0; k < n; k++) sum += c.receiveTime[k]! + (c.kind[k] === DEPTH ? c.bidValues[k]! : c.a[k]!);
  return sum;
}

function objectSum(batch: EventBatch, slab: LevelSlab): number {
  let sum = 0;
  for (let k = 0; k < batch.count; k++) {
    const e = batch.event(k, slab);
    sum += e.receiveTime + (e.type === "trade" ? e.price : e.type === "quote" ? e.bidPx : e.type === "depth" ? e.bids.length : 0);
  }
  return sum;
}

async function main(): Promise<void> {
  const started = Date.now();
  const meta = machineMeta(`node ${[relative(process.cwd(), process.argv[1] ?? ""), ...args].join(" ")}`);
  console.log(`capture decoder bench — ${meta.date} — ${meta.cpu} — Node ${meta.node}`);
  console.log(
    `load average at start: ${meta.loadavgStart.join(" ")} (${meta.cores} cores)${meta.loadavgStart[0]! > 1 ? " — the machine is busy: expect noise" : ""}\n`,
  );
  const mod = await loadWasm();
  const groups: GroupResult[] = [];
  const ratios: Record<string, { bOverD: number; bOverA: number; cOverA: number }> = {};
  for (const [name, file] of FILES) {
    const bytes = new Uint8Array(gunzipSync(readFileSync(file)));
    const fast = new FastDecoder(),
      twin = new ColumnDecoder(),
      wasm = new WasmCaptureDecoder(mod),
      slab = new LevelSlab();
    let events = 0;
    twin.decode(bytes, (b) => {
      events += b.count;
    });
    let sum = 0;
    const group = runGroup(
      {
        group: `captureDecoder-${name}`,
        params: { file, events, bytes: bytes.length },
        elements: events,
        unit: "event",
        variants: [
          { name: "js-objects", run: () => jsObjects(fast, bytes), baseline: true, note: "(a) FastDecoder.decode: an object per event" },
          {
            name: "wasm-columns",
            run: () => {
              sum = 0;
              wasm.decode(bytes, (b) => {
                sum += columnSum(b);
              });
              return sum;
            },
            note: "(b) WebAssembly decoder into columns",
          },
          {
            name: "wasm-objects",
            run: () => {
              sum = 0;
              wasm.decode(bytes, (b) => {
                sum += objectSum(b, slab);
              });
              return sum;
            },
            note: "(c) (b) + objects from the columns",
          },
          {
            name: "js-columns",
            run: () => {
              sum = 0;
              twin.decode(bytes, (b) => {
                sum += columnSum(b);
              });
              return sum;
            },
            note: "(d) FastDecoder's algorithm into the same columns",
          },
        ],
      },
      { ...DEFAULT_OPTIONS, groupBudgetMs: 10_000, minRounds: 21 },
    );
    console.log(formatGroup(group), "\n");
    groups.push(group);
    const ns = (v: string): number => medianOf(group, v);
    ratios[name] = {
      bOverD: ns("wasm-columns") / ns("js-columns"),
      bOverA: ns("wasm-columns") / ns("js-objects"),
      cOverA: ns("wasm-objects") / ns("js-objects"),
    };
    console.log(
      `${name}: per event b/d ${ratios[name].bOverD.toFixed(3)}, b/a ${ratios[name].bOverA.toFixed(3)}, c/a ${ratios[name].cOverA.toFixed(3)} (wasm inexact declines ${wasm.inexact})\n`,
    );
    wasm.dispose();
  }
  const seconds = (Date.now() - started) / 1000;
  const loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(`${seconds.toFixed(0)} s; load average at end ${loadavgEnd.join(" ")}; sink ${sinkResult()}`);
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(
    outPath,
    `${JSON.stringify({ meta: { ...meta, loadavgEnd, seconds }, results: groups, ratios, sink: sinkResult() }, null, 2)}\n`,
  );
  const mdPath = `${outPath.replace(/\.json$/, "")}.md`;
  writeFileSync(
    mdPath,
    [
      ...reportHeader("bench/captureDecoder.bench.ts", meta, loadavgEnd, seconds),
      ...groups.flatMap((g) => [formatGroupMarkdown(g), ""]),
      "| capture | b/d (wasm ÷ js columns) | b/a (wasm columns ÷ js objects) | c/a (wasm objects ÷ js objects) |",
      "|---|---:|---:|---:|",
      ...Object.entries(ratios).map(([n, r]) => `| ${n} | ${r.bOverD.toFixed(3)} | ${r.bOverA.toFixed(3)} | ${r.cOverA.toFixed(3)} |`),
      "",
    ].join("\n"),
  );
  console.log(`wrote ${outPath} and ${mdPath}`);
}

await main();
