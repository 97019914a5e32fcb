/**
 * A naive L2 book to check src/stream/l2Book.ts against: each side a plain sorted array
 * of exact prices (binary search, splice), no grid, no window, nothing clever. Same
 * semantics: absolute quantities, 0 removes, a snapshot replaces the book level by level
 * in order, and beyond `maxLevels` a side drops its level farthest from the touch.
 */
export class ReferenceSide {
  /** Prices best first, and their quantities. */
  readonly prices: number[] = [];
  readonly qtys: number[] = [];
  trimmed = 0;

  constructor(
    readonly isBid: boolean,
    readonly maxLevels: number,
  ) {}

  /** Index of the first price not better than p. */
  private find(p: number): number {
    let lo = 0,
      hi = this.prices.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.isBid ? this.prices[mid]! > p : this.prices[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  set(p: number, q: number): void {
    const i = this.find(p);
    const present = i < this.prices.length && this.prices[i] === p;
    if (q > 0) {
      if (present) this.qtys[i] = q;
      else {
        this.prices.splice(i, 0, p);
        this.qtys.splice(i, 0, q);
        if (this.prices.length > this.maxLevels) {
          this.prices.pop();
          this.qtys.pop();
          this.trimmed++;
        }
      }
    } else if (present) {
      this.prices.splice(i, 1);
      this.qtys.splice(i, 1);
    }
  }

  clear(): void {
    this.prices.length = 0;
    this.qtys.length = 0;
  }

  entries(): [number, number][] {
    return this.prices.map((p, i) => [p, this.qtys[i]!]);
  }
}

export class ReferenceBook {
  readonly bids: ReferenceSide;
  readonly asks: ReferenceSide;

  constructor(maxLevels = 10_000) {
    this.bids = new ReferenceSide(true, maxLevels);
    this.asks = new ReferenceSide(false, maxLevels);
  }

  load(bids: ArrayLike<number>, asks: ArrayLike<number>): void {
    this.bids.clear();
    this.asks.clear();
    this.apply(bids, asks);
  }

  apply(bids: ArrayLike<number>, asks: ArrayLike<number>): void {
    for (let i = 0; i < bids.length; i += 2) this.bids.set(bids[i]!, bids[i + 1]!);
    for (let i = 0; i < asks.length; i += 2) this.asks.set(asks[i]!, asks[i + 1]!);
  }
}
