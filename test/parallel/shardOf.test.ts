/**
 * Sharding: FNV-1a against the published test vectors, the symbol → worker mapping
 * pinned (it must never change between versions, processes or engine instances), and
 * a fair spread of many symbols over the workers.
 */
import { expect, test } from "vitest";
import { fnv1a32, shardOf } from "../../src/parallel/shardOf.js";
import { ParallelEngine } from "../../src/parallel/parallelEngine.js";

test("fnv1a32: the test vectors of draft-eastlake-fnv", () => {
  expect(fnv1a32("")).toBe(0x811c9dc5);
  expect(fnv1a32("a")).toBe(0xe40c292c);
  expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  expect(fnv1a32("€"), "over the UTF-8 bytes e2 82 ac (Python: FNV-1a of '€'.encode())").toBe(0x298f832b);
});

test("the same symbol goes to the same worker in every engine instance, and the mapping is pinned", async () => {
  const a = new ParallelEngine({ workers: 3 }),
    b = new ParallelEngine({ workers: 3 });
  try {
    const symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "DOGEUSDT", "ADAUSDT", "AVAXUSDT"];
    expect(symbols.map((s) => a.workerOf(s))).toEqual(symbols.map((s) => b.workerOf(s)));
    expect(
      symbols.map((s) => shardOf(s, 2)),
      "pinned: a change here moves every user's symbols",
    ).toEqual([1, 1, 0, 1, 1, 1, 0, 1]);
    expect(symbols.map((s) => shardOf(s, 3))).toEqual([1, 0, 0, 0, 0, 1, 2, 2]);
    expect(symbols.map((s) => shardOf(s, 4))).toEqual([3, 1, 2, 1, 3, 1, 2, 1]);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test("10,000 symbols spread within 5% of even over 2, 3, 4 and 8 workers; names differing in the last character spread too", () => {
  const names = Array.from({ length: 10_000 }, (_, i) => `SYM${i}USDT`);
  for (const workers of [2, 3, 4, 8]) {
    const counts = new Array<number>(workers).fill(0);
    for (const s of names) counts[shardOf(s, workers)]!++;
    for (const c of counts)
      expect(Math.abs(c / (names.length / workers) - 1), `${workers} workers: ${counts.join(", ")}`).toBeLessThan(0.05);
  }
  const suffixed = Array.from({ length: 10 }, (_, i) => shardOf(`BTCUSDT-${i}`, 2));
  expect(new Set(suffixed).size, `BTCUSDT-0 … -9 on 2 workers: ${suffixed.join("")}`).toBe(2);
});
