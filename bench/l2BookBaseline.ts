// BASELINE for bench/book.bench.ts: the L2 book as it was before issue 10, copied verbatim from
// src/stream/l2Book.ts at commit 1fb9d41 (`git show 1fb9d41:src/stream/l2Book.ts`). Kept only to be
// measured against; nothing else imports it.
/**
 * An L2 order book that stays O(1) per level change with thousands of levels a side.
 *
 * Each side keeps a dense window of price ticks around its best price (as hftbacktest's
 * "ROI" depth does): setting a level inside the window is an array store plus one bit in
 * an occupancy bitmap, and finding the next best after a removal or reading the top N
 * levels skips empty ticks 32 at a time through that bitmap (books are sparse near the
 * touch more often than not). Levels outside the window (the deep book a REST
 * snapshot brings) live in a map and are rarely touched; when the best price drifts
 * toward the window's edge the window is recentred around it.
 *
 * Prices index ticks on a grid learnt from the snapshot (the greatest common divisor of
 * its prices' differences, in units of 1e−8), refined if a price off that grid ever
 * arrives. A level's price is recovered exactly as tick·tickUnits / 1e8: an integer
 * below 2^53 divided by 1e8 rounds to the same double as the decimal it came from.
 */

/** Prices are matched on a 1e−8 grid (Binance quotes at most 8 decimals). */
const UNIT = 1e8;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export class BookSide {
  private readonly qty: Float64Array;
  /** Bit i set ⇔ qty[i] > 0. */
  private readonly occ: Uint32Array;
  private base = 0;
  private readonly far = new Map<number, number>();
  private bestTick = NaN;
  /** Levels with a quantity > 0. */
  levels = 0;
  /** The tick size in units of 1e−8 (set by the book). */
  tickUnits = 1;

  constructor(
    readonly isBid: boolean,
    readonly windowTicks: number,
  ) {
    if (!(windowTicks >= 64 && (windowTicks & (windowTicks - 1)) === 0))
      throw new RangeError(`windowTicks ${windowTicks}: expected a power of two ≥ 64`);
    this.qty = new Float64Array(windowTicks);
    this.occ = new Uint32Array(windowTicks >> 5);
  }

  /** The first occupied window index ≥ i (−1 when none). */
  private nextUp(i: number): number {
    const occ = this.occ;
    let word = i >> 5;
    let bits = occ[word]! & (-1 << (i & 31));
    while (bits === 0) {
      if (++word >= occ.length) return -1;
      bits = occ[word]!;
    }
    return (word << 5) + 31 - Math.clz32(bits & -bits);
  }

  /** The last occupied window index ≤ i (−1 when none). */
  private nextDown(i: number): number {
    const occ = this.occ;
    let word = i >> 5;
    let bits = occ[word]! & ((2 << (i & 31)) - 1);
    while (bits === 0) {
      if (--word < 0) return -1;
      bits = occ[word]!;
    }
    return (word << 5) + 31 - Math.clz32(bits);
  }

  private mark(i: number, on: boolean): void {
    if (on) this.occ[i >> 5]! |= 1 << (i & 31);
    else this.occ[i >> 5]! &= ~(1 << (i & 31));
  }

  /** The exact price of a tick. */
  price(tick: number): number {
    return (tick * this.tickUnits) / UNIT;
  }

  /** The best level's tick (highest bid, lowest ask); NaN when the side is empty. */
  get best(): number {
    return this.bestTick;
  }

  bestPrice(): number {
    const t = this.bestTick;
    return t !== t ? NaN : this.price(t);
  }

  bestQty(): number {
    const t = this.bestTick;
    if (t !== t) return NaN;
    const i = t - this.base;
    return i >= 0 && i < this.windowTicks ? this.qty[i]! : this.far.get(t)!;
  }

  clear(): void {
    this.qty.fill(0);
    this.occ.fill(0);
    this.far.clear();
    this.bestTick = NaN;
    this.levels = 0;
  }

  /** Centres the window on `tick` (moving levels between the window and the map). */
  recentre(tick: number): void {
    const w = this.windowTicks;
    const base = tick - (w >> 1);
    const moved: number[] = [];
    for (let i = this.nextUp(0); i >= 0; i = i + 1 < w ? this.nextUp(i + 1) : -1) moved.push(this.base + i, this.qty[i]!);
    this.qty.fill(0);
    this.occ.fill(0);
    this.base = base;
    for (let k = 0; k < moved.length; k += 2) {
      const t = moved[k]!,
        i = t - base;
      if (i >= 0 && i < w) {
        this.qty[i] = moved[k + 1]!;
        this.mark(i, true);
      } else this.far.set(t, moved[k + 1]!);
    }
    for (const [t, q] of this.far) {
      const i = t - base;
      if (i >= 0 && i < w) {
        this.far.delete(t);
        this.qty[i] = q;
        this.mark(i, true);
      }
    }
  }

  /** Sets the quantity at a tick (0 removes the level). */
  set(t: number, q: number): void {
    const w = this.windowTicks;
    const i = t - this.base;
    let before: number;
    if (i >= 0 && i < w) {
      before = this.qty[i]!;
      this.qty[i] = q;
      if (before > 0 !== q > 0) this.mark(i, q > 0);
    } else {
      before = this.far.get(t) ?? 0;
      if (q > 0) this.far.set(t, q);
      else if (before > 0) this.far.delete(t);
    }
    if (before > 0) {
      if (q > 0) return;
      this.levels--;
      if (t === this.bestTick) this.findBest(t);
    } else if (q > 0) {
      this.levels++;
      const best = this.bestTick;
      if (best !== best || (this.isBid ? t > best : t < best)) {
        this.bestTick = t;
        const j = t - this.base;
        if (j < w >> 2 || j >= w - (w >> 2)) this.recentre(t);
      }
    }
  }

  /** After the level at `from` went away: the next best, scanning away from the touch. */
  private findBest(from: number): void {
    if (this.levels === 0) {
      this.bestTick = NaN;
      return;
    }
    const w = this.windowTicks,
      at = from - this.base;
    const i = this.isBid ? (at - 1 >= 0 ? this.nextDown(Math.min(at - 1, w - 1)) : -1) : at + 1 < w ? this.nextUp(Math.max(at + 1, 0)) : -1;
    if (i >= 0) {
      this.bestTick = this.base + i;
      return;
    }
    // nothing left in the window on that side: the best is in the map
    let best = NaN;
    for (const t of this.far.keys()) if (best !== best || (this.isBid ? t > best : t < best)) best = t;
    this.bestTick = best;
    this.recentre(best);
  }

  /**
   * Writes up to n best levels (prices, quantities) into out at `pxAt` and `qtyAt`;
   * returns how many were written. The best level is always inside the window.
   */
  top(n: number, out: Float64Array, pxAt: number, qtyAt: number): number {
    const t0 = this.bestTick;
    if (t0 !== t0 || n <= 0) return 0;
    const w = this.windowTicks;
    let k = 0;
    if (this.isBid) {
      for (let i = t0 - this.base; i >= 0 && k < n; i = i > 0 ? this.nextDown(i - 1) : -1, k++) {
        out[pxAt + k] = this.price(this.base + i);
        out[qtyAt + k] = this.qty[i]!;
      }
    } else {
      for (let i = t0 - this.base; i >= 0 && k < n; i = i + 1 < w ? this.nextUp(i + 1) : -1, k++) {
        out[pxAt + k] = this.price(this.base + i);
        out[qtyAt + k] = this.qty[i]!;
      }
    }
    if (k < n && this.far.size > 0) {
      // the window ran out on the deep side: continue in the map (rare)
      const base = this.base;
      const deeper = [...this.far.entries()].filter(([t]) => (this.isBid ? t < base : t >= base + w));
      deeper.sort((a, b) => (this.isBid ? b[0] - a[0] : a[0] - b[0]));
      for (let j = 0; j < deeper.length && k < n; j++, k++) {
        out[pxAt + k] = this.price(deeper[j]![0]);
        out[qtyAt + k] = deeper[j]![1];
      }
    }
    return k;
  }

  /** Every level, best first, as [price, qty] pairs (for summaries and tests; O(levels)). */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = this.nextUp(0); i >= 0; i = i + 1 < this.windowTicks ? this.nextUp(i + 1) : -1)
      out.push([this.price(this.base + i), this.qty[i]!]);
    for (const [t, q] of this.far) out.push([this.price(t), q]);
    out.sort((a, b) => (this.isBid ? b[0] - a[0] : a[0] - b[0]));
    return out;
  }
}

export class L2Book {
  readonly bids: BookSide;
  readonly asks: BookSide;
  /** Tick size in units of 1e−8 (0 until the first snapshot). */
  private tickUnits = 0;

  constructor(readonly windowTicks = 1 << 16) {
    this.bids = new BookSide(true, windowTicks);
    this.asks = new BookSide(false, windowTicks);
  }

  get tickSize(): number {
    return this.tickUnits / UNIT;
  }

  /** Replaces the book with a snapshot's levels (flat [p, q, …]); learns the tick size. */
  load(bids: Float64Array, asks: Float64Array): void {
    let g = 0;
    const first = bids.length ? Math.round(bids[0]! * UNIT) : asks.length ? Math.round(asks[0]! * UNIT) : 0;
    for (const side of [bids, asks]) {
      for (let i = 0; i < side.length; i += 2) g = gcd(g, Math.abs(Math.round(side[i]! * UNIT) - first));
    }
    this.setTickUnits(g > 0 ? g : this.tickUnits || 1);
    this.bids.clear();
    this.asks.clear();
    const mid = bids.length && asks.length ? (bids[0]! + asks[0]!) / 2 : bids.length ? bids[0]! : asks.length ? asks[0]! : 0;
    // the mid may fall between ticks: centre on its nearest tick without refining the grid
    const centre = Math.round(Math.round(mid * UNIT) / this.tickUnits);
    this.bids.recentre(centre);
    this.asks.recentre(centre);
    this.apply(bids, asks);
  }

  private setTickUnits(units: number): void {
    this.tickUnits = units;
    this.bids.tickUnits = units;
    this.asks.tickUnits = units;
  }

  /** The tick of a price, refining the tick size first if the price is off the grid. */
  tick(price: number): number {
    const units = Math.round(price * UNIT);
    const t = Math.round(units / this.tickUnits);
    if (t * this.tickUnits === units) return t;
    this.retick(gcd(this.tickUnits, units));
    return Math.round(units / this.tickUnits);
  }

  private retick(units: number): void {
    const bids = this.bids.entries(),
      asks = this.asks.entries();
    this.setTickUnits(units);
    this.bids.clear();
    this.asks.clear();
    const centre = bids.length
      ? Math.round(Math.round(bids[0]![0] * UNIT) / units)
      : asks.length
        ? Math.round(Math.round(asks[0]![0] * UNIT) / units)
        : 0;
    this.bids.recentre(centre);
    this.asks.recentre(centre);
    for (const [p, q] of bids) this.bids.set(Math.round(Math.round(p * UNIT) / units), q);
    for (const [p, q] of asks) this.asks.set(Math.round(Math.round(p * UNIT) / units), q);
  }

  /** Applies absolute quantities per level (flat [p, q, …]); qty 0 removes. Inputs must be valid. */
  apply(bids: Float64Array, asks: Float64Array): void {
    for (let i = 0; i < bids.length; i += 2) this.bids.set(this.tick(bids[i]!), bids[i + 1]!);
    for (let i = 0; i < asks.length; i += 2) this.asks.set(this.tick(asks[i]!), asks[i + 1]!);
  }

  /** Best bid ≥ best ask: impossible on a consistent book. */
  get crossed(): boolean {
    const b = this.bids.bestPrice(),
      a = this.asks.bestPrice();
    return b >= a;
  }
}
