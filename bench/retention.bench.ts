/**
 * What the scale-out keeps in Redis and what a take-over costs, as a symbol's history grows —
 * with checkpoints and trimming (the worker's defaults: a checkpoint every 10,000 entries,
 * cf:out kept to about 1,000,000 updates; and with cf:out kept to 10,000) and without (a checkpoint interval longer than the
 * history and --out-maxlen 0: what the protocol did before checkpoints).
 *
 * The input: the USD-M ETHUSDT capture (data/) published again and again into one symbol's
 * stream until N events, each pass shifted so the engine sees one consistent history —
 * times moved on by the capture's span plus a second per pass, update and trade ids by
 * 10^13 per pass (above any id of the capture), so every pass starts with a gap that the
 * book sync resolves with the pass's own snapshot, as after a reconnection.
 *
 * Per mode and N (about 10k, 100k, 1M: HISTORIES): a fresh redis-server database; N events published; one
 * `confluence worker` scores them all and exits when idle; then Redis memory (INFO memory
 * used_memory, and MEMORY USAGE of each key of the symbol); then a second worker takes the
 * symbol over and its log line says how many entries it re-ran and in how many ms
 * (restoring the checkpoint included). One run each: preliminary on a shared machine.
 *
 *   npm run bench:retention        (writes bench/results/retention.json)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Redis } from "ioredis";
import { encodeEvent, type MarketEvent } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { SYMBOLS_KEY, symbolKeys } from "../src/cluster/keys.js";
import { RedisServer, REDIS_SERVER } from "../test/support/redis.js";
import { killAll, spawnCli } from "../test/support/cluster.js";
import { machineMeta } from "./harness.js";

const FILE = "data/binance-usdm-ethusdt-2024-08-08.jsonl.gz";
const SYMBOL = "ETHUSDT";
const GROUP = "bench";
/** Histories of about 10k, 100k and 1M events, each 9,500 past a multiple of the checkpoint interval (10,000 in batches of 500): the take-over's worst case, just short of the next checkpoint. */
const HISTORIES = [10_000, 100_000, 1_000_000].map((n) => n + 9_500);
const ID_SHIFT = 1e13;
const MODES = {
  "checkpoints + trimming (defaults)": [] as string[],
  "checkpoints + trimming, --out-maxlen 10000": ["--out-maxlen", "10000"],
  "no checkpoints, nothing trimmed": ["--checkpoint-every", "1000000000", "--out-maxlen", "0"],
};

/** The event of pass `k`: times and ids moved on so the passes form one history. */
function shifted(e: MarketEvent, k: number, spanMs: number): MarketEvent {
  const dt = k * (spanMs + 1000);
  const di = k * ID_SHIFT;
  const times = { exchangeTime: e.exchangeTime + dt, receiveTime: e.receiveTime + dt };
  switch (e.type) {
    case "trade":
      return { ...e, ...times, tradeId: e.tradeId + di };
    case "depth":
      return {
        ...e,
        ...times,
        firstUpdateId: e.firstUpdateId + di,
        lastUpdateId: e.lastUpdateId + di,
        prevUpdateId: e.prevUpdateId + di,
      };
    case "snapshot":
      return { ...e, ...times, lastUpdateId: e.lastUpdateId + di };
    case "quote":
      return { ...e, ...times, updateId: e.updateId + di };
  }
}

/** Appends the first `n` events of the repeated capture to the symbol's stream, 1,000 per round trip. */
async function publish(redis: Redis, events: readonly MarketEvent[], spanMs: number, n: number): Promise<void> {
  const input = symbolKeys(SYMBOL, GROUP).input;
  await redis.sadd(SYMBOLS_KEY, SYMBOL);
  for (let at = 0; at < n; ) {
    const p = redis.pipeline();
    for (const end = Math.min(n, at + 1000); at < end; at++) {
      const k = Math.floor(at / events.length);
      p.xadd(input, "*", "e", encodeEvent(shifted(events[at % events.length]!, k, spanMs)));
    }
    await p.exec();
  }
}

/** Runs a worker until it is idle; its exit summary's stats of the symbol and its log. */
async function runWorker(url: string, flags: readonly string[]): Promise<{ stats: Record<string, number>; stderr: string }> {
  const w = spawnCli(["worker", "--redis", url, "--group", GROUP, "--exit-when-idle-ms", "1500", ...flags]);
  if ((await w.exited) !== 0) throw new Error(`worker failed: ${w.stderr}`);
  const summary = JSON.parse(w.stdout.trim().split("\n").pop()!) as { symbols: Record<string, Record<string, number>> };
  return { stats: summary.symbols[SYMBOL]!, stderr: w.stderr };
}

async function memory(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info("memory");
  const used = Number(/used_memory:(\d+)/.exec(info)![1]);
  const keys = symbolKeys(SYMBOL, GROUP);
  const sizes: Record<string, number> = { used_memory: used };
  for (const key of [keys.input, keys.output, keys.done, keys.checkpoint])
    sizes[key] = Number((await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) ?? 0);
  return sizes;
}

async function main(): Promise<void> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles([FILE], (e) => events.push(e));
  const times = events.map((e) => e.receiveTime);
  const spanMs = Math.max(...times) - Math.min(...times);
  const meta = {
    ...machineMeta("npm run bench:retention (node dist/bench/retention.bench.js)"),
    redis: execFileSync(REDIS_SERVER, ["--version"]).toString().trim(),
    capture: FILE,
    captureEvents: events.length,
  };
  console.log(
    `retention bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — ${meta.redis} — load ${meta.loadavgStart.join(" ")} — ${FILE}: ${events.length} events a pass\n`,
  );
  const server = await RedisServer.start();
  const redis = new Redis(server.url);
  const results: Record<string, unknown>[] = [];
  try {
    for (const n of HISTORIES) {
      for (const [mode, flags] of Object.entries(MODES)) {
        await redis.flushall();
        await publish(redis, events, spanMs, n);
        const first = await runWorker(server.url, flags);
        const keys = symbolKeys(SYMBOL, GROUP);
        const lengths = { input: await redis.xlen(keys.input), done: await redis.hlen(keys.done), output: await redis.xlen(keys.output) };
        const sizes = await memory(redis);
        const second = await runWorker(server.url, flags);
        const line = /re-ran (\d+) acknowledged entries in (\d+) ms/.exec(second.stderr);
        if (!line) throw new Error(`no take-over line: ${second.stderr}`);
        const result = {
          mode,
          events: n,
          outputs: first.stats.outputs,
          lengths,
          memory: sizes,
          takeover: { reran: Number(line[1]), ms: Number(line[2]), restored: second.stats.restored },
        };
        results.push(result);
        const mb = (b: number | undefined): string => `${((b ?? 0) / 2 ** 20).toFixed(1)} MB`;
        console.log(
          `${String(n).padStart(9)} events  ${mode.padEnd(42)}  used_memory ${mb(sizes.used_memory)} ` +
            `(cf:in ${mb(sizes[keys.input])}, cf:out ${mb(sizes[keys.output])}, cf:done ${mb(sizes[keys.done])}, cf:ckpt ${mb(sizes[keys.checkpoint])}; ` +
            `XLEN in ${lengths.input}, HLEN done ${lengths.done}, XLEN out ${lengths.output})  ` +
            `take-over: re-ran ${result.takeover.reran} entries in ${result.takeover.ms} ms${result.takeover.restored ? " after restoring the checkpoint" : ""}`,
        );
      }
    }
  } finally {
    await killAll();
    redis.disconnect();
    await server.stop();
  }
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(
    "bench/results/retention.json",
    `${JSON.stringify({ meta: { ...meta, loadavgEnd: loadavg().map((x) => Math.round(x * 100) / 100) }, results }, null, 1)}\n`,
  );
}

await main();
