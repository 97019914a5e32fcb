/**
 * Two builds of the streaming engine side by side in one process: this build's `dist/index.js`
 * and another's (the `dist/` of a checkout of the revision to compare with), each with its own
 * module graph and WebAssembly instance, plus a copy of this build's `dist/` as a third engine:
 * the same code loaded twice, whose ratio to this build is what the bench reads for two equal
 * builds (an A/A control). All three are fed the same pre-decoded spot BTCUSDT + ETHUSDT events
 * pass by pass, the order rotating; every score update is handed to a consumer that reads it.
 * Reports each engine's median pass (events/s), the median of the per-pass ratios
 * this/other and this/copy with their interquartile ranges: a difference between two builds is
 * a claim only where this/other lies outside what this/copy shows.
 *
 * What it is for: a change worth a few per cent, measured on a machine whose speed drifts
 * (TOOLCHAIN.md: other work shares it). Separate processes run minutes apart see the machine
 * change under them; engines taking turns pass by pass see the same machine. Both builds must
 * give the same updates (checked: the count and the sum of the scores and biases).
 *
 *   git worktree add /tmp/before <rev> && (cd /tmp/before && npm ci)   # builds its dist/
 *   npm run build && node dist/bench/builds.bench.js /tmp/before/dist [wasm|js] [passes]
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as Library from "../src/index.js";
import type { MarketEvent } from "../src/index.js";
import type * as NodeLibrary from "../src/node/index.js";
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

type Lib = Pick<typeof Library, "StreamingEngine" | "jsKernels" | "loadKernels">;

async function build(name: string, dist: string, backend: string): Promise<Build> {
  const lib = (await import(pathToFileURL(join(dist, "index.js")).href)) as Lib;
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

function ratioLine(label: string, rs: readonly number[]): string {
  return `  ${label}: ${median(rs).toFixed(3)} (interquartile ${quartile(rs, 0.25).toFixed(3)}–${quartile(rs, 0.75).toFixed(3)})`;
}

async function main(): Promise<void> {
  const [other, backend = "wasm", passes = "40"] = process.argv.slice(2);
  if (!other || !["wasm", "js"].includes(backend) || !(Number(passes) > WARMUP)) {
    console.error("usage: node dist/bench/builds.bench.js <other build's dist directory> [wasm|js] [passes > 4]");
    process.exit(2);
  }
  const here = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  // the copy: this build's top-level modules (index.js and the chunks it imports) in a directory of
  // their own inside dist/ (where the package's dependencies still resolve), removed at the end
  const copy = mkdtempSync(join(here, ".builds-bench-"));
  for (const f of readdirSync(here)) if (f.endsWith(".js")) cpSync(join(here, f), join(copy, f));
  try {
    const meta = machineMeta(`node dist/bench/builds.bench.js ${other} ${backend} ${passes}`);
    const { replayCaptureFiles } = (await import(pathToFileURL(join(here, "node.js")).href)) as typeof NodeLibrary;
    const events: MarketEvent[] = [];
    await replayCaptureFiles(FILES, (e) => events.push(e));
    const { idSpan, timeSpan } = spans(events);
    const builds = [
      await build("this build", here, backend),
      await build(other, resolve(other), backend),
      await build("this build, copied", copy, backend),
    ];
    const [self, them, twin] = builds as [Build, Build, Build];
    const vsOther: number[] = [],
      vsCopy: number[] = [];
    for (let p = 0; p < Number(passes); p++) {
      for (let i = 0; i < builds.length; i++) {
        const b = builds[(p + i) % builds.length]!;
        const t0 = performance.now();
        for (let k = 0; k < events.length; k++) b.engine.process(events[k]!);
        if (p >= WARMUP) b.rates.push(events.length / ((performance.now() - t0) / 1000));
      }
      if (p >= WARMUP) {
        vsOther.push(self.rates.at(-1)! / them.rates.at(-1)!);
        vsCopy.push(self.rates.at(-1)! / twin.rates.at(-1)!);
      }
      shift(events, idSpan, timeSpan);
    }
    for (const b of [them, twin]) {
      if (b.seen.updates !== self.seen.updates || b.seen.scores !== self.seen.scores)
        throw new Error(
          `${b.name} disagrees: ${b.seen.updates} updates (Σ ${b.seen.scores}) against ${self.seen.updates} (Σ ${self.seen.scores})`,
        );
    }
    console.log(`builds side by side — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")} — ${backend}`);
    for (const b of builds)
      console.log(`  ${b.name}: ${Math.round(median(b.rates)).toLocaleString("en-US")} events/s (median of ${b.rates.length} passes)`);
    console.log(ratioLine("this/other", vsOther));
    console.log(
      `${ratioLine("this/copy (the same code: the bench's own spread)", vsCopy)}; ${self.seen.updates} score updates each, the same`,
    );
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

await main();
