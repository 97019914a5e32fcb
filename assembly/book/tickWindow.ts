/**
 * A window of consecutive price ticks near the touch, where most of a book's changes
 * happen: setting a level is two stores and one bit, so a depth update costs the same
 * whatever the book's size (the "ROI vector" of hftbacktest's depth).
 *
 * The twin of src/book/tickWindow.ts, operation for operation: the same slots, pool
 * entries, free list, bitmaps, counters and capacities, so the two books store the same
 * values in the same places and report the same memoryBytes. The JS typed arrays are
 * blocks of linear memory here: the occupancy words, their summary words and the 16-bit
 * references share one block (fixed by the size), the pool of quantities has its own
 * (it grows as the JS one does, zero-filled where the JS array is new).
 *
 * Slot i stands for tick lo + i and holds a 16-bit reference to its quantity in the pool
 * (0: no level); free pool entries are threaded into a list through the pool itself. An
 * occupancy bitmap, and a summary bit per bitmap word, find the next level up or down
 * from any slot in at most size/1024 + 2 word reads; the first and last occupied slots
 * are kept, so the best and the deepest level of the window read in O(1).
 *
 * Slots passed to qtyAt, put and remove must be in [0, size) (the book checks the range
 * before it calls): they address memory directly.
 */
import { alloc } from "../memory";
import { grownCapacity } from "./grownCapacity";

/** The largest window: its levels, at most one a slot, must fit the 16-bit pool references. */
export const MAX_WINDOW: i32 = 32768;

/** Index of the lowest set bit of a non-zero 32-bit word. */
// @ts-ignore: decorator
@inline function lowBit(bits: i32): i32 {
  return ctz(bits);
}

/** Index of the highest set bit of a non-zero 32-bit word. */
// @ts-ignore: decorator
@inline function highBit(bits: i32): i32 {
  return 31 - clz(bits);
}

/** Summary words of a window of `size` slots (one bit per occupancy word, at least one word). */
// @ts-ignore: decorator
@inline function summaryWords(size: i32): i32 {
  return size > 0 ? max(1, size >> 10) : 0;
}

/** Bytes of the block holding the occupancy words, the summary words and the references. */
// @ts-ignore: decorator
@inline function indexBytes(size: i32): usize {
  return (<usize>(size >> 5) << 2) + (<usize>summaryWords(size) << 2) + (<usize>size << 1);
}

@unmanaged
export class TickWindow {
  /** The tick of slot 0 (a tick key: an integer double, which may pass 2^31 in magnitude). */
  lo: f64;
  /** Slots (a power of two from 64 to MAX_WINDOW, or 0 before the window is placed). */
  size: i32;
  /** Occupied slots. */
  count: i32;
  /** The first and last occupied slots (−1 when empty). */
  first: i32;
  last: i32;
  /** Occupancy words (size >> 5 u32), at the start of the index block (0 when size is 0). */
  private occ: usize;
  /** Summary words: bit w set when occupancy word w is not empty. */
  private summary: usize;
  /** 1 + the pool entry of each slot's quantity (u16; 0: empty). */
  private ref: usize;
  /** Quantities; a free entry holds −(next free entry + 2). 0 while the pool has no entry. */
  private pool: usize;
  /** Entries the pool block holds (the JS array's length). */
  private poolCap: i32;
  private poolTop: i32;
  private freeHead: i32;

  /** Bytes held in the window's arrays: the same count as the JS twin's typed arrays. */
  get memoryBytes(): f64 {
    return <f64>(indexBytes(this.size) + (<usize>this.poolCap << 3));
  }

  /**
   * Places the window at `lo` with `size` slots (0, or a power of two from 64 to MAX_WINDOW),
   * empty; new arrays unless the size is kept and `reuse` is set (then the pool is kept too).
   */
  reset(size: i32, lo: f64, reuse: bool): void {
    if (reuse && size == this.size) {
      if (size > 0) memory.fill(this.occ, 0, indexBytes(size));
    } else {
      if (this.occ) heap.free(this.occ);
      if (this.pool) heap.free(this.pool);
      const block = size > 0 ? alloc(indexBytes(size)) : 0;
      this.occ = block;
      this.summary = block ? block + (<usize>(size >> 5) << 2) : 0;
      this.ref = block ? this.summary + (<usize>summaryWords(size) << 2) : 0;
      this.pool = 0;
      this.poolCap = 0;
      this.size = size;
    }
    this.poolTop = 0;
    this.freeHead = -1;
    this.lo = lo;
    this.count = 0;
    this.first = -1;
    this.last = -1;
  }

  /** The quantity at slot i (0 when empty). */
  qtyAt(i: i32): f64 {
    const r = <i32>load<u16>(this.ref + (<usize>i << 1));
    return r == 0 ? 0 : load<f64>(this.pool + (<usize>(r - 1) << 3));
  }

  /** Sets slot i to q > 0; returns the quantity it replaced (0 if the slot was empty). */
  put(i: i32, q: f64): f64 {
    const at = this.ref + (<usize>i << 1);
    const r = <i32>load<u16>(at);
    if (r != 0) {
      const entry = this.pool + (<usize>(r - 1) << 3);
      const before = load<f64>(entry);
      store<f64>(entry, q);
      return before;
    }
    const e = this.allocate();
    store<f64>(this.pool + (<usize>e << 3), q);
    store<u16>(at, <u16>(e + 1));
    const w = i >> 5;
    const word = this.occ + (<usize>w << 2);
    store<u32>(word, load<u32>(word) | (1 << (i & 31)));
    const sum = this.summary + (<usize>(w >> 5) << 2);
    store<u32>(sum, load<u32>(sum) | (1 << (w & 31)));
    if (this.count++ == 0) {
      this.first = i;
      this.last = i;
    } else if (i < this.first) this.first = i;
    else if (i > this.last) this.last = i;
    return 0;
  }

  /** Empties slot i; returns the quantity it held (0 if it was empty: then nothing changes). */
  remove(i: i32): f64 {
    const at = this.ref + (<usize>i << 1);
    const r = <i32>load<u16>(at);
    if (r == 0) return 0;
    const entry = this.pool + (<usize>(r - 1) << 3);
    const before = load<f64>(entry);
    store<f64>(entry, -<f64>(this.freeHead + 2));
    this.freeHead = r - 1;
    store<u16>(at, 0);
    const w = i >> 5;
    const word = this.occ + (<usize>w << 2);
    const bits = load<u32>(word) & ~(1 << (i & 31));
    store<u32>(word, bits);
    if (bits == 0) {
      const sum = this.summary + (<usize>(w >> 5) << 2);
      store<u32>(sum, load<u32>(sum) & ~(1 << (w & 31)));
    }
    if (--this.count == 0) {
      this.first = -1;
      this.last = -1;
    } else if (i == this.first) this.first = this.nextFrom(i + 1);
    else if (i == this.last) this.last = this.prevFrom(i - 1);
    return before;
  }

  /** A free pool entry (the pool grows by a quarter when full, up to one entry a slot). */
  private allocate(): i32 {
    const e = this.freeHead;
    if (e >= 0) {
      this.freeHead = <i32>(-load<f64>(this.pool + (<usize>e << 3)) - 2);
      return e;
    }
    if (this.poolTop == this.poolCap) {
      const cap = min(this.size, grownCapacity(this.poolCap, 16));
      const bytes = <usize>cap << 3;
      if (this.pool) {
        const old = <usize>this.poolCap << 3;
        this.pool = heap.realloc(this.pool, bytes);
        memory.fill(this.pool + old, 0, bytes - old);
      } else this.pool = alloc(bytes);
      this.poolCap = cap;
    }
    return this.poolTop++;
  }

  /**
   * The first occupied slot ≥ i (−1 when none). A slot below 0 searches from slot 0:
   * the JS twin reads no bits below the window, which gives the same answer.
   */
  nextFrom(i: i32): i32 {
    if (i >= this.size) return -1;
    if (i < 0) i = 0;
    const occ = this.occ, summary = this.summary;
    let w = i >> 5;
    const bits = load<i32>(occ + (<usize>w << 2)) & (-1 << (i & 31));
    if (bits != 0) return (w << 5) + lowBit(bits);
    if (++w >= this.size >> 5) return -1;
    let s = w >> 5;
    let sb = load<i32>(summary + (<usize>s << 2)) & (-1 << (w & 31));
    const words = summaryWords(this.size);
    while (sb == 0) {
      if (++s >= words) return -1;
      sb = load<i32>(summary + (<usize>s << 2));
    }
    w = (s << 5) + lowBit(sb);
    return (w << 5) + lowBit(load<i32>(occ + (<usize>w << 2)));
  }

  /**
   * The last occupied slot ≤ i (−1 when none). A slot at or past `size` searches from the
   * last slot: the JS twin reads no bits past the window, which gives the same answer.
   */
  prevFrom(i: i32): i32 {
    if (i >= this.size) i = this.size - 1;
    if (i < 0) return -1;
    const occ = this.occ, summary = this.summary;
    let w = i >> 5;
    // (2 << 31) is 0 in 32-bit arithmetic, so the mask is all ones for bit 31
    const bits = load<i32>(occ + (<usize>w << 2)) & ((2 << (i & 31)) - 1);
    if (bits != 0) return (w << 5) + highBit(bits);
    if (--w < 0) return -1;
    let s = w >> 5;
    let sb = load<i32>(summary + (<usize>s << 2)) & ((2 << (w & 31)) - 1);
    while (sb == 0) {
      if (--s < 0) return -1;
      sb = load<i32>(summary + (<usize>s << 2));
    }
    w = (s << 5) + highBit(sb);
    return (w << 5) + highBit(load<i32>(occ + (<usize>w << 2)));
  }
}

/** A new, unplaced window (size 0, no arrays): a zeroed header in the heap, as `new TickWindow()` in JS. */
export function tickWindowNew(): TickWindow {
  const w = changetype<TickWindow>(alloc(offsetof<TickWindow>()));
  w.reset(0, 0, false);
  return w;
}

/** Releases a window's arrays and its header. */
export function tickWindowFree(w: TickWindow): void {
  w.reset(0, 0, false);
  heap.free(changetype<usize>(w));
}
