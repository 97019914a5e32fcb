/**
 * The streaming contract: how every per-symbol streaming component of the scoring layer
 * is fed and read (ConfluenceAnalyzer, MultiTimeframeScorer, BarBuilder, ScoreNormalizer,
 * CorrelationTracker), so that a trading loop drives all of them the same way and never
 * acts on a reading the component cannot give yet.
 *
 * - Input goes in through methods named after what arrives: onTrade, onQuote, onBook,
 *   onSentiment, onScore, onPrice. An input method returns what that input produced (a
 *   normalized score, a closed bar, a correlation reading), or null when it produced
 *   nothing — always null while warming up. A component whose result depends on when it
 *   is asked (a score "now": the analyzer, the multi-timeframe scorer) takes no result
 *   from its inputs and computes one with `compute(now)`.
 * - `latest` is the most recent result, null while warming up; `result` promises a value
 *   and throws WarmupError (saying what is still missing) instead of returning null.
 * - `isStable` turns true once every window the component keeps is full, so its results
 *   no longer come from a partial window or a fallback. It can turn true after the first
 *   result: the normalizer reports the raw bias until it has `minSamples` scores, and a
 *   bar builder's first bar starts in the middle of its period.
 * - `reset()` returns to warm-up (latest null, isStable false) and keeps the configuration.
 * - `dispose()` releases the component's memory (kernel windows); every later call and read
 *   throws DisposedError, and dispose() again does nothing.
 *
 * The kernels' windows (StreamingWindow in kernels/types.ts) share the lifecycle — isStable,
 * reset, dispose — one layer down: their input is a bare number (`push`) and, like every
 * kernel, they report "no value" as NaN in numeric fields read without allocation; the
 * components here turn that NaN into null. (After trading-signals' Indicator — update,
 * getResult, isStable — and nautilus_trader's handle_trade/handle_book.)
 */
export interface StreamingComponent<Result> {
  /** The most recent result; null while warming up. */
  readonly latest: Result | null;
  /** The most recent result; throws WarmupError, saying what is still missing, while warming up. */
  readonly result: Result;
  /** True once every window is full: results no longer come from a partial window or a fallback. */
  readonly isStable: boolean;
  /** Back to warm-up; the configuration is kept. */
  reset(): void;
  /** Releases the component's memory; every later use throws DisposedError, dispose() again does nothing. */
  dispose(): void;
}
