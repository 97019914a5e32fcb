/**
 * The tiered cache's own logic, with an in-memory L2 that can be made to fail: the L1
 * bounds (entries, bytes, TTL), lookup order and promotion, getFresh for overwritten
 * keys, coalesced L2 writes, shared computations, and degradation — counted, logged once
 * per transition, never thrown. (test/cache/redis.test.ts does the same against a real
 * redis-server.)
 */
import { describe, expect, test } from "vitest";
import { TieredCache, type RemoteEntry, type RemoteStore } from "../../src/cache/tieredCache.js";
import { InvalidParameterError, UnknownConfigKeyError } from "../../src/errors.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An L2 in memory: answers after a macrotask (like a socket), fails while `failing`. */
class MemoryStore implements RemoteStore {
  readonly data = new Map<string, { value: string; expires: number }>();
  readonly sets: string[] = [];
  failing = false;
  private readonly listeners: ((up: boolean, reason: string) => void)[] = [];

  async get(key: string): Promise<RemoteEntry | null> {
    await sleep(0);
    if (this.failing) throw new Error("connection refused");
    const e = this.data.get(key);
    if (!e || e.expires <= Date.now()) return null;
    return { value: e.value, ttlMs: e.expires - Date.now() };
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await sleep(0);
    if (this.failing) throw new Error("connection refused");
    this.sets.push(value);
    this.data.set(key, { value, expires: Date.now() + ttlMs });
  }

  onStatus(listener: (up: boolean, reason: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {}

  status(up: boolean, reason: string): void {
    this.failing = !up;
    for (const l of this.listeners) l(up, reason);
  }
}

/** An L2 whose GETs (holdGets) or SETs (holdSets) wait for `release()`; a GET answers with what L2 held when it was sent. */
class GatedStore extends MemoryStore {
  private gets: Promise<void> = Promise.resolve();
  private sets_: Promise<void> = Promise.resolve();
  private opens: (() => void)[] = [];

  holdGets(): void {
    this.gets = new Promise((resolve) => this.opens.push(resolve));
  }

  holdSets(): void {
    this.sets_ = new Promise((resolve) => this.opens.push(resolve));
  }

  release(): void {
    for (const open of this.opens.splice(0)) open();
  }

  override async get(key: string): Promise<RemoteEntry | null> {
    const answer = super.get(key);
    await this.gets;
    return answer;
  }

  override async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.sets_;
    return super.set(key, value, ttlMs);
  }
}

function setup(options: ConstructorParameters<typeof TieredCache>[0] = {}) {
  const l2 = new MemoryStore();
  const logs: string[] = [];
  const cache = new TieredCache({ l2, logger: (m) => logs.push(m), ...options });
  return { l2, logs, cache };
}

describe("L1", () => {
  test("get after set is an L1 hit; an unknown key a miss; null is a value", async () => {
    const cache = new TieredCache();
    await cache.set("a", { score: 61.5 });
    await cache.set("n", null);
    expect(await cache.get("a")).toEqual({ score: 61.5 });
    expect(await cache.get("n")).toBeNull();
    expect(await cache.get("x")).toBeUndefined();
    expect(cache.stats).toMatchObject({ l1Hits: 2, l2Hits: 0, misses: 1, l2Errors: 0, degraded: false, l1Entries: 2 });
  });

  test("bounded in entries: the least recently used goes first", async () => {
    const cache = new TieredCache({ maxEntries: 3 });
    for (const k of ["a", "b", "c"]) await cache.set(k, k);
    await cache.get("a");
    await cache.set("d", "d");
    expect([await cache.get("a"), await cache.get("b"), await cache.get("c"), await cache.get("d")]).toEqual(["a", undefined, "c", "d"]);
    expect(cache.stats.l1Entries).toBe(3);
  });

  test("bounded in bytes (JSON length): old entries make room, an entry larger than the bound is not kept", async () => {
    const cache = new TieredCache({ maxBytes: 100 });
    const forty = "x".repeat(38); // JSON: 40 bytes with the quotes
    await cache.set("a", forty);
    await cache.set("b", forty);
    expect(cache.stats.l1Bytes).toBe(80);
    await cache.set("c", forty);
    expect(await cache.get("a"), "evicted to stay within 100 bytes").toBeUndefined();
    expect(cache.stats.l1Bytes).toBe(80);
    await cache.set("big", "y".repeat(200));
    expect(await cache.get("big")).toBeUndefined();
    expect(await cache.get("c")).toBe(forty);
  });

  test("entries expire after their TTL", async () => {
    const cache = new TieredCache({ ttlMs: 40 });
    await cache.set("short", 1);
    await cache.set("long", 2, 5_000);
    expect(await cache.get("short")).toBe(1);
    await sleep(80);
    expect(await cache.get("short")).toBeUndefined();
    expect(await cache.get("long")).toBe(2);
  });

  test("options are validated: unknown keys and non-positive bounds or TTLs are typed errors", () => {
    expect(() => new TieredCache({ maxEntries: 0 })).toThrow(InvalidParameterError);
    expect(() => new TieredCache({ ttlMs: 1.5 })).toThrow(InvalidParameterError);
    expect(() => new TieredCache({ maxSize: 5 } as never)).toThrow(UnknownConfigKeyError);
    expect(() => new TieredCache().set("k", undefined)).toThrow(InvalidParameterError);
  });
});

describe("L1 → L2 → compute", () => {
  test("a value another cache wrote is an L2 hit, promoted into L1 (the next lookup is an L1 hit)", async () => {
    const { l2, cache } = setup();
    const other = new TieredCache({ l2 });
    await other.set("k", { v: [1, 2, 3] });
    expect(await cache.get("k")).toEqual({ v: [1, 2, 3] });
    expect(await cache.get("k")).toEqual({ v: [1, 2, 3] });
    expect(cache.stats).toMatchObject({ l1Hits: 1, l2Hits: 1, misses: 0 });
  });

  test("promotion keeps L2's remaining TTL: the L1 copy does not outlive the L2 entry", async () => {
    const { l2, cache } = setup();
    await new TieredCache({ l2 }).set("k", 1, 60);
    await sleep(30);
    expect(await cache.get("k")).toBe(1);
    await sleep(50);
    expect(await cache.get("k")).toBeUndefined();
  });

  test("getFresh reads L2 first (another process overwrote the key), L1 when L2 fails", async () => {
    const { l2, cache } = setup();
    const writer = new TieredCache({ l2 });
    await writer.set("score:X", 1);
    expect(await cache.getFresh("score:X")).toBe(1);
    await writer.set("score:X", 2);
    expect(await cache.get("score:X"), "get serves the L1 copy").toBe(1);
    expect(await cache.getFresh("score:X"), "getFresh sees the overwrite").toBe(2);
    l2.failing = true;
    expect(await cache.getFresh("score:X"), "L2 down: the L1 copy").toBe(2);
    expect(await cache.getFresh("score:Y")).toBeUndefined();
  });

  test("a read L2 answers after this cache wrote the key does not put the older value back into L1", async () => {
    const l2 = new GatedStore();
    await new TieredCache({ l2 }).set("k", "old");
    const cache = new TieredCache({ l2 });
    l2.holdGets();
    const reading = cache.get("k"); // L2 is asked while it still holds "old"
    await sleep(5);
    await cache.set("k", "new"); // written to L1 and L2 while the GET is still out
    l2.release();
    expect(await reading, "the read began before the write: it may answer the old value").toBe("old");
    expect(await cache.get("k"), "but L1 keeps the newer one").toBe("new");
    expect(JSON.parse(l2.data.get("k")!.value)).toBe("new");
  });

  test("getFresh answers from L1 while this cache's own write of the key is still on its way to L2", async () => {
    const l2 = new GatedStore();
    const cache = new TieredCache({ l2 });
    await cache.set("score:X", 1);
    l2.holdSets();
    const writing = cache.set("score:X", 2);
    expect(await cache.getFresh("score:X"), "L2 still holds 1; 2 is newer").toBe(2);
    l2.release();
    await writing;
    expect(await cache.getFresh("score:X")).toBe(2);
  });

  test("a value JSON cannot hold is an InvalidParameterError from set, counted; getOrCompute still returns what it computed", async () => {
    const { l2, cache } = setup();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [1n, () => 1, Symbol("s"), cyclic, { a: 2n }, undefined]) {
      expect(() => cache.set("k", value), String(typeof value)).toThrow(InvalidParameterError);
    }
    expect(cache.stats.unstorable).toBe(6);
    expect(await cache.getOrCompute("w", () => ({ big: 3n })), "computed, not storable, still returned").toEqual({ big: 3n });
    expect(cache.stats.unstorable).toBe(7);
    await cache.flush();
    expect(l2.data.size, "nothing reached L2").toBe(0);
  });

  test("a burst of writes to one key: one L2 write in flight, the last value queued; every set() settles", async () => {
    const { l2, cache } = setup();
    const settled = Array.from({ length: 100 }, (_, i) => cache.set("score:X", { i }));
    await Promise.all(settled);
    expect(l2.sets, "the first write, then only the last of the 99 queued behind it").toEqual(['{"i":0}', '{"i":99}']);
    expect(JSON.parse(l2.data.get("score:X")!.value)).toEqual({ i: 99 });
    await cache.set("a", 1);
    void cache.set("b", 2);
    await cache.flush();
    expect(l2.data.has("b")).toBe(true);
  });

  test("getOrCompute: computed once for concurrent callers, then served; a failing computation stores nothing", async () => {
    const { l2, cache } = setup();
    let calls = 0;
    const compute = async () => {
      calls++;
      await sleep(10);
      return { score: 70 };
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => cache.getOrCompute("w", compute)));
    expect(results).toEqual(Array(5).fill({ score: 70 }));
    expect(calls).toBe(1);
    await cache.flush();
    expect(await new TieredCache({ l2 }).get("w"), "written through to L2").toEqual({ score: 70 });
    await expect(
      cache.getOrCompute("bad", () => {
        throw new RangeError("bad window");
      }),
    ).rejects.toThrow(RangeError);
    expect(await cache.get("bad")).toBeUndefined();
  });
});

describe("degradation", () => {
  test("L2 failing: lookups are misses, computation goes on, errors are counted, one log line per transition", async () => {
    const { l2, cache, logs } = setup();
    l2.status(false, "connect ECONNREFUSED 127.0.0.1:1");
    let computed = 0;
    for (let i = 0; i < 20; i++) {
      expect(await cache.getOrCompute(`k${i}`, () => ++computed)).toBe(i + 1);
    }
    await cache.flush();
    const s = cache.stats;
    expect(s).toMatchObject({ misses: 20, l2Errors: 40, degraded: true });
    expect(s.degradedSince).toBeGreaterThan(Date.now() - 60_000);
    expect(await cache.get("k3"), "L1 still answers").toBe(4);
    expect(logs, "a single line for the whole outage so far").toHaveLength(1);
    expect(logs[0]).toMatch(/L2 unavailable \(connect ECONNREFUSED 127\.0\.0\.1:1\)/);

    l2.status(true, "connected");
    expect(cache.stats).toMatchObject({ degraded: false, degradedSince: null });
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatch(/L2 available again after \d+\.\d s \(40 L2 errors during the outage\)/);
    await cache.set("after", 1);
    expect(l2.data.has("after")).toBe(true);
  });

  test("a failing call alone (no status event) degrades; the next answer recovers", async () => {
    const { l2, cache, logs } = setup();
    l2.failing = true;
    expect(await cache.get("k")).toBeUndefined();
    expect(cache.stats).toMatchObject({ degraded: true, l2Errors: 1, misses: 1 });
    l2.failing = false;
    expect(await cache.get("k")).toBeUndefined();
    expect(cache.stats.degraded).toBe(false);
    expect(logs).toHaveLength(2);
  });

  test("what is not JSON under a key is a counted miss, not a degradation", async () => {
    const { l2, cache, logs } = setup();
    l2.data.set("k", { value: "not json", expires: Date.now() + 1000 });
    expect(await cache.get("k")).toBeUndefined();
    expect(cache.stats).toMatchObject({ l2Errors: 1, misses: 1, degraded: false });
    expect(logs).toEqual([]);
  });
});
