/**
 * book/levelTree.ts: the book's B+tree of far and off-grid levels against a naive sorted
 * array (this spec's own, in two raw blocks), on operation sequences long enough to split
 * leaves and inner nodes (trees three levels deep), merge them back, collapse the root and
 * repack the pools: return values, sizes, first and last keys, lower bounds and the walks
 * agree after every step. The pool figures (memoryBytes, depth) and the cursors the JS twin
 * (src/book/levelTree.ts) gives on the same sequences are pinned here, as they are for the
 * twin itself in test/book/l2BookTree.test.ts: both backends store the same pairs in the
 * same slots.
 */
import { LevelTree, levelTreeNew, levelTreeFree } from "../book/levelTree";
import { alloc } from "../memory";
import { bits } from "./helpers";

/** A leaf: 32 keys and values (16 B a pair) + count, next, prev; an inner node: 32 separators and children + a count. */
const LEAF_BYTES: f64 = 32 * 16 + 12;
const INNER_BYTES: f64 = 32 * 12 + 4;
/** What an emptied tree may keep (clear(true) keeps pools of up to 4 leaves). */
const SMALL_POOL: f64 = 4 * LEAF_BYTES + 2 * INNER_BYTES;

// The reference: keys in ascending order and their values, in two blocks big enough for every test.
const REF_CAP: i32 = 1 << 17;
const refKeys = alloc(<usize>REF_CAP << 3);
const refVals = alloc(<usize>REF_CAP << 3);
let refN: i32 = 0;

function refKey(i: i32): f64 {
  return load<f64>(refKeys + (<usize>i << 3));
}

function refVal(i: i32): f64 {
  return load<f64>(refVals + (<usize>i << 3));
}

function refLowerBound(key: f64): i32 {
  let lo = 0,
    hi = refN;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (refKey(mid) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function refSet(key: f64, val: f64): f64 {
  const i = refLowerBound(key);
  if (i < refN && refKey(i) == key) {
    const before = refVal(i);
    store<f64>(refVals + (<usize>i << 3), val);
    return before;
  }
  const tail = <usize>(refN - i) << 3;
  memory.copy(refKeys + (<usize>(i + 1) << 3), refKeys + (<usize>i << 3), tail);
  memory.copy(refVals + (<usize>(i + 1) << 3), refVals + (<usize>i << 3), tail);
  store<f64>(refKeys + (<usize>i << 3), key);
  store<f64>(refVals + (<usize>i << 3), val);
  refN++;
  return 0;
}

function refRemove(key: f64): f64 {
  const i = refLowerBound(key);
  if (i >= refN || refKey(i) != key) return 0;
  const before = refVal(i);
  const tail = <usize>(refN - i - 1) << 3;
  memory.copy(refKeys + (<usize>i << 3), refKeys + (<usize>(i + 1) << 3), tail);
  memory.copy(refVals + (<usize>i << 3), refVals + (<usize>(i + 1) << 3), tail);
  refN--;
  return before;
}

/** xorshift32, as in test/book/l2BookTree.test.ts: a value in [0, m). */
let xs: u32 = 1;
function rand(m: i32): i32 {
  xs ^= xs << 13;
  xs ^= xs >> 17;
  xs ^= xs << 5;
  return <i32>(xs % <u32>m);
}

/** Bit-exact equality; expect() only on a mismatch, so millions of checks stay cheap. */
function same(actual: f64, expected: f64, what: string, key: f64): void {
  if (reinterpret<u64>(actual) != reinterpret<u64>(expected)) bits(actual, expected, what + " (key " + key.toString() + ")");
}

/** Sets in both and compares the values replaced. */
function set(t: LevelTree, key: f64, val: f64): void {
  same(t.set(key, val), refSet(key, val), "set: the value replaced", key);
}

/** Removes from both and compares the values removed. */
function remove(t: LevelTree, key: f64): void {
  same(t.remove(key), refRemove(key), "remove: the value removed", key);
}

/**
 * Walks up to `limit` pairs from cursor `c` and reference index `i`; a walk to the end must end with −1 there.
 * `what` and `from` (the key searched, or NaN) name the walk; messages are built only on a mismatch.
 */
function sameWalk(t: LevelTree, c: i32, i: i32, limit: i32, what: string, from: f64): void {
  for (let k = 0; k < limit && i < refN; k++, i++) {
    if (c < 0) {
      expect<i32>(c).toBeGreaterThanOrEqual(0, what + " from " + from.toString() + ": the walk ended before key " + refKey(i).toString());
      return;
    }
    same(t.keyAt(c), refKey(i), what + ": key in the walk", refKey(i));
    same(t.valAt(c), refVal(i), what + ": value in the walk", refKey(i));
    c = t.advance(c);
  }
  if (i == refN && c != -1) expect<i32>(c).toBe(-1, what + " from " + from.toString() + ": the walk goes past the last key");
}

function sameAll(t: LevelTree, what: string, full: bool): void {
  if (t.size != refN) expect<i32>(t.size).toBe(refN, what + ": size");
  same(t.firstKey(), refN > 0 ? refKey(0) : NaN, what + ": first key", NaN);
  same(t.lastKey(), refN > 0 ? refKey(refN - 1) : NaN, what + ": last key", NaN);
  if (refN == 0 && t.first() != -1) expect<i32>(t.first()).toBe(-1, what + ": the first cursor of an empty tree");
  if (full) sameWalk(t, t.first(), 0, refN, what + ": every pair in order", NaN);
}

/** The lower bound of `q`: the next 3 pairs from there agree, or both have no key ≥ q. */
function sameLowerBound(t: LevelTree, q: f64, what: string): void {
  const at = refLowerBound(q),
    c = t.lowerBoundOf(q);
  if (at == refN) {
    if (c != -1) expect<i32>(c).toBe(-1, what + ": no key at or above " + q.toString());
  } else sameWalk(t, c, at, 3, what + ": lower bound", q);
}

const RANDOM: i32 = 0,
  ASCENDING: i32 = 1,
  DESCENDING: i32 = 2,
  CLUSTERED: i32 = 3,
  SIGNED: i32 = 4;

function keyOf(kind: i32, i: i32, n: i32): f64 {
  if (kind == RANDOM) return <f64>(rand(4 * n) - 2 * n) + 0.5;
  if (kind == ASCENDING) return <f64>i;
  if (kind == DESCENDING) return -(<f64>i);
  if (kind == CLUSTERED) return <f64>(i % 7) * 1e6 + <f64>i * 1e-3;
  // equal magnitudes of both signs, each magnitude once a sign
  assert(kind == SIGNED);
  return (i & 1 ? -1.0 : 1.0) * <f64>(1 + (i >> 1)) * 0.25;
}

/** Grow by n sets (some replace), shrink by 2n removals of present and absent keys, refill, empty. */
function cycle(kind: i32, n: i32, seed: u32): void {
  const t = levelTreeNew();
  refN = 0;
  xs = seed;
  for (let i = 0; i < n; i++) set(t, keyOf(kind, i, n), <f64>(1 + rand(1000)));
  sameAll(t, "after the sets", true);
  for (let i = 0; i < 2 * n; i++) {
    const k = rand(3) == 0 || refN == 0 ? <f64>(rand(4 * n) - 2 * n) + 0.25 : refKey(rand(refN));
    remove(t, k);
    if (i % 97 == 0) sameAll(t, "during the removals", false);
    if (i % 13 == 0 && refN > 0) sameLowerBound(t, refKey(rand(refN)) - 0.125, "during the removals");
  }
  sameAll(t, "after the removals", true);
  for (let i = 0; i < n; i++) set(t, keyOf(kind, n + i, n), <f64>(1 + rand(1000)));
  sameAll(t, "after refilling", true);
  while (refN > 0) remove(t, refKey(rand(refN)));
  sameAll(t, "emptied", true);
  expect<f64>(t.memoryBytes).toBeLessThanOrEqual(SMALL_POOL, "an emptied tree keeps at most a small pool");
  levelTreeFree(t);
}

describe("levelTree: an empty tree", () => {
  it("holds nothing: size 0, depth 0, no memory, NaN first and last keys, cursor −1, removals return 0", () => {
    const t = levelTreeNew();
    expect<i32>(t.size).toBe(0, "size");
    expect<i32>(t.depth).toBe(0, "depth");
    expect<f64>(t.memoryBytes).toBe(0, "an empty tree holds no pools");
    expect<f64>(t.firstKey()).toBeNaN("first key");
    expect<f64>(t.lastKey()).toBeNaN("last key");
    expect<i32>(t.first()).toBe(-1, "first cursor");
    expect<i32>(t.lowerBoundOf(1)).toBe(-1, "lower bound");
    expect<f64>(t.remove(1)).toBe(0, "removing from an empty tree");
    expect<f64>(t.memoryBytes).toBe(0, "removing from an empty tree allocates nothing");
    levelTreeFree(t);
  });

  it("a first set makes a root leaf: 2 leaves of pool, the key in slot 0; set again returns the value replaced", () => {
    const t = levelTreeNew();
    expect<f64>(t.set(101.5, 3)).toBe(0, "a new key replaces nothing");
    expect<f64>(t.memoryBytes).toBe(2 * LEAF_BYTES, "MIN_LEAVES = 2 leaves, no inner node");
    expect<i32>(t.first()).toBe(0, "leaf 0, slot 0");
    expect<f64>(t.keyAt(0)).toBe(101.5, "key");
    expect<f64>(t.valAt(0)).toBe(3, "value");
    expect<f64>(t.set(101.5, 7)).toBe(3, "the value replaced");
    expect<i32>(t.size).toBe(1, "replacing adds no key");
    expect<i32>(t.lowerBoundOf(101.5)).toBe(0, "lower bound of the key itself");
    expect<i32>(t.lowerBoundOf(101)).toBe(0, "lower bound below the key");
    expect<i32>(t.lowerBoundOf(102)).toBe(-1, "no key at or above 102");
    expect<i32>(t.advance(0)).toBe(-1, "the only key is the last");
    expect<f64>(t.remove(101.5)).toBe(7, "the value removed");
    expect<i32>(t.size).toBe(0, "empty again");
    expect<f64>(t.firstKey()).toBeNaN("no first key");
    expect<f64>(t.memoryBytes).toBe(2 * LEAF_BYTES, "emptied by removals: the small pool stays (clear(true))");
    levelTreeFree(t);
  });
});

describe("levelTree: random operation sequences against a sorted array", () => {
  it("random, ascending, descending, clustered and signed keys, 1 to 3,000 of them, 120 sequences", () => {
    xs = 20240808;
    for (let run = 0; run < 120; run++) {
      const kind = run % 5,
        n = 1 + rand(3000),
        seed = <u32>(1 + rand(0x7fffffff));
      cycle(kind, n, seed);
    }
  });

  it("the sizes at the node boundaries: 1, 31, 32, 33, 63, 64, 65, 1024, 1025 keys of every kind", () => {
    const sizes: StaticArray<i32> = [1, 31, 32, 33, 63, 64, 65, 1024, 1025];
    for (let k = 0; k < 5; k++) for (let s = 0; s < sizes.length; s++) cycle(k, sizes[s], <u32>(7 + s));
  });
});

describe("levelTree: keys of both signs and zeros", () => {
  it("keys of equal magnitude and opposite sign are distinct and ordered −x < x", () => {
    const t = levelTreeNew();
    refN = 0;
    for (let i = 1; i <= 2000; i++) {
      set(t, <f64>i * 0.01, <f64>i);
      set(t, -(<f64>i) * 0.01, <f64>(i + 5000));
    }
    sameAll(t, "4,000 keys ±x", true);
    expect<f64>(t.firstKey()).toBe(-20, "smallest");
    expect<f64>(t.lastKey()).toBe(20, "largest");
    sameLowerBound(t, -0.005, "between −0.01 and 0.01");
    for (let i = 1; i <= 2000; i += 2) remove(t, -(<f64>i) * 0.01);
    sameAll(t, "the odd negatives removed", true);
    levelTreeFree(t);
  });

  it("−0 and +0 are one key, as with === in the JS twin: the first one set keeps its sign", () => {
    const t = levelTreeNew();
    expect<f64>(t.set(-0.0, 1)).toBe(0, "−0 is new");
    expect<f64>(t.set(0.0, 2)).toBe(1, "+0 replaces −0's value");
    expect<i32>(t.size).toBe(1, "one key");
    bits(t.firstKey(), -0.0, "the stored key is still −0");
    expect<i32>(t.lowerBoundOf(0.0)).toBe(0, "+0 finds the −0 key");
    expect<f64>(t.remove(0.0)).toBe(2, "+0 removes the −0 key");
    expect<i32>(t.size).toBe(0, "empty");
    expect<f64>(t.set(0.0, 3)).toBe(0, "+0 is new");
    expect<f64>(t.remove(-0.0)).toBe(3, "−0 removes the +0 key");
    levelTreeFree(t);
  });
});

describe("levelTree: memory follows the level count", () => {
  it("10,000 appends in order fill leaves (a snapshot); removing 9,900 repacks the pools (figures of the JS twin)", () => {
    const t = levelTreeNew();
    refN = 0;
    for (let i = 0; i < 10000; i++) set(t, <f64>i, 1);
    // 10,000 pairs need 313 full leaves of 32 (half-full leaves would need 625): the pool grown by quarters from 2 to 366
    expect<f64>(t.memoryBytes).toBe(366 * LEAF_BYTES + 22 * INNER_BYTES, "366 leaves and 22 inner nodes, as the JS twin");
    expect<i32>(t.depth).toBe(2, "depth");
    sameAll(t, "10,000 appends", true);
    for (let i = 0; i < 9900; i++) remove(t, <f64>i);
    expect<f64>(t.memoryBytes).toBe(3920, "100 pairs left of 10,000: the pools shrank (JS twin: 3,920 bytes)");
    expect<i32>(t.depth).toBe(1, "depth");
    expect<i32>(t.first()).toBe(0, "repacked from leaf 0");
    sameAll(t, "100 left", true);
    levelTreeFree(t);
  });

  it("10,000 descending inserts fill leaves as the appends do: a full leaf passes pairs to its right sibling (JS twin: 200,320 bytes)", () => {
    const t = levelTreeNew();
    refN = 0;
    for (let i = 0; i < 10000; i++) set(t, -(<f64>i), <f64>(i + 1));
    expect<f64>(t.memoryBytes).toBe(200320, "JS twin's figure");
    expect<i32>(t.depth).toBe(2, "depth");
    sameAll(t, "10,000 descending", true);
    levelTreeFree(t);
  });

  it("removing an absent key changes nothing and allocates nothing", () => {
    const t = levelTreeNew();
    for (let i = 0; i < 1000; i++) t.set(<f64>(i * 2), <f64>(1 + i));
    const bytes = t.memoryBytes;
    for (let i = 0; i < 1000; i++) {
      const removed = t.remove(<f64>(i * 2 + 1));
      if (removed != 0) expect<f64>(removed).toBe(0, "an absent key removes nothing");
    }
    expect<i32>(t.size).toBe(1000, "size");
    expect<f64>(t.memoryBytes).toBe(bytes, "memory");
    levelTreeFree(t);
  });

  it("clear(true) keeps a pool of ≤ 4 leaves and its inner nodes, releases a bigger one; clear() releases all", () => {
    const t = levelTreeNew();
    for (let i = 0; i < 40; i++) t.set(<f64>i, 1);
    expect<f64>(t.memoryBytes).toBe(1824, "2 leaves and 2 inner nodes (JS twin: 1,824 bytes)");
    t.clear(true);
    expect<f64>(t.memoryBytes).toBe(1824, "a small pool is kept");
    expect<i32>(t.size).toBe(0, "size");
    expect<i32>(t.depth).toBe(0, "depth");
    expect<f64>(t.lastKey()).toBeNaN("no last key");
    t.set(1, 1);
    expect<f64>(t.memoryBytes).toBe(1824, "reused without growing");
    expect<i32>(t.first()).toBe(0, "the first leaf again");
    t.clear();
    expect<f64>(t.memoryBytes).toBe(0, "clear() releases all");
    for (let i = 0; i < 200; i++) t.set(<f64>i, 1);
    expect<f64>(t.memoryBytes).toBe(4968, "8 leaves and 2 inner nodes (JS twin: 4,968 bytes)");
    t.clear(true);
    expect<f64>(t.memoryBytes).toBe(0, "a pool of more than 4 leaves is released even with keepSmall");
    levelTreeFree(t);
  });
});

describe("levelTree: the root collapses", () => {
  it("2,000 appends removed from the top: depth and pools change at the same keys as in the JS twin", () => {
    const t = levelTreeNew();
    refN = 0;
    for (let i = 0; i < 2000; i++) set(t, <f64>i, 1);
    // [key removed, depth, memoryBytes] at every change: the root loses its last-but-one child (736, 32) between repacks (448, 64)
    const expected: StaticArray<f64> = [736, 1, 34564, 448, 1, 8636, 64, 1, 1824, 32, 0, 1824];
    const seen = alloc(<usize>expected.length << 3);
    let n = 0,
      depth = t.depth,
      bytes = t.memoryBytes;
    for (let i = 1999; i >= 0; i--) {
      remove(t, <f64>i);
      if ((t.depth != depth || t.memoryBytes != bytes) && n + 3 <= expected.length) {
        depth = t.depth;
        bytes = t.memoryBytes;
        store<f64>(seen + (<usize>n << 3), <f64>i);
        store<f64>(seen + (<usize>(n + 1) << 3), <f64>depth);
        store<f64>(seen + (<usize>(n + 2) << 3), bytes);
        n += 3;
      }
      if (i % 100 == 0) sameAll(t, "removing from the top", true);
    }
    expect<i32>(n).toBe(expected.length, "changes of depth or pools seen");
    for (let k = 0; k < n; k++) expect<f64>(load<f64>(seen + (<usize>k << 3))).toBe(expected[k], "change " + (k / 3).toString() + ", field " + (k % 3).toString());
    levelTreeFree(t);
  });
});

describe("levelTree: a tree three inner levels deep", () => {
  it("60,000 random keys (figures of the JS twin), then emptied back through merges and root collapses", () => {
    const t = levelTreeNew();
    refN = 0;
    let x: u32 = 12345;
    for (let i = 0; i < 60000; i++) {
      x = x * 1103515245 + 12345;
      set(t, floor(<f64>x / 4294967296 * 1e9) / 7, <f64>(i + 1));
    }
    expect<i32>(t.size).toBe(59999, "distinct keys (one repeats), as in the JS twin");
    expect<i32>(t.depth).toBe(3, "inner levels above the leaves");
    expect<f64>(t.memoryBytes).toBe(1469608, "JS twin's figure");
    sameAll(t, "60,000 random keys", true);
    xs = 99;
    while (refN > 0) {
      remove(t, refKey(rand(refN)));
      if (refN % 5000 == 0) sameAll(t, "keys left (a multiple of 5,000)", true);
    }
    expect<i32>(t.depth).toBe(0, "collapsed to a root leaf");
    expect<f64>(t.memoryBytes).toBeLessThanOrEqual(SMALL_POOL, "emptied");
    levelTreeFree(t);
  });
});

// [size, depth, memoryBytes, first(), lowerBoundOf(2000.25), lowerBoundOf(−3000.25), lowerBoundOf(9000.25)] every 2,000
// operations of the sequence below, as the JS twin gives them (test/book/l2BookTree.test.ts checks the twin against the same
// table). Cursors are leaf · 32 + slot: equal cursors mean the same leaves taken from the same free lists and pools.
const TWIN: StaticArray<f64> = [
  2000, 2, 34564, 0, -1, 0, -1,
  4000, 2, 82228, 0, 2001, 0, -1,
  4349, 2, 102392, 0, 2000, 4331, 4944,
  4737, 2, 103168, 0, 1999, 5667, 4946,
  5229, 2, 127796, 0, 1998, 6708, 4940,
  5737, 2, 159352, 0, 1998, 4268, 4942,
  5396, 2, 159352, 0, 1997, 4266, 4942,
  5051, 2, 159352, 0, 1996, 4266, 4942,
  4738, 2, 159352, 0, 1993, 4265, 4942,
  4482, 2, 159352, 0, 1992, 4264, 4942,
  6127, 2, 159352, 0, 1993, 4105, 4942,
  7595, 2, 159352, 0, 1996, 4121, 4942,
  8976, 2, 198768, 0, 1998, 4119, 4942,
  10223, 2, 200320, 0, 11584, 8449, 4942,
  9690, 2, 200320, 0, 11584, 8449, 4942,
  9175, 2, 200320, 0, 11584, 8449, 4942,
  8671, 2, 200320, 0, 11584, 8449, 4941,
  8160, 2, 200320, 0, 11584, 8449, 4940,
  7643, 2, 200320, 0, 11584, 8449, 4940,
  7144, 2, 200320, 0, 11584, 8449, 4939,
  6646, 2, 200320, 0, 11584, 8449, 4938,
  6149, 2, 200320, 0, 11584, 8449, 4936,
  5646, 2, 200320, 0, 11584, 8449, 4936,
  5127, 2, 200320, 0, 11584, 8449, 4934,
  4618, 2, 200320, 0, 11584, 8448, 4933,
  4069, 2, 200320, 0, 1992, 8448, 4933,
  3572, 2, 200320, 0, 1991, 8448, 4933,
  3053, 2, 200320, 0, 1991, 8448, 4932,
  2558, 2, 200320, 0, 1990, 8448, 4931,
  2025, 2, 200320, 0, 1989, 8448, 4931,
  1507, 2, 200320, 0, 1989, 8448, 4931,
  1011, 2, 23036, 0, 774, 270, 1120,
  479, 2, 23036, 0, 771, 260, 1120,
  0, 0, 2872, -1, -1, -1, -1,
];

/** A key in [lo, lo + span) on the half-tick grid. */
function halfTick(lo: i32, span: i32): f64 {
  return <f64>(rand(span) + lo) + 0.5 * <f64>rand(2);
}

describe("levelTree: the JS twin's pools and cursors", () => {
  it("a 4,000-level snapshot, 8,000 mixed sets and removals, 8,000 removals and 8,000 sets in the lower half (its freed leaves taken again), then 40,000 removals: the same figures every 2,000 operations", () => {
    const t = levelTreeNew();
    refN = 0;
    xs = 2024;
    for (let i = 0; i < 68000; i++) {
      if (i < 4000) set(t, <f64>i, <f64>(1 + (i % 7)));
      else if (i < 12000) {
        const r = rand(4);
        if (r < 2) {
          const k = halfTick(-6000, 20000);
          set(t, k, <f64>(1 + rand(100)));
        } else if (r == 2) remove(t, <f64>rand(4000));
        else remove(t, halfTick(-6000, 20000));
      } else if (i < 20000) remove(t, halfTick(-6000, 10000));
      else if (i < 28000) {
        const k = halfTick(-6000, 10000);
        set(t, k, <f64>(1 + rand(100)));
      } else remove(t, -6000 + <f64>(((i - 28000) * 7919) % 40000) * 0.5);
      if ((i + 1) % 2000 == 0) {
        const row = ((i + 1) / 2000 - 1) * 7,
          at = " after " + (i + 1).toString() + " operations";
        sameAll(t, "twin sequence", true);
        expect<f64>(<f64>t.size).toBe(TWIN[row], "size" + at);
        expect<f64>(<f64>t.depth).toBe(TWIN[row + 1], "depth" + at);
        expect<f64>(t.memoryBytes).toBe(TWIN[row + 2], "memoryBytes" + at);
        expect<f64>(<f64>t.first()).toBe(TWIN[row + 3], "first()" + at);
        expect<f64>(<f64>t.lowerBoundOf(2000.25)).toBe(TWIN[row + 4], "lowerBoundOf(2000.25)" + at);
        expect<f64>(<f64>t.lowerBoundOf(-3000.25)).toBe(TWIN[row + 5], "lowerBoundOf(−3000.25)" + at);
        expect<f64>(<f64>t.lowerBoundOf(9000.25)).toBe(TWIN[row + 6], "lowerBoundOf(9000.25)" + at);
      }
    }
    levelTreeFree(t);
  });

  it("60,000 appends, then every key from 8,192 up but one in 256 removed: the repack comes at the same removal as in the JS twin", () => {
    const t = levelTreeNew();
    for (let i = 0; i < 60000; i++) t.set(<f64>i, 1);
    expect<i32>(t.depth).toBe(3, "depth of 60,000 appends");
    expect<f64>(t.memoryBytes).toBe(1196716, "2,172 leaves and 151 inner nodes");
    let removals = 0,
      at = -1;
    for (let i = 8192; i < 60000; i++) {
      if (i % 256 == 0) continue;
      t.remove(<f64>i);
      removals++;
      if (at < 0 && t.memoryBytes != 1196716) at = removals;
    }
    // leaves merge only under one parent: without the inner nodes' merges, fewer leaves merge and the repack comes later (45,319 in the JS twin)
    expect<i32>(at).toBe(42673, "the removal that repacked the pools (JS twin: the 42,673rd, of key 51,032)");
    expect<f64>(t.memoryBytes).toBe(315112, "pools after the repack: 571 leaves and 41 inner nodes");
    expect<i32>(t.depth).toBe(2, "depth after the repack");
    expect<i32>(t.size).toBe(8395, "8,192 keys kept and one in 256 above");
    levelTreeFree(t);
  });
});
