/**
 * An ordered map from price keys to quantities, as a B+tree in typed arrays: the book's
 * store for the levels its tick window does not hold (levels far from the touch and
 * prices off the learnt tick grid). A trader's book can carry thousands of such levels
 * (Binance futures books pass 5,000 a side); every operation here stays O(log n) however
 * they are placed, and the best and worst keys are read in O(1).
 *
 * Leaves hold up to 32 sorted (key, value) pairs and are linked in key order, so walking
 * the levels from any position costs O(1) a level; inner nodes hold up to 32 children and
 * the smallest key each child had when it was split off (a valid separator for routing
 * ever after: deleting keys never invalidates it). A node that falls below a quarter full
 * merges with a sibling when the two fit in one node, and the node pools shrink (the tree
 * is repacked) when less than a quarter of them is in use, so memory follows the level
 * count both ways. Appending past the last key fills leaves completely (a snapshot loads
 * in order); any other insertion into a full leaf first moves pairs to a sibling with room
 * and splits only when both are full (the B*-tree's overflow rule): under a real book's
 * churn leaves stay 70–80 % full instead of ~60 % (the BTCUSDT capture's far levels: 23
 * pairs a leaf instead of 19, after its 3,448 depth updates); the pools grow by a quarter
 * (grownCapacity.ts), not by doubling. No per-level objects: the layout ports to
 * AssemblyScript as it is.
 * References: Comer, "The Ubiquitous B-Tree", ACM Computing Surveys 11(2), 1979 (B*-trees:
 * §3); Knuth, TAOCP vol. 3, §6.2.4.
 */
import { grownCapacity } from "./grownCapacity.js";

const LEAF = 32;
const FAN = 32;
/** Leaves a pool starts with, and keeps when it empties. */
const MIN_LEAVES = 2;
/** Far above what 2^31 keys need at ≥ 8 children a node. */
const MAX_HEIGHT = 12;

/** The descent path of the last search: inner node and child slot per depth (single-threaded scratch). */
const PATH_NODE = new Int32Array(MAX_HEIGHT);
const PATH_SLOT = new Int32Array(MAX_HEIGHT);

const NO_F64 = new Float64Array(0);
const NO_I32 = new Int32Array(0);

export class LevelTree {
  /** Keys held. */
  size = 0;
  /** Inner levels above the leaves (0: the root is a leaf). */
  private height = 0;
  private root = -1;
  private head = -1;
  private tail = -1;

  private keys = NO_F64;
  private vals = NO_F64;
  private count = NO_I32;
  private next = NO_I32;
  private prev = NO_I32;
  private leafCap = 0;
  private leafTop = 0;
  private leafFree = -1;
  private leavesUsed = 0;

  /** seps[node·FAN + j]: a key ≤ every key under child j and > every key under child j − 1 (j ≥ 1). */
  private seps = NO_F64;
  private kids = NO_I32;
  private kidCount = NO_I32;
  private innerCap = 0;
  private innerTop = 0;
  private innerFree = -1;

  /** Inner levels above the leaves (0 while the root is a leaf). */
  get depth(): number {
    return this.height;
  }

  /** Bytes held in typed arrays. */
  get memoryBytes(): number {
    return (
      this.keys.byteLength +
      this.vals.byteLength +
      this.count.byteLength +
      this.next.byteLength +
      this.prev.byteLength +
      this.seps.byteLength +
      this.kids.byteLength +
      this.kidCount.byteLength
    );
  }

  /** Sets `key` to `val` (> 0); returns the value it replaced, 0 when the key is new. */
  set(key: number, val: number): number {
    if (this.root < 0) {
      const leaf = this.newLeaf();
      this.root = this.head = this.tail = leaf;
      this.height = 0;
    }
    const leaf = this.descend(key),
      base = leaf * LEAF,
      n = this.count[leaf]!;
    const i = this.lowerBound(base, n, key);
    if (i < n && this.keys[base + i] === key) {
      const before = this.vals[base + i]!;
      this.vals[base + i] = val;
      return before;
    }
    this.size++;
    if (n < LEAF) this.insertAt(leaf, i, key, val);
    else this.splitLeaf(leaf, i, key, val);
    return 0;
  }

  /** Removes `key`; returns its value, 0 when it was absent (then nothing changes). */
  remove(key: number): number {
    if (this.root < 0) return 0;
    const leaf = this.descend(key),
      base = leaf * LEAF,
      n = this.count[leaf]!;
    const i = this.lowerBound(base, n, key);
    if (i >= n || this.keys[base + i] !== key) return 0;
    const keys = this.keys,
      vals = this.vals,
      before = vals[base + i]!;
    for (let j = base + i + 1; j < base + n; j++) {
      keys[j - 1] = keys[j]!;
      vals[j - 1] = vals[j]!;
    }
    this.count[leaf] = n - 1;
    if (--this.size === 0) this.clear(true);
    else {
      if (n - 1 < LEAF >> 2 && this.height > 0) this.underflowLeaf(leaf);
      if (this.leafCap > 4 * MIN_LEAVES && this.leavesUsed < this.leafCap >> 2) this.repack();
    }
    return before;
  }

  /** Empties the tree; `keepSmall` keeps a small pool allocated, otherwise all memory is released. */
  clear(keepSmall = false): void {
    this.size = 0;
    this.root = this.head = this.tail = -1;
    this.height = 0;
    this.leafTop = this.innerTop = this.leavesUsed = 0;
    this.leafFree = this.innerFree = -1;
    if (!keepSmall || this.leafCap > MIN_LEAVES * 2) {
      this.keys = this.vals = NO_F64;
      this.count = this.next = this.prev = NO_I32;
      this.seps = NO_F64;
      this.kids = this.kidCount = NO_I32;
      this.leafCap = this.innerCap = 0;
    }
  }

  firstKey(): number {
    return this.head < 0 ? NaN : this.keys[this.head * LEAF]!;
  }

  lastKey(): number {
    return this.tail < 0 ? NaN : this.keys[this.tail * LEAF + this.count[this.tail]! - 1]!;
  }

  /** A cursor on the smallest key (−1 when empty). A cursor stays valid until the tree changes. */
  first(): number {
    return this.head < 0 ? -1 : this.head * LEAF;
  }

  /** A cursor on the smallest key ≥ `key` (−1 when none). */
  lowerBoundOf(key: number): number {
    if (this.root < 0) return -1;
    const leaf = this.descend(key),
      i = this.lowerBound(leaf * LEAF, this.count[leaf]!, key);
    if (i < this.count[leaf]!) return leaf * LEAF + i;
    const after = this.next[leaf]!;
    return after < 0 ? -1 : after * LEAF;
  }

  /** The cursor after `c` in key order (−1 at the end). */
  advance(c: number): number {
    const leaf = (c / LEAF) | 0;
    if ((c & (LEAF - 1)) + 1 < this.count[leaf]!) return c + 1;
    const after = this.next[leaf]!;
    return after < 0 ? -1 : after * LEAF;
  }

  keyAt(c: number): number {
    return this.keys[c]!;
  }

  valAt(c: number): number {
    return this.vals[c]!;
  }

  /**
   * The leaf that holds `key` or where it would go; records the path for splits and merges.
   * The searches are branch-free (an add of half × (comparison)): keys far from the touch
   * arrive in no predictable order, and a mispredicted branch per halving cost more than
   * the search itself.
   */
  private descend(key: number): number {
    let node = this.root;
    const seps = this.seps,
      kids = this.kids;
    for (let d = 0; d < this.height; d++) {
      // the child after the separators ≤ key (child 0 takes everything below separator 1)
      const base = node * FAN,
        first = base + 1;
      let at = first,
        len = this.kidCount[node]! - 1;
      if (len > 0) {
        while (len > 1) {
          const half = len >> 1;
          at += half * +(seps[at + half]! <= key);
          len -= half;
        }
        at += +(seps[at]! <= key);
      }
      PATH_NODE[d] = node;
      PATH_SLOT[d] = at - first;
      node = kids[base + at - first]!;
    }
    return node;
  }

  /** The first index in a leaf whose key is ≥ `key` (n when none). */
  private lowerBound(base: number, n: number, key: number): number {
    if (n === 0) return 0;
    const keys = this.keys;
    let at = base,
      len = n;
    while (len > 1) {
      const half = len >> 1;
      at += half * +(keys[at + half]! < key);
      len -= half;
    }
    return at - base + +(keys[at]! < key);
  }

  private insertAt(leaf: number, i: number, key: number, val: number): void {
    const base = leaf * LEAF,
      n = this.count[leaf]!,
      keys = this.keys,
      vals = this.vals;
    for (let j = base + n; j > base + i; j--) {
      keys[j] = keys[j - 1]!;
      vals[j] = vals[j - 1]!;
    }
    keys[base + i] = key;
    vals[base + i] = val;
    this.count[leaf] = n + 1;
  }

  /**
   * Makes room for an insertion at i in a full leaf: appending past the last key starts a
   * new leaf and leaves the full one full; otherwise a sibling under the same parent with
   * room takes some of the pairs (the one with more room), else the leaf splits in half.
   */
  private splitLeaf(leaf: number, i: number, key: number, val: number): void {
    const append = leaf === this.tail && i === LEAF;
    if (!append && this.height > 0 && this.shareLeaf(leaf, i, key, val)) return;
    const right = this.newLeaf();
    const from = append ? LEAF : LEAF >> 1;
    const lb = leaf * LEAF,
      rb = right * LEAF;
    this.keys.copyWithin(rb, lb + from, lb + LEAF);
    this.vals.copyWithin(rb, lb + from, lb + LEAF);
    this.count[leaf] = from;
    this.count[right] = LEAF - from;
    const after = this.next[leaf]!;
    this.next[right] = after;
    this.prev[right] = leaf;
    if (after >= 0) this.prev[after] = right;
    else this.tail = right;
    this.next[leaf] = right;
    if (i <= from && from < LEAF) this.insertAt(leaf, i, key, val);
    else this.insertAt(right, i - from, key, val);
    this.insertChild(this.height - 1, right, this.keys[rb]!);
  }

  /**
   * A full leaf gives pairs to the sibling (same parent) with more room, half of that room
   * (at least one pair), counting the pair inserted at i: the pairs stay in key order and
   * the parent's separator of the right one of the two becomes its new first key. False
   * when neither sibling has room. O(LEAF), like a split, and no new leaf.
   */
  private shareLeaf(leaf: number, i: number, key: number, val: number): boolean {
    const d = this.height - 1,
      parent = PATH_NODE[d]!,
      slot = PATH_SLOT[d]!,
      pb = parent * FAN;
    const left = slot > 0 ? this.kids[pb + slot - 1]! : -1,
      right = slot + 1 < this.kidCount[parent]! ? this.kids[pb + slot + 1]! : -1;
    const leftRoom = left >= 0 ? LEAF - this.count[left]! : 0,
      rightRoom = right >= 0 ? LEAF - this.count[right]! : 0;
    if (leftRoom === 0 && rightRoom === 0) return false;
    const keys = this.keys,
      vals = this.vals,
      lb = leaf * LEAF;
    if (leftRoom >= rightRoom) {
      // the first m pairs (the new one among them if i < m) go to the end of `left`
      const m = (leftRoom + 1) >> 1,
        n = this.count[left]!,
        to = left * LEAF + n;
      if (i >= m) {
        keys.copyWithin(to, lb, lb + m);
        vals.copyWithin(to, lb, lb + m);
        keys.copyWithin(lb, lb + m, lb + LEAF);
        vals.copyWithin(lb, lb + m, lb + LEAF);
        this.count[leaf] = LEAF - m;
        this.insertAt(leaf, i - m, key, val);
      } else {
        keys.copyWithin(to, lb, lb + i);
        vals.copyWithin(to, lb, lb + i);
        keys[to + i] = key;
        vals[to + i] = val;
        keys.copyWithin(to + i + 1, lb + i, lb + m - 1);
        vals.copyWithin(to + i + 1, lb + i, lb + m - 1);
        keys.copyWithin(lb, lb + m - 1, lb + LEAF);
        vals.copyWithin(lb, lb + m - 1, lb + LEAF);
        this.count[leaf] = LEAF - m + 1;
      }
      this.count[left] = n + m;
      this.seps[pb + slot] = keys[lb]!;
    } else {
      // the last m pairs (the new one among them if i > LEAF − m) go to the front of `right`
      const m = (rightRoom + 1) >> 1,
        n = this.count[right]!,
        rb = right * LEAF,
        keep = LEAF - m;
      keys.copyWithin(rb + m, rb, rb + n);
      vals.copyWithin(rb + m, rb, rb + n);
      if (i <= keep) {
        keys.copyWithin(rb, lb + keep, lb + LEAF);
        vals.copyWithin(rb, lb + keep, lb + LEAF);
        this.count[leaf] = keep;
        this.insertAt(leaf, i, key, val);
      } else {
        keys.copyWithin(rb, lb + keep + 1, lb + i);
        vals.copyWithin(rb, lb + keep + 1, lb + i);
        keys[rb + i - keep - 1] = key;
        vals[rb + i - keep - 1] = val;
        keys.copyWithin(rb + i - keep, lb + i, lb + LEAF);
        vals.copyWithin(rb + i - keep, lb + i, lb + LEAF);
        this.count[leaf] = keep + 1;
      }
      this.count[right] = n + m;
      this.seps[pb + slot + 1] = keys[rb]!;
    }
    return true;
  }

  /** Inserts (sep, child) right after the path's slot at depth d, splitting upwards as needed. */
  private insertChild(d: number, child: number, sep: number): void {
    if (d < 0) {
      const top = this.newInner(),
        base = top * FAN;
      this.kids[base] = this.root;
      this.kids[base + 1] = child;
      this.seps[base + 1] = sep;
      this.kidCount[top] = 2;
      this.root = top;
      this.height++;
      return;
    }
    const node = PATH_NODE[d]!,
      j = PATH_SLOT[d]! + 1,
      n = this.kidCount[node]!;
    if (n < FAN) {
      this.insertKid(node, j, child, sep);
      return;
    }
    const right = this.newInner(),
      half = FAN >> 1;
    const lb = node * FAN,
      rb = right * FAN;
    this.kids.copyWithin(rb, lb + half, lb + FAN);
    this.seps.copyWithin(rb, lb + half, lb + FAN);
    this.kidCount[node] = half;
    this.kidCount[right] = FAN - half;
    const up = this.seps[rb]!;
    if (j <= half) this.insertKid(node, j, child, sep);
    else this.insertKid(right, j - half, child, sep);
    this.insertChild(d - 1, right, up);
  }

  private insertKid(node: number, j: number, child: number, sep: number): void {
    const base = node * FAN,
      n = this.kidCount[node]!;
    this.kids.copyWithin(base + j + 1, base + j, base + n);
    this.seps.copyWithin(base + j + 1, base + j, base + n);
    this.kids[base + j] = child;
    this.seps[base + j] = sep;
    this.kidCount[node] = n + 1;
  }

  /**
   * A leaf below a quarter full merges with a sibling (same parent) if both fit in one
   * leaf; an empty leaf leaves the tree in any case.
   */
  private underflowLeaf(leaf: number): void {
    const d = this.height - 1,
      parent = PATH_NODE[d]!,
      slot = PATH_SLOT[d]!,
      pb = parent * FAN;
    const n = this.count[leaf]!;
    if (slot > 0) {
      const left = this.kids[pb + slot - 1]!;
      if (this.count[left]! + n <= LEAF) {
        this.mergeLeaves(left, leaf);
        this.removeKid(d, slot);
        return;
      }
    }
    if (slot + 1 < this.kidCount[parent]!) {
      const right = this.kids[pb + slot + 1]!;
      if (n + this.count[right]! <= LEAF) {
        this.mergeLeaves(leaf, right);
        this.removeKid(d, slot + 1);
        return;
      }
    }
    if (n === 0) {
      this.freeLeaf(leaf);
      this.removeKid(d, slot);
    }
  }

  /** Moves every pair of `right` to the end of `left` (its neighbour) and frees `right`. */
  private mergeLeaves(left: number, right: number): void {
    const ln = this.count[left]!,
      rn = this.count[right]!,
      lb = left * LEAF,
      rb = right * LEAF;
    this.keys.copyWithin(lb + ln, rb, rb + rn);
    this.vals.copyWithin(lb + ln, rb, rb + rn);
    this.count[left] = ln + rn;
    this.freeLeaf(right);
  }

  /** Unlinks a leaf from the leaf list and returns it to the pool. */
  private freeLeaf(leaf: number): void {
    const before = this.prev[leaf]!,
      after = this.next[leaf]!;
    if (before >= 0) this.next[before] = after;
    else this.head = after;
    if (after >= 0) this.prev[after] = before;
    else this.tail = before;
    this.next[leaf] = this.leafFree;
    this.leafFree = leaf;
    this.leavesUsed--;
  }

  /** Removes child j of the path's node at depth d; shrinks the tree from the root or merges upwards. */
  private removeKid(d: number, j: number): void {
    const node = PATH_NODE[d]!,
      base = node * FAN,
      n = this.kidCount[node]! - 1;
    this.kids.copyWithin(base + j, base + j + 1, base + n + 1);
    this.seps.copyWithin(base + j, base + j + 1, base + n + 1);
    this.kidCount[node] = n;
    if (n === 0) {
      // only below the root (the root keeps ≥ 2 children): the node leaves its parent too
      this.freeInner(node);
      this.removeKid(d - 1, PATH_SLOT[d - 1]!);
      return;
    }
    if (d === 0) {
      if (n === 1) {
        this.root = this.kids[base]!;
        this.height--;
        this.freeInner(node);
      }
      return;
    }
    if (n >= FAN >> 2) return;
    const parent = PATH_NODE[d - 1]!,
      slot = PATH_SLOT[d - 1]!,
      pb = parent * FAN;
    if (slot > 0) {
      const left = this.kids[pb + slot - 1]!;
      if (this.kidCount[left]! + n <= FAN) {
        this.mergeInner(left, node, this.seps[pb + slot]!);
        this.removeKid(d - 1, slot);
        return;
      }
    }
    if (slot + 1 < this.kidCount[parent]!) {
      const right = this.kids[pb + slot + 1]!;
      if (n + this.kidCount[right]! <= FAN) {
        this.mergeInner(node, right, this.seps[pb + slot + 1]!);
        this.removeKid(d - 1, slot + 1);
      }
    }
  }

  /** Appends the children of `right` to `left`; `sep` is the parent's separator of `right`. */
  private mergeInner(left: number, right: number, sep: number): void {
    const ln = this.kidCount[left]!,
      rn = this.kidCount[right]!,
      lb = left * FAN,
      rb = right * FAN;
    this.kids.copyWithin(lb + ln, rb, rb + rn);
    this.seps.copyWithin(lb + ln, rb, rb + rn);
    this.seps[lb + ln] = sep;
    this.kidCount[left] = ln + rn;
    this.freeInner(right);
  }

  private newLeaf(): number {
    let leaf = this.leafFree;
    if (leaf >= 0) this.leafFree = this.next[leaf]!;
    else {
      if (this.leafTop === this.leafCap) this.growLeaves(grownCapacity(this.leafCap, MIN_LEAVES));
      leaf = this.leafTop++;
    }
    this.count[leaf] = 0;
    this.next[leaf] = this.prev[leaf] = -1;
    this.leavesUsed++;
    return leaf;
  }

  private growLeaves(cap: number): void {
    const keys = new Float64Array(cap * LEAF),
      vals = new Float64Array(cap * LEAF);
    const count = new Int32Array(cap),
      next = new Int32Array(cap),
      prev = new Int32Array(cap);
    keys.set(this.keys);
    vals.set(this.vals);
    count.set(this.count);
    next.set(this.next);
    prev.set(this.prev);
    this.keys = keys;
    this.vals = vals;
    this.count = count;
    this.next = next;
    this.prev = prev;
    this.leafCap = cap;
  }

  private newInner(): number {
    let node = this.innerFree;
    if (node >= 0) this.innerFree = this.kids[node * FAN]!;
    else {
      if (this.innerTop === this.innerCap) {
        const cap = grownCapacity(this.innerCap, 2);
        const seps = new Float64Array(cap * FAN),
          kids = new Int32Array(cap * FAN),
          kidCount = new Int32Array(cap);
        seps.set(this.seps);
        kids.set(this.kids);
        kidCount.set(this.kidCount);
        this.seps = seps;
        this.kids = kids;
        this.kidCount = kidCount;
        this.innerCap = cap;
      }
      node = this.innerTop++;
    }
    this.kidCount[node] = 0;
    return node;
  }

  private freeInner(node: number): void {
    this.kids[node * FAN] = this.innerFree;
    this.innerFree = node;
  }

  /** Rebuilds the tree into pools sized for its keys, leaves full (O(n), after ≥ n removals since the pools last grew). */
  private repack(): void {
    const n = this.size,
      keys = new Float64Array(n),
      vals = new Float64Array(n);
    let k = 0;
    for (let c = this.first(); c >= 0; c = this.advance(c), k++) {
      keys[k] = this.keys[c]!;
      vals[k] = this.vals[c]!;
    }
    this.clear(false);
    for (let i = 0; i < n; i++) this.set(keys[i]!, vals[i]!);
  }
}
