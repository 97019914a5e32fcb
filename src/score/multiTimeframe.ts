/**
 * Multi-timeframe scoring: one confluence analyzer per timeframe (1 s, 5 s, 30 s and
 * 5 min by default), each fed the bars of its timeframe, and a composite across them.
 *
 * Each closed bar reaches its analyzer as one trade at the bar's close, of the bar's
 * volume, buyer-initiated when the bar's buy volume is at least its sell volume.
 * Books, best quotes and sentiment go to every timeframe as they arrive.
 *
 * Composite over the timeframes with a score (weights w, confidences c, biases
 * b = (score − 50)/50, strengths |b|):
 *   directional = Σ w·c·b / Σ w·c,   strength = Σ w·c·|b| / Σ w·c,
 *   alignment   = |Σ w·c·b| / Σ w·c·|b|   (1 when every timeframe points the same way,
 *                 0 when they cancel; 1 when all are neutral),
 *   confidence  = (Σ w·c / Σ w over all timeframes) · alignment.
 * With no timeframe scored, or Σ w·c = 0, the composite is null.
 *
 * Streaming contract (../streamingComponent.ts): inputs through onTrade/onQuote/onBook/
 * onSentiment, the composite at a time from `compute(now)` — null while no timeframe has
 * warmed up; stable once every timeframe's analyzer is.
 */
import { DisposedError, InvalidConfigError, InvalidValueError, InvalidWeightsError, OutOfOrderError, WarmupError } from "../errors.js";
import type { StreamingComponent } from "../streamingComponent.js";
import type { Kernels } from "../kernels/types.js";
import { ConfluenceAnalyzer, type ConfluenceUpdate, type Levels, type QuoteInput, type TradeInput } from "../confluence/analyzer.js";
import type { ConfluenceConfigInput } from "../confluence/config.js";
import { BarBuilder } from "./bars.js";
import type { OrderBook } from "../book/orderBook.js";

export interface Timeframe {
  readonly name: string;
  readonly periodMs: number;
  readonly weight: number;
}

export const DEFAULT_TIMEFRAMES: readonly Timeframe[] = [
  { name: "1s", periodMs: 1_000, weight: 0.25 },
  { name: "5s", periodMs: 5_000, weight: 0.25 },
  { name: "30s", periodMs: 30_000, weight: 0.25 },
  { name: "5m", periodMs: 300_000, weight: 0.25 },
];

/**
 * What every timeframe's analyzer runs unless `analyzer` says otherwise: the seed's component
 * weights and signals — book, flow, volume, price structure, technical and sentiment all in,
 * squashed — over 5 bars, with the core's own confidence (agreement × sufficiency × regime × coverage; the presets'
 * calibration is fitted to the 1 s touch and does not apply to bars). The built-in presets give
 * the slower components no weight at 100 ms and 1 s, where the data gives them none; their
 * place is here, and `confluence evaluate --multi-timeframe` measures this composite at the
 * longer horizons (README, "The slow components at their own horizons").
 */
export const MULTI_TIMEFRAME_ANALYZER: ConfluenceConfigInput = Object.freeze({
  weights: Object.freeze({ orderbook: 0.25, orderflow: 0.25, volume: 0.1, price_structure: 0.15, technical: 0.15, sentiment: 0.1 }),
  lookback: 5,
  // the seed's signals: squashed at gain 4, order flow half trade flow (the presets' linear touch is fitted to 1 s)
  sensitivity: 1,
  signalShape: "squash",
  tradeFlowWeight: 0.5,
  calibration: null,
});

export interface MultiTimeframeOptions {
  readonly timeframes?: readonly Timeframe[];
  /** Analyzer configuration for every timeframe (default MULTI_TIMEFRAME_ANALYZER; one given is taken over lookback 5 bars). */
  readonly analyzer?: ConfluenceConfigInput;
}

export interface MultiTimeframeUpdate {
  readonly time: number;
  readonly directional: number;
  readonly strength: number;
  readonly alignment: number;
  readonly confidence: number;
  /** Each timeframe's latest update (null while it warms up). */
  readonly timeframes: Readonly<Record<string, ConfluenceUpdate | null>>;
}

export interface TimeframeReading {
  readonly weight: number;
  readonly score: number;
  readonly confidence: number;
}

/** The composite of the module comment; null when no reading carries weight × confidence. */
export function combineTimeframes(
  readings: readonly (TimeframeReading | null)[],
  totalWeight: number,
): { directional: number; strength: number; alignment: number; confidence: number } | null {
  let wc = 0,
    wcb = 0,
    wcs = 0;
  for (const r of readings) {
    if (!r) continue;
    const b = (r.score - 50) / 50;
    const w = r.weight * r.confidence;
    wc += w;
    wcb += w * b;
    wcs += w * Math.abs(b);
  }
  if (!(wc > 0)) return null;
  const alignment = wcs > 0 ? Math.abs(wcb) / wcs : 1;
  return { directional: wcb / wc, strength: wcs / wc, alignment, confidence: (wc / totalWeight) * alignment };
}

export class MultiTimeframeScorer implements StreamingComponent<MultiTimeframeUpdate> {
  readonly timeframes: readonly Timeframe[];
  /** Book levels a side each timeframe's analyzer reads (its configuration's `depth`). */
  readonly depth: number;
  private readonly analyzers: ConfluenceAnalyzer[];
  private readonly bars: BarBuilder[];
  private last: MultiTimeframeUpdate | null = null;
  private lastTime = -Infinity;
  private disposed = false;

  constructor(kernels: Kernels, options: MultiTimeframeOptions = {}) {
    const timeframes = options.timeframes ?? DEFAULT_TIMEFRAMES;
    if (timeframes.length === 0) throw new InvalidConfigError("timeframes", timeframes, "at least one timeframe");
    const names = new Set<string>();
    let total = 0;
    for (const tf of timeframes) {
      if (names.has(tf.name)) throw new InvalidConfigError("timeframes", tf.name, "distinct names");
      names.add(tf.name);
      if (!(Number.isInteger(tf.periodMs) && tf.periodMs > 0))
        throw new InvalidConfigError(`timeframes.${tf.name}.periodMs`, tf.periodMs, "an integer > 0");
      if (!(tf.weight >= 0 && tf.weight < Infinity))
        throw new InvalidWeightsError(`timeframes.${tf.name}.weight`, `${tf.weight}: expected a finite weight ≥ 0`);
      total += tf.weight;
    }
    if (!(Math.abs(total - 1) <= 1e-9)) throw new InvalidWeightsError("timeframes", `weights sum to ${total}: expected 1 within 1e-9`);
    this.timeframes = timeframes;
    const config: ConfluenceConfigInput = options.analyzer === undefined ? MULTI_TIMEFRAME_ANALYZER : { lookback: 5, ...options.analyzer };
    this.analyzers = timeframes.map(() => new ConfluenceAnalyzer(kernels, config));
    this.depth = this.analyzers[0]!.config.depth;
    this.bars = timeframes.map((tf) => new BarBuilder(tf.periodMs));
  }

  onTrade(trade: TradeInput): void {
    this.requireLive();
    const { price, qty, time } = trade;
    if (!(price > 0 && price <= Number.MAX_VALUE)) throw new InvalidValueError("trade price", 0, price, "a finite price > 0");
    if (!(qty >= 0 && qty <= Number.MAX_VALUE)) throw new InvalidValueError("trade qty", 0, qty, "a finite quantity ≥ 0");
    if (!Number.isFinite(time)) throw new InvalidValueError("trade time", 0, time, "a finite number");
    if (time < this.lastTime) throw new OutOfOrderError("trade", time, this.lastTime);
    this.lastTime = time;
    for (let i = 0; i < this.bars.length; i++) {
      const bar = this.bars[i]!.onTrade(trade);
      if (bar)
        this.analyzers[i]!.onTrade({ price: bar.close, qty: bar.volume, buyerInitiated: bar.buyVolume >= bar.sellVolume, time: bar.end });
    }
  }

  onQuote(quote: QuoteInput): void {
    this.requireLive();
    for (const a of this.analyzers) a.onQuote(quote);
  }

  onBook(bids: Levels, asks: Levels): void {
    this.requireLive();
    for (const a of this.analyzers) a.onBook(bids, asks);
  }

  /** A book the kernels keep (kernels.orderBook; any OrderBook): each timeframe reads its top levels (ConfluenceAnalyzer.onOrderBook). */
  onOrderBook(book: OrderBook): void {
    this.requireLive();
    for (const a of this.analyzers) a.onOrderBook(book);
  }

  onSentiment(value: number, time: number): void {
    this.requireLive();
    for (const a of this.analyzers) a.onSentiment(value, time);
  }

  /** Computes the composite at `now` (ms): null while no timeframe has a score (or none has confidence). */
  compute(now: number): MultiTimeframeUpdate | null {
    this.requireLive();
    const timeframes: Record<string, ConfluenceUpdate | null> = {};
    const readings = this.analyzers.map((a, i) => {
      const tf = this.timeframes[i]!;
      const u = a.compute(now);
      timeframes[tf.name] = u;
      return u ? { weight: tf.weight, score: u.score, confidence: u.confidence } : null;
    });
    const composite = combineTimeframes(readings, 1);
    this.last = composite ? { time: now, ...composite, timeframes } : null;
    return this.last;
  }

  /** The last compute's composite; null while warming up. */
  get latest(): MultiTimeframeUpdate | null {
    this.requireLive();
    return this.last;
  }

  /** The last compute's composite; throws WarmupError, naming the timeframes still warming up, while there is none. */
  get result(): MultiTimeframeUpdate {
    this.requireLive();
    if (!this.last) {
      const cold = this.timeframes.filter((_, i) => !this.analyzers[i]!.isStable).map((tf) => tf.name);
      throw new WarmupError(
        "MultiTimeframeScorer",
        cold.length > 0
          ? `a score on timeframe ${cold.join(", ")} (call compute() after more bars)`
          : "a timeframe with confidence > 0 (call compute() first)",
      );
    }
    return this.last;
  }

  /** True once every timeframe's analyzer has produced a score at the last compute. */
  get isStable(): boolean {
    this.requireLive();
    return this.analyzers.every((a) => a.isStable);
  }

  reset(): void {
    this.requireLive();
    for (const a of this.analyzers) a.reset();
    for (const b of this.bars) b.reset();
    this.last = null;
    this.lastTime = -Infinity;
  }

  /** Releases every timeframe's analyzer; any later use throws DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const a of this.analyzers) a.dispose();
    for (const b of this.bars) b.dispose();
  }

  private requireLive(): void {
    if (this.disposed) throw new DisposedError("MultiTimeframeScorer");
  }
}
