/**
 * Scale-out over Redis Streams on two local setups started here (no persistence): one
 * redis-server, and a Redis Cluster of three masters on loopback ports
 * (test/support/redisCluster.ts; BTCUSDT and ETHUSDT hash to different masters) — with
 * N = 1 and 2 `confluence worker` processes of one group, the BTCUSDT and ETHUSDT captures
 * as input. Two measurements per setup and N, medians of RUNS interleaved runs:
 *   end to end    the workers already running, the captures published (publishCaptures, in
 *                 this process) while they consume; from the start of publishing until
 *                 every input entry is acknowledged with nothing pending;
 *   consume only  the captures published first, then the workers started; from the moment
 *                 they have all joined (their first tick, which takes the symbols) until
 *                 everything is acknowledged.
 * Everything shares the machine (publisher, Redis or its three masters, workers), so on 2
 * cores a second worker — or a second and third master — competes with the others for CPU:
 * the figures say what this machine does, not what a cluster of machines would.
 *
 *   npm run bench:cluster        (writes bench/results/cluster.json)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { type Cluster, Redis } from "ioredis";
import { connectRedis, connectRedisCluster, publishCaptures, replayCaptureFiles } from "../src/node/index.js";
import { workersKey } from "../src/cluster/keys.js";
import { RedisServer, REDIS_SERVER } from "../test/support/redis.js";
import { RedisClusterServers } from "../test/support/redisCluster.js";
import { fullyProcessed, killAll, spawnCli, until, type CliProcess } from "../test/support/cluster.js";
import { machineMeta } from "./harness.js";
import { median } from "./replayLoop.js";

const FILES = ["data/binance-spot-btcusdt-2024-08-08.jsonl.gz", "data/binance-spot-ethusdt-2024-08-08.jsonl.gz"];
const SYMBOLS = ["BTCUSDT", "ETHUSDT"];
const GROUP = "bench";
const RUNS = 3;

/** One Redis setup under test: how the CLI and this process reach it, and how to empty it. */
interface Setup {
  readonly name: "one Redis" | "cluster of 3";
  /** The worker's flags naming it. */
  readonly flags: readonly string[];
  readonly connect: () => Promise<Redis | Cluster>;
  /** A client for polling. */
  readonly control: Redis | Cluster;
  /** FLUSHALL (on every master). */
  readonly flush: () => Promise<void>;
  readonly stop: () => Promise<void>;
}

async function oneRedis(): Promise<Setup> {
  const server = await RedisServer.start();
  const control = new Redis(server.url);
  return {
    name: "one Redis",
    flags: ["--redis", server.url],
    connect: () => connectRedis(server.url),
    control,
    flush: async () => void (await control.flushall()),
    stop: async () => {
      control.disconnect();
      await server.stop();
    },
  };
}

async function threeMasters(): Promise<Setup> {
  const servers = await RedisClusterServers.start();
  const control = await connectRedisCluster(servers.nodes);
  return {
    name: "cluster of 3",
    flags: ["--redis-cluster", servers.seeds],
    connect: () => connectRedisCluster(servers.nodes),
    control,
    flush: async () => void (await servers.onEveryNode(["FLUSHALL"])),
    stop: async () => {
      control.disconnect();
      await servers.stop();
    },
  };
}

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

function startWorkers(setup: Setup, workers: number): CliProcess[] {
  const procs: CliProcess[] = [];
  for (let i = 0; i < workers; i++) procs.push(spawnCli(["worker", ...setup.flags, "--group", GROUP]));
  return procs;
}

async function stopWorkers(procs: readonly CliProcess[]): Promise<string[][]> {
  for (const p of procs) p.child.kill("SIGTERM");
  for (const p of procs) if ((await p.exited) !== 0) throw new Error(`worker failed: ${p.stderr}`);
  return procs.map((p) => Object.keys(JSON.parse(p.stdout.trim().split("\n").pop()!).symbols as object));
}

async function run(setup: Setup, workers: number): Promise<Run> {
  const { control } = setup;
  await setup.flush();
  const procs = startWorkers(setup, workers);
  await until(async () => (await control.zcard(workersKey(GROUP))) === workers, "the workers to join").catch((e: Error) => {
    throw new Error(`${e.message}: ${procs.map((p) => p.stderr).join(" | ")}`);
  });
  const publisher = await setup.connect();
  const t0 = performance.now();
  const published = await publishCaptures(publisher, FILES);
  const t1 = performance.now();
  await until(() => fullyProcessed(control, SYMBOLS, GROUP), "every entry processed", 600_000, 5);
  const t2 = performance.now();
  await publisher.quit();
  const owners = await stopWorkers(procs);
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
async function consumeOnly(setup: Setup, workers: number, events: number): Promise<ConsumeRun> {
  const { control } = setup;
  await setup.flush();
  const publisher = await setup.connect();
  await publishCaptures(publisher, FILES);
  await publisher.quit();
  const procs = startWorkers(setup, workers);
  await until(async () => (await control.zcard(workersKey(GROUP))) === workers, "the workers to join", 60_000, 2);
  const t0 = performance.now();
  await until(() => fullyProcessed(control, SYMBOLS, GROUP), "every entry processed", 600_000, 5);
  const seconds = (performance.now() - t0) / 1000;
  await stopWorkers(procs);
  return { workers, seconds, eventsPerSec: events / seconds };
}

type Summary = Record<
  string,
  {
    e2eEventsPerSec: number;
    publishEventsPerSec: number;
    totalSeconds: number;
    drainSecondsAfterPublish: number;
    consumeOnlyEventsPerSec: number;
  }
>;

function summarize(runs: Record<string, Run[]>, consume: Record<string, ConsumeRun[]>): Summary {
  return Object.fromEntries(
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
}

async function main(): Promise<void> {
  let events = 0;
  await replayCaptureFiles(FILES, () => events++);
  const setups = [await oneRedis(), await threeMasters()];
  const meta = {
    ...machineMeta("npm run bench:cluster (node dist/bench/cluster.bench.js)"),
    redis: execFileSync(REDIS_SERVER, ["--version"]).toString().trim(),
    events,
  };
  console.log(
    `cluster bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — ${meta.redis} — load ${meta.loadavgStart.join(" ")} — ${events} events a run\n`,
  );
  const runs = new Map(setups.map((s) => [s.name, { "1": [] as Run[], "2": [] as Run[] } as Record<string, Run[]>]));
  const consume = new Map(
    setups.map((s) => [s.name, { "1": [] as ConsumeRun[], "2": [] as ConsumeRun[] } as Record<string, ConsumeRun[]>]),
  );
  try {
    // interleaved, so drift in the machine's load lands on every configuration alike
    for (let r = 0; r < RUNS; r++) {
      for (const setup of setups) {
        for (const workers of [1, 2]) {
          const label = `run ${r + 1}  ${setup.name.padEnd(12)}  ${workers} worker${workers > 1 ? "s" : " "}`;
          const x = await run(setup, workers);
          runs.get(setup.name)![workers]!.push(x);
          console.log(
            `${label}  end to end ${Math.round(x.e2eEventsPerSec).toLocaleString("en")} events/s ` +
              `(${x.totalSeconds.toFixed(2)} s; publish ${Math.round(x.publishEventsPerSec).toLocaleString("en")} events/s, drain after publish ${x.drainSecondsAfterPublish.toFixed(2)} s; ` +
              `symbols per worker ${x.owners.map((o) => o.join("+") || "none").join(" | ")})`,
          );
          const c = await consumeOnly(setup, workers, events);
          consume.get(setup.name)![workers]!.push(c);
          console.log(`${label}  consume only ${Math.round(c.eventsPerSec).toLocaleString("en")} events/s (${c.seconds.toFixed(2)} s)`);
        }
      }
    }
  } finally {
    await killAll();
    for (const setup of setups) await setup.stop();
  }
  const summary: Record<string, Summary> = {};
  const twoOverOne: Record<string, { endToEnd: number; consumeOnly: number }> = {};
  console.log("");
  for (const setup of setups) {
    const s = (summary[setup.name] = summarize(runs.get(setup.name)!, consume.get(setup.name)!));
    for (const [n, x] of Object.entries(s)) {
      console.log(
        `${setup.name.padEnd(12)}  ${n} worker${n === "1" ? " " : "s"}  median end to end ${x.e2eEventsPerSec.toLocaleString("en")} events/s (${x.totalSeconds.toFixed(2)} s), ` +
          `publish ${x.publishEventsPerSec.toLocaleString("en")} events/s, consume only ${x.consumeOnlyEventsPerSec.toLocaleString("en")} events/s`,
      );
    }
    const ratio = (twoOverOne[setup.name] = {
      endToEnd: s["2"]!.e2eEventsPerSec / s["1"]!.e2eEventsPerSec,
      consumeOnly: s["2"]!.consumeOnlyEventsPerSec / s["1"]!.consumeOnlyEventsPerSec,
    });
    console.log(
      `${setup.name.padEnd(12)}  2 workers / 1 worker: end to end ${ratio.endToEnd.toFixed(2)}x, consume only ${ratio.consumeOnly.toFixed(2)}x`,
    );
  }
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/cluster.json",
    `${JSON.stringify(
      {
        meta: { ...meta, loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100) },
        summary,
        twoOverOne,
        runs: Object.fromEntries(runs),
        consumeOnly: Object.fromEntries(consume),
      },
      null,
      1,
    )}\n`,
  );
}

await main();
