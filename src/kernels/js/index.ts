/**
 * The plain-JavaScript backend: an honest baseline (typed arrays, no allocation in
 * loops) with the same algorithms as the WebAssembly kernels, file for file.
 */
import type { RawKernels, RawRollingOutputs } from "../raw.js";
import { f64Of, u8Of } from "../raw.js";
import type { ConfluenceCoreOptions, F64Input, Float64Buffer, U8Input, Uint8Buffer, VolumeDelta } from "../types.js";
import { volumeDelta } from "./flow/volumeDelta.js";
import { JsVolumeDeltaWindow } from "./flow/volumeDeltaWindow.js";
import { bookImbalanceBatch } from "./book/imbalance.js";
import { micropriceBatch } from "./book/microprice.js";
import { JsOrderFlowWindow, ofiWindowBatch, orderFlowImbalance } from "./book/orderFlowImbalance.js";
import { JsRollingStats, rollingStatsBatch } from "./stats/rollingStats.js";
import { ewm } from "./stats/ewm.js";
import { JsRollingCorrelation, rollingCorrBatch } from "./stats/rollingCorr.js";
import { JsConfluenceCore } from "./confluence/core.js";
import { exp, log, tanh } from "./common/transcendental.js";
import { JsBuffer } from "./jsBuffer.js";
import { L2Book, type L2BookOptions } from "../../book/l2Book.js";
import { ColumnDecoder } from "../../feeds/columnDecoder.js";
import { validPrice, validQty } from "../../feeds/validate.js";
import { CAPTURE_BATCH } from "../../feeds/captureBlockDecoder.js";

const orNull = (x: F64Input | null): Float64Array | null => (x ? f64Of(x) : null);

export class JsRawKernels implements RawKernels {
  readonly backend = "js" as const;
  readonly memoryBytes = 0;
  // Batch kernels reuse streaming state between calls (as the WASM backend does).
  private stats: JsRollingStats | null = null;
  private corr: JsRollingCorrelation | null = null;
  private ofi: JsOrderFlowWindow | null = null;

  allocFloat64(length: number): Float64Buffer {
    return JsBuffer.float64(length);
  }

  allocUint8(length: number): Uint8Buffer {
    return JsBuffer.uint8(length);
  }

  volumeDelta(qty: F64Input, buyer: U8Input, n: number, out: VolumeDelta): number {
    return volumeDelta(f64Of(qty), u8Of(buyer), n, out);
  }

  imbalance(bid: F64Input, ask: F64Input, weights: Float64Array | null, m: number, depth: number, out: F64Input): number {
    return bookImbalanceBatch(f64Of(bid), f64Of(ask), weights, m, depth, f64Of(out));
  }

  microprice(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, m: number, out: F64Input): number {
    return micropriceBatch(f64Of(bidPx), f64Of(bidQty), f64Of(askPx), f64Of(askQty), m, f64Of(out));
  }

  orderFlowImbalance(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, n: number, out: F64Input): number {
    return orderFlowImbalance(f64Of(bidPx), f64Of(bidQty), f64Of(askPx), f64Of(askQty), n, f64Of(out));
  }

  rollingOrderFlowImbalance(
    bidPx: F64Input,
    bidQty: F64Input,
    askPx: F64Input,
    askQty: F64Input,
    n: number,
    window: number,
    out: F64Input,
  ): number {
    if (this.ofi?.window !== window) this.ofi = new JsOrderFlowWindow(window);
    this.ofi.reset();
    return ofiWindowBatch(this.ofi, f64Of(bidPx), f64Of(bidQty), f64Of(askPx), f64Of(askQty), n, null, f64Of(out));
  }

  rolling(values: F64Input, n: number, window: number, minPeriods: number, out: RawRollingOutputs): number {
    if (this.stats?.window !== window || this.stats.minPeriods !== minPeriods) this.stats = new JsRollingStats(window, 1, minPeriods);
    this.stats.reset();
    return rollingStatsBatch(this.stats, f64Of(values), n, {
      mean: orNull(out.mean),
      std: orNull(out.std),
      zscore: orNull(out.zscore),
      min: orNull(out.min),
      max: orNull(out.max),
      rank: orNull(out.rank),
    });
  }

  ewm(values: F64Input, n: number, alpha: number, out: F64Input): number {
    return ewm(f64Of(values), n, alpha, f64Of(out));
  }

  rollingCovCorr(x: F64Input, y: F64Input, n: number, window: number, cov: F64Input | null, corr: F64Input | null): number {
    if (this.corr?.window !== window) this.corr = new JsRollingCorrelation(window);
    this.corr.reset();
    return rollingCorrBatch(this.corr, f64Of(x), f64Of(y), n, orNull(cov), orNull(corr));
  }

  rollingStats(window: number, alpha: number, minPeriods: number, extrema: boolean): JsRollingStats {
    return new JsRollingStats(window, alpha, minPeriods, extrema);
  }

  rollingCorrelation(window: number): JsRollingCorrelation {
    return new JsRollingCorrelation(window);
  }

  volumeDeltaWindow(capacity: number, span: number): JsVolumeDeltaWindow {
    return new JsVolumeDeltaWindow(capacity, span);
  }

  orderFlowWindow(window: number): JsOrderFlowWindow {
    return new JsOrderFlowWindow(window);
  }

  confluenceCore(options: ConfluenceCoreOptions): JsConfluenceCore {
    return new JsConfluenceCore(options);
  }

  orderBook(options: Required<L2BookOptions>): L2Book {
    return new L2Book(options);
  }

  captureDecoder(maxLineBytes: number): ColumnDecoder {
    return new ColumnDecoder(CAPTURE_BATCH, maxLineBytes);
  }

  levelsInBounds(values: Float64Array, from: number, count: number): boolean {
    for (let i = from, end = from + count; i < end; i += 2) if (!(validPrice(values[i]!) && validQty(values[i + 1]!))) return false;
    return true;
  }

  exp(x: number): number {
    return exp(x);
  }

  log(x: number): number {
    return log(x);
  }

  tanh(x: number): number {
    return tanh(x);
  }
}
