/**
 * The WebAssembly backend: every call marshals (zero-copy where the data already lives
 * in linear memory) and hands pointers to the AssemblyScript kernels in assembly/.
 */
import { loadWasm, type WasmModule } from "../../wasm/module.js";
import type { RawKernels, RawRollingOutputs } from "../raw.js";
import type { ConfluenceCoreOptions, F64Input, U8Input, VolumeDelta } from "../types.js";
import { Marshal, WasmFloat64Buffer, WasmUint8Buffer } from "./marshal.js";
import { volumeDelta } from "./flow/volumeDelta.js";
import { WasmVolumeDeltaWindow } from "./flow/volumeDeltaWindow.js";
import { bookImbalanceBatch } from "./book/imbalance.js";
import { micropriceBatch } from "./book/microprice.js";
import { WasmOrderFlowWindow, ofiWindowBatch, orderFlowImbalance } from "./book/orderFlowImbalance.js";
import { WasmRollingStats, rollingStatsBatch } from "./stats/rollingStats.js";
import { ewm } from "./stats/ewm.js";
import { WasmRollingCorrelation, rollingCorrBatch } from "./stats/rollingCorr.js";
import { WasmConfluenceCore } from "./confluence/core.js";
import { WasmL2Book } from "./book/l2Book.js";
import type { L2BookOptions } from "../../book/l2Book.js";
import { WasmCaptureDecoder } from "./feeds/captureDecoder.js";
import { CAPTURE_BATCH, CAPTURE_INPUT_BYTES } from "../../feeds/captureBlockDecoder.js";

export class WasmRawKernels implements RawKernels {
  readonly backend: "wasm-simd" | "wasm";
  private readonly m: Marshal;
  // Batch kernels run through streaming state kept between calls (re-made only when
  // the window changes), so a caller looping over …Into forms allocates nothing.
  private stats: WasmRollingStats | null = null;
  private corr: WasmRollingCorrelation | null = null;
  private ofi: WasmOrderFlowWindow | null = null;

  constructor(readonly mod: WasmModule) {
    this.backend = mod.simd ? "wasm-simd" : "wasm";
    this.m = new Marshal(mod);
  }

  get memoryBytes(): number {
    return this.mod.exports.memory.buffer.byteLength;
  }

  allocFloat64(length: number): WasmFloat64Buffer {
    return new WasmFloat64Buffer(this.mod, this.mod.alloc(length * 8), length);
  }

  allocUint8(length: number): WasmUint8Buffer {
    return new WasmUint8Buffer(this.mod, this.mod.alloc(length), length);
  }

  volumeDelta(qty: F64Input, buyer: U8Input, n: number, out: VolumeDelta): number {
    return volumeDelta(this.m, qty, buyer, n, out);
  }

  imbalance(bid: F64Input, ask: F64Input, weights: Float64Array | null, m: number, depth: number, out: F64Input): number {
    return bookImbalanceBatch(this.m, bid, ask, weights, m, depth, out);
  }

  microprice(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, m: number, out: F64Input): number {
    return micropriceBatch(this.m, bidPx, bidQty, askPx, askQty, m, out);
  }

  orderFlowImbalance(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, n: number, out: F64Input): number {
    return orderFlowImbalance(this.m, bidPx, bidQty, askPx, askQty, n, out);
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
    if (this.ofi?.window !== window) {
      this.ofi?.dispose();
      this.ofi = null; // so an OutOfMemoryError below leaves no disposed window to reuse
      this.ofi = new WasmOrderFlowWindow(this.mod, window);
    }
    return ofiWindowBatch(this.m, this.ofi, bidPx, bidQty, askPx, askQty, n, out);
  }

  rolling(values: F64Input, n: number, window: number, minPeriods: number, out: RawRollingOutputs): number {
    if (this.stats?.window !== window || this.stats.minPeriods !== minPeriods) {
      this.stats?.dispose();
      this.stats = null;
      this.stats = new WasmRollingStats(this.mod, window, 1, minPeriods);
    }
    return rollingStatsBatch(this.m, this.stats, values, n, out);
  }

  ewm(values: F64Input, n: number, alpha: number, out: F64Input): number {
    return ewm(this.m, values, n, alpha, out);
  }

  rollingCovCorr(x: F64Input, y: F64Input, n: number, window: number, cov: F64Input | null, corr: F64Input | null): number {
    if (this.corr?.window !== window) {
      this.corr?.dispose();
      this.corr = null;
      this.corr = new WasmRollingCorrelation(this.mod, window);
    }
    return rollingCorrBatch(this.m, this.corr, x, y, n, cov, corr);
  }

  rollingStats(window: number, alpha: number, minPeriods: number, extrema: boolean): WasmRollingStats {
    return new WasmRollingStats(this.mod, window, alpha, minPeriods, extrema);
  }

  rollingCorrelation(window: number): WasmRollingCorrelation {
    return new WasmRollingCorrelation(this.mod, window);
  }

  volumeDeltaWindow(capacity: number, span: number): WasmVolumeDeltaWindow {
    return new WasmVolumeDeltaWindow(this.mod, capacity, span);
  }

  orderFlowWindow(window: number): WasmOrderFlowWindow {
    return new WasmOrderFlowWindow(this.mod, window);
  }

  confluenceCore(options: ConfluenceCoreOptions): WasmConfluenceCore {
    return new WasmConfluenceCore(this.mod, this.m, options);
  }

  orderBook(options: Required<L2BookOptions>): WasmL2Book {
    return new WasmL2Book(this.mod, this.m, options);
  }

  captureDecoder(maxLineBytes: number): WasmCaptureDecoder {
    // a line of maxLineBytes needs one byte more with its newline: such a line is declined, and the parser's reference path takes it
    return new WasmCaptureDecoder(this.mod, { capacity: CAPTURE_BATCH, inputBytes: Math.min(CAPTURE_INPUT_BYTES, maxLineBytes) });
  }

  levelsInBounds(values: Float64Array, from: number, count: number): boolean {
    // in place when `values` is a view of this module's memory (a WASM decoder's columns), else copied in
    return this.mod.exports.levelsInBounds(this.m.f64RangeIn(values, from, count, 0), count) === 1;
  }

  exp(x: number): number {
    return this.mod.exports.exp(x);
  }

  log(x: number): number {
    return this.mod.exports.log(x);
  }

  tanh(x: number): number {
    return this.mod.exports.tanh(x);
  }
}

export async function loadWasmRawKernels(options: { forceScalar?: boolean } = {}): Promise<WasmRawKernels> {
  return new WasmRawKernels(await loadWasm(options));
}
