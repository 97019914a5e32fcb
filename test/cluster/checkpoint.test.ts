/**
 * Workers checkpoint and streams stay bounded, end to end with real processes on a real
 * redis-server (as worker.test.ts): a worker checkpointing every K entries still writes a
 * single-process replay's outputs exactly once, while the input stream and the done hash
 * stay within about K entries and the output stream within its MAXLEN ~ retention; a
 * take-over after a SIGKILL restores the latest checkpoint and re-runs fewer than K
 * entries; a checkpoint of another configuration is refused, logged, and the symbol is
 * rebuilt from the stream's start — or, when the stream was trimmed, the lost history is
 * said and counted.
 */
import { describe, expect, test } from "vitest";
import type { Redis } from "ioredis";
import { symbolKeys } from "../../src/cluster/keys.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { skipRedis, type RedisServer } from "../support/redis.js";
import { fullyProcessed, groupState, readOutputs, spawnCli, summaryOf, type CliProcess } from "../support/cluster.js";
import { expectExactlyOnce, expectTakeover, publish, referenceUpdates, twoWorkersMidRun } from "./expectations.js";
import { redisSuite } from "./redisSuite.js";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;
const GROUP = "scores";
const FAST = ["--lease-ms", "2000", "--claim-idle-ms", "1000"];
/** The checkpoint interval of these tests, and the worker's batch: what the streams are bounded by. */
const K = 2000;
const BATCH = 500;
const BTC_EVENTS = 41249;

let reference: Record<string, string[]>;
let server: RedisServer;
let redis: Redis;

function worker(...args: string[]): CliProcess {
  return spawnCli(["worker", "--redis", server.url, "--group", GROUP, "--checkpoint-every", String(K), ...args]);
}

/** A symbol's input stream and done hash hold at most K + a batch entries, and the same ids. */
async function expectBounded(symbol: string): Promise<void> {
  const keys = symbolKeys(symbol, GROUP);
  const length = await redis.xlen(keys.input);
  expect(length, `${symbol}: cf:in is trimmed to the entries after the checkpoint`).toBeLessThanOrEqual(K + BATCH);
  expect(await redis.hlen(keys.done), `${symbol}: cf:done holds a mark per entry still in cf:in, no more`).toBe(length);
  const checkpointId = await redis.hget(keys.checkpoint, "id");
  const [first] = (await redis.xrange(keys.input, "-", "+", "COUNT", 1)) as [string, string[]][];
  expect(first?.[0], `${symbol}: cf:in starts at the checkpoint's entry`).toBe(checkpointId);
  expect(await redis.hget(keys.checkpoints, GROUP), `${symbol}: cf:ckpts names the group's checkpoint`).toBe(checkpointId);
}

describe.skipIf(skipRedis)("scale-out checkpoints and bounded streams", () => {
  redisSuite(async (s, r) => {
    [server, redis] = [s, r];
    reference = await referenceUpdates([BTCUSDT, ETHUSDT], SYMBOLS);
  });

  test("a worker checkpointing every K entries writes the replay's outputs exactly once; cf:in and cf:done stay within about K", {
    timeout: 180_000,
  }, async () => {
    await publish(server.url, BTCUSDT, ETHUSDT);
    const w = worker("--exit-when-idle-ms", "1500");
    expect(await w.exited, w.stderr).toBe(0);
    expect(await fullyProcessed(redis, SYMBOLS, GROUP)).toBe(true);
    const summary = summaryOf(w);
    for (const s of SYMBOLS) {
      await expectExactlyOnce(redis, s, GROUP, reference[s]!);
      await expectBounded(s);
      const { added, length } = await groupState(redis, s, GROUP);
      const stats = summary.symbols[s]!;
      expect(stats.processed, `${s}: every entry ever published was processed once`).toBe(added);
      expect(stats.trimmed, `${s}: what is gone from cf:in is what the worker trimmed`).toBe(added - length);
      expect(stats.checkpoints, `${s}: one checkpoint per K entries (batches of ${BATCH})`).toBe(Math.floor(added / K));
    }
  });

  test("SIGKILLed after checkpoints exist: the take-over restores the latest and re-runs fewer than K entries; outputs equal the replay", {
    timeout: 240_000,
  }, async () => {
    const midRun = await twoWorkersMidRun(
      redis,
      server.url,
      GROUP,
      SYMBOLS,
      [BTCUSDT, ETHUSDT],
      () => worker(...FAST),
      async (s) => (await redis.exists(symbolKeys(s, GROUP).checkpoint)) === 1,
    );
    const survivor = midRun.workers.find((w) => w !== midRun.target)!;
    await expectTakeover(redis, GROUP, SYMBOLS, reference, midRun);
    const stats = summaryOf(survivor).symbols[midRun.victim.symbol]!;
    expect(stats.restored, "the take-over restored the victim's checkpoint").toBe(1);
    expect(stats.rebuilt, "only the entries after the checkpoint were re-run").toBeLessThan(K);
    const line = survivor.stderr.match(
      new RegExp(`${midRun.victim.symbol}: owned .*restored the checkpoint at \\S+ and re-ran (\\d+) acknowledged`),
    );
    expect(line, survivor.stderr).not.toBeNull();
    expect(Number(line![1]), "the log says how many entries the take-over re-ran").toBe(stats.rebuilt);
    for (const s of SYMBOLS) await expectBounded(s);
  });

  test("cf:out keeps about --out-maxlen updates: the newest, equal to the replay's tail", { timeout: 180_000 }, async () => {
    await publish(server.url, BTCUSDT);
    const w = worker("--exit-when-idle-ms", "1500", "--out-maxlen", "1000");
    expect(await w.exited, w.stderr).toBe(0);
    const out = await readOutputs(redis, "BTCUSDT");
    const expected = reference.BTCUSDT!;
    expect(expected.length, "the capture has more updates than the retention").toBeGreaterThan(2000);
    // MAXLEN ~ drops whole stream nodes (100 entries each by default): at least 1000 stay, and at most a node more
    expect(out.updates.length).toBeGreaterThanOrEqual(1000);
    expect(out.updates.length).toBeLessThanOrEqual(1100);
    expect(out.updates, "the retained updates are the replay's last ones, in order").toEqual(expected.slice(-out.updates.length));
    expect(summaryOf(w).symbols.BTCUSDT!.outputs, "every update was written (and the oldest trimmed)").toBe(expected.length);
  });

  test("a group without a checkpoint holds trimming back; a checkpoint of another configuration is refused and the symbol rebuilt from the start", {
    timeout: 240_000,
  }, async () => {
    const keys = symbolKeys("BTCUSDT", GROUP);
    await redis.xgroup("CREATE", keys.input, "audit", "0", "MKSTREAM");
    await publish(server.url, BTCUSDT);
    const first = worker("--exit-when-idle-ms", "1500", "--preset", "ultraFast");
    expect(await first.exited, first.stderr).toBe(0);
    expect(summaryOf(first).symbols.BTCUSDT!.checkpoints, "checkpoints were written").toBeGreaterThan(0);
    expect(await redis.xlen(keys.input), "the group 'audit' has no checkpoint: nothing is trimmed").toBe(BTC_EVENTS);
    expect(await redis.hlen(keys.done)).toBe(BTC_EVENTS);

    const second = worker("--exit-when-idle-ms", "1500");
    expect(await second.exited, second.stderr).toBe(0);
    expect(second.stderr).toMatch(
      /BTCUSDT: the checkpoint in cf:ckpt:\{BTCUSDT\}:scores \(at \S+\) is refused: .*; rebuilding from the start/,
    );
    expect(second.stderr, "the stream holds the whole history: nothing is said to be lost").not.toMatch(/was trimmed/);
    expect(summaryOf(second).symbols.BTCUSDT, "refused, then the whole history re-run").toMatchObject({
      checkpointsRefused: 1,
      restored: 0,
      historyTrimmed: 0,
      rebuilt: BTC_EVENTS,
      divergent: 0,
    });
  });

  test("a stream deleted and published again: its new group forgets the old stream's checkpoint, which is never restored into the new history", {
    timeout: 240_000,
  }, async () => {
    const keys = symbolKeys("BTCUSDT", GROUP);
    await publish(server.url, BTCUSDT);
    const first = worker("--exit-when-idle-ms", "1500");
    expect(await first.exited, first.stderr).toBe(0);
    expect(await redis.exists(keys.checkpoint), "the first stream was checkpointed").toBe(1);
    await redis.del(keys.input);
    await publish(server.url, BTCUSDT);
    // no checkpoint of the new stream: a take-over must re-run it from its start, not from the old stream's checkpoint
    const second = worker("--exit-when-idle-ms", "1500", "--checkpoint-every", "1000000");
    expect(await second.exited, second.stderr).toBe(0);
    expect(await redis.exists(keys.checkpoint), "the group created on the new stream dropped the old checkpoint").toBe(0);
    expect(await redis.hget(keys.checkpoints, GROUP)).toBeNull();
    const third = worker("--exit-when-idle-ms", "1500");
    expect(await third.exited, third.stderr).toBe(0);
    expect(summaryOf(third).symbols.BTCUSDT, "the take-over re-ran the new stream from its start").toMatchObject({
      restored: 0,
      rebuilt: BTC_EVENTS,
      historyTrimmed: 0,
    });
  });

  test("a refused checkpoint on a trimmed stream: the lost history is said and counted, the symbol carries on from what remains", {
    timeout: 240_000,
  }, async () => {
    const keys = symbolKeys("BTCUSDT", GROUP);
    await publish(server.url, BTCUSDT);
    const first = worker("--exit-when-idle-ms", "1500", "--preset", "ultraFast");
    expect(await first.exited, first.stderr).toBe(0);
    const remaining = await redis.xlen(keys.input);
    expect(remaining, "the stream was trimmed behind the checkpoint").toBeLessThan(BTC_EVENTS);

    const second = worker("--exit-when-idle-ms", "1500");
    expect(await second.exited, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/BTCUSDT: the checkpoint in \S+ \(at \S+\) is refused/);
    expect(second.stderr).toMatch(
      new RegExp(
        `BTCUSDT: cf:in:\\{BTCUSDT\\} was trimmed \\(${BTC_EVENTS - remaining} entries before \\S+ are gone\\) and no checkpoint restores`,
      ),
    );
    expect(summaryOf(second).symbols.BTCUSDT, "refused; only what remains re-run; the loss counted").toMatchObject({
      checkpointsRefused: 1,
      historyTrimmed: 1,
      rebuilt: remaining,
    });
  });
});
