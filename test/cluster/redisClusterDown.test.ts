/**
 * A Redis Cluster that loses a master (SIGKILL, no replica to fail over to): the cluster
 * goes to cluster_state:fail and its live masters answer CLUSTERDOWN. What the scale-out
 * promises then: a command fails — after ioredis's short CLUSTERDOWN retries, never a hang —
 * and a new connection (a worker or `publish` starting) is refused with the same typed
 * error as an unusable single Redis, RedisUnavailableError, saying the cluster is down.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Cluster } from "ioredis";
import { RedisUnavailableError } from "../../src/errors.js";
import { connectRedisCluster } from "../../src/cluster/connect.js";
import { inputKey } from "../../src/cluster/keys.js";
import { skipRedis } from "../support/redis.js";
import { RedisClusterServers } from "../support/redisCluster.js";
import { killAll, spawnCli, until } from "../support/cluster.js";
import { BTCUSDT } from "../support/capture.js";

let servers: RedisClusterServers;
let client: Cluster;

describe.skipIf(skipRedis)("Redis Cluster with a master lost", () => {
  beforeAll(async () => {
    // a short node timeout: the cluster notices the lost master within about a second
    servers = await RedisClusterServers.start({ nodeTimeoutMs: 1_000 });
    client = await connectRedisCluster(servers.nodes);
  }, 120_000);

  afterAll(async () => {
    await killAll();
    client?.disconnect();
    await servers?.stop();
  });

  test("commands fail instead of hanging, and a new connection is a RedisUnavailableError naming the cluster's state", {
    timeout: 120_000,
  }, async () => {
    const [btc, eth] = [inputKey("BTCUSDT"), inputKey("ETHUSDT")];
    await client.xadd(btc, "*", "e", "x");
    await client.xadd(eth, "*", "e", "x");
    const lost = await servers.portOf(eth);
    expect(await servers.portOf(btc), "the two symbols on different masters").not.toBe(lost);
    await servers.kill(lost);
    const live = servers.ports.filter((p) => p !== lost);
    await until(
      async () => (await Promise.all(live.map((port) => servers.state(port)))).every((state) => state === "fail"),
      "the live masters to report cluster_state:fail",
      60_000,
      100,
    );

    // the lost master's symbol: its connection is gone; the other's master answers CLUSTERDOWN (ioredis retries, then fails)
    for (const key of [eth, btc]) {
      const failure = await client.xlen(key).then(
        () => null,
        (e: Error) => e,
      );
      expect(failure, `${key}: a command on a failed cluster is refused`).toBeInstanceOf(Error);
    }

    const refused = await connectRedisCluster(live.map((p) => `127.0.0.1:${p}`)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(RedisUnavailableError);
    // which it meets first depends on timing: a live master's cluster_state, or the lost master in the slot table
    const down =
      /(the cluster is down \(cluster_state:fail\)|connection closed \(the server is down or went away\)): expected a reachable Redis Cluster/;
    expect((refused as Error).message).toMatch(down);

    const p = spawnCli(["publish", "--redis-cluster", live.map((port) => `127.0.0.1:${port}`).join(","), BTCUSDT]);
    expect(await p.exited, p.stderr).toBe(1);
    expect(p.stderr.trim().split("\n"), p.stderr).toHaveLength(1);
    expect(p.stderr).toMatch(down);
  });
});
