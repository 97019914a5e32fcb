/**
 * The exports of assembly/index.ts that the TypeScript side calls, typed by hand.
 * Pointers are byte offsets into the module's linear memory.
 */
export interface KernelExports {
  /**
   * The module's linear memory (a WebAssembly.Memory), typed by what is read of it: the
   * package's declarations name no WebAssembly type, which Node's type definitions
   * (@types/node) do not declare — only the DOM library does.
   */
  readonly memory: { readonly buffer: ArrayBuffer };
  alloc(bytes: number): number;
  free(ptr: number): void;

  volumeDelta(qty: number, buyer: number, n: number, out: number): void;
  volumeWindowSize(capacity: number): number;
  volumeWindowInit(p: number, capacity: number, span: number): void;
  volumeWindowReset(p: number): void;
  volumeWindowPush(p: number, qty: number, buyer: number, time: number): number;
  volumeWindowAdvance(p: number, now: number): number;

  bookImbalanceBatch(bid: number, ask: number, weights: number, m: number, depth: number, out: number): number;
  micropriceBatch(bidPx: number, bidQty: number, askPx: number, askQty: number, m: number, out: number): number;
  orderFlowImbalance(bidPx: number, bidQty: number, askPx: number, askQty: number, n: number, out: number): number;
  ofiWindowSize(window: number): number;
  ofiWindowInit(p: number, window: number): void;
  ofiWindowReset(p: number): void;
  ofiWindowPush(p: number, pb: number, qb: number, pa: number, qa: number): void;
  ofiWindowBatch(p: number, bidPx: number, bidQty: number, askPx: number, askQty: number, n: number, outE: number, outSum: number): number;

  rollingStatsSize(window: number): number;
  rollingStatsInit(p: number, window: number, alpha: number, minPeriods: number, extrema: number): void;
  rollingStatsReset(p: number): void;
  rollingStatsPush(p: number, x: number): void;
  rollingStatsRank(p: number): number;
  rollingStatsBatch(
    p: number,
    values: number,
    n: number,
    mean: number,
    std: number,
    z: number,
    min: number,
    max: number,
    rank: number,
  ): number;
  percentileRank(p: number, n: number, x: number): number;
  ewm(values: number, n: number, alpha: number, out: number): number;
  rollingCorrSize(window: number): number;
  rollingCorrInit(p: number, window: number): void;
  rollingCorrReset(p: number): void;
  rollingCorrPush(p: number, x: number, y: number): void;
  rollingCorrBatch(p: number, xs: number, ys: number, n: number, outCov: number, outCorr: number): number;

  coreSize(lookback: number, depth: number, ofiWindow: number, flowWindow: number): number;
  coreInit(
    p: number,
    lookback: number,
    depth: number,
    ofiWindow: number,
    flowWindow: number,
    sensitivity: number,
    staleMs: number,
    bookDepthWeight: number,
    tradeFlowWeight: number,
    weights: number,
    levelWeights: number,
    linear: number,
  ): void;
  coreReset(p: number): void;
  coreBookInput(p: number): number;
  coreBook(p: number, bidLevels: number, askLevels: number): void;
  /** The top N levels of each side of the book at `book` into the core at `p`, then coreBook (assembly/confluence/core.ts). */
  coreBookFrom(p: number, book: number): void;
  coreQuote(p: number, pb: number, qb: number, pa: number, qa: number): void;
  coreTrade(p: number, price: number, qty: number, buyer: number, time: number): void;
  coreSentiment(p: number, value: number, time: number): void;
  coreCompute(p: number, now: number): number;
  /** The engine's quotes and trades of one symbol from a batch's columns (assembly/confluence/flowRun.ts): the first event not taken. */
  coreFlow(
    core: number,
    kinds: number,
    symbols: number,
    xs: number,
    rs: number,
    ids: number,
    as: number,
    bs: number,
    cs: number,
    ds: number,
    from: number,
    to: number,
    symbol: number,
    rec: number,
    tIds: number,
    tSize: number,
    qIds: number,
    qSize: number,
  ): number;

  /** Our own transcendentals (assembly/common/transcendental.ts), the same bits on every engine. */
  /** An empty L2 book (assembly/book/l2Book.ts); grows inside the module as its levels spread. */
  bookNew(maxLevels: number, maxWindowTicks: number): number;
  bookFree(book: number): void;
  /** Levels are flat [price, qty, …] f64 at the pointers; nBids and nAsks count pairs. */
  bookLoad(book: number, bids: number, nBids: number, asks: number, nAsks: number): void;
  bookApply(book: number, bids: number, nBids: number, asks: number, nAsks: number): void;
  bookCrossed(book: number): number;
  /** 1 when every [price, qty] pair of the `values` f64 values at `p` is inside the validator's LIMITS (assembly/feeds/levelBounds.ts), else 0. */
  levelsInBounds(p: number, values: number): number;
  bookTickSize(book: number): number;
  /** A side's address: ask 0 for bids, 1 for asks. */
  bookSide(book: number, ask: number): number;
  sideTop(side: number, n: number, out: number, pxAt: number, qtyAt: number): number;
  sideBestPrice(side: number): number;
  sideBestQty(side: number): number;
  sideLevels(side: number): number;
  sideTrimmed(side: number): number;
  sideRebuilds(side: number): number;
  sideRelocated(side: number): number;
  sideMemoryBytes(side: number): number;
  /** A book's grid for a checkpoint: 0 10^decimals, 1 the origin, 2 the step. */
  bookGridPart(book: number, i: number): number;
  bookGridRestore(book: number, scale: number, origin: number, step: number): void;
  sideWindowSize(side: number): number;
  sideWindowLo(side: number): number;
  sideMisses(side: number): number;
  /** Rebuilds a side from a checkpoint: n levels as flat [price, qty, …] f64 at `levels`, best first. */
  sideRestore(
    side: number,
    size: number,
    lo: number,
    misses: number,
    trimmed: number,
    rebuilds: number,
    relocated: number,
    levels: number,
    n: number,
  ): void;

  /** The capture decoder (assembly/feeds/fastDecoder.ts): capture lines into a batch of event columns. */
  decoderNew(inputBytes: number, capacity: number): number;
  decoderFree(decoder: number): void;
  /** The address of a field (input block, a column, the slab, …) by its number in decoderField. */
  decoderField(decoder: number, field: number): number;
  /** Decodes the lines of input[from, length); returns where it stopped. */
  decoderRun(decoder: number, from: number, length: number, final: number): number;
  decoderCount(decoder: number): number;
  decoderDeclined(decoder: number): number;
  decoderLines(decoder: number): number;
  decoderSymbols(decoder: number): number;
  decoderInexact(decoder: number): number;
  decoderSymbolDeclined(decoder: number): number;

  exp(x: number): number;
  expm1(x: number): number;
  log(x: number): number;
  tanh(x: number): number;
}
