/**
 * Connecting to the Redis the publisher and the workers share: one Redis server (a URL) or
 * a Redis Cluster (its seed nodes). The first connection must succeed (else
 * RedisUnavailableError, with the reason: refused, unknown host, not a cluster, cluster
 * down, …) and every server must be Redis ≥ 6.2 (XAUTOCLAIM, exclusive XRANGE bounds).
 * After that, a dropped connection is retried with backoff for as long as it takes;
 * commands issued meanwhile fail after a few retries and the caller decides what to do.
 *
 * A command that was sent but not answered when the connection dropped is never sent
 * again (ioredis would by default): it may have run. Resending a read (`XREADGROUP … >`)
 * whose reply was lost would skip the entries it delivered, and resending a publish
 * script would append its events twice. Instead the call fails, the worker gives the
 * symbol up and takes it over again (claiming what is pending), and publish stops with
 * an error saying how far it got.
 *
 * On a cluster the same holds per node: ioredis would resend a command whose node
 * connection closed to another node after `retryDelayOnFailover`; that is switched off.
 * What it still retries is safe, since Redis ran nothing: a MOVED or ASK redirection
 * (a slot that moved: it follows it and refreshes its slot map), TRYAGAIN and CLUSTERDOWN
 * (retried for up to ~1.6 s, then the command fails; the worker lets the symbol go). The
 * first connection checks cluster_state itself: ioredis's ready check, when it fails,
 * leaves its connect() unsettled for ever. Every command and script of the protocol names
 * keys of one slot (keys.ts), so ioredis routes it to the master of that slot.
 */
import { Cluster, Redis } from "ioredis";
import { InvalidConfigError, RedisUnavailableError } from "../errors.js";
import { parseClusterNode } from "./clusterNode.js";

/** Where the scale-out's data lives: one Redis server (its URL) or a Redis Cluster (seed nodes, `host:port`). */
export type RedisTarget = { readonly url: string } | { readonly cluster: readonly string[] };

/** What a Redis Cluster's seed nodes must lead to. */
const CLUSTER_EXPECTED = "a reachable Redis Cluster (cluster_state:ok), every master Redis 6.2 or later";

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

/** Why a connection failed, in words (`connection refused`), not Node's text (`connect ECONNREFUSED 127.0.0.1:1`). */
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS did not answer)",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server",
};

function connectFailure(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (e.message === "Connection is closed.") return "connection closed (the server is down or went away)";
  return (code !== undefined && CONNECT_FAILURES[code]) || e.message;
}

export async function connectRedis(url: string): Promise<Redis> {
  let connected = false;
  let lastError: Error | undefined;
  const redis = new Redis(url, {
    lazyConnect: true,
    autoResendUnfulfilledCommands: false,
    // a backstop: no command of the protocol blocks, so one unanswered this long is lost
    commandTimeout: 30_000,
    retryStrategy: (times) => (connected ? Math.min(times * 200, 2_000) : null),
  });
  redis.on("error", (e: Error) => {
    lastError = e;
  });
  // Without the resend, ioredis forgets the unanswered commands of a closed connection
  // without settling their promises (a caller would wait forever): fail them here, at once.
  redis.on("close", () =>
    failQueued(redis, ["commandQueue"], "the connection to Redis closed before it answered (the command may have run)"),
  );
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new RedisUnavailableError(redactUrl(url), connectFailure(lastError ?? (e as Error)));
  }
  connected = true;
  const db = redis.options.db ?? 0;
  if (db !== 0) {
    // ioredis selects the URL's database on connect but does not fail when the server refuses it
    try {
      await redis.select(db);
    } catch (e) {
      redis.disconnect();
      throw new RedisUnavailableError(redactUrl(url), `database ${db}: ${(e as Error).message}`);
    }
  }
  const refused = await serverRefused(redis, "server");
  if (refused) {
    redis.disconnect();
    throw new RedisUnavailableError(redactUrl(url), refused);
  }
  if (/cluster_enabled:1/.test(await redis.info("cluster"))) {
    redis.disconnect();
    throw new RedisUnavailableError(
      redactUrl(url),
      "it is a Redis Cluster node (its other masters hold most keys)",
      "a Redis server outside a cluster; for a Redis Cluster give its nodes (--redis-cluster host:port,…)",
    );
  }
  return redis;
}

/**
 * Connects to a Redis Cluster through its seed nodes (`host:port`; one reachable node is
 * enough, the others are learnt from it). RedisUnavailableError when no seed answers, a
 * seed is not a cluster node, the cluster does not report cluster_state:ok, or a master is
 * older than 6.2; InvalidConfigError for a seed that is not `host:port`.
 */
export async function connectRedisCluster(seeds: readonly string[]): Promise<Cluster> {
  if (seeds.length === 0) throw new InvalidConfigError("cluster", seeds, "at least one seed node host:port");
  const nodes = seeds.map((seed) => {
    const node = parseClusterNode(seed);
    if (!node) throw new InvalidConfigError("cluster", seed, "a seed node host:port (an IPv6 host in brackets), port 1 to 65535");
    return node;
  });
  const where = seeds.join(",");
  let connected = false;
  const cluster = new Cluster(nodes, {
    lazyConnect: true,
    // ioredis's ready check of cluster_state leaves connect() unsettled when it fails: the state is checked below instead
    enableReadyCheck: false,
    // a command whose node connection closed may have run: fail it, never resend it elsewhere
    retryDelayOnFailover: 0,
    clusterRetryStrategy: (times) => (connected ? Math.min(times * 200, 2_000) : null),
    redisOptions: { autoResendUnfulfilledCommands: false, commandTimeout: 30_000 },
  });
  // ioredis reports a failed first connection as "None of startup nodes is available"; the reason is found by asking the seeds
  cluster.on("error", () => {});
  cluster.on("node error", () => {});
  const refuse = async (reason: Promise<string> | string): Promise<never> => {
    cluster.disconnect();
    throw new RedisUnavailableError(where, await reason, CLUSTER_EXPECTED);
  };
  // a cluster that gives up (every node it knows of closed, no retry) ends without settling what is pending:
  // "end" settles it, or the process would exit with the connection unsettled (exit code 13)
  const ended = new Promise<never>((_, reject) => cluster.once("end", () => reject(new Error("Connection is closed."))));
  ended.catch(() => {});
  try {
    await Promise.race([cluster.connect(), ended]);
  } catch {
    return refuse(seedsFailure(nodes));
  }
  connected = true;
  const refused = await Promise.race([clusterRefused(cluster), ended]).catch((e: Error) => connectFailure(e));
  if (refused) return refuse(refused);
  return cluster;
}

/** Null when the cluster reports cluster_state:ok and every master runs Redis 6.2 or later; else why not. */
async function clusterRefused(cluster: Cluster): Promise<string | null> {
  const state = /cluster_state:(\w+)/.exec(String(await cluster.cluster("INFO")))?.[1] ?? "unknown";
  if (state !== "ok") return `the cluster is down (cluster_state:${state})`;
  for (const node of cluster.nodes("master")) {
    const who = `master ${node.options.host}:${node.options.port}`;
    const refused = await serverRefused(node, who).catch((e: Error) => `${who}: ${connectFailure(e)}`);
    if (refused) return refused;
  }
  return null;
}

/** Connects to `target` (connectRedis or connectRedisCluster). */
export function connectRedisTarget(target: RedisTarget): Promise<Redis | Cluster> {
  return "cluster" in target ? connectRedisCluster(target.cluster) : connectRedis(target.url);
}

/** Why no seed led to a cluster, asked of each seed directly: the reason, prefixed by the seed when they differ. */
async function seedsFailure(nodes: readonly { host: string; port: number }[]): Promise<string> {
  const reasons = await Promise.all(nodes.map(seedFailure));
  if (new Set(reasons).size === 1) return reasons[0]!;
  return nodes.map((n, i) => `${n.host}:${n.port} ${reasons[i]}`).join("; ");
}

/** What is wrong with one seed node: unreachable, not a cluster node, or its cluster is down. */
async function seedFailure(node: { host: string; port: number }): Promise<string> {
  let lastError: Error | undefined;
  const redis = new Redis({ ...node, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5_000 });
  redis.on("error", (e: Error) => {
    lastError = e;
  });
  try {
    await redis.connect();
    const info = await redis.info("cluster");
    if (!/cluster_enabled:1/.test(info)) return "not a Redis Cluster node (cluster support disabled)";
    const state = /cluster_state:(\w+)/.exec(String(await redis.call("CLUSTER", "INFO")))?.[1] ?? "unknown";
    return state === "ok" ? "the cluster did not answer in time" : `the cluster is down (cluster_state:${state})`;
  } catch (e) {
    return connectFailure(lastError ?? (e as Error));
  } finally {
    redis.disconnect();
  }
}

/** Null when `redis` runs Redis 6.2 or later; else why not (`who` names it). */
async function serverRefused(redis: Redis, who: string): Promise<string | null> {
  const version = /redis_version:(\d+)\.(\d+)/.exec(await redis.info("server"));
  const [major, minor] = version ? [Number(version[1]), Number(version[2])] : [0, 0];
  if (major > 6 || (major === 6 && minor >= 2)) return null;
  return `${who} is Redis ${version ? `${major}.${minor}` : "of unknown version"}`;
}

type QueuedCommand = { command: { reject(e: Error): void } };
type Queue = { length: number; shift(): QueuedCommand | undefined };

/** Rejects the commands waiting in ioredis's queues (its internals: sent and unanswered, or not yet sent). */
function failQueued(redis: Redis | Cluster, queues: readonly ("commandQueue" | "offlineQueue")[], message: string): void {
  const internals = redis as unknown as Partial<Record<"commandQueue" | "offlineQueue", Queue>>;
  for (const name of queues) {
    const queue = internals[name];
    while (queue && queue.length > 0) queue.shift()!.command.reject(new Error(message));
  }
}

/**
 * Drops the connection for good and fails every command still waiting on it, at once
 * (a disconnect while ioredis is reconnecting leaves queued commands waiting for their
 * timeout). For shutting down when Redis does not answer.
 */
export function abandonConnection(redis: Redis | Cluster): void {
  redis.disconnect();
  // a cluster's own queue holds what waits for the cluster to be ready; its node connections fail their queues as they close
  failQueued(
    redis,
    redis instanceof Cluster ? ["offlineQueue"] : ["offlineQueue", "commandQueue"],
    "the connection to Redis was dropped (shutting down)",
  );
}
