/**
 * Where decoded depth levels live: views into a shared slab instead of arrays of their
 * own. A Float64Array of a few hundred bytes gets its own off-heap backing store (malloc,
 * a finalizer for the collector) where a view of an existing buffer is one small object,
 * and a replay decodes thousands of diffs a second. An event a caller keeps keeps its
 * slab alive (512 KB at most); a full slab is replaced, never overwritten.
 */

/** Values a slab holds (a larger level array gets a slab of its own size). */
const SLAB = 65_536;

export class LevelSlab {
  private slab = new Float64Array(SLAB);
  private used = 0;

  /** A copy of from[at, at + n), as a view of the slab (a new slab when this one is full). */
  take(from: Float64Array, at: number, n: number): Float64Array {
    if (this.used + n > this.slab.length) {
      this.slab = new Float64Array(Math.max(SLAB, n));
      this.used = 0;
    }
    const to = this.used,
      slab = this.slab;
    for (let k = 0; k < n; k++) slab[to + k] = from[at + k]!;
    this.used = to + n;
    return slab.subarray(to, to + n);
  }
}
