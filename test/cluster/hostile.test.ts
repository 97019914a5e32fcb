/**
 * Inputs that must not make a worker loop or grow without bound, with real processes and a
 * real redis-server: a symbol whose stream key holds a string, names in cf:symbols that
 * cannot be symbols, entries far larger than any event or with hundreds of fields, and a
 * share of symbols above --max-symbols. Each is turned away, counted and logged once (or
 * retried with a doubling wait), and the good input beside it scores like a replay.
 */
import { describe, expect, test } from "vitest";
import type { Redis } from "ioredis";
import { SYMBOLS_KEY, inputKey, symbolKeys } from "../../src/cluster/keys.js";
import { encodeEvent } from "../../src/index.js";
import { MAX_BACKOFF_MS } from "../../src/cluster/symbolLedger.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { skipRedis, type RedisServer } from "../support/redis.js";
import { fullyProcessed, linesMatching, spawnCli, summaryOf, type CliProcess } from "../support/cluster.js";
import { expectExactlyOnce, publish, referenceUpdates } from "./expectations.js";
import { redisSuite } from "./redisSuite.js";

/** No checkpoint within a capture, so nothing is trimmed: these tests read the done marks of early entries (checkpoint.test.ts trims). */
const UNTRIMMED = ["--checkpoint-every", "1000000"];
const GROUP = "scores";
const BTC_EVENTS = 41249;

let reference: Record<string, string[]>;
let server: RedisServer;
let redis: Redis;

async function runWorker(...args: string[]): Promise<CliProcess> {
  const w = spawnCli(["worker", "--redis", server.url, "--group", GROUP, "--exit-when-idle-ms", "3000", ...UNTRIMMED, ...args]);
  expect(await w.exited, w.stderr).toBe(0);
  return w;
}

describe.skipIf(skipRedis)("hostile input to the scale-out", () => {
  redisSuite(async (s, r) => {
    [server, redis] = [s, r];
    reference = await referenceUpdates([BTCUSDT, ETHUSDT], ["BTCUSDT", "ETHUSDT"]);
  });

  test("a stream key of the wrong type, unusable names, over-size entries: turned away and counted, retried only with a doubling wait; the rest scores as usual", {
    timeout: 180_000,
  }, async () => {
    await redis.set(inputKey("BROKEN"), "not a stream");
    await redis.sadd(SYMBOLS_KEY, "BROKEN", "A{B}", "", "X".repeat(129));
    const input = inputKey("BTCUSDT");
    // a real event (read whole, it would count and move every later score) padded past the 1 MiB bound
    const trade = encodeEvent({
      type: "trade",
      symbol: "BTCUSDT",
      exchangeTime: 1723161250000,
      receiveTime: 1723161250001,
      price: 61_800,
      qty: 5,
      buyerInitiated: true,
      tradeId: 1,
    });
    await redis.xadd(input, "*", "e", trade, "pad", "p".repeat(2 << 20));
    await redis.xadd(input, "*", "e", "x".repeat(2 << 20));
    await redis.xadd(input, "*", ...Array.from({ length: 300 }, (_, i) => [`f${i}`, "1"]).flat());
    await publish(server.url, BTCUSDT);

    const w = await runWorker();
    expect(await fullyProcessed(redis, ["BTCUSDT"], GROUP)).toBe(true);
    const { symbols } = summaryOf(w);
    expect(Object.keys(symbols).sort(), "only real symbols are taken").toEqual(["BROKEN", "BTCUSDT"]);
    expect(symbols.BTCUSDT, "the three over-size entries are malformed, acknowledged, and nothing else changes").toMatchObject({
      processed: BTC_EVENTS + 3,
      malformed: 3,
      rejected: 3,
      dead: 0,
      outputs: reference.BTCUSDT!.length,
      takeovers: 1,
      errors: 0,
    });
    const marks = await redis.hgetall(symbolKeys("BTCUSDT", GROUP).done);
    expect(
      Object.values(marks).filter((m) => m === "bad"),
      "marked bad",
    ).toHaveLength(3);
    await expectExactlyOnce(redis, "BTCUSDT", GROUP, reference.BTCUSDT!);

    expect(symbols.BROKEN, "never owned, every failure counted").toMatchObject({ takeovers: 0, processed: 0 });
    const waits = [...w.stderr.matchAll(/BROKEN: .*WRONGTYPE.*; letting it go \(error (\d+); taken again in (\d+) ms or later\)/g)].map(
      (m) => [Number(m[1]), Number(m[2])],
    );
    expect(waits.length, `every failure is logged with its wait:\n${w.stderr}`).toBe(symbols.BROKEN!.errors);
    for (const [i, [n, wait]] of waits.entries()) {
      expect(n, "failures are numbered in order").toBe(i + 1);
      expect(wait, "the wait doubles with each failure in a row (from one tick), up to the cap").toBe(
        Math.min(waits[0]![1]! * 2 ** i, MAX_BACKOFF_MS),
      );
    }
    expect(
      linesMatching(w.stderr, /cf:symbols: ignoring 3 names that cannot be a symbol/),
      `logged once, not every tick:\n${w.stderr}`,
    ).toBe(1);

    // another worker rebuilds the whole history: the over-size entries are bounded (and malformed) there too
    const second = await runWorker();
    expect(summaryOf(second).symbols.BTCUSDT, "the rebuild decides every entry as the first run did").toMatchObject({
      rebuilt: BTC_EVENTS + 3,
      divergent: 0,
      processed: 0,
      takeovers: 1,
    });
  });

  test("--max-symbols bounds what one worker owns: the rest is left to other workers, logged once and reported", {
    timeout: 120_000,
  }, async () => {
    await publish(server.url, BTCUSDT, ETHUSDT);
    const w = await runWorker("--max-symbols", "1");
    const summary = summaryOf(w);
    const owned = Object.keys(summary.symbols);
    expect(owned, "one symbol owned").toHaveLength(1);
    const [symbol] = owned as [string];
    const other = symbol === "BTCUSDT" ? "ETHUSDT" : "BTCUSDT";
    expect(summary.symbols[symbol]!.processed).toBe(await redis.xlen(inputKey(symbol)));
    expect(summary.symbolsOverLimit, "the share exceeded the limit by one symbol").toBe(1);
    expect(await redis.xlen(symbolKeys(other, GROUP).output), `${other} was left alone`).toBe(0);
    expect(linesMatching(w.stderr, /share of 2 symbols exceeds maxSymbols 1: owning 1/), w.stderr).toBe(1);
  });
});
