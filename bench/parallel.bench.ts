/**
 * The engine on worker threads against the single-threaded engine, on the real captures
 * (BTCUSDT and ETHUSDT decoded once, replayed in a loop with ids and times shifted each
 * pass — bench/replayLoop.ts): events/s of
 *   single      one StreamingEngine on the main thread (the baseline)
 *   1 worker    ParallelEngine, one worker thread (the main thread packs and routes)
 *   2 workers   ParallelEngine, two worker threads
 *   2 workers + onScore   the same, every score update sent back and delivered
 * with 2 symbols (as captured; both hash to the same worker of two) and with 8 (each
 * capture also under three more names: BTCUSDT-1…-3, ETHUSDT-1…-3; four per worker).
 * A pass of the ParallelEngine ends when flush() resolves: every event processed and
 * every result back. Variants run interleaved pass by pass after warm-up passes;
 * medians reported. Only same-machine ratios are claims, and only on an otherwise idle
 * machine: the JSON records how many cores other processes kept busy during each
 * scenario (machine CPU time minus this process's, over the wall time).
 *
 *   npm run build && node dist/bench/parallel.bench.js     (writes bench/results/parallel.json)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { loadKernels, StreamingEngine, type MarketEvent } from "../src/index.js";
import { ParallelEngine, replayCaptureFiles } from "../src/node/index.js";
import { machineMeta } from "./harness.js";
import { median, pass, shift, spans } from "./replayLoop.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];
const PASSES = 10,
  WARMUP = 3;

interface Variant {
  readonly name: string;
  /** One pass over `events`; resolves to events/s. */
  readonly run: (events: readonly MarketEvent[]) => Promise<number>;
  readonly close: () => Promise<void>;
}

function single(engine: StreamingEngine): Variant {
  return { name: "single", run: async (events) => pass(engine, events).eventsPerSec, close: async () => engine.dispose() };
}

function parallel(name: string, engine: ParallelEngine): Variant {
  return {
    name,
    run: async (events) => {
      const t0 = performance.now();
      for (let i = 0; i < events.length; i++) engine.process(events[i]!);
      await engine.flush();
      return events.length / ((performance.now() - t0) / 1000);
    },
    close: () => engine.close(),
  };
}

/** CPU time (ms) of the whole machine, busy (not idle or iowait). */
function machineBusyMs(): number {
  return cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}

interface Result {
  eventsPerSec: number;
  passes: number[];
  vsSingle: number;
}

async function scenario(label: string, events: MarketEvent[]): Promise<{ otherCoresBusy: number; variants: Record<string, Result> }> {
  const { idSpan, timeSpan } = spans(events);
  const wall0 = performance.now(),
    busy0 = machineBusyMs(),
    own0 = process.cpuUsage();
  const kernels = await loadKernels();
  let delivered = 0;
  const variants = [
    single(new StreamingEngine(kernels)),
    parallel("1 worker", new ParallelEngine({ workers: 1 })),
    parallel("2 workers", new ParallelEngine({ workers: 2 })),
    parallel("2 workers + onScore", new ParallelEngine({ workers: 2, onScore: () => void delivered++ })),
  ];
  const passes: number[][] = variants.map(() => []);
  for (let p = 0; p < PASSES + WARMUP; p++) {
    for (let k = 0; k < variants.length; k++) {
      const v = (p + k) % variants.length; // rotate the starting variant
      const eps = await variants[v]!.run(events);
      if (p >= WARMUP) passes[v]!.push(eps);
    }
    shift(events, idSpan, timeSpan);
  }
  for (const v of variants) await v.close();
  const own = process.cpuUsage(own0);
  const otherCoresBusy = Math.max(0, machineBusyMs() - busy0 - (own.user + own.system) / 1000) / (performance.now() - wall0);
  const base = median(passes[0]!);
  const out = Object.fromEntries(
    variants.map((v, i) => [
      v.name,
      { eventsPerSec: median(passes[i]!), passes: passes[i]!.map(Math.round), vsSingle: median(passes[i]!) / base },
    ]),
  );
  console.log(
    `\n${label}: ${events.length.toLocaleString("en")} events a pass, median of ${PASSES} passes ` +
      `(${delivered.toLocaleString("en")} updates delivered by the onScore variant; other processes kept ${otherCoresBusy.toFixed(2)} cores busy)`,
  );
  console.log(`  ${"variant".padEnd(22)}${"events/s".padStart(12)}${"vs single".padStart(11)}`);
  for (const [name, r] of Object.entries(out)) {
    console.log(
      `  ${name.padEnd(22)}${Math.round(r.eventsPerSec).toLocaleString("en").padStart(12)}${`${r.vsSingle.toFixed(2)}x`.padStart(11)}`,
    );
  }
  return { otherCoresBusy: Math.round(otherCoresBusy * 100) / 100, variants: out };
}

async function main(): Promise<void> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles(FILES, (e) => events.push(e));
  const meta = {
    ...machineMeta("node dist/bench/parallel.bench.js"),
    backend: "wasm",
    batchSize: 1024,
  };
  console.log(
    `parallel bench — ${meta.date} — ${meta.cpu} — ${meta.cores} cores — Node ${meta.node} — load ${meta.loadavgStart.join(" ")}`,
  );
  const two = await scenario(
    "2 symbols (BTCUSDT, ETHUSDT: one worker of two owns both)",
    events.map((e) => ({ ...e })),
  );
  const names = ["", "-1", "-2", "-3"];
  const eight = await scenario(
    "8 symbols (four per worker of two)",
    events.flatMap((e) => names.map((n) => ({ ...e, symbol: e.symbol + n }))),
  );
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/parallel.json", JSON.stringify({ meta, symbols2: two, symbols8: eight }, null, 1));
}

await main();
