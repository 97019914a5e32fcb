/**
 * The WebAssembly module's exports: every kernel, the L2 book, and the raw allocator the JS
 * boundary (src/wasm/) uses to place buffers and streaming state in linear memory.
 */
export { alloc, free } from "./memory";
export { volumeDelta } from "./flow/volumeDelta";
export {
  volumeWindowSize, volumeWindowInit, volumeWindowReset, volumeWindowPush, volumeWindowAdvance,
} from "./flow/volumeDeltaWindow";
export { bookImbalanceBatch } from "./book/imbalance";
export { micropriceBatch } from "./book/microprice";
export {
  orderFlowImbalance, ofiWindowSize, ofiWindowInit, ofiWindowReset, ofiWindowPush, ofiWindowBatch,
} from "./book/orderFlowImbalance";
export {
  rollingStatsSize, rollingStatsInit, rollingStatsReset, rollingStatsPush, rollingStatsRank,
  rollingStatsBatch, percentileRank,
} from "./stats/rollingStats";
export { ewm } from "./stats/ewm";
export {
  rollingCorrSize, rollingCorrInit, rollingCorrReset, rollingCorrPush, rollingCorrBatch,
} from "./stats/rollingCorr";
export {
  coreSize, coreInit, coreReset, coreBookInput, coreBook, coreBookFrom, coreQuote, coreTrade, coreSentiment, coreCompute,
} from "./confluence/core";
export { coreFlow } from "./confluence/flowRun";
export {
  bookNew, bookFree, bookLoad, bookApply, bookCrossed, bookTickSize, bookSide, sideTop, sideBestPrice, sideBestQty,
  sideLevels, sideTrimmed, sideRebuilds, sideRelocated, sideMemoryBytes,
  bookGridPart, bookGridRestore, sideWindowSize, sideWindowLo, sideMisses, sideRestore,
} from "./book/l2Book";
export { exp, expm1, log, tanh } from "./common/transcendental";
export { levelsInBounds } from "./feeds/levelBounds";
export {
  decoderNew, decoderFree, decoderField, decoderRun, decoderCount, decoderDeclined, decoderLines, decoderSymbols,
  decoderInexact, decoderSymbolDeclined,
} from "./feeds/fastDecoder";
