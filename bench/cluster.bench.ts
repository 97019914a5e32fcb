/**
 * Scale-out over Redis Streams on a local redis-server (started here, no persistence),
 * with N = 1 and 2 `confluence worker` processes of one group, the BTCUSDT and ETHUSDT
 * captures as input. Two measurements per N, medians of RUNS interleaved runs:
 *   end to end    the workers already running, the captures published (publishCaptures, in
 *                 this process) while they consume; from the start of publishing until
 *                 every input entry is acknowledged with nothing pending;
 *   consume only  the captures published first, then the workers started; from the moment
 *                 they have all joined (their first tick, which takes the symbols) until
 *                 everything is acknowledged.
 * Everything shares the machine (publisher, Redis, workers), so on 2 cores a second
 * worker competes with the others for CPU: the figures say what this machine does.
 *
 *   npm run bench:cluster        (writes bench/results/cluster.json)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Redis } from "ioredis";
import { connectRedis, publishCaptures, replayCaptureFiles } from "../src/node/index.js";
import { workersKey } from "../src/cluster/keys.js";
import { RedisServer, REDIS_SERVER } from "../test/support/redis.js";
import { fullyProcessed, killAll, spawnCli, until, type CliProcess } from "../test/support/cluster.js";
import { machineMeta } from "./harness.js";
import { median } from "./replayLoop.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
const GROUP = "bench";
const RUNS = 3;

interface ConsumeRun {
  workers: number;
  seconds: number;
  eventsPerSec: number;
}

interface Run {
  workers: number;
  events: number;
  publishSeconds: number;
  totalSeconds: number;
  e2eEventsPerSec: number;
  publishEventsPerSec: number;
  drainSecondsAfterPublish: number;
  /** Symbols each worker scored (from its exit summary). */
  owners: string[][];
}

async function run(server: RedisServer, control: Redis, workers: number): Promise<Run> {
  await control.flushall();
  const procs: CliProcess[] = [];
  for (let i = 0; i < workers; i++) procs.push(spawnCli(["worker", "--redis", server.url, "--group", GROUP]));
  await until(async () => (await control.zcard(workersKey(GROUP))) === workers, "the workers to join").catch((e: Error) => {
    throw new Error(`${e.message}: ${procs.map((p) => p.stderr).join(" | ")}`);
  });
  const publisher = await connectRedis(server.url);
  const t0 = performance.now();
  const published = await publishCaptures(publisher, FILES);
  const t1 = performance.now();
  await until(() => fullyProcessed(control, SYMBOLS, GROUP), "every entry processed", 600_000, 5);
  const t2 = performance.now();
  await publisher.quit();
  for (const p of procs) p.child.kill("SIGTERM");
  for (const p of procs) if ((await p.exited) !== 0) throw new Error(`worker failed: ${p.stderr}`);
  const owners = procs.map((p) => Object.keys(JSON.parse(p.stdout.trim().split("\n").pop()!).symbols as object));
  const totalSeconds = (t2 - t0) / 1000,
    publishSeconds = (t1 - t0) / 1000;
  return {
    workers,
    events: published.events,
    publishSeconds,
    totalSeconds,
    owners,
    e2eEventsPerSec: published.events / totalSeconds,
    publishEventsPerSec: published.events / publishSeconds,
    drainSecondsAfterPublish: (t2 - t1) / 1000,
  };
}

/** Publish first, then start the workers; timed from all of them joined to all acknowledged. */
async function consumeOnly(server: RedisServer, control: Redis, workers: number, events: number): Promise<ConsumeRun> {
  await control.flushall();
  const publisher = await connectRedis(server.url);
  await publishCaptures(publisher, FILES);
  await publisher.quit();
  const procs: CliProcess[] = [];
  for (let i = 0; i < workers; i++) procs.push(spawnCli(["worker", "--redis", server.url, "--group", GROUP]));
  await until(async () => (await control.zcard(workersKey(GROUP))) === workers, "the workers to join", 60_000, 2);
  const t0 = performance.now();
  await until(() => fullyProcessed(control, SYMBOLS, GROUP), "every entry processed", 600_000, 5);
  const seconds = (performance.now() - t0) / 1000;
  for (const p of procs) p.child.kill("SIGTERM");
  for (const p of procs) if ((await p.exited) !== 0) throw new Error(`worker failed: ${p.stderr}`);
  return { workers, seconds, eventsPerSec: events / seconds };
}

async function main(): Promise<void> {
  let events = 0;
  await replayCaptureFiles(FILES, () => events++);
  const server = await RedisServer.start();
  const control = new Redis(server.url);
  const meta = {
    ...machineMeta("npm run bench:cluster (node dist/bench/cluster.bench.js)"),
    redis: execFileSync(REDIS_SERVER, ["--version"]).toString().trim(),
    events,
  };
  console.log(
    `cluster bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — ${meta.redis} — load ${meta.loadavgStart.join(" ")} — ${events} events a run\n`,
  );
  const runs: Record<string, Run[]> = { "1": [], "2": [] };
  const consume: Record<string, ConsumeRun[]> = { "1": [], "2": [] };
  try {
    // interleaved, so drift in the machine's load lands on both configurations alike
    for (let r = 0; r < RUNS; r++) {
      for (const workers of [1, 2]) {
        const x = await run(server, control, workers);
        runs[workers]!.push(x);
        console.log(
          `run ${r + 1}  ${workers} worker${workers > 1 ? "s" : " "}  end to end ${Math.round(x.e2eEventsPerSec).toLocaleString("en")} events/s ` +
            `(${x.totalSeconds.toFixed(2)} s; publish ${Math.round(x.publishEventsPerSec).toLocaleString("en")} events/s, drain after publish ${x.drainSecondsAfterPublish.toFixed(2)} s; ` +
            `symbols per worker ${x.owners.map((o) => o.join("+") || "none").join(" | ")})`,
        );
        const c = await consumeOnly(server, control, workers, events);
        consume[workers]!.push(c);
        console.log(
          `run ${r + 1}  ${workers} worker${workers > 1 ? "s" : " "}  consume only ${Math.round(c.eventsPerSec).toLocaleString("en")} events/s (${c.seconds.toFixed(2)} s)`,
        );
      }
    }
  } finally {
    await killAll();
    control.disconnect();
    await server.stop();
  }
  const summary = Object.fromEntries(
    Object.entries(runs).map(([n, rs]) => [
      n,
      {
        e2eEventsPerSec: Math.round(median(rs.map((x) => x.e2eEventsPerSec))),
        publishEventsPerSec: Math.round(median(rs.map((x) => x.publishEventsPerSec))),
        totalSeconds: median(rs.map((x) => x.totalSeconds)),
        drainSecondsAfterPublish: median(rs.map((x) => x.drainSecondsAfterPublish)),
        consumeOnlyEventsPerSec: Math.round(median(consume[n]!.map((x) => x.eventsPerSec))),
      },
    ]),
  );
  console.log("");
  for (const [n, s] of Object.entries(summary)) {
    console.log(
      `${n} worker${n === "1" ? " " : "s"}  median end to end ${s.e2eEventsPerSec.toLocaleString("en")} events/s (${s.totalSeconds.toFixed(2)} s), ` +
        `publish ${s.publishEventsPerSec.toLocaleString("en")} events/s, consume only ${s.consumeOnlyEventsPerSec.toLocaleString("en")} events/s`,
    );
  }
  const ratio = {
    endToEnd: summary["2"]!.e2eEventsPerSec / summary["1"]!.e2eEventsPerSec,
    consumeOnly: summary["2"]!.consumeOnlyEventsPerSec / summary["1"]!.consumeOnlyEventsPerSec,
  };
  console.log(`2 workers / 1 worker: end to end ${ratio.endToEnd.toFixed(2)}x, consume only ${ratio.consumeOnly.toFixed(2)}x`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/cluster.json",
    `${JSON.stringify({ meta: { ...meta, loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100) }, summary, twoOverOne: ratio, runs, consumeOnly: consume }, null, 1)}\n`,
  );
}

await main();
