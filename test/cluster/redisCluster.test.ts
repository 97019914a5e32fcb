/**
 * The scale-out on a real Redis Cluster: three masters on loopback ports, created by the
 * test with `redis-cli --cluster create` (test/support/redisCluster.ts). `confluence
 * publish` and two `confluence worker` processes (the built CLI, `--redis-cluster`) score
 * the BTCUSDT and ETHUSDT captures, one worker is SIGKILLed mid-run and the other takes
 * over: per symbol, the output stream must equal a single-process replay's score updates,
 * entry for entry, every input entry done exactly once — as on one Redis (worker.test.ts).
 * The two symbols' keys live on different masters (asserted: it is what makes this a
 * cluster test), each symbol's keys all on one. The L2 cache reads the latest scores
 * through the cluster. A wrong or unreachable Redis is one clear line, never a hang.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { Cluster, Redis } from "ioredis";
import { InvalidParameterError, LatestScores, TieredCache } from "../../src/index.js";
import { RedisStore } from "../../src/cache/redisStore.js";
import { SYMBOLS_KEY, symbolKeys } from "../../src/cluster/keys.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { RedisServer, skipRedis } from "../support/redis.js";
import { RedisClusterServers } from "../support/redisCluster.js";
import { groupState, killAll, spawnCli, summaryOf, type CliProcess } from "../support/cluster.js";
import { expectExactlyOnce, expectTakeover, publish, referenceUpdates, twoWorkersMidRun } from "./expectations.js";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;
const GROUP = "scores";
/** Short leases for a takeover within seconds. */
const FAST = ["--lease-ms", "2000", "--claim-idle-ms", "1000"];
/** The checkpoint interval of the take-over test: what its input streams are bounded by (with a batch of 500). */
const CHECKPOINT_EVERY = 2000;

let servers: RedisClusterServers;
let redis: Cluster;
let reference: Record<string, string[]>;

function worker(...args: string[]): CliProcess {
  return spawnCli(["worker", "--redis-cluster", servers.seeds, "--group", GROUP, ...args]);
}

describe.skipIf(skipRedis)("Redis Cluster (three masters on loopback)", () => {
  beforeAll(async () => {
    servers = await RedisClusterServers.start();
    redis = new Cluster(servers.nodes.map((n) => ({ host: "127.0.0.1", port: Number(n.split(":")[1]) })));
    redis.on("error", () => {});
    reference = await referenceUpdates([BTCUSDT, ETHUSDT], SYMBOLS);
  }, 120_000);

  beforeEach(async () => {
    await servers.onEveryNode(["FLUSHALL"]);
  });

  afterAll(async () => {
    await killAll();
    redis?.disconnect();
    await servers?.stop();
  });

  test("two workers checkpointing, one SIGKILLed mid-run after a checkpoint: the output streams equal a single-process replay's, the inputs are trimmed, and the symbols live on different masters", {
    timeout: 300_000,
  }, async () => {
    const midRun = await twoWorkersMidRun(
      redis,
      servers.seeds,
      GROUP,
      SYMBOLS,
      [BTCUSDT, ETHUSDT],
      () => worker(...FAST, "--checkpoint-every", String(CHECKPOINT_EVERY)),
      async (s) => (await redis.exists(symbolKeys(s, GROUP).checkpoint)) === 1,
    );
    const survivor = midRun.workers.find((w) => w !== midRun.target)!;
    expect((await redis.smembers(SYMBOLS_KEY)).sort(), "both symbols registered (cf:symbols, a slot of its own)").toEqual([...SYMBOLS]);
    await expectTakeover(redis, GROUP, SYMBOLS, reference, midRun);
    const taken = summaryOf(survivor).symbols[midRun.victim.symbol]!;
    expect(taken.restored, "the take-over restored the victim's checkpoint").toBe(1);
    expect(taken.rebuilt, "and re-ran only the entries after it").toBeLessThan(CHECKPOINT_EVERY);
    for (const s of SYMBOLS) {
      const { input, done } = symbolKeys(s, GROUP);
      expect(await redis.xlen(input), `${s}: cf:in trimmed behind the checkpoints`).toBeLessThanOrEqual(CHECKPOINT_EVERY + 500);
      expect(await redis.hlen(done), `${s}: cf:done trimmed with it`).toBe(await redis.xlen(input));
    }

    // where the keys are: each symbol's keys on one master (the hash tag), the two symbols on two
    const masters = new Map<string, number>();
    for (const s of SYMBOLS) {
      const keys = symbolKeys(s, GROUP);
      const port = await servers.portOf(keys.input);
      for (const key of [keys.output, keys.done, keys.score, keys.lease, keys.checkpoint, keys.checkpoints])
        expect(await servers.portOf(key), `${key} is served by the master of ${keys.input}`).toBe(port);
      const node = new Redis(port, "127.0.0.1");
      try {
        // a direct connection to that master: a key of another master's slot would be a MOVED error, not 0 or 1
        expect(await node.exists(keys.input, keys.output, keys.done, keys.score), `${s}: the master on port ${port} holds its keys`).toBe(
          4,
        );
      } finally {
        node.disconnect();
      }
      masters.set(s, port);
    }
    expect(new Set(masters.values()).size, `the symbols spread over more than one master: ${JSON.stringify([...masters])}`).toBe(2);

    // the latest scores, read through the cluster by the L2 cache (the keys the workers wrote, under the cf: prefix)
    const store = new RedisStore({ cluster: servers.nodes, redis: { keyPrefix: "cf:" } });
    const latest = new LatestScores(new TieredCache({ l2: store }));
    try {
      expect(await store.connected(10_000), "the L2 cache connects to the cluster").toBe(true);
      for (const s of SYMBOLS)
        expect(await latest.read(s), `${s}: the latest score through the cluster`).toEqual(JSON.parse(reference[s]!.at(-1)!));
    } finally {
      await latest.cache.close();
    }
  });

  test("one worker alone scores everything exactly once; its summary counts every entry", { timeout: 180_000 }, async () => {
    await publish(servers.seeds, BTCUSDT, ETHUSDT);
    const w = worker("--exit-when-idle-ms", "1500");
    expect(await w.exited, w.stderr).toBe(0);
    for (const s of SYMBOLS) {
      await expectExactlyOnce(redis, s, GROUP, reference[s]!);
      expect(summaryOf(w).symbols[s], s).toMatchObject({
        processed: (await groupState(redis, s, GROUP)).added,
        outputs: reference[s]!.length,
        duplicates: 0,
        errors: 0,
      });
    }
  });

  test("the L2 cache on a cluster: values round-trip on keys of every master; a bad seed or both url and cluster are refused", async () => {
    const store = new RedisStore({ cluster: servers.nodes });
    try {
      expect(await store.connected(10_000)).toBe(true);
      const keys = ["a:{x}", "b:{y}", "c:{z}", "score:{BTCUSDT}", "score:{ETHUSDT}"];
      const ports = new Set(await Promise.all(keys.map((k) => servers.portOf(k))));
      expect(ports.size, "the keys fall on more than one master").toBeGreaterThan(1);
      for (const [i, k] of keys.entries()) await store.set(k, `"v${i}"`, 60_000);
      for (const [i, k] of keys.entries()) {
        const entry = await store.get(k);
        expect(entry?.value, k).toBe(`"v${i}"`);
        expect(entry?.ttlMs, `${k}: with its TTL`).toBeGreaterThan(0);
      }
    } finally {
      await store.close();
    }
    expect(() => new RedisStore({ cluster: ["localhost"] })).toThrow(InvalidParameterError);
    expect(() => new RedisStore({ cluster: [] })).toThrow(InvalidParameterError);
    expect(() => new RedisStore({ cluster: servers.nodes, url: "redis://127.0.0.1:6379" })).toThrow(/either url or cluster, not both/);
  });

  test("the wrong kind of Redis: --redis-cluster at a plain server, --redis at a cluster node, unreachable seeds — exit 1, one line", {
    timeout: 60_000,
  }, async () => {
    const plain = await RedisServer.start();
    try {
      for (const [args, message] of [
        [["publish", "--redis-cluster", `127.0.0.1:${plain.port}`, BTCUSDT], /not a Redis Cluster node \(cluster support disabled\)/],
        [["worker", "--redis-cluster", `127.0.0.1:${plain.port}`, "-g", "g"], /not a Redis Cluster node \(cluster support disabled\)/],
        [["publish", "--redis", `redis://${servers.nodes[0]}`, BTCUSDT], /it is a Redis Cluster node .*--redis-cluster host:port/],
        [
          ["publish", "--redis-cluster", "127.0.0.1:1,127.0.0.1:2", BTCUSDT],
          /127\.0\.0\.1:1,127\.0\.0\.1:2: connection refused: expected a reachable Redis Cluster/,
        ],
      ] as const) {
        const p = spawnCli(args);
        expect(await p.exited, `${args.join(" ")}: ${p.stderr}`).toBe(1);
        expect(p.stderr.trim().split("\n"), p.stderr).toHaveLength(1);
        expect(p.stderr).toMatch(message);
      }
    } finally {
      await plain.stop();
    }
    expect(
      (await servers.onEveryNode(["DBSIZE"])).map((n) => n.trim()),
      "nothing was written to any master",
    ).toEqual(["0", "0", "0"]);
  });

  test.each([
    [["worker", "--group", "g"], /no Redis given: expected --redis redis:\/\/host\[:port\] .* or --redis-cluster host:port/],
    [["publish", BTCUSDT], /no Redis given/],
    [
      ["worker", "--redis", "redis://127.0.0.1:1", "--redis-cluster", "127.0.0.1:1", "-g", "g"],
      /--redis and --redis-cluster are both given/,
    ],
    [["publish", "--redis", "redis://127.0.0.1:1", "--redis-cluster", "127.0.0.1:1", BTCUSDT], /both given/],
    [["live", "BTCUSDT", "--redis", "redis://127.0.0.1:1", "--redis-cluster", "127.0.0.1:1"], /both given/],
    [["publish", "--redis-cluster", "127.0.0.1", BTCUSDT], /--redis-cluster 127\.0\.0\.1: '127\.0\.0\.1' is not host:port/],
    [["worker", "--redis-cluster", "127.0.0.1:7000,,127.0.0.1:7001", "-g", "g"], /an empty node: expected seed nodes like/],
    [["worker", "--redis-cluster", "127.0.0.1:70000", "-g", "g"], /'127\.0\.0\.1:70000' is not host:port/],
  ] as const)("confluence %j: exit 2, one line", async (args, message) => {
    const p = spawnCli(args);
    expect(await p.exited, p.stderr).toBe(2);
    expect(p.stderr.trim().split("\n"), p.stderr).toHaveLength(1);
    expect(p.stderr).toMatch(message);
  });
});
