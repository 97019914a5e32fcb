/**
 * One side of an L2 book (bids or asks) in linear memory: the twin of src/book/bookSide.ts,
 * operation for operation (same window placement, same misses, same trims, same counters), so
 * that a book kept here reads back the very levels and counters the JS backend's does.
 *
 * A level lives in exactly one place: the tick window near the touch (tickWindow.ts, O(1) a
 * change), `far` (levels on the grid outside the window) or `stray` (prices off the grid),
 * both B+trees (levelTree.ts, O(log n)). Keys are sign·price (−price for bids), so ascending
 * keys run from the best level to the deepest everywhere. The window follows the touch
 * lazily (a rebuild only after a quarter of the window's levels plus 32 changes missed it
 * while the touch is outside its inner half), grows by doubling up to `maxWindowTicks`, and a
 * side holds at most `maxLevels` levels (the farthest from the touch are dropped and counted).
 * See the JS twin's opening comment for the reasoning behind each rule.
 *
 * Unlike the kernels, a side allocates: its window and trees grow with its own width and
 * levels (heap.alloc inside the module), so a call that changes levels may grow linear
 * memory — the TS wrapper refreshes its views after every such call.
 */
import { TickWindow, tickWindowNew, tickWindowFree } from "./tickWindow";
import { LevelTree, levelTreeNew, levelTreeFree } from "./levelTree";
import { PriceGrid } from "./priceGrid";

/** The smallest window (slots). */
const MIN_WINDOW: i32 = 64;
/** Misses in `far` before a rebuild, besides a quarter of the window's levels. */
const MISS_SLACK: i32 = 32;
/** The window is anchored on the level of this rank from the best (see anchorTick). */
const ANCHOR_RANK: i32 = 8;

@unmanaged
export class BookSide {
  /** Levels with a quantity > 0. */
  levels: i32;
  maxLevels: i32;
  maxWindowTicks: i32;
  /** Changes that landed in `far` since the window was last placed. */
  misses: i32;
  /** Levels dropped as the farthest from the touch (f64: counters of a long run pass 2^31). */
  trimmed: f64;
  /** Times the window was moved or resized. */
  rebuilds: f64;
  /** Levels those moves carried. */
  relocated: f64;
  /** −1 for bids, +1 for asks. */
  sign: f64;
  bestKey: f64;
  bestQ: f64;
  window: TickWindow;
  /** The window's other buffer: a new placement is built here, then the two swap. */
  spare: TickWindow;
  far: LevelTree;
  stray: LevelTree;
  grid: PriceGrid;

  /** Bytes held by this side's window and trees (the same count as the JS twin's). */
  get memoryBytes(): f64 {
    return this.window.memoryBytes + this.far.memoryBytes + this.stray.memoryBytes;
  }

  bestPrice(): f64 {
    return this.bestKey == Infinity ? NaN : this.sign * this.bestKey;
  }

  /**
   * Rebuilds the side from a checkpoint (the TS wrapper checks every value first): the window
   * placed at `lo` with `size` slots, the misses and counters as they were, and n levels (flat
   * [price, qty, …] f64 at `levels`, best first) each where the side keeps it, without the
   * moves, growth or trims a `set` could make — the twin of the JS BookSide.restore.
   */
  restore(size: i32, lo: f64, misses: i32, trimmed: f64, rebuilds: f64, relocated: f64, levels: usize, n: i32): void {
    this.empty(size, lo, false);
    const w = this.window;
    for (let i = 0; i < n; i++) {
      const a = levels + (<usize>i << 4);
      const price = load<f64>(a),
        q = load<f64>(a, 8),
        t = this.grid.tickOf(price),
        at = this.sign * t - lo;
      if (t != t) this.stray.set(this.sign * price, q);
      else if (at >= 0 && at < <f64>size) w.put(<i32>at, q);
      else this.far.set(this.sign * price, q);
    }
    this.levels = n;
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

  private empty(size: i32, lo: f64, reuse: bool): void {
    this.window.reset(size, lo, reuse);
    this.far.clear();
    this.stray.clear();
    this.levels = 0;
    this.bestKey = Infinity;
    this.bestQ = NaN;
    this.misses = 0;
  }

  /** Replaces the side with a snapshot's n levels (flat [price, qty, …] f64 at `levels`); call after the grid learnt them. */
  load(levels: usize, n: i32): void {
    let near = Infinity,
      deep = -Infinity;
    for (let i = 0; i < n; i++) {
      const at = levels + (<usize>i << 4);
      if (!(load<f64>(at, 8) > 0)) continue;
      const t = this.grid.tickOf(load<f64>(at));
      if (t != t) continue;
      const kt = this.sign * t;
      if (kt < near) near = kt;
      if (kt > deep) deep = kt;
    }
    const size = near == Infinity ? 0 : this.fit(deep - near);
    this.empty(size, near - <f64>(size >> 2), true);
    this.rebuilds++;
    this.setAll(levels, n);
  }

  /** Sets each of n levels (flat [price, qty, …] f64 at `levels`), in order. */
  setAll(levels: usize, n: i32): void {
    for (let i = 0; i < n; i++) {
      const at = levels + (<usize>i << 4);
      this.set(load<f64>(at), load<f64>(at, 8));
    }
  }

  /** Sets the quantity at a price (0 removes the level; removing an absent level changes nothing). */
  set(price: f64, q: f64): void {
    const t = this.grid.tickOf(price);
    if (t == t) {
      const w = this.window;
      const d = this.sign * t - w.lo;
      if (d >= 0 && d < <f64>w.size) {
        const i = <i32>d;
        this.changed(this.sign * price, q > 0 ? w.put(i, q) : w.remove(i), q);
        return;
      }
    }
    this.setOutside(price, q, t);
  }

  private setOutside(price: f64, q: f64, t: f64): void {
    const key = this.sign * price;
    if (t != t) {
      this.changed(key, q > 0 ? this.stray.set(key, q) : this.stray.remove(key), q);
      return;
    }
    const kt = this.sign * t;
    if (q > 0 && this.grow(kt)) {
      const w = this.window;
      this.changed(key, w.put(<i32>(kt - w.lo), q), q);
      return;
    }
    if (this.changed(key, q > 0 ? this.far.set(key, q) : this.far.remove(key), q)) {
      if (++this.misses >= MISS_SLACK + (this.window.count >> 2)) this.recentre();
    }
  }

  private changed(key: f64, before: f64, q: f64): bool {
    if (before > 0) {
      if (q > 0) {
        if (key == this.bestKey) this.bestQ = q;
      } else {
        this.levels--;
        if (key == this.bestKey) this.findBest();
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

  /** Writes up to n best levels, prices at f64 index pxAt and quantities at qtyAt of `out`; returns how many. */
  top(n: i32, out: usize, pxAt: i32, qtyAt: i32): i32 {
    if (n <= 0 || this.levels == 0) return 0;
    const s = this.sign,
      w = this.window,
      far = this.far,
      stray = this.stray;
    const px = out + (<usize>pxAt << 3),
      qty = out + (<usize>qtyAt << 3);
    let wi = w.first,
      fc = far.first(),
      sc = stray.first();
    let wk = wi >= 0 ? this.keyOf(w.lo + <f64>wi) : Infinity;
    let fk = fc >= 0 ? far.keyAt(fc) : Infinity;
    let sk = sc >= 0 ? stray.keyAt(sc) : Infinity;
    let k = 0;
    for (; k < n; k++) {
      const o = <usize>k << 3;
      if (wk < fk && wk < sk) {
        store<f64>(px + o, s * wk);
        store<f64>(qty + o, w.qtyAt(wi));
        wi = w.nextFrom(wi + 1);
        wk = wi >= 0 ? this.keyOf(w.lo + <f64>wi) : Infinity;
      } else if (fk < sk) {
        store<f64>(px + o, s * fk);
        store<f64>(qty + o, far.valAt(fc));
        fc = far.advance(fc);
        fk = fc >= 0 ? far.keyAt(fc) : Infinity;
      } else if (sk != Infinity) {
        store<f64>(px + o, s * sk);
        store<f64>(qty + o, stray.valAt(sc));
        sc = stray.advance(sc);
        sk = sc >= 0 ? stray.keyAt(sc) : Infinity;
      } else break;
    }
    return k;
  }

  private keyOf(kt: f64): f64 {
    return this.sign * this.grid.priceOf(this.sign * kt);
  }

  private tickOfKey(key: f64): f64 {
    return this.sign * this.grid.tickOf(this.sign * key);
  }

  private fit(depth: f64): i32 {
    let size = MIN_WINDOW;
    while (size < this.maxWindowTicks && <f64>(size - (size >> 2)) <= depth) size *= 2;
    return size;
  }

  private findBest(): void {
    const w = this.window;
    let key = Infinity,
      q = NaN;
    if (w.count > 0) {
      key = this.keyOf(w.lo + <f64>w.first);
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

  private trim(): void {
    const w = this.window;
    while (this.levels > this.maxLevels) {
      const wk = w.count > 0 ? this.keyOf(w.lo + <f64>w.last) : -Infinity;
      const fk = this.far.size > 0 ? this.far.lastKey() : -Infinity;
      const sk = this.stray.size > 0 ? this.stray.lastKey() : -Infinity;
      if (wk > fk && wk > sk) w.remove(w.last);
      else if (fk > sk) this.far.remove(fk);
      else this.stray.remove(sk);
      this.levels--;
      this.trimmed++;
    }
  }

  private anchorTick(): f64 {
    const w = this.window,
      far = this.far;
    let wi = w.first,
      c = far.first(),
      at = Infinity;
    for (let k = 0; k < ANCHOR_RANK && (wi >= 0 || c >= 0); k++) {
      const wt = wi >= 0 ? w.lo + <f64>wi : Infinity,
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

  private grow(kt: f64): bool {
    const w = this.window;
    if (w.size >= this.maxWindowTicks) return false;
    const near = Math.min(kt, this.anchorTick());
    const deep = Math.max(kt, w.count > 0 ? w.lo + <f64>w.last : kt);
    const size = this.fit(deep - near);
    if (size <= w.size || deep - near >= <f64>(size - (size >> 2))) return false;
    this.place(near, size);
    return true;
  }

  private recentre(): void {
    const near = this.anchorTick(),
      w = this.window;
    if (near == Infinity) return;
    const at = near - w.lo;
    if (at >= 0 && at < <f64>(w.size >> 1)) {
      this.misses = 0;
      return;
    }
    let deep = w.count > 0 ? w.lo + <f64>w.last : near;
    if (this.far.size > 0) deep = Math.max(deep, this.tickOfKey(this.far.lastKey()));
    this.place(near, this.fit(deep - near));
  }

  private place(near: f64, size: i32): void {
    const old = this.window,
      w = this.spare,
      far = this.far;
    const lo = near - <f64>(size >> 2),
      hi = lo + <f64>size;
    w.reset(size, lo, false);
    this.relocated += <f64>old.count;
    for (let i = old.first; i >= 0; i = old.nextFrom(i + 1)) {
      const kt = old.lo + <f64>i;
      if (kt >= lo && kt < hi) w.put(<i32>(kt - lo), old.qtyAt(i));
      else far.set(this.keyOf(kt), old.qtyAt(i));
    }
    old.reset(0, 0, false);
    this.window = w;
    this.spare = old;
    let c = far.lowerBoundOf(this.keyOf(lo));
    while (c >= 0) {
      const key = far.keyAt(c),
        kt = this.tickOfKey(key);
      if (kt >= hi) break;
      if (kt < lo) {
        c = far.advance(c);
        continue;
      }
      w.put(<i32>(kt - lo), far.valAt(c));
      far.remove(key);
      this.relocated++;
      c = far.lowerBoundOf(key);
    }
    this.misses = 0;
    this.rebuilds++;
  }
}

/** A side with no levels and no window (as the JS constructor leaves it), on `grid`. */
export function bookSideNew(isBid: bool, grid: PriceGrid, maxLevels: i32, maxWindowTicks: i32): BookSide {
  const s = changetype<BookSide>(heap.alloc(offsetof<BookSide>()));
  memory.fill(changetype<usize>(s), 0, offsetof<BookSide>());
  s.sign = isBid ? -1 : 1;
  s.grid = grid;
  s.maxLevels = maxLevels;
  s.maxWindowTicks = maxWindowTicks;
  s.bestKey = Infinity;
  s.bestQ = NaN;
  s.window = tickWindowNew();
  s.spare = tickWindowNew();
  s.far = levelTreeNew();
  s.stray = levelTreeNew();
  return s;
}

/** Frees the side's window, trees and header (not the grid it shares). */
export function bookSideFree(s: BookSide): void {
  tickWindowFree(s.window);
  tickWindowFree(s.spare);
  levelTreeFree(s.far);
  levelTreeFree(s.stray);
  heap.free(changetype<usize>(s));
}
