/**
 * What the scale-out suites check again and again: a publication that succeeded, the
 * single-process replay every output is compared with, what the protocol promises about a
 * symbol once its input is processed, two workers caught mid-run (to kill or pause one),
 * and the takeover after one of them is SIGKILLed.
 */
import { expect } from "vitest";
import type { Cluster, Redis } from "ioredis";
import { symbolKeys, workersKey } from "../../src/cluster/keys.js";
import { compareStreamIds } from "../../src/cluster/streamId.js";
import { loadKernels } from "../../src/index.js";
import { runEngine } from "../support/engineRun.js";
import { fullyProcessed, groupState, readOutputs, redisFlags, spawnCli, summaryOf, until, type CliProcess } from "../support/cluster.js";

/** Runs `confluence publish` of `files` to `url` (or a cluster's seed nodes: redisFlags) and expects it to succeed. */
export async function publish(url: string, ...files: string[]): Promise<CliProcess> {
  const p = spawnCli(["publish", ...redisFlags(url), ...files]);
  expect(await p.exited, p.stderr).toBe(0);
  return p;
}

/** Per symbol, the score updates (as JSON) of a single-process replay of `files`. */
export async function referenceUpdates(files: readonly string[], symbols: readonly string[]): Promise<Record<string, string[]>> {
  const run = await runEngine(await loadKernels(), files);
  run.engine.dispose();
  return Object.fromEntries(symbols.map((s) => [s, run.updates.filter((u) => u.symbol === s).map((u) => JSON.stringify(u))]));
}

/** The index of the first element where two lists differ (−1: identical). */
export function firstDifference(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

/**
 * Everything the protocol promises about a symbol once all its input is processed: one
 * done mark per input entry still in the stream (`dead` of them "dead", each with one dead
 * letter), no output twice, every output tagged with an input id (one in the stream, or one
 * trimmed from before its first entry), and the outputs — same JSON, same order —
 * `expected` (a single-process replay, without the updates of poison entries).
 */
export async function expectExactlyOnce(
  redis: Redis | Cluster,
  symbol: string,
  group: string,
  expected: readonly string[],
  dead = 0,
): Promise<void> {
  const keys = symbolKeys(symbol, group);
  const inputIds = ((await redis.xrange(keys.input, "-", "+")) as [string, string[]][]).map(([id]) => id);
  const marks = await redis.hgetall(keys.done);
  expect(Object.keys(marks).length, `${symbol}: cf:done has one field per input entry`).toBe(inputIds.length);
  expect(new Set(Object.keys(marks)), `${symbol}: cf:done holds exactly the input entry ids`).toEqual(new Set(inputIds));
  const deadIds = Object.keys(marks).filter((id) => marks[id] === "dead");
  expect(deadIds.length, `${symbol}: entries marked dead`).toBe(dead);
  const letters = (await redis.xrange(keys.dead, "-", "+")) as [string, string[]][];
  expect(letters.map(([, f]) => f[f.indexOf("in") + 1]).sort(), `${symbol}: one dead letter per dead entry, and no other`).toEqual(
    deadIds.sort(),
  );
  const out = await readOutputs(redis, symbol);
  expect(new Set(out.inputIds).size, `${symbol}: no input entry id appears twice in the output stream`).toBe(out.inputIds.length);
  const known = new Set(inputIds);
  const first = inputIds[0] ?? "0-0";
  expect(
    out.inputIds.every((id) => known.has(id) || compareStreamIds(id, first) < 0),
    `${symbol}: every output is tagged with an input entry id (in the stream, or trimmed from before its first entry ${first})`,
  ).toBe(true);
  expect(out.updates.length, `${symbol}: as many score updates as the single-process replay`).toBe(expected.length);
  const at = firstDifference(out.updates, expected);
  expect(at, `${symbol}: score update ${at} differs from the single-process replay:\n${out.updates[at]}\n${expected[at]}`).toBe(-1);
  expect(await redis.get(keys.score), `${symbol}: cf:score holds the latest update`).toBe(expected[expected.length - 1]);
  expect(await redis.pttl(keys.score), `${symbol}: cf:score has a TTL`).toBeGreaterThan(0);
}

/**
 * Two workers (from `spawnWorker`) of `group` each owning one of `symbols` while both
 * captures are published side by side to `url` (or a cluster's seed nodes: redisFlags), one
 * publisher each, so both symbols appear at once and spread; resolves once some symbol has
 * outputs, is unfinished and satisfies `ready`.
 * The victim is the worker owning that symbol.
 */
export async function twoWorkersMidRun(
  redis: Redis | Cluster,
  url: string,
  group: string,
  symbols: readonly string[],
  files: readonly string[],
  spawnWorker: () => CliProcess,
  ready: (symbol: string) => Promise<boolean> = async () => true,
): Promise<{
  workers: CliProcess[];
  publishers: CliProcess[];
  target: CliProcess;
  victim: { symbol: string; consumer: string; outputsAtKill: number };
}> {
  const workers = [spawnWorker(), spawnWorker()];
  await until(async () => (await redis.zcard(workersKey(group))) === 2, "both workers to join");
  const publishers = files.map((f) => spawnCli(["publish", ...redisFlags(url), f]));
  let victim: { symbol: string; consumer: string; outputsAtKill: number } | undefined;
  await until(
    async () => {
      const owners = (await Promise.all(symbols.map((s) => redis.get(symbolKeys(s, group).lease)))).map((l) => l?.split("#")[0]);
      if (!owners.every((o) => o) || new Set(owners).size !== 2) return false;
      for (const [i, s] of symbols.entries()) {
        const outputs = await redis.xlen(symbolKeys(s, group).output);
        const g = await groupState(redis, s, group);
        if (outputs > 0 && (g.pending > 0 || g.lastDelivered !== g.lastId) && (await ready(s))) {
          victim = { symbol: s, consumer: owners[i]!, outputsAtKill: outputs };
          return true;
        }
      }
      return false;
    },
    "each worker to own a symbol and one symbol to be part-way done",
    120_000,
    5,
  );
  // a worker's consumer name is in its log lines (stderr)
  const target = workers.find((w) => w.stderr.includes(victim!.consumer));
  expect(target, "the victim is one of the spawned workers").toBeDefined();
  return { workers, publishers, target: target!, victim: victim! };
}

/**
 * SIGKILLs the victim of `midRun` (twoWorkersMidRun) and expects the survivor to take its
 * symbol over: once everything is published and processed, every symbol's outputs are the
 * single-process replay's (`reference`), exactly once; the survivor, stopped with SIGTERM,
 * exits 0 having claimed what the victim left pending, rebuilt the state from the
 * acknowledged history, written only the victim's missing outputs and released its leases.
 */
export async function expectTakeover(
  redis: Redis | Cluster,
  group: string,
  symbols: readonly string[],
  reference: Record<string, string[]>,
  midRun: Awaited<ReturnType<typeof twoWorkersMidRun>>,
): Promise<void> {
  const { workers, publishers, victim: killed, target } = midRun;
  target.child.kill("SIGKILL");
  expect(await target.exited).toBeNull();
  const { pending: pendingAtKill, length: lengthAtKill } = await groupState(redis, killed.symbol, group);
  const survivor = workers.find((w) => w !== target)!;

  for (const p of publishers) expect(await p.exited, p.stderr).toBe(0);
  await until(() => fullyProcessed(redis, symbols, group), "every input entry acknowledged and nothing pending", 180_000, 50);
  for (const s of symbols) await expectExactlyOnce(redis, s, group, reference[s]!);

  // the survivor stops gracefully on SIGTERM: releases its leases, reports what it did
  survivor.child.kill("SIGTERM");
  expect(await survivor.exited, survivor.stderr).toBe(0);
  const stats = summaryOf(survivor).symbols[killed.symbol]!;
  expect(stats.takeovers, `the survivor took ${killed.symbol} over`).toBeGreaterThanOrEqual(1);
  expect(
    stats.claimed,
    `the survivor claimed what the victim left pending (${pendingAtKill} of ${lengthAtKill} entries)`,
  ).toBeGreaterThanOrEqual(pendingAtKill);
  expect(
    (stats.restored ?? 0) + (stats.rebuilt ?? 0),
    "the state was rebuilt: a checkpoint restored and/or acknowledged entries re-run",
  ).toBeGreaterThan(0);
  expect(stats.duplicates, "the claimed entries had no outputs yet: nothing was skipped").toBe(0);
  expect(stats.outputs, "the survivor wrote the rest of the victim's outputs, and only those").toBeLessThanOrEqual(
    reference[killed.symbol]!.length - killed.outputsAtKill,
  );
  const own = symbols.find((s) => s !== killed.symbol)!;
  if (summaryOf(survivor).symbols[own])
    expect(summaryOf(survivor).symbols[own]!.outputs, `the survivor scored all of ${own}`).toBe(reference[own]!.length);
  for (const s of symbols) expect(await redis.get(symbolKeys(s, group).lease), `${s}: lease released`).toBeNull();
  expect(await redis.zcard(workersKey(group)), "the survivor left the live set").toBe(0);
}
