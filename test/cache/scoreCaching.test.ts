/**
 * What is cached, on the real BTCUSDT capture: the streaming engine's `caching` flag
 * (every score update published to the cache, only while the flag is on, scores
 * unchanged), score updates surviving the JSON round trip L2 puts them through, and the
 * cached batch scoring of a window of events (hit = the computed value; other events or
 * other settings = another key).
 */
import { describe, expect, test } from "vitest";
import { jsKernels, loadKernels } from "../../src/index.js";
import { TieredCache } from "../../src/cache/tieredCache.js";
import { LatestScores } from "../../src/cache/latestScores.js";
import { cachedWindowScore, scoreWindow, WINDOW_NAMESPACE } from "../../src/cache/windowScore.js";
import { cachedScore } from "../../src/cache/cachedScore.js";
import { cacheKey } from "../../src/cache/cacheKey.js";
import { resolveConfig } from "../../src/confluence/config.js";
import { StreamingEngine, type ScoreCache, type ScoreUpdate } from "../../src/pipeline/engine.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";

const wasm = await loadKernels();
const js = jsKernels();

async function events(file: string): Promise<MarketEvent[]> {
  const out: MarketEvent[] = [];
  await replayCaptureFiles([file], (e) => void out.push(e));
  return out;
}

const btc = await events(BTCUSDT);
const fromSnapshot = btc.findIndex((e) => e.type === "snapshot");
/** The first 1,000 events (diffs buffered before the snapshot bridge it): a synced book and warm ultraFast components. */
const WINDOW = btc.slice(0, 1_000);

class Recorder implements ScoreCache {
  readonly updates: ScoreUpdate[] = [];
  putLatestScore(update: ScoreUpdate): void {
    this.updates.push(update);
  }
}

describe("the streaming engine's caching flag", () => {
  test("on: every score update goes to the cache, the same objects onScore sees", () => {
    const cache = new Recorder(),
      seen: ScoreUpdate[] = [];
    const engine = new StreamingEngine(wasm, { config: { caching: true }, cache, onScore: (u) => seen.push(u) });
    for (const e of btc) engine.process(e);
    expect(cache.updates.length).toBeGreaterThan(1000);
    expectSameUpdates(cache.updates, seen, "updates in the cache vs onScore");
    engine.dispose();
  });

  test("off (the default): a given cache receives nothing", () => {
    const cache = new Recorder();
    const engine = new StreamingEngine(wasm, { config: { preset: "ultraFast" }, cache });
    for (const e of WINDOW) engine.process(e);
    expect(engine.symbolState("BTCUSDT")!.scoreUpdates).toBeGreaterThan(0);
    expect(cache.updates).toEqual([]);
    engine.dispose();
  });

  test("with LatestScores (L1 only): score:{BTCUSDT} holds the engine's last update; scores are those of an engine without a cache", async () => {
    const cache = new TieredCache();
    const latest = new LatestScores(cache);
    const a: ScoreUpdate[] = [],
      b: ScoreUpdate[] = [];
    const cached = new StreamingEngine(wasm, { config: { caching: true }, cache: latest, onScore: (u) => a.push(u) });
    const plain = new StreamingEngine(wasm, { onScore: (u) => b.push(u) });
    for (const e of btc) {
      cached.process(e);
      plain.process(e);
    }
    expect(a).toEqual(b);
    const last = cached.symbolState("BTCUSDT")!.lastScore;
    expect(await latest.read("BTCUSDT"), "before the microtask: the pending update").toBe(last);
    await latest.flush();
    expect(await cache.get("score:{BTCUSDT}")).toBe(last);
    expect(await latest.read("BTCUSDT")).toBe(last);
    expect(cache.stats.l1Entries, "one key per symbol").toBe(1);
    cached.dispose();
    plain.dispose();
  });

  test("a synchronous burst of updates: one cache write per symbol, of the last update, once the turn ends", async () => {
    const writes: unknown[] = [];
    const cache = new (class extends TieredCache {
      override set(key: string, value: unknown, ttlMs?: number): Promise<void> {
        writes.push([key, value]);
        return super.set(key, value, ttlMs);
      }
    })();
    const latest = new LatestScores(cache);
    const engine = new StreamingEngine(wasm, { config: { caching: true }, cache: latest });
    for (const e of btc) engine.process(e);
    expect(writes, "nothing written during the replay").toEqual([]);
    await Promise.resolve();
    expect(writes).toEqual([["score:{BTCUSDT}", engine.symbolState("BTCUSDT")!.lastScore]]);
    engine.dispose();
  });

  test("an update a caller changed into what JSON cannot hold is counted by the cache and skipped; the others are written", async () => {
    const cache = new TieredCache();
    const latest = new LatestScores(cache);
    latest.putLatestScore({ symbol: "A", extra: 1n } as unknown as ScoreUpdate);
    latest.putLatestScore({ symbol: "B", score: 60 } as unknown as ScoreUpdate);
    await expect(latest.flush()).resolves.toBeUndefined();
    expect(cache.stats.unstorable).toBe(1);
    expect(await latest.read("B")).toEqual({ symbol: "B", score: 60 });
    expect(await latest.read("A")).toBeUndefined();
  });

  // the second configuration weighs only book and flow: the slow components (volume, price
  // structure, technical) then score from the first trades, before their windows hold a price
  // move — where a negated zero once gave meanReversion −0
  const BOOK_AND_FLOW = { orderbook: 0.7, orderflow: 0.3, volume: 0, price_structure: 0, technical: 0, sentiment: 0 };
  test.each([
    ["BTCUSDT", BTCUSDT, {}],
    ["ETHUSDT", ETHUSDT, {}],
    ["BTCUSDT (book and flow only)", BTCUSDT, { weights: BOOK_AND_FLOW }],
    ["ETHUSDT (book and flow only)", ETHUSDT, { weights: BOOK_AND_FLOW }],
  ])("%s: every score update survives the JSON round trip of L2 unchanged", async (symbol, file, config) => {
    const cache = new Recorder();
    const engine = new StreamingEngine(js, { config: { caching: true, ...config }, cache });
    await replayCaptureFiles([file], (e) => engine.process(e));
    expect(cache.updates.length).toBeGreaterThan(1000);
    expectSameUpdates(
      JSON.parse(JSON.stringify(cache.updates)),
      cache.updates,
      `${symbol}: no NaN, ±Infinity or −0 that JSON would change`,
    );
    engine.dispose();
  });
});

describe("cached batch scoring of a window", () => {
  test("the first call computes, the second is an L1 hit with the same value; both equal scoreWindow and both backends agree", async () => {
    const cache = new TieredCache();
    const direct = scoreWindow(wasm, "BTCUSDT", WINDOW, { preset: "ultraFast" });
    expect(direct, "1,000 events yield a score").not.toBeNull();
    expect(scoreWindow(js, "BTCUSDT", WINDOW, { preset: "ultraFast" })).toEqual(direct);
    const first = await cachedWindowScore(cache, wasm, "BTCUSDT", WINDOW, { preset: "ultraFast" });
    const second = await cachedWindowScore(cache, js, "BTCUSDT", WINDOW, { preset: "ultraFast" });
    expect(first).toEqual(direct);
    expect(second).toBe(first);
    expect(cache.stats).toMatchObject({ misses: 1, l1Hits: 1 });
  });

  test("other events or other settings → another key (computed afresh); the caching flag and trainedOn → the same key", async () => {
    const cache = new TieredCache();
    const score = (w: readonly MarketEvent[], config: object) => cachedWindowScore(cache, wasm, "BTCUSDT", w, config);
    const base = await score(WINDOW, { preset: "ultraFast" });
    const shorter = await score(WINDOW.slice(0, -1), { preset: "ultraFast" });
    const otherConfig = await score(WINDOW, { preset: "ultraFast", sensitivity: 0.75 });
    expect(cache.stats.misses, "three distinct inputs, three computations").toBe(3);
    expect(shorter).toEqual(scoreWindow(wasm, "BTCUSDT", WINDOW.slice(0, -1), { preset: "ultraFast" }));
    expect(otherConfig!.score).not.toBe(base!.score);
    expect(await score(WINDOW, { preset: "ultraFast", caching: true })).toBe(base);
    expect(cache.stats).toMatchObject({ misses: 3, l1Hits: 1 });
    // what the fitted values were fitted on is metadata: the same score, the same key
    expect(await score(WINDOW, { preset: "ultraFast", trainedOn: [] })).toBe(base);
    expect(cache.stats).toMatchObject({ misses: 3, l1Hits: 2 });
    // the short-horizon components' windows and mixes are scoring settings too
    for (const change of [{ ofiWindow: 5 }, { flowWindow: 5 }, { bookDepthWeight: 0.5 }, { tradeFlowWeight: 0.2 }]) {
      await score(WINDOW, { preset: "ultraFast", ...change });
    }
    expect(cache.stats, "each of them another key").toMatchObject({ misses: 7, l1Hits: 2 });
    const { caching: _c, trainedOn: _t, ...scoring } = resolveConfig({ preset: "ultraFast" });
    const key = cacheKey(WINDOW_NAMESPACE, "BTCUSDT", { config: scoring, events: WINDOW });
    expect(key).toMatch(/^window3:BTCUSDT:[0-9a-f]{16}$/);
    expect(await cache.get(key), "stored under the documented key").toBe(base);
  });

  test("windowId keys the entry instead of the events: the same id is a hit without hashing the events", async () => {
    const cache = new TieredCache();
    const id = { capture: "binance-spot-btcusdt-2024-08-08", from: 0, to: 1_000 };
    const first = await cachedWindowScore(cache, wasm, "BTCUSDT", WINDOW, { preset: "ultraFast" }, { windowId: id });
    expect(first).toEqual(scoreWindow(wasm, "BTCUSDT", WINDOW, { preset: "ultraFast" }));
    expect(await cachedWindowScore(cache, wasm, "BTCUSDT", WINDOW, { preset: "ultraFast" }, { windowId: { ...id } })).toBe(first);
    expect(await cachedWindowScore(cache, wasm, "BTCUSDT", WINDOW, { preset: "ultraFast" }, { windowId: { ...id, to: 999 } })).toEqual(
      first,
    );
    expect(cache.stats).toMatchObject({ misses: 2, l1Hits: 1 });
  });

  test("a window that yields no score (no snapshot) caches null, and null is served as a hit", async () => {
    const cache = new TieredCache();
    const noSnapshot = btc.slice(0, fromSnapshot);
    expect(await cachedWindowScore(cache, wasm, "BTCUSDT", noSnapshot)).toBeNull();
    expect(await cachedWindowScore(cache, wasm, "BTCUSDT", noSnapshot)).toBeNull();
    expect(cache.stats).toMatchObject({ misses: 1, l1Hits: 1 });
  });

  test("cachedScore: any computation, keyed by its inputs under its namespace", async () => {
    const cache = new TieredCache();
    let calls = 0;
    const compute = () => ++calls;
    expect(await cachedScore(cache, "ETHUSDT", { depth: 5 }, compute, { namespace: "depthScan1" })).toBe(1);
    expect(await cachedScore(cache, "ETHUSDT", { depth: 5 }, compute, { namespace: "depthScan1" })).toBe(1);
    expect(await cachedScore(cache, "ETHUSDT", { depth: 6 }, compute, { namespace: "depthScan1" })).toBe(2);
    expect(await cachedScore(cache, "BTCUSDT", { depth: 5 }, compute, { namespace: "depthScan1" })).toBe(3);
    expect(await cachedScore(cache, "ETHUSDT", { depth: 5 }, compute, { namespace: "depthScan2" })).toBe(4);
  });
});
