/**
 * What a backend provides: the kernels with their inputs already checked for shape
 * (lengths, window, depth, alpha) by CheckedKernels, which is the public face of
 * both backends. Value checks stay inside the kernels' own pass: array kernels return
 * a check value (0 when every value was finite and ≥ 0; see assembly/common/check.ts)
 * or the index of the first non-finite value (−1 when none), and the facade turns
 * that into a typed error.
 */
import type { L2BookOptions } from "../book/l2Book.js";
import type { OrderBook } from "../book/orderBook.js";
import type { CaptureBlockDecoder } from "../feeds/captureBlockDecoder.js";
import type { EventColumns } from "../feeds/eventBatch.js";
import type {
  Backend,
  ConfluenceCore,
  ConfluenceCoreOptions,
  F64Input,
  Float64Buffer,
  OrderFlowWindow,
  RollingCorrelationWindow,
  RollingStatsWindow,
  U8Input,
  Uint8Buffer,
  VolumeDelta,
  VolumeDeltaWindow,
} from "./types.js";

export interface RawRollingOutputs {
  mean: F64Input | null;
  std: F64Input | null;
  zscore: F64Input | null;
  min: F64Input | null;
  max: F64Input | null;
  rank: F64Input | null;
}

/** A backend's confluence core: the public interface, and what the checked layer takes back from a restored core. */
export interface RawConfluenceCore extends ConfluenceCore {
  /** Time of the latest trade (−Infinity before any and after reset), restored with the core's state. */
  readonly lastTradeTime: number;
  /**
   * The streaming engine's best quotes and trades of `symbol` (its index in the batch) from event
   * `from` of `columns` on, to `to` at most, each checked as the engine checks it and given to
   * this core (assembly/confluence/flowRun.ts, the JS twin src/kernels/js/confluence/flowRun.ts).
   * Returns the first event not taken: `from` when none was, or when on the WASM backend the
   * columns or the stores are not in this module's memory. Trusted: the columns hold `to` events,
   * the stores are live kernel buffers.
   */
  flow(columns: EventColumns, from: number, to: number, symbol: number, stores: FlowStores): number;
}

/** What a run of quotes and trades reads and writes besides the core: one symbol's, in kernel buffers. */
export interface FlowStores {
  /** The symbol's engine state in and out (RUN_* slots of coreLayout). */
  readonly run: Float64Buffer;
  /** The engine's untagged RecentIds stores. */
  readonly tradeIds: Float64Buffer;
  readonly quoteIds: Float64Buffer;
}

export interface RawKernels {
  readonly backend: Backend;
  readonly memoryBytes: number;
  allocFloat64(length: number): Float64Buffer;
  allocUint8(length: number): Uint8Buffer;

  volumeDelta(qty: F64Input, buyer: U8Input, n: number, out: VolumeDelta): number;
  imbalance(bid: F64Input, ask: F64Input, weights: Float64Array | null, m: number, depth: number, out: F64Input): number;
  microprice(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, m: number, out: F64Input): number;
  orderFlowImbalance(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, n: number, out: F64Input): number;
  rollingOrderFlowImbalance(
    bidPx: F64Input,
    bidQty: F64Input,
    askPx: F64Input,
    askQty: F64Input,
    n: number,
    window: number,
    out: F64Input,
  ): number;

  rolling(values: F64Input, n: number, window: number, minPeriods: number, out: RawRollingOutputs): number;
  ewm(values: F64Input, n: number, alpha: number, out: F64Input): number;
  rollingCovCorr(x: F64Input, y: F64Input, n: number, window: number, cov: F64Input | null, corr: F64Input | null): number;

  rollingStats(window: number, alpha: number, minPeriods: number, extrema: boolean): RollingStatsWindow;
  rollingCorrelation(window: number): RollingCorrelationWindow;
  /** `span` = +Infinity for a count window (capacity = count). */
  volumeDeltaWindow(capacity: number, span: number): VolumeDeltaWindow;
  orderFlowWindow(window: number): OrderFlowWindow;
  /** Options already validated; events are validated by the checked wrapper. */
  confluenceCore(options: ConfluenceCoreOptions): RawConfluenceCore;
  /** An empty L2 book (options already resolved): the JS heap's src/book/l2Book.ts, or its twin in linear memory. */
  orderBook(options: Required<L2BookOptions>): OrderBook;
  /** A capture decoder declining lines longer than `maxLineBytes` (already checked). */
  captureDecoder(maxLineBytes: number): CaptureBlockDecoder;
  /** Kernels.levelsInBounds, the range already checked to lie inside `values` with an even count. */
  levelsInBounds(values: Float64Array, from: number, count: number): boolean;
  /** common/transcendental.ts of each backend (arguments already checked to be numbers). */
  exp(x: number): number;
  log(x: number): number;
  tanh(x: number): number;
}

/** The Float64Array behind an input (a view of kernel memory for WASM buffers). */
export function f64Of(input: F64Input): Float64Array {
  return input instanceof Float64Array ? input : input.array;
}

export function u8Of(input: U8Input): Uint8Array {
  return input instanceof Uint8Array ? input : input.array;
}
