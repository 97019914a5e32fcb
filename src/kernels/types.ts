/**
 * The Kernels interface: the numeric core behind two backends with identical
 * semantics — WebAssembly (`loadKernels()`, backend "wasm-simd" or "wasm") and plain
 * JavaScript (`jsKernels()`, backend "js"). Everything above this layer runs on either.
 *
 * Conventions: NaN means "no value" (an empty book, a window not yet full); inputs
 * are validated and bad ones throw a typed error from ../errors.ts — an argument of
 * the wrong type (a string for a number, a plain array for a Float64Array) is an
 * ArgumentTypeError and is never coerced; an allocation that cannot be made is an
 * OutOfMemoryError.
 */
import type { StreamingComponent } from "../streamingComponent.js";
import type { L2BookOptions } from "../book/l2Book.js";
import type { OrderBook } from "../book/orderBook.js";
import type { CaptureBlockDecoder, CaptureDecoderLimits } from "../feeds/captureBlockDecoder.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

export type Backend = "wasm-simd" | "wasm" | "js";

/**
 * A Float64Array that lives where the backend computes (WASM linear memory for the
 * WASM backend), so passing it to a kernel copies nothing. Read and write through
 * `array`: the view is rebuilt when memory grows, so do not keep it across calls
 * that allocate (creating windows or buffers). After free(), `array` and every kernel
 * given the buffer throw DisposedError; free() again does nothing.
 */
export interface Float64Buffer {
  readonly length: number;
  readonly array: Float64Array;
  free(): void;
}

export interface Uint8Buffer {
  readonly length: number;
  readonly array: Uint8Array;
  free(): void;
}

export type F64Input = Float64Array | Float64Buffer;
export type U8Input = Uint8Array | Uint8Buffer;

/** Aggressor volume split of a set of trades. imbalance = delta / (buy + sell), NaN with no volume. */
export interface VolumeDelta {
  buyVolume: number;
  sellVolume: number;
  delta: number;
  imbalance: number;
}

/** Rolling statistics per position, pandas semantics (NaN for the first window − 1). */
export interface RollingResult {
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  zscore: Float64Array;
  /** Percentile rank of each value within its window (ties averaged); empty if not requested. */
  rank: Float64Array;
}

export interface RollingOptions {
  /** Compute `rank` (O(window) per position). Default true. */
  readonly rank?: boolean;
  /** Values needed before outputs appear (pandas min_periods), 1…window. Default: window. */
  readonly minPeriods?: number;
}

export interface RollingStatsOptions {
  /** EMA smoothing factor in (0, 1]. Default 2 / (window + 1). */
  readonly alpha?: number;
  /** Track min and max (monotonic deques). false: min and max stay NaN, pushes cost about half. Default true. */
  readonly extrema?: boolean;
  /** Values needed before outputs appear (pandas min_periods), 1…window. Default: window. */
  readonly minPeriods?: number;
}

/**
 * The streaming contract's lifecycle (isStable, reset, dispose: ../streamingComponent.ts) at
 * the kernel level. A window takes bare numbers (`push`) and reports "no value" as NaN in
 * numeric fields read without allocation; the components above turn that NaN into null.
 */
export interface StreamingWindow extends Pick<StreamingComponent<unknown>, "isStable" | "reset" | "dispose"> {
  /** True once the window holds `window` values. */
  readonly isStable: boolean;
  /** Values currently in the window. */
  readonly count: number;
  reset(): void;
  /**
   * Releases the window's memory. Every later call and result read throws DisposedError
   * (only the configuration it was made with, such as `window`, stays readable);
   * dispose() again does nothing.
   */
  dispose(): void;
}

/**
 * A kernel object whose complete state is a checkpoint part (src/checkpoint/stateCodec.ts): the
 * same bytes on both backends, so a checkpoint taken on one restores on the other.
 */
export interface Checkpointable {
  /** Appends this object's complete state (a checkpoint part, src/checkpoint/stateCodec.ts). */
  writeState(w: StateWriter): void;
  /**
   * Restores what writeState wrote into this object, freshly constructed with the same
   * options. A CheckpointError when the bytes do not fit (wrong tag, sizes that do not match
   * this object's configuration, truncated); the object must then be discarded (the engine
   * restores into fresh objects and swaps them in only when every part was read).
   */
  readState(r: StateReader): void;
}

/**
 * Streaming rolling statistics over the last `window` values, O(1) amortized per push.
 * mean, std, zscore, min and max are NaN until `minPeriods` values are in.
 */
export interface RollingStatsWindow extends StreamingWindow, Checkpointable {
  readonly window: number;
  readonly minPeriods: number;
  push(x: number): void;
  readonly mean: number;
  readonly std: number;
  readonly zscore: number;
  readonly min: number;
  readonly max: number;
  /** EMA with the window's alpha over every value pushed since reset (defined from the first). */
  readonly ema: number;
  readonly last: number;
  /** Percentile rank of the latest value within the window (O(window)); NaN below minPeriods. */
  rank(): number;
}

export interface RollingCorrelationWindow extends StreamingWindow, Checkpointable {
  readonly window: number;
  push(x: number, y: number): void;
  readonly cov: number;
  readonly corr: number;
}

export type VolumeWindowOptions = { readonly count: number } | { readonly spanMs: number; readonly capacity?: number };

/** Volume delta over the last N trades or the trades of the last span of time. */
export interface VolumeDeltaWindow extends StreamingWindow, Checkpointable {
  /** Adds a trade; `time` (ms) must not go backwards. */
  push(qty: number, buyerInitiated: boolean, time: number): void;
  /** Moves the clock forward without a trade so a time window forgets old trades. */
  advance(time: number): void;
  readonly buyVolume: number;
  readonly sellVolume: number;
  readonly delta: number;
  readonly imbalance: number;
}

/** Streaming order-flow imbalance: e per quote and its rolling sum over `window` e values. */
export interface OrderFlowWindow extends StreamingWindow, Checkpointable {
  readonly window: number;
  push(bidPx: number, bidQty: number, askPx: number, askQty: number): void;
  /** e of the latest quote against the one before (NaN after the first quote). */
  readonly last: number;
  /** Sum of the last `window` e values (NaN until there are that many). */
  readonly sum: number;
  /** Σ|e| over the same values: sum / absSum in [−1, 1] is the flow's one-sidedness. */
  readonly absSum: number;
}

/** How a component's raw reading becomes its signal (ConfluenceCoreOptions.signalShape). */
export const SIGNAL_SHAPES = ["squash", "linear"] as const;
export type SignalShape = (typeof SIGNAL_SHAPES)[number];

export interface ConfluenceCoreOptions {
  /** L: events in the short windows (4L in the long ones). */
  readonly lookback: number;
  /** N: book levels used. */
  readonly depth: number;
  /** K: best quotes in the orderflow component's order-flow imbalance window. */
  readonly ofiWindow: number;
  /** F: trades in the orderflow component's trade-flow (volume-delta) window. */
  readonly flowWindow: number;
  /** Signal gain g = 4·sensitivity: a component's signal is shape(g·raw), shape as `signalShape` says. */
  readonly sensitivity: number;
  /**
   * How a component's raw reading g·raw becomes its signal in [−1, 1]: "squash" (the default),
   * x/(1 + |x|), or "linear", clamp(x, −1, 1) — with sensitivity 0.25 a linear touch imbalance or
   * order-flow imbalance (both in [−1, 1]) is its signal unchanged.
   */
  readonly signalShape?: SignalShape;
  /** Age after which a sentiment value no longer counts (ms). */
  readonly staleMs: number;
  /** d in [0, 1]: the depth-weighted imbalance's share of the orderbook signal; the touch imbalance takes 1 − d. */
  readonly bookDepthWeight: number;
  /** m in [0, 1]: the trade flow's share of the orderflow signal; the order-flow imbalance takes 1 − m. */
  readonly tradeFlowWeight: number;
  /** One weight per component, in COMPONENT_NAMES order (src/kernels/coreLayout.ts, from the core's spec), summing to 1. */
  readonly weights: ArrayLike<number>;
  /** N level weights, best level first. */
  readonly levelWeights: ArrayLike<number>;
}

/**
 * Per-symbol features of the six confluence components, updated by one call per event,
 * and the score computed from them by one more (assembly/confluence/core.ts has every
 * formula). Results are read from `output(slot)` with the slots of coreLayout.ts.
 */
export interface ConfluenceCore extends Checkpointable {
  /**
   * 4·N values the caller fills before book(): bid prices, bid quantities, ask prices,
   * ask quantities, best level first. (A view of kernel memory on the WASM backend:
   * re-read the property after creating other kernel objects.)
   */
  readonly bookInput: Float64Array;
  book(bidLevels: number, askLevels: number): void;
  /**
   * The top N levels of each side of `book`, best first, as book() takes them: on the WASM
   * backend one call when `book` is the same kernels' own (kernels.orderBook), the levels never
   * passing through JavaScript; any other OrderBook is read through its sides' `top`.
   */
  bookFrom(book: OrderBook): void;
  quote(bidPx: number, bidQty: number, askPx: number, askQty: number): void;
  trade(price: number, qty: number, buyerInitiated: boolean, time: number): void;
  sentiment(value: number, time: number): void;
  /** Computes the score at `now` (ms); false while warming up (outputs say what is missing). */
  compute(now: number): boolean;
  output(slot: number): number;
  /** Copies every output slot (coreLayout.OUTPUTS of them) into `out`. */
  snapshot(out: Float64Array | number[]): void;
  reset(): void;
  /** Releases the core's memory; every later use (bookInput included) throws DisposedError, dispose() again does nothing. */
  dispose(): void;
}

export interface Kernels {
  readonly backend: Backend;
  /** Bytes of WebAssembly linear memory in use by this instance (0 for the JS backend). */
  readonly memoryBytes: number;

  /** A buffer the kernels read without copying (see Float64Buffer). */
  allocFloat64(length: number): Float64Buffer;
  allocUint8(length: number): Uint8Buffer;

  volumeDelta(qty: F64Input, buyerInitiated: U8Input): VolumeDelta;
  volumeDeltaInto(qty: F64Input, buyerInitiated: U8Input, out: VolumeDelta): VolumeDelta;

  /** Plain imbalance of one book over its top `depth` levels (arrays best level first). */
  bookImbalance(bidQty: F64Input, askQty: F64Input, depth: number): number;
  /** Imbalance with level weights exp(−decay·i), i = 0 at the touch. */
  depthWeightedImbalance(bidQty: F64Input, askQty: F64Input, depth: number, decay: number): number;
  /**
   * Imbalance of M snapshots at once. Quantities are M×N matrices stored level-major:
   * level i of snapshot m at i·M + m (N = length / M levels, depth ≤ N).
   */
  bookImbalanceBatch(bidQty: F64Input, askQty: F64Input, snapshots: number, depth: number): Float64Array;
  bookImbalanceBatchInto(bidQty: F64Input, askQty: F64Input, snapshots: number, depth: number, out: F64Input): void;
  depthWeightedImbalanceBatch(bidQty: F64Input, askQty: F64Input, snapshots: number, depth: number, decay: number): Float64Array;
  depthWeightedImbalanceBatchInto(bidQty: F64Input, askQty: F64Input, snapshots: number, depth: number, decay: number, out: F64Input): void;

  microprice(bidPx: number, bidQty: number, askPx: number, askQty: number): number;
  micropriceBatch(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input): Float64Array;
  micropriceBatchInto(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, out: F64Input): void;

  /** e[n] per quote (Cont–Kukanov–Stoikov), e[0] = NaN. */
  orderFlowImbalance(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input): Float64Array;
  orderFlowImbalanceInto(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, out: F64Input): void;
  /** Rolling sum of e over `window`: pandas e.rolling(window).sum(). */
  rollingOrderFlowImbalance(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, window: number): Float64Array;
  rollingOrderFlowImbalanceInto(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, window: number, out: F64Input): void;

  rolling(values: F64Input, window: number, options?: RollingOptions): RollingResult;
  /** Writes into `out`'s arrays (each of the input's length; `rank` may be empty to skip it). */
  rollingInto(values: F64Input, window: number, out: RollingResult, options?: { readonly minPeriods?: number }): void;
  ewm(values: F64Input, alpha: number): Float64Array;
  ewmInto(values: F64Input, alpha: number, out: F64Input): void;
  rollingCov(x: F64Input, y: F64Input, window: number): Float64Array;
  rollingCorr(x: F64Input, y: F64Input, window: number): Float64Array;
  /** Either output may be null to skip it. */
  rollingCovCorrInto(x: F64Input, y: F64Input, window: number, cov: F64Input | null, corr: F64Input | null): void;

  rollingStats(window: number, options?: RollingStatsOptions): RollingStatsWindow;
  rollingCorrelation(window: number): RollingCorrelationWindow;
  volumeDeltaWindow(options: VolumeWindowOptions): VolumeDeltaWindow;
  orderFlowWindow(window: number): OrderFlowWindow;
  /**
   * `trusted`: skip the per-event input checks — only for callers that validate every
   * event upstream (the streaming engine does). Options are validated either way.
   */
  confluenceCore(options: ConfluenceCoreOptions, trusted?: boolean): ConfluenceCore;
  /**
   * An empty L2 book with these bounds (typed errors for bad ones): on the JS backend an
   * L2Book in the JS heap, on the WASM backend the same structure in linear memory — the same
   * levels, counters and bits either way (src/book/orderBook.ts). Free it with dispose().
   */
  orderBook(options?: L2BookOptions): OrderBook;
  /**
   * A decoder of capture lines into columns for the capture parser (src/feeds/captureBlockDecoder.ts):
   * the WebAssembly one in linear memory on the WASM backend, its plain-TS twin ColumnDecoder on
   * JS — the same events either way. Free it with dispose().
   */
  captureDecoder(limits?: CaptureDecoderLimits): CaptureBlockDecoder;
  /**
   * Whether every [price, qty] pair of `values[from, from + count)` passes the event validator's
   * level check (src/feeds/validate.ts: a price inside LIMITS, a size 0 or inside them; NaN
   * fails): the check a depth diff decoded into columns gets where it lies, in linear memory on
   * the WASM backend when `values` is a view of the module's memory (its values never read by
   * JavaScript). `from` and `count` integers, `count` even, the range inside `values`.
   */
  levelsInBounds(values: Float64Array, from: number, count: number): boolean;

  /**
   * e^x by the library's own algorithm (fdlibm's, compiled into the module and ported bit
   * for bit to the JS backend): the same bits on every backend and JavaScript engine,
   * unlike Math.exp. Error < 1 ulp. NaN gives NaN; anything but a number throws.
   */
  exp(x: number): number;
  /** Natural logarithm, with the guarantees of exp (error < 1 ulp; −∞ at ±0, NaN below 0). */
  log(x: number): number;
  /** Hyperbolic tangent, with the guarantees of exp (error < 2 ulp). */
  tanh(x: number): number;
}
