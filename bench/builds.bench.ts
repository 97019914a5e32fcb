/**
 * Two builds of the streaming engine side by side in one process: this build and another
 * (`dist/` of a checkout of the revision to compare with), each with its own module graph and
 * its own WebAssembly instance, fed the same pre-decoded spot BTCUSDT + ETHUSDT events pass by
 * pass, which build goes first alternating; every score update is handed to a consumer that
 * reads it. Reports each build's median pass (events/s) and the median of the per-pass ratios
 * this/other with its interquartile range.
 *
 * What it is for: a change worth a few per cent, measured on a machine whose speed drifts
 * (TOOLCHAIN.md: other work shares it). Separate processes run minutes apart see the machine
 * change under them; two engines taking turns pass by pass see the same machine, and the ratio
 * of each pair cancels the drift. Both builds must give the same updates (checked: the count
 * and the sum of the scores), so the comparison is of the same work.
 *
 *   git worktree add /tmp/before <rev> && (cd /tmp/before && npm ci)   # builds its dist/
 *   npm run build && node dist/bench/builds.bench.js /tmp/before/dist [wasm|js] [passes]
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as here from "../src/index.js";
import type { MarketEvent } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { machineMeta } from "./harness.js";
import { median, shift, spans } from "./replayLoop.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];
const WARMUP = 4;

interface Build {
  readonly name: string;
  readonly engine: { process(e: MarketEvent): void };
  readonly seen: { updates: number; scores: number };
  readonly rates: number[];
}

type Library = Pick<typeof here, "StreamingEngine" | "jsKernels" | "loadKernels">;

async function build(name: string, lib: Library, backend: string): Promise<Build> {
  const kernels = backend === "js" ? lib.jsKernels() : await lib.loadKernels();
  const seen = { updates: 0, scores: 0 };
  const engine = new lib.StreamingEngine(kernels, {
    onScore: (u) => {
      seen.updates++;
      seen.scores += u.score + u.composite.directionalBias;
    },
  });
  return { name, engine, seen, rates: [] };
}

const quartile = (xs: readonly number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]!;

async function main(): Promise<void> {
  const [other, backend = "wasm", passes = "40"] = process.argv.slice(2);
  if (!other || !["wasm", "js"].includes(backend) || !(Number(passes) > WARMUP)) {
    console.error("usage: node dist/bench/builds.bench.js <other build's dist directory> [wasm|js] [passes > 4]");
    process.exit(2);
  }
  const lib = (await import(pathToFileURL(resolve(other, "index.js")).href)) as Library;
  const meta = machineMeta(`node dist/bench/builds.bench.js ${other} ${backend} ${passes}`);
  const events: MarketEvent[] = [];
  await replayCaptureFiles(FILES, (e) => events.push(e));
  const { idSpan, timeSpan } = spans(events);
  const builds = [await build("this build", here, backend), await build(other, lib, backend)] as const;
  const ratios: number[] = [];
  for (let p = 0; p < Number(passes); p++) {
    for (const b of p % 2 === 0 ? builds : [...builds].reverse()) {
      const t0 = performance.now();
      for (let i = 0; i < events.length; i++) b.engine.process(events[i]!);
      if (p >= WARMUP) b.rates.push(events.length / ((performance.now() - t0) / 1000));
    }
    if (p >= WARMUP) ratios.push(builds[0].rates.at(-1)! / builds[1].rates.at(-1)!);
    shift(events, idSpan, timeSpan);
  }
  const [a, b] = builds;
  if (a.seen.updates !== b.seen.updates || a.seen.scores !== b.seen.scores) {
    throw new Error(`the builds disagree: ${a.seen.updates} updates (Σ ${a.seen.scores}) against ${b.seen.updates} (Σ ${b.seen.scores})`);
  }
  console.log(
    `two builds side by side — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")} — ${backend}`,
  );
  for (const x of builds)
    console.log(`  ${x.name}: ${Math.round(median(x.rates)).toLocaleString("en-US")} events/s (median of ${x.rates.length} passes)`);
  console.log(
    `  this/other: ${median(ratios).toFixed(3)} (interquartile ${quartile(ratios, 0.25).toFixed(3)}–${quartile(ratios, 0.75).toFixed(3)}); ${a.seen.updates} score updates each, the same`,
  );
}

await main();
