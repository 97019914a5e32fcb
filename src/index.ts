/**
 * confluence-hft — the browser-safe public API (imports nothing from node:).
 */
export { loadKernels, jsKernels, type LoadKernelsOptions } from "./kernels/index.js";
export { levelWeights, DEFAULT_TIME_WINDOW_CAPACITY } from "./kernels/checked.js";
export { MAX_WINDOW } from "./kernels/validate.js";
export { simdSupported } from "./wasm/module.js";
export type * from "./kernels/types.js";
export type { StreamingComponent } from "./streamingComponent.js";
export { ConfluenceAnalyzer } from "./confluence/analyzer.js";
export type {
  ComponentResult,
  ComponentScore,
  ConfluenceFeatures,
  ConfluenceUpdate,
  WarmupNeeds,
  TradeInput,
  QuoteInput,
  Levels,
} from "./confluence/analyzer.js";
export { resolveConfig, PRESETS, COMPONENT_NAMES } from "./confluence/config.js";
/** The core's output slots (SCORE, CONFIDENCE, …, F_MID, OUTPUTS) and readFeatures: what `computeInto` fills. */
export * as coreLayout from "./kernels/coreLayout.js";
export type { ConfluenceConfig, ConfluenceConfigInput, ComponentName, ComponentWeights, PresetName } from "./confluence/config.js";
export type { DecisionConfig, DecisionConfigInput } from "./confluence/decisionConfig.js";
export { extractComponents, type Components, type ScoreReading } from "./score/extract.js";
export { ScoreNormalizer, volatilityAdaptive, type NormalizedScore, type ScoreNormalizerOptions } from "./score/normalizer.js";
export { ScoreCombiner, confidenceWeighted, RankCombiner, type ModelReading, type EnsembleReading } from "./score/combiner.js";
export { tanhApprox, TANH_APPROX_MAX_ERROR } from "./score/tanhTable.js";
export { BarBuilder, type Bar } from "./score/bars.js";
export {
  MultiTimeframeScorer,
  MULTI_TIMEFRAME_ANALYZER,
  combineTimeframes,
  DEFAULT_TIMEFRAMES,
  type Timeframe,
  type TimeframeReading,
  type MultiTimeframeOptions,
  type MultiTimeframeUpdate,
} from "./score/multiTimeframe.js";
export {
  CompositeEngine,
  type CompositeEngineOptions,
  type CompositeContext,
  type CompositeOutput,
  type CompositeSummary,
} from "./pipeline/compositeEngine.js";
export { marketMakingParameters, type Inventory, type MarketMakingParameters } from "./strategy/marketMaking.js";
export {
  riskAdjustedOpportunity,
  riskDiscount,
  CorrelationTracker,
  type CorrelationReading,
  type MarketConditions,
  type RiskAdjustedOpportunity,
} from "./strategy/risk.js";
export {
  executionDecision,
  type ExecutionDecision,
  type ExecutionInput,
  type Urgency,
  type ExecutionAlgorithm,
  type Side,
} from "./strategy/execution.js";
export { DecisionTracker } from "./strategy/decisionTracker.js";
export { rankPortfolio, type PortfolioEntry, type RankedSymbol } from "./strategy/portfolio.js";
export type { MarketEvent, TradeEvent, DepthDiffEvent, DepthSnapshotEvent, QuoteEvent, Market } from "./feeds/events.js";
export { eventTime } from "./feeds/events.js";
export { EventBatch, eventBatch, TRADE, QUOTE, DEPTH, type EventColumns, type ColumnMemory } from "./feeds/eventBatch.js";
export { decodeBinanceMessage } from "./feeds/binance.js";
export {
  CaptureParser,
  DEFAULT_MAX_LINE_BYTES,
  type CaptureParserOptions,
  type CaptureStats,
  type CaptureFileStats,
  type CaptureRejection,
} from "./feeds/capture.js";
export {
  connectBinance,
  type BinanceConnection,
  type BinanceConnectionOptions,
  type BinanceMarket,
  type ConnectionStats,
  type ConnectionStatus,
  type GarbageReason,
  type RawMessage,
  type SymbolConnectionStats,
  type WebSocketConstructorLike,
  type WebSocketLike,
} from "./live/binanceConnection.js";
export { captureLine } from "./live/captureLine.js";
export { fromCcxtOrderBook, fromCcxtTrade, type CcxtOptions, type CcxtOrderBook, type CcxtTrade } from "./feeds/ccxt.js";
export { ccxtSymbol } from "./feeds/ccxtSymbol.js";
export { encodeEvent, decodeEvent } from "./feeds/wire.js";
export {
  StreamingEngine,
  SymbolView,
  type ScoreUpdate,
  type EngineOptions,
  type EventCounts,
  type DropCounts,
  type BookSummary,
} from "./pipeline/engine.js";
export { LIMITS, REJECT_REASONS, validateEvent, type RejectReason, type Rejection } from "./feeds/validate.js";
export { ClockCheck, type ClockLimits } from "./pipeline/clockCheck.js";
export { L2Book, BookSide, type L2BookOptions } from "./book/l2Book.js";
export type { OrderBook, OrderBookSide } from "./book/orderBook.js";
export { BookSync, type SyncState, type SyncOutcome, type SyncCounters, type BookSyncOptions } from "./book/bookSync.js";
export { LatencyHistogram } from "./pipeline/latencyHistogram.js";
export { summarize, type SymbolSummary } from "./pipeline/summary.js";
export type { ScoreCache } from "./pipeline/engine.js";
export { TieredCache, type TieredCacheOptions, type CacheStats, type RemoteStore, type RemoteEntry } from "./cache/tieredCache.js";
export { LatestScores } from "./cache/latestScores.js";
export { cachedScore, type CachedScoreOptions } from "./cache/cachedScore.js";
export { scoreWindow, cachedWindowScore, WINDOW_NAMESPACE, type CachedWindowOptions } from "./cache/windowScore.js";
export { cacheKey, scoreKey } from "./cache/cacheKey.js";
export { fingerprint, fnv1a64 } from "./cache/fingerprint.js";
export { SampleCollector, type SampleCollectorOptions } from "./evaluate/sampleCollector.js";
export { BASELINE_NAMES, URGENCIES, ALGORITHMS, type BaselineName, type SampleSet, type SampleCounts } from "./evaluate/sampleSet.js";
export { forwardMoves, firstAtOrAfter, type ForwardMoves } from "./evaluate/forwardMoves.js";
export { spearman, averageRanks, pearson } from "./evaluate/spearman.js";
export { partialSpearman, partialCorrelation } from "./evaluate/partialSpearman.js";
export { BlockBootstrap, quantile, type RankStatistic } from "./evaluate/blockBootstrap.js";
export { nonOverlapping, tStatistic } from "./evaluate/nonOverlapping.js";
export { hitRates, type HitRates, type HitRate, type HitRateInput, type ConfidenceBucket } from "./evaluate/hitRates.js";
export { decisionStats, type DecisionStats } from "./evaluate/decisionStats.js";
export { evaluate, DEFAULT_HORIZONS_MS, type EvaluateOptions } from "./evaluate/evaluate.js";
export type {
  EvaluationReport,
  EvaluationMethod,
  CaptureReport,
  HorizonReport,
  IcEstimate,
  PartialIc,
} from "./evaluate/evaluationReport.js";
export * from "./errors.js";
