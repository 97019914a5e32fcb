/**
 * Helpers for the Redis Streams scale-out tests and benchmark: `confluence` processes
 * spawned from the built bundle (tracked, so a suite can kill whatever is still running),
 * polling until a condition holds, reading a symbol's streams back and a worker's summary.
 * (The assertions shared by the suites are in test/cluster/expectations.ts.)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer, type AddressInfo, type Socket } from "node:net";
import type { Cluster, Redis } from "ioredis";
import { inputKey, outputKey } from "../../src/cluster/keys.js";

const CLI = new URL("../../dist/cli.js", import.meta.url).pathname;

export interface CliProcess {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves to the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** The CLI flags naming a Redis: `--redis URL` for a redis:// or rediss:// URL, else `--redis-cluster` (seed nodes host:port,…). */
export const redisFlags = (where: string): string[] => (/^rediss?:/.test(where) ? ["--redis", where] : ["--redis-cluster", where]);

/** Starts `node dist/cli.js …args`; stdout and stderr are collected. */
export function spawnCli(args: readonly string[]): CliProcess {
  return spawnScript(CLI, args);
}

/** Starts `node script …args`; stdout and stderr are collected. */
export function spawnScript(script: string, args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  const p: CliProcess = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) =>
      child.once("exit", (code) => {
        running.delete(child);
        resolve(code);
      }),
    ),
  };
  child.stdout!.on("data", (d: Buffer) => (p.stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (p.stderr += d.toString()));
  return p;
}

/** SIGKILLs every spawned process still running and waits until they are gone. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}

/** Polls `condition` every `everyMs` until it holds; fails with `what` after `timeoutMs`. */
export async function until(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The group's view of a symbol's input stream: entries (now, and ever added: trimmed ones too), delivered, pending. */
export async function groupState(
  redis: Redis | Cluster,
  symbol: string,
  group: string,
): Promise<{ length: number; added: number; lastId: string; lastDelivered: string | null; pending: number }> {
  const input = inputKey(symbol);
  const [length, info] = await Promise.all([
    redis.xlen(input),
    redis.xinfo("STREAM", input).catch(() => null) as Promise<unknown[] | null>,
  ]);
  const lastId = info ? String(info[info.indexOf("last-generated-id") + 1]) : "0-0";
  const added = info ? Number(info[info.indexOf("entries-added") + 1]) : 0;
  const groups = ((await redis.xinfo("GROUPS", input).catch(() => [])) as unknown[][]).map((g) => {
    const m = new Map<unknown, unknown>();
    for (let i = 0; i + 1 < g.length; i += 2) m.set(g[i], g[i + 1]);
    return m;
  });
  const g = groups.find((m) => m.get("name") === group);
  return { length, added, lastId, lastDelivered: g ? String(g.get("last-delivered-id")) : null, pending: g ? Number(g.get("pending")) : 0 };
}

/** Every input entry of every symbol delivered and acknowledged (nothing pending). */
export async function fullyProcessed(redis: Redis | Cluster, symbols: readonly string[], group: string): Promise<boolean> {
  for (const s of symbols) {
    const g = await groupState(redis, s, group);
    if (g.length === 0 || g.lastDelivered !== g.lastId || g.pending !== 0) return false;
  }
  return true;
}

/** A symbol's output stream: per entry the input entry id it was tagged with and the score update JSON. */
export async function readOutputs(redis: Redis | Cluster, symbol: string): Promise<{ inputIds: string[]; updates: string[] }> {
  const entries = (await redis.xrange(outputKey(symbol), "-", "+")) as [string, string[]][];
  const field = (fields: string[], name: string): string => fields[fields.indexOf(name) + 1]!;
  return { inputIds: entries.map(([, f]) => field(f, "in")), updates: entries.map(([, f]) => field(f, "u")) };
}

/** The summary line a worker prints on exit. */
export function summaryOf(p: CliProcess): { consumer: string; symbols: Record<string, Record<string, number>>; symbolsOverLimit: number } {
  return JSON.parse(p.stdout.trim().split("\n").pop()!);
}

/** How many lines of `text` match `pattern`. */
export const linesMatching = (text: string, pattern: RegExp): number => text.split("\n").filter((l) => pattern.test(l)).length;

/**
 * A TCP proxy in front of Redis that, once, swallows the first reply that `matches` and
 * closes both connections: the command ran on the server, the client never hears so. Later
 * connections pass through untouched. `url` is the proxy's; `dropped` says whether it fired.
 */
export async function replyDroppingProxy(
  target: number,
  matches: (reply: Buffer) => boolean,
): Promise<{ url: string; dropped: () => boolean; close: () => Promise<void> }> {
  let dropped = false;
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const server = connect(target, "127.0.0.1");
    for (const s of [client, server]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {});
    }
    client.on("data", (d: Buffer) => server.write(d));
    server.on("data", (d: Buffer) => {
      if (!dropped && matches(d)) {
        dropped = true;
        client.destroy();
        server.destroy();
        return;
      }
      client.write(d);
    });
    client.on("close", () => server.destroy());
    server.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    dropped: () => dropped,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        proxy.close(() => resolve());
      }),
  };
}
