/**
 * The live connection's cost, against the fake exchange (test/support/fakeBinance.ts) on
 * 127.0.0.1 serving the BTCUSDT capture — the fake runs in the same process, so its
 * sending is part of the live figure (an upper bound on the client's overhead):
 *
 *   live      events/s: connectBinance → StreamingEngine, the fake emitting as fast as it can
 *   replay    events/s: the recording of that run (captureLine) → CaptureParser → StreamingEngine
 *   overhead  per message: 1/live − 1/replay
 *   resync    the time from the frame that shows a dropped diff (the gap) to the book synced
 *             again (one snapshot round trip), median and max over --drops gaps
 *
 *   npm run build && node dist/bench/live.bench.js   flags: --runs=N --drops=N
 */
import { CaptureParser } from "../src/feeds/capture.js";
import { loadKernels } from "../src/kernels/index.js";
import { captureLine } from "../src/live/captureLine.js";
import { connectBinance } from "../src/node/connectBinance.js";
import { StreamingEngine } from "../src/pipeline/engine.js";
import { BTCUSDT } from "../test/support/capture.js";
import { FakeBinance } from "../test/support/fakeBinance.js";

const flag = (name: string, fallback: number): number => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
};
const kernels = await loadKernels();

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}

function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** One live run of the whole capture: events/s, and the recording. */
async function liveRun(): Promise<{ eventsPerSec: number; recording: string[] }> {
  const fake = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "step" });
  const engine = new StreamingEngine(kernels);
  const recording: string[] = [];
  const client = connectBinance({
    symbols: ["BTCUSDT"],
    endpoint: fake.wsUrl,
    restEndpoint: fake.restUrl,
    onEvent: (e, raw) => {
      recording.push(captureLine(raw));
      engine.process(e);
    },
  });
  await until(() => fake.connections.length === 1);
  const t0 = performance.now();
  await fake.run();
  await until(() => client.stats.messages === fake.framesSent);
  const seconds = (performance.now() - t0) / 1000;
  const events = client.stats.events;
  await client.close();
  await fake.close();
  engine.dispose();
  return { eventsPerSec: events / seconds, recording };
}

function replayRun(recording: readonly string[]): number {
  const bytes = new TextEncoder().encode(`${recording.join("\n")}\n`);
  const engine = new StreamingEngine(kernels);
  const parser = new CaptureParser((e) => engine.process(e));
  const t0 = performance.now();
  parser.push(bytes);
  parser.end();
  const seconds = (performance.now() - t0) / 1000;
  engine.dispose();
  return parser.events / seconds;
}

async function resyncTimes(drops: number): Promise<number[]> {
  const fake = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "step" });
  let gapAt = NaN;
  const times: number[] = [];
  const client = connectBinance({
    symbols: ["BTCUSDT"],
    endpoint: fake.wsUrl,
    restEndpoint: fake.restUrl,
    onEvent: () => undefined,
    onStatus: (s) => {
      if (s.type !== "sync") return;
      if (!s.synced) gapAt = performance.now();
      else if (gapAt === gapAt) {
        times.push(performance.now() - gapAt);
        gapAt = NaN;
      }
    },
  });
  const stats = client.stats.symbols.BTCUSDT!;
  await until(() => fake.connections.length === 1);
  while (!stats.synced) {
    await fake.step(1);
    await until(() => client.stats.messages === fake.framesSent);
  }
  for (let k = 0; k < drops && !fake.done; k++) {
    await fake.step(100);
    fake.dropDepth("BTCUSDT", 1);
    while (stats.gaps === k && !fake.done) {
      await fake.step(1);
      await until(() => client.stats.messages === fake.framesSent);
    }
    await until(() => stats.synced || fake.done);
  }
  await client.close();
  await fake.close();
  return times;
}

const runs = flag("runs", 3);
const live: number[] = [],
  replay: number[] = [];
for (let r = 0; r < runs; r++) {
  const run = await liveRun();
  live.push(run.eventsPerSec);
  replay.push(replayRun(run.recording));
}
const liveRate = median(live),
  replayRate = median(replay);
const resync = await resyncTimes(flag("drops", 20));
console.log(`live (client + engine, fake in process)  ${Math.round(liveRate).toLocaleString("en")} events/s  (median of ${runs})`);
console.log(`replay of the recording                  ${Math.round(replayRate).toLocaleString("en")} events/s`);
console.log(`overhead per message                     ${((1 / liveRate - 1 / replayRate) * 1e6).toFixed(2)} µs`);
console.log(
  `dropped diff → resynced book            median ${median(resync).toFixed(2)} ms, max ${Math.max(...resync).toFixed(2)} ms over ${resync.length} gaps`,
);
