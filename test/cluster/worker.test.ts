/**
 * Scale-out over Redis Streams, end to end with real processes: a real redis-server,
 * `confluence publish` and `confluence worker` run from the built bundle (npm test builds
 * first). The reference is a single-process replay of the same captures: per symbol, the
 * score updates in the output stream must be that replay's, same JSON, same order — with
 * one worker, and with two workers one of which is SIGKILLed mid-run. Every input entry
 * must be done exactly once and no output written twice.
 */
import { describe, expect, test } from "vitest";
import type { Redis } from "ioredis";
import { encodeEvent, LatestScores, TieredCache, type MarketEvent } from "../../src/index.js";
import { RedisStore } from "../../src/cache/redisStore.js";
import { SYMBOLS_KEY, inputKey, symbolKeys, workersKey } from "../../src/cluster/keys.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { skipRedis, type RedisServer } from "../support/redis.js";
import { fullyProcessed, groupState, replyDroppingProxy, spawnCli, summaryOf, until, type CliProcess } from "../support/cluster.js";
import { expectExactlyOnce, expectTakeover, publish, referenceUpdates, twoWorkersMidRun } from "./expectations.js";
import { redisSuite } from "./redisSuite.js";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;
/** No checkpoint within a capture, so nothing is trimmed: these tests read the done marks of early entries (checkpoint.test.ts trims). */
const UNTRIMMED = ["--checkpoint-every", "1000000"];
const GROUP = "scores";
/** Short leases where a test needs a takeover within seconds; generous timeouts for a 2-core machine. */
const FAST = ["--lease-ms", "2000", "--claim-idle-ms", "1000"];

/** Per symbol, the score updates (as JSON) of a single-process replay of both captures. */
let reference: Record<string, string[]>;
let server: RedisServer;
let redis: Redis;

function worker(...args: string[]): CliProcess {
  return spawnCli(["worker", "--redis", server.url, "--group", GROUP, ...args]);
}

/** Two workers with short leases, each owning a symbol, caught with one symbol part-way done. */
function midRun(): ReturnType<typeof twoWorkersMidRun> {
  return twoWorkersMidRun(redis, server.url, GROUP, SYMBOLS, [BTCUSDT, ETHUSDT], () => worker(...FAST));
}

describe.skipIf(skipRedis)("Redis Streams scale-out", () => {
  redisSuite(async (s, r) => {
    [server, redis] = [s, r];
    reference = await referenceUpdates([BTCUSDT, ETHUSDT], SYMBOLS);
  });

  test("publish shards by symbol; one worker scores everything exactly once, identical to a single-process replay", {
    timeout: 180_000,
  }, async () => {
    const pub = await publish(server.url, BTCUSDT, ETHUSDT);
    expect(pub.stdout).toMatch(/BTCUSDT\s+41249 events → cf:in:\{BTCUSDT\}/);
    expect(pub.stdout).toMatch(/published \d+ events for 2 symbols/);
    expect((await redis.smembers(SYMBOLS_KEY)).sort()).toEqual([...SYMBOLS]);
    expect(await redis.xlen(inputKey("BTCUSDT"))).toBe(41249);

    const w = worker("--exit-when-idle-ms", "1500");
    expect(await w.exited, w.stderr).toBe(0);
    expect(await fullyProcessed(redis, SYMBOLS, GROUP)).toBe(true);
    const summary = summaryOf(w);
    for (const s of SYMBOLS) {
      await expectExactlyOnce(redis, s, GROUP, reference[s]!);
      expect(summary.symbols[s], s).toMatchObject({
        processed: (await groupState(redis, s, GROUP)).added,
        rejected: 0,
        dead: 0,
        outputs: reference[s]!.length,
        duplicates: 0,
        rebuilt: 0,
        divergent: 0,
        takeovers: 1,
        errors: 0,
        dataLosses: 0,
      });
      expect(await redis.get(symbolKeys(s, GROUP).lease), `${s}: the lease is released on exit`).toBeNull();
    }
    expect(await redis.zcard(workersKey(GROUP)), "the worker left the live set").toBe(0);
    // the latest scores are the L2 cache's entries: LatestScores reads them under the cf: prefix
    const store = new RedisStore({ url: server.url, redis: { keyPrefix: "cf:" } });
    const latest = new LatestScores(new TieredCache({ l2: store }));
    expect(await store.connected()).toBe(true);
    for (const s of SYMBOLS) expect(await latest.read(s), s).toEqual(JSON.parse(reference[s]!.at(-1)!));
    await latest.cache.close();
  });

  test("two workers share the symbols; one SIGKILLed mid-run loses nothing and duplicates nothing", { timeout: 240_000 }, async () => {
    await expectTakeover(redis, GROUP, SYMBOLS, reference, await midRun());
  });

  test("a worker paused (SIGSTOP) past its lease is fenced: another takes over, and once resumed it writes nothing", {
    timeout: 240_000,
  }, async () => {
    const { workers, publishers, victim, target } = await midRun();
    target.child.kill("SIGSTOP");
    for (const p of publishers) expect(await p.exited, p.stderr).toBe(0);
    await until(() => fullyProcessed(redis, SYMBOLS, GROUP), "the other worker to finish both symbols", 180_000, 50);
    target.child.kill("SIGCONT");
    await until(() => target.stderr.includes(`${victim.symbol}: lease lost`), "the resumed worker to find its lease lost", 60_000, 50);
    // it may get a symbol back as its share (and rebuild it); it must never write twice
    await until(() => fullyProcessed(redis, SYMBOLS, GROUP), "nothing pending after the resume", 60_000, 50);
    for (const s of SYMBOLS) await expectExactlyOnce(redis, s, GROUP, reference[s]!);
    for (const w of workers) w.child.kill("SIGTERM");
    for (const w of workers) expect(await w.exited, w.stderr).toBe(0);
    expect(summaryOf(target).symbols[victim.symbol]!.duplicates, "the fenced worker wrote nothing twice").toBe(0);
  });

  test("a worker that joins later gets its share: the first hands a symbol back, the newcomer rebuilds it and carries on", {
    timeout: 240_000,
  }, async () => {
    const first = worker(...FAST);
    await until(async () => (await redis.zcard(workersKey(GROUP))) === 1, "the first worker to join");
    await publish(server.url, BTCUSDT, ETHUSDT);
    const owner = async (s: string): Promise<string | undefined> => (await redis.get(symbolKeys(s, GROUP).lease))?.split("#")[0];
    await until(
      async () => (await Promise.all(SYMBOLS.map(owner))).every((o) => o && first.stderr.includes(o)),
      "the first worker to own both symbols",
    );

    const second = worker(...FAST);
    await until(
      async () => (await Promise.all(SYMBOLS.map(owner))).some((o) => o && second.stderr.includes(o)),
      "the newcomer to own a symbol",
      120_000,
    );
    await until(() => fullyProcessed(redis, SYMBOLS, GROUP), "every input entry acknowledged and nothing pending", 180_000, 50);
    for (const s of SYMBOLS) await expectExactlyOnce(redis, s, GROUP, reference[s]!);

    for (const w of [first, second]) w.child.kill("SIGTERM");
    for (const w of [first, second]) expect(await w.exited, w.stderr).toBe(0);
    expect(first.stderr, "the first worker handed a symbol back").toMatch(/(BTCUSDT|ETHUSDT): handed back/);
    const taken = Object.entries(summaryOf(second).symbols);
    expect(taken.length, "the newcomer took one symbol").toBeGreaterThanOrEqual(1);
    for (const [s, stats] of taken) {
      expect(stats.claimed, `${s}: a graceful hand-back leaves nothing pending to claim`).toBe(0);
      expect(stats.duplicates, `${s}: nothing is processed twice after a hand-back`).toBe(0);
    }
  });

  test("bad entries are acknowledged and counted as rejected, never fatal; the good ones score as usual", {
    timeout: 180_000,
  }, async () => {
    const trade = (symbol: string, price: number): MarketEvent => ({
      type: "trade",
      symbol,
      exchangeTime: 1723161255342,
      receiveTime: 1723161255343,
      price,
      qty: 0.5,
      buyerInitiated: true,
      tradeId: 1,
    });
    const quote: MarketEvent = {
      type: "quote",
      symbol: "BTCUSDT",
      exchangeTime: 1723161255342,
      receiveTime: 1723161255343,
      updateId: 1,
      bidPx: 61_001,
      bidQty: 1,
      askPx: 61_000,
      askQty: 1,
    };
    const input = inputKey("BTCUSDT");
    await redis.sadd(SYMBOLS_KEY, "BTCUSDT");
    await redis.xadd(input, "*", "e", "{{{ not json");
    await redis.xadd(input, "*", "x", "no e field");
    await redis.xadd(input, "*", "e", JSON.stringify({ t: "candle", s: "BTCUSDT", x: 1, r: 1 }));
    await redis.xadd(input, "*", "e", encodeEvent(trade("ETHUSDT", 3000)));
    await redis.xadd(input, "*", "e", encodeEvent(trade("BTCUSDT", -1)));
    await redis.xadd(input, "*", "e", encodeEvent(quote));
    await publish(server.url, BTCUSDT);

    const w = worker("--exit-when-idle-ms", "1500", "--backend", "js", ...UNTRIMMED);
    expect(await w.exited, w.stderr).toBe(0);
    expect(await fullyProcessed(redis, ["BTCUSDT"], GROUP)).toBe(true);
    expect(summaryOf(w).symbols.BTCUSDT, "4 malformed entries + 2 events the engine rejects").toMatchObject({
      processed: 41249 + 6,
      rejected: 6,
      malformed: 4,
    });
    const marks = await redis.hgetall(symbolKeys("BTCUSDT", GROUP).done);
    expect(Object.values(marks).filter((m) => m === "bad")).toHaveLength(4);
    await expectExactlyOnce(redis, "BTCUSDT", GROUP, reference.BTCUSDT!);
  });

  test("a read whose reply is lost with the connection (it ran on the server) skips nothing: the output is still a single process's", {
    timeout: 180_000,
  }, async () => {
    await publish(server.url, BTCUSDT);
    const proxy = await replyDroppingProxy(server.port, (reply) => reply.includes('{"t":"'));
    try {
      const w = spawnCli(["worker", "--redis", proxy.url, "--group", GROUP, ...FAST, "--exit-when-idle-ms", "4000"]);
      expect(await w.exited, w.stderr).toBe(0);
      expect(proxy.dropped(), "the proxy swallowed a reply that carried entries").toBe(true);
      expect(w.stderr, "the read that lost its reply failed at once and the symbol was taken over again").toMatch(
        /BTCUSDT: the connection to Redis closed before it answered .*; letting it go/,
      );
    } finally {
      await proxy.close();
    }
    expect(await fullyProcessed(redis, ["BTCUSDT"], GROUP)).toBe(true);
    await expectExactlyOnce(redis, "BTCUSDT", GROUP, reference.BTCUSDT!);
  });

  test("publish whose batch reply is lost stops with a typed one-line error and appends nothing twice", { timeout: 120_000 }, async () => {
    const proxy = await replyDroppingProxy(server.port, (reply) => /^:1000\r\n/.test(reply.toString("latin1")));
    try {
      const p = spawnCli(["publish", "--redis", proxy.url, BTCUSDT]);
      expect(await p.exited).toBe(1);
      expect(proxy.dropped()).toBe(true);
      expect(p.stderr.trim().split("\n")).toHaveLength(1);
      // the reader stops at the first failure (it waits for Redis between chunks): fewer than the capture's 41,249 read
      const m = /publish stopped: .*; (\d+) of (\d+) events confirmed in their streams/.exec(p.stderr);
      expect(m, p.stderr).not.toBeNull();
      expect(Number(m![1]), "confirmed ≤ read").toBeLessThanOrEqual(Number(m![2]));
      expect(Number(m![2]), "events read before it stopped").toBeLessThanOrEqual(41_249);
    } finally {
      await proxy.close();
    }
    const texts = ((await redis.xrange(inputKey("BTCUSDT"), "-", "+")) as [string, string[]][]).map(([, f]) => f[1]);
    expect(texts.length).toBeGreaterThan(0);
    expect(new Set(texts).size, "no event appended twice").toBe(texts.length);
  });

  test("stopped while Redis is down, a worker exits within about a lease (not after every retry of every call)", {
    timeout: 120_000,
  }, async () => {
    const w = worker(...FAST);
    await until(() => w.stderr.includes("joined group"), "the worker to join");
    await server.kill();
    const t0 = performance.now();
    w.child.kill("SIGTERM");
    const code = await w.exited;
    const seconds = (performance.now() - t0) / 1000;
    await server.restart();
    expect(code, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/shutdown not done within 2000 ms; disconnecting/);
    expect(seconds, "a 2 s lease: well under the ~2 minutes the retries alone would take").toBeLessThan(30);
  });

  test.each([
    [
      "no --group",
      2,
      ["worker", "--redis", "redis://127.0.0.1:1"],
      /required option '-g, --group <name>' not specified; see 'confluence worker --help'/,
    ],
    [
      "a bad --lease-ms",
      2,
      ["worker", "--redis", "redis://127.0.0.1:1", "--group", "g", "--lease-ms", "10"],
      /--lease-ms 10: expected an integer from 100/,
    ],
    [
      "a bad --max-symbols",
      2,
      ["worker", "--redis", "redis://127.0.0.1:1", "--group", "g", "--max-symbols", "0"],
      /--max-symbols 0: expected an integer from 1 to 1000000/,
    ],
    [
      "a bad --max-entry-bytes",
      2,
      ["worker", "--redis", "redis://127.0.0.1:1", "--group", "g", "--max-entry-bytes", "100000000"],
      /--max-entry-bytes 100000000: expected an integer from 1024 to 67108864/,
    ],
    [
      "a non-URL --redis",
      2,
      ["publish", "--redis", "localhost", BTCUSDT],
      /--redis localhost: expected a URL like redis:\/\/\[user:password@\]host\[:port\]\[\/db\]/,
    ],
    [
      "a port out of range",
      2,
      ["publish", "--redis", "redis://127.0.0.1:99999", BTCUSDT],
      /--redis redis:\/\/127\.0\.0\.1:99999: expected a URL/,
    ],
    [
      "a path that is not a database number",
      2,
      ["worker", "--redis", "redis://127.0.0.1:6379/abc", "--group", "g"],
      /the path must be a database number/,
    ],
    [
      "an unreachable server",
      1,
      ["publish", "--redis", "redis://127.0.0.1:1", BTCUSDT],
      /127\.0\.0\.1:1: connection refused: expected a reachable Redis server/,
    ],
  ] as const)("%s: exit %i, one line, no stack trace", async (_, code, args, message) => {
    const p = spawnCli(args);
    expect(await p.exited).toBe(code);
    expect(p.stderr.trim().split("\n")).toHaveLength(1);
    expect(p.stderr).toMatch(message);
  });

  test("a database the server does not have: exit 1, one line, and nothing written to database 0", async () => {
    const p = spawnCli(["publish", "--redis", `${server.url}/99`, BTCUSDT]);
    expect(await p.exited).toBe(1);
    expect(p.stderr.trim().split("\n")).toHaveLength(1);
    expect(p.stderr).toMatch(/database 99: .*DB index is out of range/);
    expect(await redis.dbsize()).toBe(0);
  });
});
