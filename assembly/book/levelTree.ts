/**
 * An ordered map from price keys to quantities, as a B+tree in linear memory: the book's
 * store for the levels its tick window does not hold (levels far from the touch and
 * prices off the learnt tick grid). A trader's book can carry thousands of such levels
 * (Binance futures books pass 5,000 a side); every operation here stays O(log n) however
 * they are placed, and the best and worst keys are read in O(1).
 *
 * The WebAssembly twin of src/book/levelTree.ts, method for method with the same names:
 * the same node pools, splits, merges, free lists, repacks and capacity growth, so both
 * backends store the same pairs in the same slots, hand out the same cursors and report
 * the same `memoryBytes`. Each JS typed array is a heap block here (a null pointer while
 * the JS array is empty); a block grows as the JS array does, with its new part zeroed.
 *
 * Leaves hold up to 32 sorted (key, value) pairs and are linked in key order, so walking
 * the levels from any position costs O(1) a level; inner nodes hold up to 32 children and
 * the smallest key each child had when it was split off (a valid separator for routing
 * ever after: deleting keys never invalidates it). A node that falls below a quarter full
 * merges with a sibling when the two fit in one node, and the node pools shrink (the tree
 * is repacked) when less than a quarter of them is in use, so memory follows the level
 * count both ways. Appending past the last key fills leaves completely (a snapshot loads
 * in order); any other insertion into a full leaf first moves pairs to a sibling with room
 * and splits only when both are full (the B*-tree's overflow rule); the pools grow by a
 * quarter (grownCapacity.ts). No managed allocation: a tree is an @unmanaged header from
 * levelTreeNew.
 * References: Comer, "The Ubiquitous B-Tree", ACM Computing Surveys 11(2), 1979 (B*-trees:
 * §3); Knuth, TAOCP vol. 3, §6.2.4.
 */
import { alloc } from "../memory";
import { grownCapacity } from "./grownCapacity";

const LEAF: i32 = 32;
const FAN: i32 = 32;
/** Leaves a pool starts with, and keeps when it empties. */
const MIN_LEAVES: i32 = 2;

/**
 * The descent path of the last search: inner node and child slot per depth, 12 i32 each
 * (far above what 2^31 keys need at ≥ 8 children a node; single-threaded scratch).
 */
const PATH_NODE: usize = memory.data(12 << 2);
const PATH_SLOT: usize = memory.data(12 << 2);

// @ts-ignore: decorator
@inline function getF64(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function setF64(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

// @ts-ignore: decorator
@inline function getI32(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function setI32(p: usize, i: i32, v: i32): void {
  store<i32>(p + (<usize>i << 2), v);
}

/** `copyWithin(to, from, end)` of a Float64Array at `p` (overlapping ranges move as memmove). */
// @ts-ignore: decorator
@inline function copyF64(p: usize, to: i32, from: i32, end: i32): void {
  memory.copy(p + (<usize>to << 3), p + (<usize>from << 3), <usize>(end - from) << 3);
}

/** `copyWithin(to, from, end)` of an Int32Array at `p`. */
// @ts-ignore: decorator
@inline function copyI32(p: usize, to: i32, from: i32, end: i32): void {
  memory.copy(p + (<usize>to << 2), p + (<usize>from << 2), <usize>(end - from) << 2);
}

/** A block of `bytes` holding the `used` bytes of `p` and zeros after them, as a grown typed array does. */
function grow(p: usize, used: usize, bytes: usize): usize {
  if (p == 0) return alloc(bytes);
  const q = heap.realloc(p, bytes);
  memory.fill(q + used, 0, bytes - used);
  return q;
}

/**
 * How many of the f64 at indices [from, end) of `p` are below `key` (`strict`) or at most `key`:
 * a count, not a halving search, so no load waits on the one before (two lanes at a time on
 * the SIMD build). Over a sorted run it is the index a binary search finds. The JS twin keeps
 * the binary search: V8 runs the two at the same speed there (measured), the results are
 * the same index.
 */
// @ts-ignore: decorator
@inline function countBefore(p: usize, from: i32, end: i32, key: f64, strict: bool): i32 {
  let n = 0,
    j = from;
  if (ASC_FEATURE_SIMD) {
    const k = f64x2.splat(key);
    let acc = i64x2.splat(0);
    for (; j + 1 < end; j += 2) {
      const v = v128.load(p + (<usize>j << 3));
      acc = i64x2.sub(acc, strict ? f64x2.lt(v, k) : f64x2.le(v, k));
    }
    n = <i32>(i64x2.extract_lane(acc, 0) + i64x2.extract_lane(acc, 1));
  }
  for (; j < end; j++) n += <i32>(strict ? getF64(p, j) < key : getF64(p, j) <= key);
  return n;
}

@unmanaged
export class LevelTree {
  /** Keys held. */
  size: i32;
  /** Inner levels above the leaves (0: the root is a leaf). */
  private height: i32;
  private root: i32;
  private head: i32;
  private tail: i32;

  /** Leaf pool: f64 keys and values (LEAF a leaf), i32 count, next and prev (one a leaf). */
  private keys: usize;
  private vals: usize;
  private count: usize;
  private next: usize;
  private prev: usize;
  private leafCap: i32;
  private leafTop: i32;
  private leafFree: i32;
  private leavesUsed: i32;

  /** seps[node·FAN + j]: a key ≤ every key under child j and > every key under child j − 1 (j ≥ 1). */
  private seps: usize;
  private kids: usize;
  private kidCount: usize;
  private innerCap: i32;
  private innerTop: i32;
  private innerFree: i32;

  /** Inner levels above the leaves (0 while the root is a leaf). */
  get depth(): i32 {
    return this.height;
  }

  /** Bytes held in the pools: the byte lengths of the JS twin's typed arrays. */
  get memoryBytes(): f64 {
    const leaves = <f64>this.leafCap,
      inners = <f64>this.innerCap;
    return leaves * <f64>(LEAF << 3) * 2 + leaves * 4 * 3 + inners * <f64>(FAN << 3) + inners * <f64>(FAN << 2) + inners * 4;
  }

  /** Sets `key` to `val` (> 0); returns the value it replaced, 0 when the key is new. */
  set(key: f64, val: f64): f64 {
    if (this.root < 0) {
      const first = this.newLeaf();
      this.root = first;
      this.head = first;
      this.tail = first;
      this.height = 0;
    }
    const leaf = this.descend(key),
      base = leaf * LEAF,
      n = getI32(this.count, leaf);
    const i = this.lowerBound(base, n, key);
    if (i < n && getF64(this.keys, base + i) == key) {
      const before = getF64(this.vals, base + i);
      setF64(this.vals, base + i, val);
      return before;
    }
    this.size++;
    if (n < LEAF) this.insertAt(leaf, i, key, val);
    else this.splitLeaf(leaf, i, key, val);
    return 0;
  }

  /** Removes `key`; returns its value, 0 when it was absent (then nothing changes). */
  remove(key: f64): f64 {
    if (this.root < 0) return 0;
    const leaf = this.descend(key),
      base = leaf * LEAF,
      n = getI32(this.count, leaf);
    const i = this.lowerBound(base, n, key);
    if (i >= n || getF64(this.keys, base + i) != key) return 0;
    const before = getF64(this.vals, base + i);
    copyF64(this.keys, base + i, base + i + 1, base + n);
    copyF64(this.vals, base + i, base + i + 1, base + n);
    setI32(this.count, leaf, n - 1);
    if (--this.size == 0) this.clear(true);
    else {
      if (n - 1 < LEAF >> 2 && this.height > 0) this.underflowLeaf(leaf);
      if (this.leafCap > 4 * MIN_LEAVES && this.leavesUsed < this.leafCap >> 2) this.repack();
    }
    return before;
  }

  /** Empties the tree; `keepSmall` keeps a small pool allocated, otherwise all memory is released. */
  clear(keepSmall: bool = false): void {
    this.size = 0;
    this.root = -1;
    this.head = -1;
    this.tail = -1;
    this.height = 0;
    this.leafTop = 0;
    this.innerTop = 0;
    this.leavesUsed = 0;
    this.leafFree = -1;
    this.innerFree = -1;
    if (!keepSmall || this.leafCap > MIN_LEAVES * 2) {
      heap.free(this.keys);
      heap.free(this.vals);
      heap.free(this.count);
      heap.free(this.next);
      heap.free(this.prev);
      heap.free(this.seps);
      heap.free(this.kids);
      heap.free(this.kidCount);
      this.keys = 0;
      this.vals = 0;
      this.count = 0;
      this.next = 0;
      this.prev = 0;
      this.seps = 0;
      this.kids = 0;
      this.kidCount = 0;
      this.leafCap = 0;
      this.innerCap = 0;
    }
  }

  /** The smallest key (NaN when empty). */
  firstKey(): f64 {
    return this.head < 0 ? NaN : getF64(this.keys, this.head * LEAF);
  }

  /** The largest key (NaN when empty). */
  lastKey(): f64 {
    return this.tail < 0 ? NaN : getF64(this.keys, this.tail * LEAF + getI32(this.count, this.tail) - 1);
  }

  /** A cursor on the smallest key (−1 when empty). A cursor stays valid until the tree changes. */
  first(): i32 {
    return this.head < 0 ? -1 : this.head * LEAF;
  }

  /** A cursor on the smallest key ≥ `key` (−1 when none). */
  lowerBoundOf(key: f64): i32 {
    if (this.root < 0) return -1;
    const leaf = this.descend(key),
      n = getI32(this.count, leaf),
      i = this.lowerBound(leaf * LEAF, n, key);
    if (i < n) return leaf * LEAF + i;
    const after = getI32(this.next, leaf);
    return after < 0 ? -1 : after * LEAF;
  }

  /** The cursor after `c` in key order (−1 at the end). */
  advance(c: i32): i32 {
    const leaf = c / LEAF;
    if ((c & (LEAF - 1)) + 1 < getI32(this.count, leaf)) return c + 1;
    const after = getI32(this.next, leaf);
    return after < 0 ? -1 : after * LEAF;
  }

  /** The key at a valid cursor. */
  keyAt(c: i32): f64 {
    return getF64(this.keys, c);
  }

  /** The value at a valid cursor. */
  valAt(c: i32): f64 {
    return getF64(this.vals, c);
  }

  /**
   * The leaf that holds `key` or where it would go; records the path for splits and merges.
   * The searches are branch-free counts (countBefore): keys far from the touch arrive in no
   * predictable order, and a mispredicted branch per halving cost more than the search itself;
   * a count over a node's ≤ 32 keys also beat the branch-free halving (−14 % on the spot
   * BTCUSDT book, where a third of the changes land here), whose loads each wait on the last.
   */
  private descend(key: f64): i32 {
    let node = this.root;
    const seps = this.seps,
      kids = this.kids,
      kidCount = this.kidCount,
      height = this.height;
    for (let d = 0; d < height; d++) {
      // the child after the separators ≤ key (child 0 takes everything below separator 1)
      const base = node * FAN,
        first = base + 1;
      const at = first + countBefore(seps, first, first + getI32(kidCount, node) - 1, key, false);
      setI32(PATH_NODE, d, node);
      setI32(PATH_SLOT, d, at - first);
      node = getI32(kids, base + at - first);
    }
    return node;
  }

  /** The first index in a leaf whose key is ≥ `key` (n when none). */
  private lowerBound(base: i32, n: i32, key: f64): i32 {
    return countBefore(this.keys, base, base + n, key, true);
  }

  private insertAt(leaf: i32, i: i32, key: f64, val: f64): void {
    const base = leaf * LEAF,
      n = getI32(this.count, leaf);
    copyF64(this.keys, base + i + 1, base + i, base + n);
    copyF64(this.vals, base + i + 1, base + i, base + n);
    setF64(this.keys, base + i, key);
    setF64(this.vals, base + i, val);
    setI32(this.count, leaf, n + 1);
  }

  /**
   * Makes room for an insertion at i in a full leaf: appending past the last key starts a
   * new leaf and leaves the full one full; otherwise a sibling under the same parent with
   * room takes some of the pairs (the one with more room), else the leaf splits in half.
   */
  private splitLeaf(leaf: i32, i: i32, key: f64, val: f64): void {
    const append = leaf == this.tail && i == LEAF;
    if (!append && this.height > 0 && this.shareLeaf(leaf, i, key, val)) return;
    const right = this.newLeaf();
    const from = append ? LEAF : LEAF >> 1;
    const lb = leaf * LEAF,
      rb = right * LEAF;
    copyF64(this.keys, rb, lb + from, lb + LEAF);
    copyF64(this.vals, rb, lb + from, lb + LEAF);
    setI32(this.count, leaf, from);
    setI32(this.count, right, LEAF - from);
    const after = getI32(this.next, leaf);
    setI32(this.next, right, after);
    setI32(this.prev, right, leaf);
    if (after >= 0) setI32(this.prev, after, right);
    else this.tail = right;
    setI32(this.next, leaf, right);
    if (i <= from && from < LEAF) this.insertAt(leaf, i, key, val);
    else this.insertAt(right, i - from, key, val);
    this.insertChild(this.height - 1, right, getF64(this.keys, rb));
  }

  /**
   * A full leaf gives pairs to the sibling (same parent) with more room, half of that room
   * (at least one pair), counting the pair inserted at i: the pairs stay in key order and
   * the parent's separator of the right one of the two becomes its new first key. False
   * when neither sibling has room. O(LEAF), like a split, and no new leaf.
   */
  private shareLeaf(leaf: i32, i: i32, key: f64, val: f64): bool {
    const d = this.height - 1,
      parent = getI32(PATH_NODE, d),
      slot = getI32(PATH_SLOT, d),
      pb = parent * FAN;
    const left = slot > 0 ? getI32(this.kids, pb + slot - 1) : -1,
      right = slot + 1 < getI32(this.kidCount, parent) ? getI32(this.kids, pb + slot + 1) : -1;
    const leftRoom = left >= 0 ? LEAF - getI32(this.count, left) : 0,
      rightRoom = right >= 0 ? LEAF - getI32(this.count, right) : 0;
    if (leftRoom == 0 && rightRoom == 0) return false;
    const keys = this.keys,
      vals = this.vals,
      lb = leaf * LEAF;
    if (leftRoom >= rightRoom) {
      // the first m pairs (the new one among them if i < m) go to the end of `left`
      const m = (leftRoom + 1) >> 1,
        n = getI32(this.count, left),
        to = left * LEAF + n;
      if (i >= m) {
        copyF64(keys, to, lb, lb + m);
        copyF64(vals, to, lb, lb + m);
        copyF64(keys, lb, lb + m, lb + LEAF);
        copyF64(vals, lb, lb + m, lb + LEAF);
        setI32(this.count, leaf, LEAF - m);
        this.insertAt(leaf, i - m, key, val);
      } else {
        copyF64(keys, to, lb, lb + i);
        copyF64(vals, to, lb, lb + i);
        setF64(keys, to + i, key);
        setF64(vals, to + i, val);
        copyF64(keys, to + i + 1, lb + i, lb + m - 1);
        copyF64(vals, to + i + 1, lb + i, lb + m - 1);
        copyF64(keys, lb, lb + m - 1, lb + LEAF);
        copyF64(vals, lb, lb + m - 1, lb + LEAF);
        setI32(this.count, leaf, LEAF - m + 1);
      }
      setI32(this.count, left, n + m);
      setF64(this.seps, pb + slot, getF64(keys, lb));
    } else {
      // the last m pairs (the new one among them if i > LEAF − m) go to the front of `right`
      const m = (rightRoom + 1) >> 1,
        n = getI32(this.count, right),
        rb = right * LEAF,
        keep = LEAF - m;
      copyF64(keys, rb + m, rb, rb + n);
      copyF64(vals, rb + m, rb, rb + n);
      if (i <= keep) {
        copyF64(keys, rb, lb + keep, lb + LEAF);
        copyF64(vals, rb, lb + keep, lb + LEAF);
        setI32(this.count, leaf, keep);
        this.insertAt(leaf, i, key, val);
      } else {
        copyF64(keys, rb, lb + keep + 1, lb + i);
        copyF64(vals, rb, lb + keep + 1, lb + i);
        setF64(keys, rb + i - keep - 1, key);
        setF64(vals, rb + i - keep - 1, val);
        copyF64(keys, rb + i - keep, lb + i, lb + LEAF);
        copyF64(vals, rb + i - keep, lb + i, lb + LEAF);
        setI32(this.count, leaf, keep + 1);
      }
      setI32(this.count, right, n + m);
      setF64(this.seps, pb + slot + 1, getF64(keys, rb));
    }
    return true;
  }

  /** Inserts (sep, child) right after the path's slot at depth d, splitting upwards as needed. */
  private insertChild(d: i32, child: i32, sep: f64): void {
    if (d < 0) {
      const top = this.newInner(),
        base = top * FAN;
      setI32(this.kids, base, this.root);
      setI32(this.kids, base + 1, child);
      setF64(this.seps, base + 1, sep);
      setI32(this.kidCount, top, 2);
      this.root = top;
      this.height++;
      return;
    }
    const node = getI32(PATH_NODE, d),
      j = getI32(PATH_SLOT, d) + 1,
      n = getI32(this.kidCount, node);
    if (n < FAN) {
      this.insertKid(node, j, child, sep);
      return;
    }
    const right = this.newInner(),
      half = FAN >> 1;
    const lb = node * FAN,
      rb = right * FAN;
    copyI32(this.kids, rb, lb + half, lb + FAN);
    copyF64(this.seps, rb, lb + half, lb + FAN);
    setI32(this.kidCount, node, half);
    setI32(this.kidCount, right, FAN - half);
    const up = getF64(this.seps, rb);
    if (j <= half) this.insertKid(node, j, child, sep);
    else this.insertKid(right, j - half, child, sep);
    this.insertChild(d - 1, right, up);
  }

  private insertKid(node: i32, j: i32, child: i32, sep: f64): void {
    const base = node * FAN,
      n = getI32(this.kidCount, node);
    copyI32(this.kids, base + j + 1, base + j, base + n);
    copyF64(this.seps, base + j + 1, base + j, base + n);
    setI32(this.kids, base + j, child);
    setF64(this.seps, base + j, sep);
    setI32(this.kidCount, node, n + 1);
  }

  /**
   * A leaf below a quarter full merges with a sibling (same parent) if both fit in one
   * leaf; an empty leaf leaves the tree in any case.
   */
  private underflowLeaf(leaf: i32): void {
    const d = this.height - 1,
      parent = getI32(PATH_NODE, d),
      slot = getI32(PATH_SLOT, d),
      pb = parent * FAN;
    const n = getI32(this.count, leaf);
    if (slot > 0) {
      const left = getI32(this.kids, pb + slot - 1);
      if (getI32(this.count, left) + n <= LEAF) {
        this.mergeLeaves(left, leaf);
        this.removeKid(d, slot);
        return;
      }
    }
    if (slot + 1 < getI32(this.kidCount, parent)) {
      const right = getI32(this.kids, pb + slot + 1);
      if (n + getI32(this.count, right) <= LEAF) {
        this.mergeLeaves(leaf, right);
        this.removeKid(d, slot + 1);
        return;
      }
    }
    if (n == 0) {
      this.freeLeaf(leaf);
      this.removeKid(d, slot);
    }
  }

  /** Moves every pair of `right` to the end of `left` (its neighbour) and frees `right`. */
  private mergeLeaves(left: i32, right: i32): void {
    const ln = getI32(this.count, left),
      rn = getI32(this.count, right),
      lb = left * LEAF,
      rb = right * LEAF;
    copyF64(this.keys, lb + ln, rb, rb + rn);
    copyF64(this.vals, lb + ln, rb, rb + rn);
    setI32(this.count, left, ln + rn);
    this.freeLeaf(right);
  }

  /** Unlinks a leaf from the leaf list and returns it to the pool. */
  private freeLeaf(leaf: i32): void {
    const before = getI32(this.prev, leaf),
      after = getI32(this.next, leaf);
    if (before >= 0) setI32(this.next, before, after);
    else this.head = after;
    if (after >= 0) setI32(this.prev, after, before);
    else this.tail = before;
    setI32(this.next, leaf, this.leafFree);
    this.leafFree = leaf;
    this.leavesUsed--;
  }

  /** Removes child j of the path's node at depth d; shrinks the tree from the root or merges upwards. */
  private removeKid(d: i32, j: i32): void {
    const node = getI32(PATH_NODE, d),
      base = node * FAN,
      n = getI32(this.kidCount, node) - 1;
    copyI32(this.kids, base + j, base + j + 1, base + n + 1);
    copyF64(this.seps, base + j, base + j + 1, base + n + 1);
    setI32(this.kidCount, node, n);
    if (n == 0) {
      // only below the root (the root keeps ≥ 2 children): the node leaves its parent too
      this.freeInner(node);
      this.removeKid(d - 1, getI32(PATH_SLOT, d - 1));
      return;
    }
    if (d == 0) {
      if (n == 1) {
        this.root = getI32(this.kids, base);
        this.height--;
        this.freeInner(node);
      }
      return;
    }
    if (n >= FAN >> 2) return;
    const parent = getI32(PATH_NODE, d - 1),
      slot = getI32(PATH_SLOT, d - 1),
      pb = parent * FAN;
    if (slot > 0) {
      const left = getI32(this.kids, pb + slot - 1);
      if (getI32(this.kidCount, left) + n <= FAN) {
        this.mergeInner(left, node, getF64(this.seps, pb + slot));
        this.removeKid(d - 1, slot);
        return;
      }
    }
    if (slot + 1 < getI32(this.kidCount, parent)) {
      const right = getI32(this.kids, pb + slot + 1);
      if (n + getI32(this.kidCount, right) <= FAN) {
        this.mergeInner(node, right, getF64(this.seps, pb + slot + 1));
        this.removeKid(d - 1, slot + 1);
      }
    }
  }

  /** Appends the children of `right` to `left`; `sep` is the parent's separator of `right`. */
  private mergeInner(left: i32, right: i32, sep: f64): void {
    const ln = getI32(this.kidCount, left),
      rn = getI32(this.kidCount, right),
      lb = left * FAN,
      rb = right * FAN;
    copyI32(this.kids, lb + ln, rb, rb + rn);
    copyF64(this.seps, lb + ln, rb, rb + rn);
    setF64(this.seps, lb + ln, sep);
    setI32(this.kidCount, left, ln + rn);
    this.freeInner(right);
  }

  private newLeaf(): i32 {
    let leaf = this.leafFree;
    if (leaf >= 0) this.leafFree = getI32(this.next, leaf);
    else {
      if (this.leafTop == this.leafCap) this.growLeaves(grownCapacity(this.leafCap, MIN_LEAVES));
      leaf = this.leafTop++;
    }
    setI32(this.count, leaf, 0);
    setI32(this.next, leaf, -1);
    setI32(this.prev, leaf, -1);
    this.leavesUsed++;
    return leaf;
  }

  private growLeaves(cap: i32): void {
    const was = <usize>this.leafCap,
      now = <usize>cap;
    this.keys = grow(this.keys, was * LEAF << 3, now * LEAF << 3);
    this.vals = grow(this.vals, was * LEAF << 3, now * LEAF << 3);
    this.count = grow(this.count, was << 2, now << 2);
    this.next = grow(this.next, was << 2, now << 2);
    this.prev = grow(this.prev, was << 2, now << 2);
    this.leafCap = cap;
  }

  private newInner(): i32 {
    let node = this.innerFree;
    if (node >= 0) this.innerFree = getI32(this.kids, node * FAN);
    else {
      if (this.innerTop == this.innerCap) {
        const cap = grownCapacity(this.innerCap, 2);
        const was = <usize>this.innerCap,
          now = <usize>cap;
        this.seps = grow(this.seps, was * FAN << 3, now * FAN << 3);
        this.kids = grow(this.kids, was * FAN << 2, now * FAN << 2);
        this.kidCount = grow(this.kidCount, was << 2, now << 2);
        this.innerCap = cap;
      }
      node = this.innerTop++;
    }
    setI32(this.kidCount, node, 0);
    return node;
  }

  private freeInner(node: i32): void {
    setI32(this.kids, node * FAN, this.innerFree);
    this.innerFree = node;
  }

  /** Rebuilds the tree into pools sized for its keys, leaves full (O(n), after ≥ n removals since the pools last grew). */
  private repack(): void {
    const n = this.size,
      keys = heap.alloc(<usize>n << 3),
      vals = heap.alloc(<usize>n << 3);
    let k = 0;
    for (let c = this.first(); c >= 0; c = this.advance(c)) {
      setF64(keys, k, getF64(this.keys, c));
      setF64(vals, k, getF64(this.vals, c));
      k++;
    }
    this.clear(false);
    for (let i = 0; i < n; i++) this.set(getF64(keys, i), getF64(vals, i));
    heap.free(keys);
    heap.free(vals);
  }
}

/** A new empty tree (an @unmanaged header on the heap), as `new LevelTree()` in JS. */
export function levelTreeNew(): LevelTree {
  const tree = changetype<LevelTree>(alloc(offsetof<LevelTree>()));
  tree.clear();
  return tree;
}

/** Releases every pool of `tree` and its header; the tree must not be used again. */
export function levelTreeFree(tree: LevelTree): void {
  tree.clear();
  heap.free(changetype<usize>(tree));
}
