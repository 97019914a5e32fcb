/**
 * Time bars from trades: open, high, low, close, volume and the aggressor split, on a
 * fixed grid aligned to the epoch (a 5 s bar covers [5k s, 5(k+1) s)). A bar closes
 * when the first trade at or after its end arrives; a period with no trades makes no
 * bar. This is what each timeframe of the multi-timeframe scorer sees.
 *
 * Streaming contract (../streamingComponent.ts): trades in through `onTrade`, which
 * returns the bar a trade closed; the result is the last closed bar. The first bar starts
 * at the first trade seen, usually partway into its period (the trades before it were
 * never seen), so the builder is stable from the second closed bar on: every later bar
 * holds every trade of its period.
 */
import { DisposedError, InvalidParameterError, WarmupError } from "../errors.js";
import type { StreamingComponent } from "../streamingComponent.js";
import type { TradeInput } from "../confluence/analyzer.js";

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

export class BarBuilder implements StreamingComponent<Bar> {
  private last: Bar | null = null;
  private closedBars = 0;
  private disposed = false;
  private start = NaN;
  private open = 0;
  private high = 0;
  private low = 0;
  private close = 0;
  private buyVolume = 0;
  private sellVolume = 0;
  private trades = 0;

  /** `periodMs`: the bar length, an integer > 0 (ms). */
  constructor(readonly periodMs: number) {
    if (!(Number.isInteger(periodMs) && periodMs > 0)) throw new InvalidParameterError("periodMs", periodMs, "an integer > 0");
  }

  /** Adds a trade; returns the bar it closed, if this trade starts a new one (else null). */
  onTrade(trade: TradeInput): Bar | null {
    this.requireLive();
    const { price, qty, buyerInitiated, time } = trade;
    const start = Math.floor(time / this.periodMs) * this.periodMs;
    let closed: Bar | null = null;
    if (start !== this.start) {
      if (this.trades > 0) {
        closed = this.current()!;
        this.last = closed;
        this.closedBars++;
      }
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

  /** The last closed bar; null until one has closed. */
  get latest(): Bar | null {
    this.requireLive();
    return this.last;
  }

  /** The last closed bar; throws WarmupError until one has closed. */
  get result(): Bar {
    this.requireLive();
    if (!this.last)
      throw new WarmupError("BarBuilder", `a first closed bar (a trade at or after the end of the ${this.periodMs} ms bar in progress)`);
    return this.last;
  }

  /** True once a bar whose whole period was seen has closed (the second closed bar). */
  get isStable(): boolean {
    this.requireLive();
    return this.closedBars >= 2;
  }

  /** The bar in progress (null before the first trade). */
  current(): Bar | null {
    this.requireLive();
    if (this.trades === 0) return null;
    return {
      start: this.start,
      end: this.start + this.periodMs,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.buyVolume + this.sellVolume,
      buyVolume: this.buyVolume,
      sellVolume: this.sellVolume,
      trades: this.trades,
    };
  }

  reset(): void {
    this.requireLive();
    this.start = NaN;
    this.trades = 0;
    this.last = null;
    this.closedBars = 0;
  }

  /** Nothing to release (no kernel memory); any later use throws DisposedError, like every streaming component. */
  dispose(): void {
    this.disposed = true;
  }

  private requireLive(): void {
    if (this.disposed) throw new DisposedError("BarBuilder");
  }
}
