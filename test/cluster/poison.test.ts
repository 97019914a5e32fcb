/**
 * Poison messages in the Redis Streams scale-out, with real processes and a real
 * redis-server: an entry whose processing fails for real — the engine's latest-score cache
 * (EngineOptions.cache, `caching: true`, called inside `process`) throws for one chosen
 * score update per symbol (test/cluster/fixtures/poisonWorker.mjs). Such an entry must go
 * to cf:dead:{S} with its reason, be acknowledged and counted, and the symbol must carry
 * on: no loop, and every other output exactly a single-process replay's — also after a
 * takeover whose rebuild re-runs the poison entry.
 */
import { describe, expect, test } from "vitest";
import type { Redis } from "ioredis";
import { ClusterWorker } from "../../src/cluster/clusterWorker.js";
import { symbolKeys } from "../../src/cluster/keys.js";
import { decodeEvent, type ScoreCache } from "../../src/index.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { skipRedis, type RedisServer } from "../support/redis.js";
import { fullyProcessed, linesMatching, spawnScript, summaryOf, until, type CliProcess } from "../support/cluster.js";
import { expectExactlyOnce, publish, referenceUpdates, twoWorkersMidRun } from "./expectations.js";
import { redisSuite } from "./redisSuite.js";

const SYMBOLS = ["BTCUSDT", "ETHUSDT"] as const;
const GROUP = "scores";
/** A checkpoint interval longer than the captures. */
const NO_CHECKPOINT = 1_000_000;
const FIXTURE = new URL("./fixtures/poisonWorker.mjs", import.meta.url).pathname;
/** The score update, by index in each symbol's replay, whose cache write throws (early, so a mid-run kill comes after it). */
const POISONED = 60;
/** How each symbol's poisoned update fails: a TypeError (a bug) for one, the library's typed error (data) for the other. */
const KIND = { BTCUSDT: "bug", ETHUSDT: "data" } as const;

let reference: Record<string, string[]>;
let server: RedisServer;
let redis: Redis;

/** The replay's updates without the poisoned one: what the output stream must hold. */
const expected = (symbol: string): string[] => reference[symbol]!.filter((_, i) => i !== POISONED);

function poisonWorker(timing: Record<string, number>): CliProcess {
  const poison = Object.fromEntries(SYMBOLS.map((s) => [reference[s]![POISONED]!, KIND[s]]));
  // no checkpoint within a capture (so nothing is trimmed): these tests read the marks and re-runs of early entries
  return spawnScript(FIXTURE, [JSON.stringify({ url: server.url, group: GROUP, poison, checkpointEvery: NO_CHECKPOINT, ...timing })]);
}

/** The dead letters of a symbol, as field maps. */
async function deadLetters(symbol: string): Promise<Map<string, string>[]> {
  const entries = (await redis.xrange(symbolKeys(symbol, GROUP).dead, "-", "+")) as [string, string[]][];
  return entries.map(([, f]) => {
    const m = new Map<string, string>();
    for (let i = 0; i + 1 < f.length; i += 2) m.set(f[i]!, f[i + 1]!);
    return m;
  });
}

/** The dead letter holds the entry that caused the poisoned update: its id, kind, reason and original `e` field. */
async function expectDeadLetter(symbol: keyof typeof KIND): Promise<void> {
  const letters = await deadLetters(symbol);
  expect(letters, `${symbol}: one dead letter`).toHaveLength(1);
  const letter = letters[0]!;
  const id = letter.get("in")!;
  expect(await redis.hget(symbolKeys(symbol, GROUP).done, id), `${symbol}: the dead letter's input entry is marked dead`).toBe("dead");
  const [, fields] = ((await redis.xrange(symbolKeys(symbol, GROUP).input, id, id)) as [string, string[]][])[0]!;
  expect(letter.get("e"), `${symbol}: the dead letter carries the entry's original field`).toBe(fields[fields.indexOf("e") + 1]);
  const poisoned = JSON.parse(reference[symbol]![POISONED]!) as { time: number };
  expect(decodeEvent(letter.get("e")!).exchangeTime, `${symbol}: the dead entry is the event that triggered the poisoned update`).toBe(
    poisoned.time,
  );
  expect(letter.get("kind"), `${symbol}: failure kind`).toBe(KIND[symbol]);
  expect(letter.get("reason"), `${symbol}: the reason names the error`).toMatch(
    KIND[symbol] === "bug" ? /^TypeError: cache cannot store/ : /^InvalidParameterError: /,
  );
}

describe.skipIf(skipRedis)("poison messages", () => {
  redisSuite(async (s, r) => {
    [server, redis] = [s, r];
    reference = await referenceUpdates([BTCUSDT, ETHUSDT], SYMBOLS);
  });

  test("a poison entry is dead-lettered with its reason, acknowledged and counted; the symbol carries on, no loop, every other output is the replay's", {
    timeout: 180_000,
  }, async () => {
    await publish(server.url, BTCUSDT, ETHUSDT);
    const w = poisonWorker({ exitWhenIdleMs: 1500 });
    expect(await w.exited, w.stderr).toBe(0);
    expect(await fullyProcessed(redis, SYMBOLS, GROUP), "every entry acknowledged, the poison ones included").toBe(true);
    for (const s of SYMBOLS) {
      await expectExactlyOnce(redis, s, GROUP, expected(s), 1);
      await expectDeadLetter(s);
      expect(summaryOf(w).symbols[s], `${s}: counted once as dead, taken over once, never let go`).toMatchObject({
        processed: await redis.xlen(symbolKeys(s, GROUP).input),
        dead: 1,
        rejected: 0,
        outputs: expected(s).length,
        takeovers: 1,
        errors: 0,
        divergent: 0,
      });
    }
    expect(
      linesMatching(
        w.stderr,
        /BTCUSDT: entry \S+ is a poison message \(bug: TypeError: cache cannot store .*\): dead-lettered to cf:dead:\{BTCUSDT\}/,
      ),
      w.stderr,
    ).toBe(1);
    expect(
      linesMatching(
        w.stderr,
        /ETHUSDT: entry \S+ is a poison message \(data: InvalidParameterError: .*\): dead-lettered to cf:dead:\{ETHUSDT\}/,
      ),
      w.stderr,
    ).toBe(1);
    expect(w.stderr, "nothing was let go").not.toMatch(/letting it go/);
  });

  test("a worker SIGKILLed after a poison entry: the takeover's rebuild re-runs it to the same state, and the output is still identical", {
    timeout: 240_000,
  }, async () => {
    const { workers, publishers, target, victim } = await twoWorkersMidRun(
      redis,
      server.url,
      GROUP,
      SYMBOLS,
      [BTCUSDT, ETHUSDT],
      () => poisonWorker({ leaseMs: 2000, claimIdleMs: 1000 }),
      async (s) => (await redis.xlen(symbolKeys(s, GROUP).dead)) === 1,
    );
    target.child.kill("SIGKILL");
    expect(await target.exited).toBeNull();
    for (const p of publishers) expect(await p.exited, p.stderr).toBe(0);
    await until(() => fullyProcessed(redis, SYMBOLS, GROUP), "every input entry acknowledged and nothing pending", 180_000, 50);
    for (const s of SYMBOLS) {
      await expectExactlyOnce(redis, s, GROUP, expected(s), 1);
      await expectDeadLetter(s);
    }
    const survivor = workers.find((w) => w !== target)!;
    survivor.child.kill("SIGTERM");
    expect(await survivor.exited, survivor.stderr).toBe(0);
    const stats = summaryOf(survivor).symbols[victim.symbol]!;
    expect(stats.takeovers, `the survivor took ${victim.symbol} over`).toBeGreaterThanOrEqual(1);
    expect(stats.rebuilt, "the rebuild re-ran the acknowledged history, the dead entry in it").toBeGreaterThan(0);
    expect(stats.divergent, "the dead entry failed again in the rebuild, every other entry ran again: same state").toBe(0);
    expect(stats.dead, "the victim recorded the dead entry; the survivor did not record it again").toBe(0);
    expect(survivor.stderr, "nothing was let go").not.toMatch(/letting it go/);
  });

  test("a rebuild that runs a dead entry differently (here: the cache no longer throws) is counted and logged as a bug, never looped on", {
    timeout: 120_000,
  }, async () => {
    await publish(server.url, BTCUSDT);
    const poisoned = reference.BTCUSDT![POISONED]!;
    const throwing: ScoreCache = {
      putLatestScore(u) {
        if (JSON.stringify(u) === poisoned) throw new RangeError("cache refused it");
      },
    };
    const logs: string[] = [];
    const run = (cache: ScoreCache): Promise<Awaited<ReturnType<ClusterWorker["run"]>>> =>
      new ClusterWorker({
        url: server.url,
        group: GROUP,
        backend: "js",
        exitWhenIdleMs: 1000,
        checkpointEvery: NO_CHECKPOINT,
        engine: { config: { caching: true }, cache },
        log: (l) => logs.push(l),
      }).run();
    const first = await run(throwing);
    expect(first.symbols.BTCUSDT, "the first worker dead-lettered the entry").toMatchObject({ dead: 1, divergent: 0 });
    const second = await run({ putLatestScore() {} });
    expect(second.symbols.BTCUSDT, "the second worker rebuilt all of it; the dead entry ran this time").toMatchObject({
      rebuilt: await redis.xlen(symbolKeys("BTCUSDT", GROUP).input),
      divergent: 1,
      takeovers: 1,
      errors: 0,
      processed: 0,
    });
    expect(
      linesMatching(logs.join("\n"), /BTCUSDT: bug: entry \S+ failed when first processed but ran in the rebuild/),
      logs.join("\n"),
    ).toBe(1);
    expect(await redis.xlen(symbolKeys("BTCUSDT", GROUP).dead), "still one dead letter").toBe(1);
  });
});
