/**
 * The public face of both backends: every type and shape check happens here, once,
 * with the same typed errors whichever backend computes — a wrong argument type is an
 * ArgumentTypeError (never coerced), a freed buffer a DisposedError. Value checks
 * happen inside the kernels' own pass (see raw.ts); when a kernel reports a bad value
 * this class names the element. Allocating methods are thin shells over the …Into forms.
 */
import { ArgumentTypeError, InvalidParameterError, InvalidValueError, LengthMismatchError } from "../errors.js";
import { resolveBookOptions, type L2BookOptions } from "../book/l2Book.js";
import type { OrderBook } from "../book/orderBook.js";
import { CAPTURE_INPUT_BYTES, type CaptureBlockDecoder, type CaptureDecoderLimits } from "../feeds/captureBlockDecoder.js";
import { CheckedConfluenceCore } from "./checkedCore.js";
import { COMPONENTS } from "./coreLayout.js";
import type { RawKernels } from "./raw.js";
import { f64Of } from "./raw.js";
import { exp } from "./js/common/transcendental.js";
import type {
  Backend,
  ConfluenceCore,
  ConfluenceCoreOptions,
  F64Input,
  Float64Buffer,
  Kernels,
  OrderFlowWindow,
  RollingCorrelationWindow,
  RollingOptions,
  RollingResult,
  RollingStatsOptions,
  RollingStatsWindow,
  U8Input,
  Uint8Buffer,
  VolumeDelta,
  VolumeDeltaWindow,
  VolumeWindowOptions,
} from "./types.js";
import { SIGNAL_SHAPES } from "./types.js";
import {
  checkAlpha,
  checkCount,
  checkDepth,
  checkLength,
  checkNonNegativeFinite,
  checkPositiveFinite,
  checkQuote,
  checkShare,
  checkWindow,
  MAX_WINDOW,
  acceptCheck,
  checkMinPeriods,
  f64Arg,
  f64OutArg,
  requireBoolean,
  requireNumber,
  requireNumberList,
  requireObject,
  requireOptions,
  kindOf,
  throwNotFinite,
  u8Arg,
} from "./validate.js";

/** Largest confluence window: the lookback (the long windows hold 4× as many events), ofiWindow, flowWindow. */
const MAX_LOOKBACK = 1 << 20;
/** Largest book depth the confluence core reads. */
const MAX_DEPTH = 1000;

/** Default capacity of a time-span volume window (trades held at once). */
export const DEFAULT_TIME_WINDOW_CAPACITY = 65_536;

const EMPTY: Float64Array = new Float64Array(0);
const ROLLING_OUTPUTS = ["mean", "std", "zscore", "min", "max", "rank"] as const;

function checkSnapshots(snapshots: number): void {
  requireNumber("snapshots", snapshots, "an integer ≥ 1");
  if (!Number.isInteger(snapshots) || snapshots < 1) throw new InvalidValueError("snapshots", 0, snapshots, "an integer ≥ 1");
}

/**
 * Level weights w_i = exp(−decay·i) by the library's own exp (js/common/transcendental.ts,
 * bit for bit the module's), so every backend and every JavaScript engine uses the same bits.
 */
export function levelWeights(depth: number, decay: number): Float64Array {
  const w = new Float64Array(depth);
  for (let i = 0; i < depth; i++) w[i] = exp(-decay * i);
  return w;
}

/** `x` itself when it is a number (NaN included: it passes through, as in Math). */
export class CheckedKernels implements Kernels {
  private readonly one = new Float64Array(1);
  private weightsKey = "";
  private weights: Float64Array = EMPTY;

  constructor(private readonly raw: RawKernels) {}

  get backend(): Backend {
    return this.raw.backend;
  }

  get memoryBytes(): number {
    return this.raw.memoryBytes;
  }

  allocFloat64(length: number): Float64Buffer {
    checkCount("length", length);
    return this.raw.allocFloat64(length);
  }

  allocUint8(length: number): Uint8Buffer {
    checkCount("length", length);
    return this.raw.allocUint8(length);
  }

  // ---- flow ----

  volumeDelta(qty: F64Input, buyerInitiated: U8Input): VolumeDelta {
    return this.volumeDeltaInto(qty, buyerInitiated, { buyVolume: 0, sellVolume: 0, delta: 0, imbalance: NaN });
  }

  volumeDeltaInto(qty: F64Input, buyerInitiated: U8Input, out: VolumeDelta): VolumeDelta {
    const q = f64Arg("qty", qty);
    const n = q.length;
    checkLength("buyerInitiated", n, u8Arg("buyerInitiated", buyerInitiated).length);
    requireObject("out", out);
    acceptCheck(this.raw.volumeDelta(qty, buyerInitiated, n, out), [["qty", q]], n);
    return out;
  }

  // ---- book ----

  bookImbalance(bidQty: F64Input, askQty: F64Input, depth: number): number {
    checkDepth(depth, Math.min(f64Arg("bidQty", bidQty).length, f64Arg("askQty", askQty).length));
    this.checkValues(
      this.raw.imbalance(bidQty, askQty, null, 1, depth, this.one),
      [
        ["bidQty", bidQty],
        ["askQty", askQty],
      ],
      depth,
    );
    return this.one[0]!;
  }

  depthWeightedImbalance(bidQty: F64Input, askQty: F64Input, depth: number, decay: number): number {
    checkDepth(depth, Math.min(f64Arg("bidQty", bidQty).length, f64Arg("askQty", askQty).length));
    const w = this.levelWeights(depth, decay);
    this.checkValues(
      this.raw.imbalance(bidQty, askQty, w, 1, depth, this.one),
      [
        ["bidQty", bidQty],
        ["askQty", askQty],
      ],
      depth,
    );
    return this.one[0]!;
  }

  bookImbalanceBatch(bidQty: F64Input, askQty: F64Input, snapshots: number, depth: number): Float64Array {
    checkSnapshots(snapshots);
    const out = new Float64Array(snapshots);
    this.bookImbalanceBatchInto(bidQty, askQty, snapshots, depth, out);
    return out;
  }

  bookImbalanceBatchInto(bidQty: F64Input, askQty: F64Input, snapshots: number, depth: number, out: F64Input): void {
    this.batchImbalance(bidQty, askQty, snapshots, depth, null, out);
  }

  depthWeightedImbalanceBatch(bidQty: F64Input, askQty: F64Input, snapshots: number, depth: number, decay: number): Float64Array {
    checkSnapshots(snapshots);
    const out = new Float64Array(snapshots);
    this.depthWeightedImbalanceBatchInto(bidQty, askQty, snapshots, depth, decay, out);
    return out;
  }

  depthWeightedImbalanceBatchInto(
    bidQty: F64Input,
    askQty: F64Input,
    snapshots: number,
    depth: number,
    decay: number,
    out: F64Input,
  ): void {
    checkNonNegativeFinite("decay", decay); // before null below comes to mean "no weights"
    this.batchImbalance(bidQty, askQty, snapshots, depth, decay, out);
  }

  private batchImbalance(bidQty: F64Input, askQty: F64Input, snapshots: number, depth: number, decay: number | null, out: F64Input): void {
    const size = f64Arg("bidQty", bidQty).length;
    checkLength("askQty", size, f64Arg("askQty", askQty).length);
    checkSnapshots(snapshots);
    if (size % snapshots !== 0) throw new LengthMismatchError("bidQty (snapshots × levels)", snapshots * Math.ceil(size / snapshots), size);
    checkDepth(depth, size / snapshots);
    checkLength("out", snapshots, f64Arg("out", out).length);
    const w = decay === null ? null : this.levelWeights(depth, decay);
    this.checkValues(
      this.raw.imbalance(bidQty, askQty, w, snapshots, depth, out),
      [
        ["bidQty", bidQty],
        ["askQty", askQty],
      ],
      snapshots * depth,
    );
  }

  microprice(bidPx: number, bidQty: number, askPx: number, askQty: number): number {
    checkQuote(bidPx, bidQty, askPx, askQty);
    return (bidPx * askQty + askPx * bidQty) / (bidQty + askQty);
  }

  micropriceBatch(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input): Float64Array {
    const out = new Float64Array(f64Arg("bidPx", bidPx).length);
    this.micropriceBatchInto(bidPx, bidQty, askPx, askQty, out);
    return out;
  }

  micropriceBatchInto(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, out: F64Input): void {
    const n = this.checkQuotes(bidPx, bidQty, askPx, askQty, out);
    this.checkValues(this.raw.microprice(bidPx, bidQty, askPx, askQty, n, out), quoteArrays(bidPx, bidQty, askPx, askQty), n);
  }

  orderFlowImbalance(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input): Float64Array {
    const out = new Float64Array(f64Arg("bidPx", bidPx).length);
    this.orderFlowImbalanceInto(bidPx, bidQty, askPx, askQty, out);
    return out;
  }

  orderFlowImbalanceInto(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, out: F64Input): void {
    const n = this.checkQuotes(bidPx, bidQty, askPx, askQty, out);
    this.checkValues(this.raw.orderFlowImbalance(bidPx, bidQty, askPx, askQty, n, out), quoteArrays(bidPx, bidQty, askPx, askQty), n);
  }

  rollingOrderFlowImbalance(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, window: number): Float64Array {
    const out = new Float64Array(f64Arg("bidPx", bidPx).length);
    this.rollingOrderFlowImbalanceInto(bidPx, bidQty, askPx, askQty, window, out);
    return out;
  }

  rollingOrderFlowImbalanceInto(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, window: number, out: F64Input): void {
    checkWindow(window);
    const n = this.checkQuotes(bidPx, bidQty, askPx, askQty, out);
    const check = this.raw.rollingOrderFlowImbalance(bidPx, bidQty, askPx, askQty, n, window, out);
    this.checkValues(check, quoteArrays(bidPx, bidQty, askPx, askQty), n);
  }

  // ---- stats ----

  rolling(values: F64Input, window: number, options: RollingOptions = {}): RollingResult {
    const n = f64Arg("values", values).length;
    requireOptions("options", options);
    if (options.rank !== undefined) requireBoolean("options.rank", options.rank);
    const make = (): Float64Array => new Float64Array(n);
    const out: RollingResult = {
      mean: make(),
      std: make(),
      min: make(),
      max: make(),
      zscore: make(),
      rank: options.rank === false ? EMPTY : make(),
    };
    this.rollingInto(values, window, out, options);
    return out;
  }

  rollingInto(values: F64Input, window: number, out: RollingResult, options: { readonly minPeriods?: number } = {}): void {
    const vs = f64Arg("values", values);
    checkWindow(window);
    requireOptions("options", options);
    const minPeriods = options.minPeriods === undefined ? window : options.minPeriods;
    checkMinPeriods(minPeriods, window);
    const n = vs.length;
    requireObject("out", out);
    for (const name of ROLLING_OUTPUTS) {
      const arr = out[name];
      if (!(arr instanceof Float64Array)) throw new ArgumentTypeError(`out.${name}`, kindOf(arr), "a Float64Array");
    }
    const wantRank = out.rank.length > 0;
    for (const name of ROLLING_OUTPUTS) if (name !== "rank" || wantRank) checkLength(`out.${name}`, n, out[name].length);
    if (minPeriods > n) {
      // not enough values for any output: all NaN, as in pandas (but still validated)
      for (const name of ROLLING_OUTPUTS) out[name].fill(NaN);
      for (let i = 0; i < n; i++) if (vs[i]! - vs[i]! !== 0) throwNotFinite("values", vs, i);
      return;
    }
    // a window longer than the data behaves as a window of the data's length
    const bad = this.raw.rolling(values, n, Math.min(window, n), minPeriods, {
      mean: out.mean,
      std: out.std,
      zscore: out.zscore,
      min: out.min,
      max: out.max,
      rank: wantRank ? out.rank : null,
    });
    if (bad >= 0) throwNotFinite("values", f64Of(values), bad);
  }

  ewm(values: F64Input, alpha: number): Float64Array {
    const out = new Float64Array(f64Arg("values", values).length);
    this.ewmInto(values, alpha, out);
    return out;
  }

  ewmInto(values: F64Input, alpha: number, out: F64Input): void {
    const n = f64Arg("values", values).length;
    checkAlpha(alpha);
    checkLength("out", n, f64Arg("out", out).length);
    const bad = this.raw.ewm(values, n, alpha, out);
    if (bad >= 0) throwNotFinite("values", f64Of(values), bad);
  }

  rollingCov(x: F64Input, y: F64Input, window: number): Float64Array {
    const out = new Float64Array(f64Arg("x", x).length);
    this.rollingCovCorrInto(x, y, window, out, null);
    return out;
  }

  rollingCorr(x: F64Input, y: F64Input, window: number): Float64Array {
    const out = new Float64Array(f64Arg("x", x).length);
    this.rollingCovCorrInto(x, y, window, null, out);
    return out;
  }

  rollingCovCorrInto(x: F64Input, y: F64Input, window: number, cov: F64Input | null, corr: F64Input | null): void {
    const n = f64Arg("x", x).length;
    checkLength("y", n, f64Arg("y", y).length);
    checkWindow(window);
    const covArray = f64OutArg("cov", cov),
      corrArray = f64OutArg("corr", corr);
    if (covArray) checkLength("cov", n, covArray.length);
    if (corrArray) checkLength("corr", n, corrArray.length);
    const bad = this.raw.rollingCovCorr(x, y, n, Math.min(window, Math.max(n, 1)), cov, corr);
    if (bad >= 0) {
      const xs = f64Of(x);
      throwNotFinite(xs[bad]! - xs[bad]! !== 0 ? "x" : "y", xs[bad]! - xs[bad]! !== 0 ? xs : f64Of(y), bad);
    }
    if (window > n) {
      if (cov) f64Of(cov).fill(NaN);
      if (corr) f64Of(corr).fill(NaN);
    }
  }

  // ---- streaming ----

  rollingStats(window: number, options: RollingStatsOptions = {}): RollingStatsWindow {
    checkWindow(window);
    requireOptions("options", options);
    const alpha = options.alpha === undefined ? 2 / (window + 1) : options.alpha;
    checkAlpha(alpha);
    const minPeriods = options.minPeriods === undefined ? window : options.minPeriods;
    checkMinPeriods(minPeriods, window);
    const extrema = options.extrema === undefined ? true : options.extrema;
    requireBoolean("options.extrema", extrema);
    return this.raw.rollingStats(window, alpha, minPeriods, extrema);
  }

  rollingCorrelation(window: number): RollingCorrelationWindow {
    checkWindow(window);
    return this.raw.rollingCorrelation(window);
  }

  volumeDeltaWindow(options: VolumeWindowOptions): VolumeDeltaWindow {
    requireObject("options", options);
    if ("count" in options) {
      checkWindow(options.count, MAX_WINDOW, "options.count");
      return this.raw.volumeDeltaWindow(options.count, Infinity);
    }
    checkPositiveFinite("options.spanMs", options.spanMs);
    const capacity = options.capacity === undefined ? DEFAULT_TIME_WINDOW_CAPACITY : options.capacity;
    checkWindow(capacity, MAX_WINDOW, "options.capacity");
    return this.raw.volumeDeltaWindow(capacity, options.spanMs);
  }

  orderFlowWindow(window: number): OrderFlowWindow {
    checkWindow(window);
    return this.raw.orderFlowWindow(window);
  }

  confluenceCore(options: ConfluenceCoreOptions, trusted = false): ConfluenceCore {
    requireObject("options", options);
    requireBoolean("trusted", trusted);
    checkWindow(options.lookback, MAX_LOOKBACK, "lookback");
    requireNumber("depth", options.depth, `an integer from 1 to ${MAX_DEPTH}`);
    if (!Number.isInteger(options.depth) || options.depth < 1 || options.depth > MAX_DEPTH) {
      throw new InvalidParameterError("depth", options.depth, `an integer from 1 to ${MAX_DEPTH}`);
    }
    checkWindow(options.ofiWindow, MAX_LOOKBACK, "ofiWindow");
    checkWindow(options.flowWindow, MAX_LOOKBACK, "flowWindow");
    checkPositiveFinite("sensitivity", options.sensitivity);
    if (options.signalShape !== undefined && !(SIGNAL_SHAPES as readonly unknown[]).includes(options.signalShape))
      throw new InvalidParameterError("signalShape", options.signalShape, `one of ${SIGNAL_SHAPES.join(", ")}`);
    checkPositiveFinite("staleMs", options.staleMs);
    checkShare("bookDepthWeight", options.bookDepthWeight);
    checkShare("tradeFlowWeight", options.tradeFlowWeight);
    requireNumberList("weights", options.weights);
    requireNumberList("levelWeights", options.levelWeights);
    checkLength("weights", COMPONENTS, options.weights.length);
    let total = 0;
    for (let i = 0; i < COMPONENTS; i++) {
      checkNonNegativeFinite(`weights[${i}]`, options.weights[i]!);
      total += options.weights[i]!;
    }
    if (!(Math.abs(total - 1) <= 1e-9)) throw new InvalidParameterError("weights", total, "weights summing to 1 (within 1e-9)");
    checkLength("levelWeights", options.depth, options.levelWeights.length);
    for (let i = 0; i < options.depth; i++) checkNonNegativeFinite(`levelWeights[${i}]`, options.levelWeights[i]!);
    const core = this.raw.confluenceCore(options);
    return trusted ? core : new CheckedConfluenceCore(core, options.depth);
  }

  captureDecoder(limits: CaptureDecoderLimits = {}): CaptureBlockDecoder {
    requireOptions("limits", limits);
    const maxLineBytes = limits.maxLineBytes === undefined ? CAPTURE_INPUT_BYTES : limits.maxLineBytes;
    requireNumber("maxLineBytes", maxLineBytes, "an integer from 64 to 2^30");
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 64 || maxLineBytes > 2 ** 30)
      throw new InvalidParameterError("maxLineBytes", maxLineBytes, "an integer from 64 to 2^30");
    return this.raw.captureDecoder(maxLineBytes);
  }

  levelsInBounds(values: Float64Array, from: number, count: number): boolean {
    if (!(values instanceof Float64Array)) throw new ArgumentTypeError("values", kindOf(values), "a Float64Array");
    requireNumber("from", from, "an integer");
    requireNumber("count", count, "an even integer");
    if (!(Number.isInteger(from) && from >= 0 && from <= values.length))
      throw new InvalidParameterError("from", from, `an integer from 0 to ${values.length}`);
    if (!(Number.isInteger(count) && count >= 0 && count % 2 === 0 && count <= values.length - from))
      throw new InvalidParameterError("count", count, `an even integer from 0 to ${values.length - from}`);
    return this.raw.levelsInBounds(values, from, count);
  }

  orderBook(options: L2BookOptions = {}): OrderBook {
    requireOptions("options", options);
    if (options.maxLevels !== undefined) requireNumber("maxLevels", options.maxLevels, "an integer from 1 to 2^31 − 1");
    if (options.maxWindowTicks !== undefined) requireNumber("maxWindowTicks", options.maxWindowTicks, "a power of two from 64 to 32768");
    return this.raw.orderBook(resolveBookOptions(options));
  }

  // ---- transcendentals ----

  exp(x: number): number {
    requireNumber("x", x);
    return this.raw.exp(x);
  }

  log(x: number): number {
    requireNumber("x", x);
    return this.raw.log(x);
  }

  tanh(x: number): number {
    requireNumber("x", x);
    return this.raw.tanh(x);
  }

  // ---- helpers ----

  private levelWeights(depth: number, decay: number): Float64Array {
    checkNonNegativeFinite("decay", decay);
    const key = `${depth}:${decay}`;
    if (key !== this.weightsKey) {
      this.weights = levelWeights(depth, decay);
      this.weightsKey = key;
    }
    return this.weights;
  }

  private checkQuotes(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, out: F64Input): number {
    const n = f64Arg("bidPx", bidPx).length;
    checkLength("bidQty", n, f64Arg("bidQty", bidQty).length);
    checkLength("askPx", n, f64Arg("askPx", askPx).length);
    checkLength("askQty", n, f64Arg("askQty", askQty).length);
    checkLength("out", n, f64Arg("out", out).length);
    return n;
  }

  private checkValues(check: number, arrays: ReadonlyArray<readonly [string, F64Input]>, n: number): void {
    if (check !== 0)
      acceptCheck(
        check,
        arrays.map(([what, a]) => [what, f64Of(a)] as const),
        n,
      );
  }
}

function quoteArrays(bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input): ReadonlyArray<readonly [string, F64Input]> {
  return [
    ["bidPx", bidPx],
    ["bidQty", bidQty],
    ["askPx", askPx],
    ["askQty", askQty],
  ];
}
