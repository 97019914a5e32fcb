/**
 * One side of an L2 book (bids or asks): absolute quantities per exact price, read best
 * first. Built for hostile shapes as much as for real books: every level change costs
 * O(1) near the touch and O(log n) anywhere else, whatever the tick size or the prices;
 * best price and quantity read in O(1); the top N levels in O(N); memory follows the
 * side's levels and width; and the number of levels is bounded (the farthest from the
 * touch is dropped and counted).
 *
 * Where a level lives (exactly one place):
 *  - the window (tickWindow.ts): an array over consecutive ticks of the learnt grid
 *    (priceGrid.ts), 2 bytes a tick, placed around the touch with a quarter of it on the
 *    touch's outer side to absorb moves, sized to the side's width up to `maxWindowTicks`;
 *  - `far` (levelTree.ts): levels on the grid but outside the window;
 *  - `stray`: levels off the grid (any price the grid cannot write exactly).
 * Keys are sign·price (−price for bids), so in every part ascending keys run from the
 * best level to the deepest; a price is stored or computed from its tick exactly, so
 * what is read back is the very double that was set.
 *
 * The window follows the touch lazily, so that no input can make it move on every
 * event: changes that land in `far` are counted, and only when the touch has left the
 * inner half of the window and those misses reach a quarter of the window's levels
 * (plus 32) is the window rebuilt around the touch (moving O(window levels) between
 * the window and `far`) — amortised O(log n) per change. "The touch" is the 8th best
 * level here, so that a few stale or stray levels above the book cannot hold the window
 * away from where the book is. The window grows (doubling)
 * when a level arrives beyond it but within reach of the widest window, and is resized
 * to the side's width when it is rebuilt or a snapshot loads.
 */
import type { PriceGrid } from "./priceGrid.js";
import { LevelTree } from "./levelTree.js";
import { TickWindow } from "./tickWindow.js";
import { topCount, type OrderBookSide } from "./orderBook.js";

/** The smallest window (slots). */
const MIN_WINDOW = 64;
/** Misses in `far` before a rebuild, besides a quarter of the window's levels. */
export const MISS_SLACK = 32;
/** The window is anchored on the level of this rank from the best (see anchorTick). */
const ANCHOR_RANK = 8;

export class BookSide implements OrderBookSide {
  /** Levels with a quantity > 0. */
  levels = 0;
  /** Levels dropped as the farthest from the touch because the side held more than `maxLevels`. */
  trimmed = 0;
  /** Times the window was moved or resized (grown, recentred, or fitted by a snapshot). */
  rebuilds = 0;
  /** Levels those moves carried (to the new window or between it and `far`): the work they cost. */
  relocated = 0;
  /** −1 for bids, +1 for asks: key = sign · price ascends from the best level. */
  private readonly sign: number;
  private window = new TickWindow();
  /** The window's other buffer: a new placement is built here, then the two swap. */
  private spare = new TickWindow();
  private readonly far = new LevelTree();
  private readonly stray = new LevelTree();
  private bestKey = Infinity;
  private bestQ = NaN;
  /** Changes that landed in `far` since the window was last placed. */
  private misses = 0;

  constructor(
    readonly isBid: boolean,
    private readonly grid: PriceGrid,
    readonly maxLevels: number,
    readonly maxWindowTicks: number,
  ) {
    this.sign = isBid ? -1 : 1;
  }

  /** Bytes held in typed arrays by this side (its window and trees). */
  get memoryBytes(): number {
    return this.window.memoryBytes + this.far.memoryBytes + this.stray.memoryBytes;
  }

  bestPrice(): number {
    return this.bestKey === Infinity ? NaN : this.sign * this.bestKey;
  }

  bestQty(): number {
    return this.bestQ;
  }

  /** The window's slots (0 before it is placed), for a checkpoint (src/book/bookState.ts). */
  get windowSize(): number {
    return this.window.size;
  }

  /** The tick of the window's first slot, for a checkpoint. */
  get windowLo(): number {
    return this.window.lo;
  }

  /** Changes that landed in `far` since the window was placed, for a checkpoint. */
  get missCount(): number {
    return this.misses;
  }

  /**
   * Rebuilds the side from a checkpoint (src/book/bookState.ts checks every value first): the
   * window placed at `lo` with `size` slots, the misses and counters as they were, and the
   * levels (flat [price, qty, …], best first) each where the side keeps it — the window when
   * its tick is in the window, `far` when it is on the grid outside, `stray` off the grid —
   * without the moves, growth or trims a `set` could make. Call after the grid is restored.
   */
  restore(size: number, lo: number, misses: number, trimmed: number, rebuilds: number, relocated: number, levels: Float64Array): void {
    this.empty(size, lo, false);
    const w = this.window;
    for (let i = 0; i < levels.length; i += 2) {
      const price = levels[i]!,
        q = levels[i + 1]!,
        t = this.grid.tickOf(price),
        at = this.sign * t - lo;
      if (t !== t) this.stray.set(this.sign * price, q);
      else if (at >= 0 && at < size) w.put(at, q);
      else this.far.set(this.sign * price, q);
    }
    this.levels = levels.length >> 1;
    this.misses = misses;
    this.trimmed = trimmed;
    this.rebuilds = rebuilds;
    this.relocated = relocated;
    this.findBest();
  }

  /** Removes every level and releases the side's memory (counters are kept). */
  clear(): void {
    this.empty(0, 0, false);
  }

  /** No levels; the window placed at `lo` with `size` slots (its arrays kept if `reuse` and the size is the same). */
  private empty(size: number, lo: number, reuse: boolean): void {
    this.window.reset(size, lo, reuse);
    this.far.clear();
    this.stray.clear();
    this.levels = 0;
    this.bestKey = Infinity;
    this.bestQ = NaN;
    this.misses = 0;
  }

  /**
   * Replaces the side with a snapshot's levels (flat [price, qty, …], applied in order as
   * `set` would); the window is fitted to them. Call after the grid learnt the snapshot.
   */
  load(levels: Float64Array): void {
    let near = Infinity,
      deep = -Infinity;
    for (let i = 0; i < levels.length; i += 2) {
      if (!(levels[i + 1]! > 0)) continue;
      const t = this.grid.tickOf(levels[i]!);
      if (t !== t) continue;
      const kt = this.sign * t;
      if (kt < near) near = kt;
      if (kt > deep) deep = kt;
    }
    const size = near === Infinity ? 0 : this.fit(deep - near);
    this.empty(size, near - (size >> 2), true);
    this.rebuilds++;
    this.setAll(levels, 0, levels.length);
  }

  /** Sets every level of the flat [price, qty, …] values `levels[from, to)`, in order (see `set`). */
  setAll(levels: Float64Array, from: number, to: number): void {
    for (let i = from; i < to; i += 2) this.set(levels[i]!, levels[i + 1]!);
  }

  /** Sets the quantity at a price (0 removes the level; removing an absent level changes nothing). */
  set(price: number, q: number): void {
    const t = this.grid.tickOf(price);
    if (t === t) {
      // the hot path: a tick inside the window
      const w = this.window,
        i = this.sign * t - w.lo;
      if (i >= 0 && i < w.size) {
        this.changed(this.sign * price, q > 0 ? w.put(i, q) : w.remove(i), q);
        return;
      }
    }
    this.setOutside(price, q, t);
  }

  /** `set` for a price off the grid (t NaN) or outside the window: grow the window, or use a tree. */
  private setOutside(price: number, q: number, t: number): void {
    const key = this.sign * price;
    if (t !== t) {
      this.changed(key, q > 0 ? this.stray.set(key, q) : this.stray.remove(key), q);
      return;
    }
    const kt = this.sign * t;
    if (q > 0 && this.grow(kt)) {
      const w = this.window;
      this.changed(key, w.put(kt - w.lo, q), q);
      return;
    }
    if (this.changed(key, q > 0 ? this.far.set(key, q) : this.far.remove(key), q) && ++this.misses >= MISS_SLACK + (this.window.count >> 2))
      this.recentre();
  }

  /** Counts and best level after the level at `key` went from `before` to q; false when nothing changed. */
  private changed(key: number, before: number, q: number): boolean {
    if (before > 0) {
      if (q > 0) {
        if (key === this.bestKey) this.bestQ = q;
      } else {
        this.levels--;
        if (key === this.bestKey) this.findBest();
      }
      return true;
    }
    if (!(q > 0)) return false;
    this.levels++;
    if (key < this.bestKey) {
      this.bestKey = key;
      this.bestQ = q;
    }
    if (this.levels > this.maxLevels) this.trim();
    return true;
  }

  /**
   * Writes up to n best levels (prices, quantities) into out at `pxAt` and `qtyAt`;
   * returns how many were written. O(n): a merge of the window and the two trees.
   */
  top(n: number, out: Float64Array, pxAt: number, qtyAt: number): number {
    const count = topCount(n, out, pxAt, qtyAt, this);
    if (count === 0) return 0;
    const s = this.sign,
      w = this.window,
      far = this.far,
      stray = this.stray;
    let wi = w.first,
      fc = far.first(),
      sc = stray.first();
    let wk = wi >= 0 ? this.keyOf(w.lo + wi) : Infinity;
    let fk = fc >= 0 ? far.keyAt(fc) : Infinity;
    let sk = sc >= 0 ? stray.keyAt(sc) : Infinity;
    let k = 0;
    for (; k < count; k++) {
      if (wk < fk && wk < sk) {
        out[pxAt + k] = s * wk;
        out[qtyAt + k] = w.qtyAt(wi);
        wi = w.nextFrom(wi + 1);
        wk = wi >= 0 ? this.keyOf(w.lo + wi) : Infinity;
      } else if (fk < sk) {
        out[pxAt + k] = s * fk;
        out[qtyAt + k] = far.valAt(fc);
        fc = far.advance(fc);
        fk = fc >= 0 ? far.keyAt(fc) : Infinity;
      } else if (sk !== Infinity) {
        out[pxAt + k] = s * sk;
        out[qtyAt + k] = stray.valAt(sc);
        sc = stray.advance(sc);
        sk = sc >= 0 ? stray.keyAt(sc) : Infinity;
      } else break;
    }
    return k;
  }

  /** Every level, best first, as [price, qty] pairs (for summaries and tests; O(levels)). */
  entries(): [number, number][] {
    const flat = new Float64Array(2 * this.levels);
    const n = this.top(this.levels, flat, 0, this.levels);
    const out: [number, number][] = [];
    for (let i = 0; i < n; i++) out.push([flat[i]!, flat[this.levels + i]!]);
    return out;
  }

  /** The key of a tick (sign · its exact price). */
  private keyOf(kt: number): number {
    return this.sign * this.grid.priceOf(this.sign * kt);
  }

  /** The window tick of a key held in `far` (on the grid by construction). */
  private tickOfKey(key: number): number {
    return this.sign * this.grid.tickOf(this.sign * key);
  }

  /** The smallest window (power of two ≥ 64, ≤ maxWindowTicks) whose deep three quarters span `depth` ticks. */
  private fit(depth: number): number {
    let size = MIN_WINDOW;
    while (size < this.maxWindowTicks && size - (size >> 2) <= depth) size *= 2;
    return size;
  }

  /** After the best level went away: the best of the window, `far` and `stray`. */
  private findBest(): void {
    const w = this.window;
    let key = Infinity,
      q = NaN;
    if (w.count > 0) {
      key = this.keyOf(w.lo + w.first);
      q = w.qtyAt(w.first);
    }
    if (this.far.size > 0 && this.far.firstKey() < key) {
      key = this.far.firstKey();
      q = this.far.valAt(this.far.first());
    }
    if (this.stray.size > 0 && this.stray.firstKey() < key) {
      key = this.stray.firstKey();
      q = this.stray.valAt(this.stray.first());
    }
    this.bestKey = key;
    this.bestQ = q;
  }

  /** Drops the levels farthest from the touch until the side holds maxLevels (never the best: it holds ≥ 2 here). */
  private trim(): void {
    const w = this.window;
    while (this.levels > this.maxLevels) {
      const wk = w.count > 0 ? this.keyOf(w.lo + w.last) : -Infinity;
      const fk = this.far.size > 0 ? this.far.lastKey() : -Infinity;
      const sk = this.stray.size > 0 ? this.stray.lastKey() : -Infinity;
      if (wk > fk && wk > sk) w.remove(w.last);
      else if (fk > sk) this.far.remove(fk);
      else this.stray.remove(sk);
      this.levels--;
      this.trimmed++;
    }
  }

  /**
   * Where the window is anchored: the window tick of the ANCHOR_RANK-th best level on the
   * grid (the deepest when there are fewer; Infinity when none). Not the best itself, so
   * that a few stray or stale levels above the book cannot pin the window away from it.
   */
  private anchorTick(): number {
    const w = this.window,
      far = this.far;
    let wi = w.first,
      c = far.first(),
      at = Infinity;
    for (let k = 0; k < ANCHOR_RANK && (wi >= 0 || c >= 0); k++) {
      const wt = wi >= 0 ? w.lo + wi : Infinity,
        ft = c >= 0 ? this.tickOfKey(far.keyAt(c)) : Infinity;
      if (wt < ft) {
        at = wt;
        wi = w.nextFrom(wi + 1);
      } else {
        at = ft;
        c = far.advance(c);
      }
    }
    return at;
  }

  /**
   * A level at tick kt arrives outside the window: if a larger window (≤ maxWindowTicks)
   * around the touch would hold it and the window's levels, the window doubles (or more)
   * to that size. Growth only ever enlarges the window, so it happens at most
   * log2(maxWindowTicks / 64) times between two placements.
   */
  private grow(kt: number): boolean {
    const w = this.window;
    if (w.size >= this.maxWindowTicks) return false;
    const near = Math.min(kt, this.anchorTick());
    const deep = Math.max(kt, w.count > 0 ? w.lo + w.last : kt);
    const size = this.fit(deep - near);
    if (size <= w.size || deep - near >= size - (size >> 2)) return false;
    this.place(near, size);
    return true;
  }

  /**
   * Enough changes missed the window: if the touch has left the window's inner half,
   * rebuild it around the touch, fitted to the side's width.
   */
  private recentre(): void {
    const near = this.anchorTick(),
      w = this.window;
    if (near === Infinity) return;
    const at = near - w.lo;
    if (at >= 0 && at < w.size >> 1) {
      this.misses = 0;
      return;
    }
    let deep = w.count > 0 ? w.lo + w.last : near;
    if (this.far.size > 0) deep = Math.max(deep, this.tickOfKey(this.far.lastKey()));
    this.place(near, this.fit(deep - near));
  }

  /** Moves the window to put tick `near` a quarter in, with `size` slots; levels move between the window and `far`. */
  private place(near: number, size: number): void {
    const old = this.window,
      w = this.spare,
      far = this.far;
    const lo = near - (size >> 2),
      hi = lo + size;
    w.reset(size, lo, false);
    this.relocated += old.count;
    for (let i = old.first; i >= 0; i = old.nextFrom(i + 1)) {
      const kt = old.lo + i;
      if (kt >= lo && kt < hi) w.put(kt - lo, old.qtyAt(i));
      else far.set(this.keyOf(kt), old.qtyAt(i));
    }
    old.reset(0, 0, false);
    this.window = w;
    this.spare = old;
    // levels of `far` that the window now covers move in (keys ascend with ticks)
    let c = far.lowerBoundOf(this.keyOf(lo));
    while (c >= 0) {
      const key = far.keyAt(c),
        kt = this.tickOfKey(key);
      if (kt >= hi) break;
      if (kt < lo) {
        c = far.advance(c);
        continue;
      }
      w.put(kt - lo, far.valAt(c));
      far.remove(key);
      this.relocated++;
      c = far.lowerBoundOf(key);
    }
    this.misses = 0;
    this.rebuilds++;
  }
}
