/**
 * A dense window of consecutive price ticks near the touch, where almost all of a book's
 * changes happen: setting a level is an array store and one bit, so a depth update
 * costs the same whatever the book's size (the "ROI vector" of hftbacktest's depth).
 *
 * Slot i holds the quantity of tick lo + i (0: no level). An occupancy bitmap, and a
 * summary bit per bitmap word, find the next level up or down from any slot in at most
 * size/1024 + 2 word reads: near the touch books are often sparse, and the next best
 * after a removal can be far. The first and last occupied slots are kept, so the best
 * and the deepest level of the window read in O(1).
 */

const NO_F64 = new Float64Array(0);
const NO_U32 = new Uint32Array(0);

/** Index of the lowest set bit of a non-zero 32-bit word. */
function lowBit(bits: number): number {
  return 31 - Math.clz32(bits & -bits);
}

/** Index of the highest set bit of a non-zero 32-bit word. */
function highBit(bits: number): number {
  return 31 - Math.clz32(bits);
}

export class TickWindow {
  /** Slots (a power of two ≥ 64, or 0 before the window is placed). */
  size = 0;
  /** The tick of slot 0. */
  lo = 0;
  /** Occupied slots. */
  count = 0;
  /** The first and last occupied slots (−1 when empty). */
  first = -1;
  last = -1;
  qty = NO_F64;
  private occ = NO_U32;
  private summary = NO_U32;

  get memoryBytes(): number {
    return this.qty.byteLength + this.occ.byteLength + this.summary.byteLength;
  }

  /** Places the window at `lo` with `size` slots, empty; new arrays unless the size is kept and `reuse` is set. */
  reset(size: number, lo: number, reuse: boolean): void {
    if (reuse && size === this.size) {
      this.qty.fill(0);
      this.occ.fill(0);
      this.summary.fill(0);
    } else {
      this.qty = size > 0 ? new Float64Array(size) : NO_F64;
      this.occ = size > 0 ? new Uint32Array(size >> 5) : NO_U32;
      this.summary = size > 0 ? new Uint32Array(Math.max(1, size >> 10)) : NO_U32;
      this.size = size;
    }
    this.lo = lo;
    this.count = 0;
    this.first = this.last = -1;
  }

  /** Sets slot i to q > 0; returns the quantity it replaced (0 if the slot was empty). */
  put(i: number, q: number): number {
    const before = this.qty[i]!;
    this.qty[i] = q;
    if (before === 0) {
      const w = i >> 5;
      this.occ[w]! |= 1 << (i & 31);
      this.summary[w >> 5]! |= 1 << (w & 31);
      if (this.count++ === 0) this.first = this.last = i;
      else if (i < this.first) this.first = i;
      else if (i > this.last) this.last = i;
    }
    return before;
  }

  /** Empties slot i; returns the quantity it held (0 if it was empty: then nothing changes). */
  remove(i: number): number {
    const before = this.qty[i]!;
    if (before === 0) return 0;
    this.qty[i] = 0;
    const w = i >> 5;
    if ((this.occ[w]! &= ~(1 << (i & 31))) === 0) this.summary[w >> 5]! &= ~(1 << (w & 31));
    if (--this.count === 0) this.first = this.last = -1;
    else if (i === this.first) this.first = this.nextFrom(i + 1);
    else if (i === this.last) this.last = this.prevFrom(i - 1);
    return before;
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
