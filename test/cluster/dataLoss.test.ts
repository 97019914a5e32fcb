/**
 * Redis losing a worker's data under it, with real processes and a real redis-server:
 * FLUSHALL, a restart without persistence, the input stream deleted while owned, and the
 * group's delivery going back (as a restore of an older snapshot does). Each time the
 * worker must say so once (not every poll), recreate what it needs, drop the engine state
 * that no longer matches the streams, keep its counters true (each input entry of the
 * current streams counted once), and produce output identical to a single-process replay
 * of the streams as they are now.
 */
import { describe, expect, test } from "vitest";
import type { Redis } from "ioredis";
import { inputKey, symbolKeys, workersKey } from "../../src/cluster/keys.js";
import { BTCUSDT } from "../support/capture.js";
import { captureLines, writeCapture } from "../support/engineRun.js";
import { skipRedis, type RedisServer } from "../support/redis.js";
import { fullyProcessed, linesMatching, readOutputs, spawnCli, summaryOf, until, type CliProcess } from "../support/cluster.js";
import { expectExactlyOnce, firstDifference, publish, referenceUpdates } from "./expectations.js";
import { redisSuite } from "./redisSuite.js";

/** No checkpoint within a capture, so nothing is trimmed: these tests read the done marks of early entries (checkpoint.test.ts trims). */
const UNTRIMMED = ["--checkpoint-every", "1000000"];
const GROUP = "scores";
const FAST = ["--lease-ms", "2000", "--claim-idle-ms", "1000"];
const BTC_EVENTS = 41249;

let reference: string[];
let server: RedisServer;
let redis: Redis;

function worker(): CliProcess {
  return spawnCli(["worker", "--redis", server.url, "--group", GROUP, ...FAST, ...UNTRIMMED]);
}

const btcDone = (): Promise<boolean> => fullyProcessed(redis, ["BTCUSDT"], GROUP);

/** Waits until the worker has run `n` more ticks (each moves its heartbeat's expiry in cf:workers:G). */
async function ticks(n: number): Promise<void> {
  let last = "",
    seen = -1;
  await until(async () => {
    const [, score] = await redis.zrange(workersKey(GROUP), "0", "0", "WITHSCORES");
    if (score !== undefined && score !== last) {
      last = score;
      seen++;
    }
    return seen >= n;
  }, `${n} worker ticks`);
}

async function stop(w: CliProcess): Promise<ReturnType<typeof summaryOf>> {
  w.child.kill("SIGTERM");
  expect(await w.exited, w.stderr).toBe(0);
  return summaryOf(w);
}

describe.skipIf(skipRedis)("Redis losing its data", () => {
  redisSuite(async (s, r) => {
    [server, redis] = [s, r];
    reference = (await referenceUpdates([BTCUSDT], ["BTCUSDT"])).BTCUSDT!;
  });

  // a restart may end the ownership with a connection error rather than finding the group gone: then that line is not logged
  test.each([
    ["FLUSHALL", async (): Promise<void> => void (await redis.flushall()), [1, 1]],
    [
      "a restart without persistence",
      async (): Promise<void> => {
        await server.kill();
        await server.restart();
      },
      [0, 1],
    ],
  ] as const)(
    "%s: logged once, the group recreated, counters restart with the re-published streams, output identical to a replay of them",
    { timeout: 180_000 },
    async (_, lose, [least, most]) => {
      const w = worker();
      await publish(server.url, BTCUSDT);
      await until(btcDone, "the first publication processed", 120_000, 50);
      await lose();
      await until(() => w.stderr.includes("cf:symbols is empty"), "the worker to notice that cf:symbols is gone");
      await ticks(3);
      await publish(server.url, BTCUSDT);
      await until(btcDone, "the re-published streams processed", 120_000, 50);
      const summary = await stop(w);
      expect(summary.symbols.BTCUSDT, "counters describe the current streams only; the loss is counted").toMatchObject({
        processed: BTC_EVENTS,
        outputs: reference.length,
        duplicates: 0,
        dead: 0,
        dataLosses: 1,
      });
      await expectExactlyOnce(redis, "BTCUSDT", GROUP, reference);
      expect(linesMatching(w.stderr, /cf:symbols is empty \(it listed 1 symbol:/), `said once, not every tick:\n${w.stderr}`).toBe(1);
      expect(linesMatching(w.stderr, /BTCUSDT: entry \S+, the last this worker recorded, is gone .*: its counters restart/), w.stderr).toBe(
        1,
      );
      const gone = linesMatching(w.stderr, /BTCUSDT: its input stream or consumer group is gone/);
      expect(gone, `the stream and group found gone, said once:\n${w.stderr}`).toBeGreaterThanOrEqual(least);
      expect(gone, `the stream and group found gone, said once:\n${w.stderr}`).toBeLessThanOrEqual(most);
    },
  );

  test("the input stream deleted while owned: the symbol is let go once, taken again, and the re-published stream scores like a replay", {
    timeout: 180_000,
  }, async () => {
    const w = worker();
    await publish(server.url, BTCUSDT);
    await until(btcDone, "the first publication processed", 120_000, 50);
    const before = await readOutputs(redis, "BTCUSDT");
    await redis.del(inputKey("BTCUSDT"));
    await until(
      () => /BTCUSDT: entry \S+, the last this worker recorded, is gone/.test(w.stderr),
      "the worker to take the symbol again and notice the loss",
    );
    await publish(server.url, BTCUSDT);
    await until(btcDone, "the re-published stream processed", 120_000, 50);
    const summary = await stop(w);
    expect(linesMatching(w.stderr, /BTCUSDT: its input stream or consumer group is gone/), w.stderr).toBe(1);
    expect(summary.symbols.BTCUSDT, "counted once, for the new stream").toMatchObject({
      processed: BTC_EVENTS,
      outputs: reference.length,
      duplicates: 0,
      dataLosses: 1,
    });
    const after = await readOutputs(redis, "BTCUSDT");
    expect(firstDifference(after.updates.slice(0, before.updates.length), before.updates), "the old outputs stay as they were").toBe(-1);
    const fresh = after.updates.slice(before.updates.length);
    const at = firstDifference(fresh, reference);
    expect(at, `the new stream's update ${at} differs from the replay:\n${fresh[at]}\n${reference[at]}`).toBe(-1);
    const ids = new Set(((await redis.xrange(inputKey("BTCUSDT"), "-", "+")) as [string, string[]][]).map(([id]) => id));
    expect(
      after.inputIds.slice(before.inputIds.length).every((id) => ids.has(id)),
      "the new outputs are tagged with the new stream's ids",
    ).toBe(true);
  });

  test("the group's delivery goes back (XGROUP SETID, as a restore of an older snapshot does): state dropped and re-run, nothing counted twice, later outputs still the replay's", {
    timeout: 180_000,
  }, async () => {
    const lines = captureLines(BTCUSDT);
    const [first, second] = [writeCapture(lines.slice(0, 20_000)), writeCapture(lines.slice(20_000))];
    const w = worker();
    await publish(server.url, first);
    await until(btcDone, "the first half processed", 120_000, 50);
    const outputsBefore = await redis.xlen(symbolKeys("BTCUSDT", GROUP).output);
    await redis.xgroup("SETID", inputKey("BTCUSDT"), GROUP, "0");
    await until(
      () => w.stderr.includes("BTCUSDT: its consumer group delivered an entry the engine had already seen"),
      "the worker to notice the rewind",
    );
    await until(btcDone, "the re-delivered entries processed again", 120_000, 50);
    expect(await redis.xlen(symbolKeys("BTCUSDT", GROUP).output), "re-running wrote nothing twice").toBe(outputsBefore);
    await publish(server.url, second);
    await until(btcDone, "the second half processed", 120_000, 50);
    const summary = await stop(w);
    expect(summary.symbols.BTCUSDT, "each entry counted once; the re-run's outputs were skipped").toMatchObject({
      processed: BTC_EVENTS,
      outputs: reference.length,
      dataLosses: 0,
    });
    expect(summary.symbols.BTCUSDT!.duplicates, "the re-run's outputs were skipped").toBe(outputsBefore);
    await expectExactlyOnce(redis, "BTCUSDT", GROUP, reference);
  });
});
