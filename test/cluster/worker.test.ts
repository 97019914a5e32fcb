/**
 * Scale-out over Redis Streams, end to end with real processes: a real redis-server,
 * `confluence publish` and `confluence worker` run from the built bundle (npm test builds
 * first). The reference is a single-process replay of the same captures: per symbol, the
 * score updates in the output stream must be that replay's, same JSON, same order — with
 * one worker, and with two workers one of which is SIGKILLed mid-run. Every input entry
 * must be done exactly once and no output written twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { Redis } from "ioredis";
import { encodeEvent, LatestScores, loadKernels, TieredCache, type MarketEvent } from "../../src/index.js";
import { RedisStore } from "../../src/cache/redisStore.js";
import { SYMBOLS_KEY, inputKey, symbolKeys, workersKey } from "../../src/cluster/keys.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { runEngine } from "../support/engineRun.js";
import { RedisServer, skipRedis } from "../support/redis.js";
import { fullyProcessed, groupState, killAll, readOutputs, replyDroppingProxy, spawnCli, until, type CliProcess } from "../support/cluster.js";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;
const GROUP = "scores";
/** Short leases where a test needs a takeover within seconds; generous timeouts for a 2-core machine. */
const FAST = ["--lease-ms", "2000", "--claim-idle-ms", "1000"];

/** Per symbol, the score updates (as JSON) of a single-process replay of both captures. */
let reference: Record<string, string[]>;
let server: RedisServer;
let redis: Redis;

/** The index of the first element where two lists differ (−1: identical). */
function firstDifference(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

async function publish(...files: string[]): Promise<CliProcess> {
  const p = spawnCli(["publish", "--redis", server.url, ...files]);
  expect(await p.exited, p.stderr).toBe(0);
  return p;
}

function worker(...args: string[]): CliProcess {
  return spawnCli(["worker", "--redis", server.url, "--group", GROUP, ...args]);
}

/** The summary line a worker prints on exit. */
function summaryOf(p: CliProcess): { consumer: string; symbols: Record<string, Record<string, number>> } {
  return JSON.parse(p.stdout.trim().split("\n").pop()!);
}

/** Everything the protocol promises about a symbol once all its input is processed. */
async function expectExactlyOnce(symbol: string, expected: readonly string[]): Promise<void> {
  const keys = symbolKeys(symbol, GROUP);
  const inputIds = ((await redis.xrange(keys.input, "-", "+")) as [string, string[]][]).map(([id]) => id);
  const done = await redis.hkeys(keys.done);
  expect(done.length, `${symbol}: cf:done has one field per input entry`).toBe(inputIds.length);
  expect(new Set(done), `${symbol}: cf:done holds exactly the input entry ids`).toEqual(new Set(inputIds));
  const out = await readOutputs(redis, symbol);
  expect(new Set(out.inputIds).size, `${symbol}: no input entry id appears twice in the output stream`).toBe(out.inputIds.length);
  const known = new Set(inputIds);
  expect(out.inputIds.every((id) => known.has(id)), `${symbol}: every output is tagged with an input entry id`).toBe(true);
  expect(out.updates.length, `${symbol}: as many score updates as the single-process replay`).toBe(expected.length);
  const at = firstDifference(out.updates, expected);
  expect(at, `${symbol}: score update ${at} differs from the single-process replay:\n${out.updates[at]}\n${expected[at]}`).toBe(-1);
  expect(await redis.get(keys.score), `${symbol}: cf:score holds the latest update`).toBe(expected[expected.length - 1]);
  expect(await redis.pttl(keys.score), `${symbol}: cf:score has a TTL`).toBeGreaterThan(0);
}

/** Two workers of the group each owning one symbol, both captures being published; the victim: a worker whose symbol has outputs but is unfinished. */
async function twoWorkersMidRun(): Promise<{
  workers: CliProcess[]; publishers: CliProcess[]; target: CliProcess; victim: { symbol: string; consumer: string; outputsAtKill: number };
}> {
  const workers = [worker(...FAST), worker(...FAST)];
  await until(async () => (await redis.zcard(workersKey(GROUP))) === 2, "both workers to join");
  // one publisher per capture, side by side, so both symbols appear at once and spread
  const publishers = [spawnCli(["publish", "--redis", server.url, BTCUSDT]), spawnCli(["publish", "--redis", server.url, ETHUSDT])];
  let victim: { symbol: string; consumer: string; outputsAtKill: number } | undefined;
  await until(async () => {
    const owners = (await Promise.all(SYMBOLS.map((s) => redis.get(symbolKeys(s, GROUP).lease)))).map((l) => l?.split("#")[0]);
    if (!owners.every((o) => o) || new Set(owners).size !== 2) return false;
    for (const [i, s] of SYMBOLS.entries()) {
      const outputs = await redis.xlen(symbolKeys(s, GROUP).output);
      const g = await groupState(redis, s, GROUP);
      if (outputs > 0 && (g.pending > 0 || g.lastDelivered !== g.lastId)) {
        victim = { symbol: s, consumer: owners[i]!, outputsAtKill: outputs };
        return true;
      }
    }
    return false;
  }, "each worker to own a symbol and one symbol to be part-way done", 120_000, 5);
  // a worker's consumer name is in its log lines (stderr)
  const target = workers.find((w) => w.stderr.includes(victim!.consumer));
  expect(target, "the victim is one of the spawned workers").toBeDefined();
  return { workers, publishers, target: target!, victim: victim! };
}

describe.skipIf(skipRedis)("Redis Streams scale-out", () => {
  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
    redis.on("error", () => {}); // a test stops the server: this client reconnects once it is back
    const run = await runEngine(await loadKernels(), [BTCUSDT, ETHUSDT]);
    reference = Object.fromEntries(SYMBOLS.map((s) => [s, run.updates.filter((u) => u.symbol === s).map((u) => JSON.stringify(u))]));
    run.engine.dispose();
  });

  beforeEach(async () => {
    await redis.flushall();
  });

  afterAll(async () => {
    await killAll();
    redis?.disconnect();
    await server?.stop();
  });

  test("publish shards by symbol; one worker scores everything exactly once, identical to a single-process replay", { timeout: 180_000 }, async () => {
    const pub = await publish(BTCUSDT, ETHUSDT);
    expect(pub.stdout).toMatch(/BTCUSDT\s+41249 events → cf:in:\{BTCUSDT\}/);
    expect(pub.stdout).toMatch(/published \d+ events for 2 symbols/);
    expect((await redis.smembers(SYMBOLS_KEY)).sort()).toEqual([...SYMBOLS]);
    expect(await redis.xlen(inputKey("BTCUSDT"))).toBe(41249);

    const w = worker("--exit-when-idle-ms", "1500");
    expect(await w.exited, w.stderr).toBe(0);
    expect(await fullyProcessed(redis, SYMBOLS, GROUP)).toBe(true);
    const summary = summaryOf(w);
    for (const s of SYMBOLS) {
      await expectExactlyOnce(s, reference[s]!);
      expect(summary.symbols[s], s).toMatchObject({
        processed: await redis.xlen(inputKey(s)), rejected: 0, outputs: reference[s]!.length, duplicates: 0, rebuilt: 0, takeovers: 1,
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
    const { workers, publishers, victim: killed, target } = await twoWorkersMidRun();
    target.child.kill("SIGKILL");
    expect(await target.exited).toBeNull();
    const { pending: pendingAtKill, length: lengthAtKill } = await groupState(redis, killed.symbol, GROUP);
    const survivor = workers.find((w) => w !== target)!;

    for (const p of publishers) expect(await p.exited, p.stderr).toBe(0);
    await until(() => fullyProcessed(redis, SYMBOLS, GROUP), "every input entry acknowledged and nothing pending", 180_000, 50);
    for (const s of SYMBOLS) await expectExactlyOnce(s, reference[s]!);

    // the survivor stops gracefully on SIGTERM: releases its leases, reports what it did
    survivor.child.kill("SIGTERM");
    expect(await survivor.exited, survivor.stderr).toBe(0);
    const stats = summaryOf(survivor).symbols[killed.symbol]!;
    expect(stats.takeovers, `the survivor took ${killed.symbol} over`).toBeGreaterThanOrEqual(1);
    expect(stats.claimed, `the survivor claimed what the victim left pending (${pendingAtKill} of ${lengthAtKill} entries)`).toBeGreaterThanOrEqual(pendingAtKill);
    expect(stats.rebuilt, "the state was rebuilt from the acknowledged history").toBeGreaterThan(0);
    expect(stats.duplicates, "the claimed entries had no outputs yet: nothing was skipped").toBe(0);
    expect(stats.outputs, "the survivor wrote the rest of the victim's outputs, and only those").toBeLessThanOrEqual(reference[killed.symbol]!.length - killed.outputsAtKill);
    const own = SYMBOLS.find((s) => s !== killed.symbol)!;
    if (summaryOf(survivor).symbols[own]) expect(summaryOf(survivor).symbols[own]!.outputs, `the survivor scored all of ${own}`).toBe(reference[own]!.length);
    for (const s of SYMBOLS) expect(await redis.get(symbolKeys(s, GROUP).lease), `${s}: lease released`).toBeNull();
  });

  test("a worker paused (SIGSTOP) past its lease is fenced: another takes over, and once resumed it writes nothing", { timeout: 240_000 }, async () => {
    const { workers, publishers, victim, target } = await twoWorkersMidRun();
    target.child.kill("SIGSTOP");
    for (const p of publishers) expect(await p.exited, p.stderr).toBe(0);
    await until(() => fullyProcessed(redis, SYMBOLS, GROUP), "the other worker to finish both symbols", 180_000, 50);
    target.child.kill("SIGCONT");
    await until(() => target.stderr.includes(`${victim.symbol}: lease lost`), "the resumed worker to find its lease lost", 60_000, 50);
    // it may get a symbol back as its share (and rebuild it); it must never write twice
    await until(() => fullyProcessed(redis, SYMBOLS, GROUP), "nothing pending after the resume", 60_000, 50);
    for (const s of SYMBOLS) await expectExactlyOnce(s, reference[s]!);
    for (const w of workers) w.child.kill("SIGTERM");
    for (const w of workers) expect(await w.exited, w.stderr).toBe(0);
    expect(summaryOf(target).symbols[victim.symbol]!.duplicates, "the fenced worker wrote nothing twice").toBe(0);
  });

  test("a worker that joins later gets its share: the first hands a symbol back, the newcomer rebuilds it and carries on", { timeout: 240_000 }, async () => {
    const first = worker(...FAST);
    await until(async () => (await redis.zcard(workersKey(GROUP))) === 1, "the first worker to join");
    await publish(BTCUSDT, ETHUSDT);
    const owner = async (s: string): Promise<string | undefined> => (await redis.get(symbolKeys(s, GROUP).lease))?.split("#")[0];
    await until(async () => (await Promise.all(SYMBOLS.map(owner))).every((o) => o && first.stderr.includes(o)), "the first worker to own both symbols");

    const second = worker(...FAST);
    await until(async () => (await Promise.all(SYMBOLS.map(owner))).some((o) => o && second.stderr.includes(o)), "the newcomer to own a symbol", 120_000);
    await until(() => fullyProcessed(redis, SYMBOLS, GROUP), "every input entry acknowledged and nothing pending", 180_000, 50);
    for (const s of SYMBOLS) await expectExactlyOnce(s, reference[s]!);

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

  test("bad entries are acknowledged and counted as rejected, never fatal; the good ones score as usual", { timeout: 180_000 }, async () => {
    const trade = (symbol: string, price: number): MarketEvent => ({
      type: "trade", symbol, exchangeTime: 1723161255342, receiveTime: 1723161255343, price, qty: 0.5, buyerInitiated: true, tradeId: 1,
    });
    const quote: MarketEvent = {
      type: "quote", symbol: "BTCUSDT", exchangeTime: 1723161255342, receiveTime: 1723161255343, updateId: 1, bidPx: 61_001, bidQty: 1, askPx: 61_000, askQty: 1,
    };
    const input = inputKey("BTCUSDT");
    await redis.sadd(SYMBOLS_KEY, "BTCUSDT");
    await redis.xadd(input, "*", "e", "{{{ not json");
    await redis.xadd(input, "*", "x", "no e field");
    await redis.xadd(input, "*", "e", JSON.stringify({ t: "candle", s: "BTCUSDT", x: 1, r: 1 }));
    await redis.xadd(input, "*", "e", encodeEvent(trade("ETHUSDT", 3000)));
    await redis.xadd(input, "*", "e", encodeEvent(trade("BTCUSDT", -1)));
    await redis.xadd(input, "*", "e", encodeEvent(quote));
    await publish(BTCUSDT);

    const w = worker("--exit-when-idle-ms", "1500", "--backend", "js");
    expect(await w.exited, w.stderr).toBe(0);
    expect(await fullyProcessed(redis, ["BTCUSDT"], GROUP)).toBe(true);
    expect(summaryOf(w).symbols.BTCUSDT, "4 malformed entries + 2 events the engine rejects").toMatchObject({ processed: 41249 + 6, rejected: 6, malformed: 4 });
    const marks = await redis.hgetall(symbolKeys("BTCUSDT", GROUP).done);
    expect(Object.values(marks).filter((m) => m === "bad")).toHaveLength(4);
    await expectExactlyOnce("BTCUSDT", reference.BTCUSDT!);
  });

  test("a read whose reply is lost with the connection (it ran on the server) skips nothing: the output is still a single process's", { timeout: 180_000 }, async () => {
    await publish(BTCUSDT);
    const proxy = await replyDroppingProxy(server.port, (reply) => reply.includes('{"t":"'));
    try {
      const w = spawnCli(["worker", "--redis", proxy.url, "--group", GROUP, ...FAST, "--exit-when-idle-ms", "4000"]);
      expect(await w.exited, w.stderr).toBe(0);
      expect(proxy.dropped(), "the proxy swallowed a reply that carried entries").toBe(true);
      expect(w.stderr, "the read that lost its reply failed at once and the symbol was taken over again").toMatch(/BTCUSDT: the connection to Redis closed before it answered .*; letting it go/);
    } finally {
      await proxy.close();
    }
    expect(await fullyProcessed(redis, ["BTCUSDT"], GROUP)).toBe(true);
    await expectExactlyOnce("BTCUSDT", reference.BTCUSDT!);
  });

  test("publish whose batch reply is lost stops with a typed one-line error and appends nothing twice", { timeout: 120_000 }, async () => {
    const proxy = await replyDroppingProxy(server.port, (reply) => /^:1000\r\n/.test(reply.toString("latin1")));
    try {
      const p = spawnCli(["publish", "--redis", proxy.url, BTCUSDT]);
      expect(await p.exited).toBe(1);
      expect(proxy.dropped()).toBe(true);
      expect(p.stderr.trim().split("\n")).toHaveLength(1);
      expect(p.stderr).toMatch(/publish stopped: .*; \d+ of 41249 events confirmed in their streams/);
    } finally {
      await proxy.close();
    }
    const texts = ((await redis.xrange(inputKey("BTCUSDT"), "-", "+")) as [string, string[]][]).map(([, f]) => f[1]);
    expect(texts.length).toBeGreaterThan(0);
    expect(new Set(texts).size, "no event appended twice").toBe(texts.length);
  });

  test("stopped while Redis is down, a worker exits within about a lease (not after every retry of every call)", { timeout: 120_000 }, async () => {
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
    ["no --group", 2, ["worker", "--redis", "redis://127.0.0.1:1"], /worker needs --group NAME/],
    ["a bad --lease-ms", 2, ["worker", "--redis", "redis://127.0.0.1:1", "--group", "g", "--lease-ms", "10"], /--lease-ms 10: expected an integer from 100/],
    ["a non-URL --redis", 2, ["publish", "--redis", "localhost", BTCUSDT], /--redis localhost: expected a URL like redis:\/\/\[user:password@\]host\[:port\]\[\/db\]/],
    ["a port out of range", 2, ["publish", "--redis", "redis://127.0.0.1:99999", BTCUSDT], /--redis redis:\/\/127\.0\.0\.1:99999: expected a URL/],
    ["a path that is not a database number", 2, ["worker", "--redis", "redis://127.0.0.1:6379/abc", "--group", "g"], /the path must be a database number/],
    ["an unreachable server", 1, ["publish", "--redis", "redis://127.0.0.1:1", BTCUSDT], /127\.0\.0\.1:1: connect ECONNREFUSED.*: expected a reachable Redis server/],
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
