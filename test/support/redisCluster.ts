/**
 * A real local Redis Cluster for the tests and the benchmark: three `redis-server`
 * processes on free loopback ports with `--cluster-enabled yes`, each in a temporary
 * directory of its own (its nodes.conf; no persistence), joined by `redis-cli --cluster
 * create … --cluster-replicas 0 --cluster-yes` into three masters that share the 16,384
 * slots, and ready once every node's CLUSTER INFO says `cluster_state:ok` and agrees on
 * the three masters. `stop()` kills the servers and removes the directories; a start that
 * fails half-way cleans up what it started. Only flags that Redis 6.2 and every 7.x
 * accept are used, and readiness is asked of the servers, not read from their logs.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import { createServer } from "node:net";
import { hasRedis, REDIS_SERVER } from "./redis.js";
import { until } from "./cluster.js";

const REDIS_CLI = "/usr/bin/redis-cli";

const run = promisify(execFile);

/** The masters of a local cluster. */
const MASTERS = 3;

/** True when `port` can be bound on the loopback interface now. */
function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A port for a cluster node: it and its cluster bus port (port + 10,000, fixed in Redis 6;
 * `--cluster-port` exists only from 7.0) both free, so below 55,536.
 */
async function freeNodePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 35_000);
    if ((await canBind(port)) && (await canBind(port + 10_000))) return port;
  }
  throw new Error("no free port pair (port, port + 10000) for a cluster node on 127.0.0.1");
}

export class RedisClusterServers {
  private constructor(
    readonly ports: readonly number[],
    private readonly children: ChildProcess[],
    private readonly dirs: string[],
  ) {}

  /** The seed nodes as `--redis-cluster` takes them: host:port,host:port,… */
  get seeds(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(",");
  }

  /** The nodes as separate host:port strings. */
  get nodes(): string[] {
    return this.ports.map((p) => `127.0.0.1:${p}`);
  }

  /** `nodeTimeoutMs`: how long a master may not answer before the cluster marks it failed (cluster-node-timeout; default 5,000). */
  static async start(options: { readonly nodeTimeoutMs?: number } = {}): Promise<RedisClusterServers> {
    if (!hasRedis) throw new Error(`${REDIS_SERVER} is missing: install redis-server (CI installs it)`);
    const servers = new RedisClusterServers([], [], []);
    try {
      const ports: number[] = [];
      for (let i = 0; i < MASTERS; i++) ports.push(await servers.startNode(options.nodeTimeoutMs ?? 5_000));
      (servers as { ports: readonly number[] }).ports = ports;
      await run(REDIS_CLI, ["--cluster", "create", ...servers.nodes, "--cluster-replicas", "0", "--cluster-yes"], { timeout: 60_000 });
      await until(() => servers.ready(), "the cluster to report cluster_state:ok on every node with 3 masters", 60_000, 100);
      return servers;
    } catch (e) {
      await servers.stop();
      throw e;
    }
  }

  /** A node on a free port, in a directory of its own; resolves once it answers PING. */
  private async startNode(nodeTimeoutMs: number): Promise<number> {
    const port = await freeNodePort();
    const dir = mkdtempSync(join(tmpdir(), "cf-redis-cluster-"));
    this.dirs.push(dir);
    const child = spawn(
      REDIS_SERVER,
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dir,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        String(nodeTimeoutMs),
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.children.push(child);
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const client = new Redis(port, "127.0.0.1", { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on("error", () => {});
    try {
      await until(
        async () => {
          if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${child.exitCode}: ${stderr}`);
          return client.connect().then(
            async () => (await client.ping()) === "PONG",
            () => false,
          );
        },
        `redis-server on port ${port} to answer`,
        30_000,
        50,
      );
    } finally {
      client.disconnect();
    }
    return port;
  }

  /** Every node says cluster_state:ok and knows the three masters. */
  private async ready(): Promise<boolean> {
    for (const port of this.ports) {
      const info = await this.clusterInfo(port);
      if (!/cluster_state:ok/.test(info) || !new RegExp(`cluster_size:${MASTERS}\\b`).test(info)) return false;
    }
    return true;
  }

  /** The cluster_state the node on `port` reports (ok, fail). */
  async state(port: number): Promise<string> {
    return /cluster_state:(\w+)/.exec(await this.clusterInfo(port))?.[1] ?? "unknown";
  }

  private async clusterInfo(port: number): Promise<string> {
    return (await run(REDIS_CLI, ["-p", String(port), "cluster", "info"])).stdout;
  }

  /** Runs `args` on every master (FLUSHALL, INFO, …): per node, its reply. */
  async onEveryNode(args: readonly string[]): Promise<string[]> {
    return Promise.all(this.ports.map(async (port) => (await run(REDIS_CLI, ["-p", String(port), ...args])).stdout));
  }

  /** The port of the master that serves `key` (from CLUSTER KEYSLOT and CLUSTER SHARDS/SLOTS, as the servers report them). */
  async portOf(key: string): Promise<number> {
    const client = new Redis(this.ports[0]!, "127.0.0.1");
    try {
      const slot = (await client.call("CLUSTER", "KEYSLOT", key)) as number;
      const ranges = (await client.call("CLUSTER", "SLOTS")) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot} of ${key}`);
      return range[2][1];
    } finally {
      client.disconnect();
    }
  }

  /** Kills the master on `port` (SIGKILL: a crashed machine) and waits until it is gone. */
  async kill(port: number): Promise<void> {
    const child = this.children[this.ports.indexOf(port)];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }

  /** Kills every server (SIGKILL) and removes their directories; safe to call twice. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
      ),
    );
    this.children.length = 0;
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
