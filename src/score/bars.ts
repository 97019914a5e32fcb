/**
 * Time bars from trades: open, high, low, close, volume and the aggressor split, on a
 * fixed grid aligned to the epoch (a 5 s bar covers [5k s, 5(k+1) s)). A bar closes
 * when the first trade at or after its end arrives; a period with no trades makes no
 * bar. This is what each timeframe of the multi-timeframe scorer sees.
 */
export interface Bar {
  /** Bar start and end (ms): trades in [start, end). */
  readonly start: number;
  readonly end: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly buyVolume: number;
  readonly sellVolume: number;
  readonly trades: number;
}

export class BarBuilder {
  private start = NaN;
  private open = 0;
  private high = 0;
  private low = 0;
  private close = 0;
  private buyVolume = 0;
  private sellVolume = 0;
  private trades = 0;

  constructor(readonly periodMs: number) {}

  /** Adds a trade; returns the bar it closed, if this trade starts a new one. */
  push(price: number, qty: number, buyerInitiated: boolean, time: number): Bar | null {
    const start = Math.floor(time / this.periodMs) * this.periodMs;
    let closed: Bar | null = null;
    if (start !== this.start) {
      if (this.trades > 0) closed = this.current()!;
      this.start = start;
      this.open = this.high = this.low = price;
      this.buyVolume = this.sellVolume = 0;
      this.trades = 0;
    }
    if (price > this.high) this.high = price;
    if (price < this.low) this.low = price;
    this.close = price;
    if (buyerInitiated) this.buyVolume += qty;
    else this.sellVolume += qty;
    this.trades++;
    return closed;
  }

  /** The bar in progress (null before the first trade). */
  current(): Bar | null {
    if (this.trades === 0) return null;
    return {
      start: this.start, end: this.start + this.periodMs, open: this.open, high: this.high, low: this.low, close: this.close,
      volume: this.buyVolume + this.sellVolume, buyVolume: this.buyVolume, sellVolume: this.sellVolume, trades: this.trades,
    };
  }

  reset(): void {
    this.start = NaN;
    this.trades = 0;
  }
}
