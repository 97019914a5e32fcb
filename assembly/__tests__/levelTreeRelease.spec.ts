/**
 * book/levelTree.ts: levelTreeFree, clear() and the repacks return every block a tree took
 * (nothing is garbage-collected in the release runtime: a block kept is a leak for good).
 * In a spec of its own: the check counts the heap's whole free space, which is cheap only
 * while the module's heap is small.
 */
import { LevelTree, levelTreeNew, levelTreeFree } from "../book/levelTree";

/** n keys in scattered order (7919 is prime to 10007). */
function fill(t: LevelTree, n: i32): void {
  for (let i = 0; i < n; i++) t.set(<f64>((i * 7919) % 10007), 1);
}

/** Bytes of linear memory. */
function memoryEnd(): i32 {
  return memory.size() << 16;
}

/**
 * The heap's free space in its smallest blocks (12 bytes and a 4-byte header): how many it hands out before linear
 * memory has to grow. They are chained through themselves and returned, so the heap coalesces back into the same free
 * regions. The one that made memory grow lies past the old end and is not counted; the heap doubles the memory then,
 * and the free region at the end of memory grows by exactly the added bytes / 16 blocks, so on a heap that kept
 * nothing, a count is the previous count + (memory added since) / 16.
 */
function freeBlocks(): i32 {
  const pages = memory.size();
  let chain: usize = 0,
    n = 0;
  while (true) {
    const p = heap.alloc(12);
    if (memory.size() != pages) {
      heap.free(p);
      break;
    }
    store<usize>(p, chain);
    chain = p;
    n++;
  }
  while (chain != 0) {
    const next = load<usize>(chain);
    heap.free(chain);
    chain = next;
  }
  return n;
}

describe("levelTree: every block returned", () => {
  it("the free-space count of a heap that kept nothing grows by the memory added / 16, and drops when a block is kept", () => {
    const e0 = memoryEnd(),
      c0 = freeBlocks(),
      e1 = memoryEnd(),
      c1 = freeBlocks();
    expect<i32>(c1).toBe(c0 + (e1 - e0) / 16, "two counts in a row");
    const kept = heap.alloc(12),
      e2 = memoryEnd(),
      c2 = freeBlocks();
    expect<i32>(c2).toBeLessThan(c1 + (e2 - e1) / 16, "a block kept between two counts");
    heap.free(kept);
  });

  it("20 trees of 1 to 9,026 keys, a tree cleared 20 times and a tree repacked by removals: the free space is what it was", () => {
    const warm = levelTreeNew();
    fill(warm, 10007);
    levelTreeFree(warm);
    freeBlocks();
    const e0 = memoryEnd(),
      c0 = freeBlocks();
    for (let k = 0; k < 20; k++) {
      const t = levelTreeNew();
      fill(t, 1 + k * k * 25);
      levelTreeFree(t);
    }
    const cleared = levelTreeNew();
    for (let k = 0; k < 20; k++) {
      fill(cleared, 1 + k * k * 25);
      cleared.clear();
    }
    levelTreeFree(cleared);
    const repacked = levelTreeNew();
    fill(repacked, 10007);
    const full = repacked.memoryBytes;
    for (let i = 0; i < 9900; i++) repacked.remove(<f64>i);
    const shrunk = repacked.memoryBytes;
    levelTreeFree(repacked);
    const e1 = memoryEnd(),
      c1 = freeBlocks();
    expect<f64>(shrunk).toBeLessThan(full / 16, "the removals repacked the pools");
    expect<i32>(c1).toBe(c0 + (e1 - e0) / 16, "16-byte blocks the heap hands out before memory grows");
  });
});
