/**
 * A window of consecutive price ticks near the touch, where most of a book's changes
 * happen: setting a level is two array stores and one bit, so a depth update costs the
 * same whatever the book's size (the "ROI vector" of hftbacktest's depth).
 *
 * Slot i stands for tick lo + i and holds a 16-bit reference to its quantity in a compact
 * pool (0: no level), so an empty tick costs 2 bytes rather than 8: a window can span the
 * sparse books of fine-ticked instruments (BTCUSDT spot quotes 0.01 at 61,000, its
 * levels tens of ticks apart) without paying for the empty ticks. The pool holds the
 * quantities of the occupied slots and keeps its free entries in a list threaded through
 * itself. An occupancy bitmap, and a summary bit per bitmap word, find the next level up
 * or down from any slot in at most size/1024 + 2 word reads; the first and last occupied
 * slots are kept, so the best and the deepest level of the window read in O(1).
 */
import { grownCapacity } from "./grownCapacity.js";

const NO_F64 = new Float64Array(0);
const NO_U16 = new Uint16Array(0);
const NO_U32 = new Uint32Array(0);

/** The largest window: its levels, at most one a slot, must fit the 16-bit pool references. */
export const MAX_WINDOW = 32768;

/** Index of the lowest set bit of a non-zero 32-bit word. */
function lowBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}

/** Index of the highest set bit of a non-zero 32-bit word. */
function highBit(bits: number): number {
  return 31 - Math.clz32(bits);
}

export class TickWindow {
  /** Slots (a power of two from 64 to MAX_WINDOW, or 0 before the window is placed). */
  size = 0;
  /** The tick of slot 0. */
  lo = 0;
  /** Occupied slots. */
  count = 0;
  /** The first and last occupied slots (−1 when empty). */
  first = -1;
  last = -1;
  /** 1 + the pool entry of each slot's quantity (0: empty). */
  private ref = NO_U16;
  /** Quantities; a free entry holds −(next free entry + 2). */
  private pool = NO_F64;
  private poolTop = 0;
  private freeHead = -1;
  private occ = NO_U32;
  private summary = NO_U32;

  get memoryBytes(): number {
    return this.ref.byteLength + this.pool.byteLength + this.occ.byteLength + this.summary.byteLength;
  }

  /** Places the window at `lo` with `size` slots, empty; new arrays unless the size is kept and `reuse` is set. */
  reset(size: number, lo: number, reuse: boolean): void {
    if (reuse && size === this.size) {
      this.ref.fill(0);
      this.occ.fill(0);
      this.summary.fill(0);
    } else {
      this.ref = size > 0 ? new Uint16Array(size) : NO_U16;
      this.occ = size > 0 ? new Uint32Array(size >> 5) : NO_U32;
      this.summary = size > 0 ? new Uint32Array(Math.max(1, size >> 10)) : NO_U32;
      this.pool = NO_F64;
      this.size = size;
    }
    this.poolTop = 0;
    this.freeHead = -1;
    this.lo = lo;
    this.count = 0;
    this.first = this.last = -1;
  }

  /** The quantity at slot i (0 when empty). */
  qtyAt(i: number): number {
    const r = this.ref[i]!;
    return r === 0 ? 0 : this.pool[r - 1]!;
  }

  /** Sets slot i to q > 0; returns the quantity it replaced (0 if the slot was empty). */
  put(i: number, q: number): number {
    const r = this.ref[i]!;
    if (r !== 0) {
      const before = this.pool[r - 1]!;
      this.pool[r - 1] = q;
      return before;
    }
    const e = this.allocate();
    this.pool[e] = q;
    this.ref[i] = e + 1;
    const w = i >> 5;
    this.occ[w]! |= 1 << (i & 31);
    this.summary[w >> 5]! |= 1 << (w & 31);
    if (this.count++ === 0) this.first = this.last = i;
    else if (i < this.first) this.first = i;
    else if (i > this.last) this.last = i;
    return 0;
  }

  /** Empties slot i; returns the quantity it held (0 if it was empty: then nothing changes). */
  remove(i: number): number {
    const r = this.ref[i]!;
    if (r === 0) return 0;
    const before = this.pool[r - 1]!;
    this.pool[r - 1] = -(this.freeHead + 2);
    this.freeHead = r - 1;
    this.ref[i] = 0;
    const w = i >> 5;
    if ((this.occ[w]! &= ~(1 << (i & 31))) === 0) this.summary[w >> 5]! &= ~(1 << (w & 31));
    if (--this.count === 0) this.first = this.last = -1;
    else if (i === this.first) this.first = this.nextFrom(i + 1);
    else if (i === this.last) this.last = this.prevFrom(i - 1);
    return before;
  }

  /** A free pool entry (the pool grows by a quarter when full, up to one entry a slot). */
  private allocate(): number {
    const e = this.freeHead;
    if (e >= 0) {
      this.freeHead = -this.pool[e]! - 2;
      return e;
    }
    if (this.poolTop === this.pool.length) {
      const pool = new Float64Array(Math.min(this.size, grownCapacity(this.pool.length, 16)));
      pool.set(this.pool);
      this.pool = pool;
    }
    return this.poolTop++;
  }

  /** The first occupied slot ≥ i (−1 when none). */
  nextFrom(i: number): number {
    if (i >= this.size) return -1;
    let w = i >> 5;
    const bits = this.occ[w]! & (-1 << (i & 31));
    if (bits !== 0) return (w << 5) + lowBit(bits);
    if (++w >= this.occ.length) return -1;
    let s = w >> 5;
    let sb = this.summary[s]! & (-1 << (w & 31));
    while (sb === 0) {
      if (++s >= this.summary.length) return -1;
      sb = this.summary[s]!;
    }
    w = (s << 5) + lowBit(sb);
    return (w << 5) + lowBit(this.occ[w]!);
  }

  /** The last occupied slot ≤ i (−1 when none). */
  prevFrom(i: number): number {
    if (i < 0) return -1;
    let w = i >> 5;
    // (2 << 31) is 0 in 32-bit arithmetic, so the mask is all ones for bit 31
    const bits = this.occ[w]! & ((2 << (i & 31)) - 1);
    if (bits !== 0) return (w << 5) + highBit(bits);
    if (--w < 0) return -1;
    let s = w >> 5;
    let sb = this.summary[s]! & ((2 << (w & 31)) - 1);
    while (sb === 0) {
      if (--s < 0) return -1;
      sb = this.summary[s]!;
    }
    w = (s << 5) + highBit(sb);
    return (w << 5) + highBit(this.occ[w]!);
  }
}
