/**
 * The confluence core on the WASM backend: one export call per event and one per
 * score; outputs are read from the state block (maths in assembly/confluence/core.ts).
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { ConfluenceCore, ConfluenceCoreOptions } from "../../types.js";
import { DisposedError } from "../../../errors.js";
import { allocState, releaseState } from "../lifetime.js";
import type { Marshal } from "../marshal.js";
import { WEIGHTS } from "../marshal.js";
import { OUTPUTS } from "../../coreLayout.js";

export class WasmConfluenceCore implements ConfluenceCore {
  private ptr: number;
  private base: number;
  private live = true;
  private input: Float64Array;
  private readonly depth: number;
  private readonly tradeFn: (p: number, price: number, qty: number, buyer: number, time: number) => void;
  private readonly quoteFn: (p: number, pb: number, qb: number, pa: number, qa: number) => void;
  private readonly computeFn: (p: number, now: number) => number;

  constructor(private readonly mod: WasmModule, m: Marshal, options: ConfluenceCoreOptions) {
    const e = mod.exports;
    this.depth = options.depth;
    this.ptr = allocState(this, mod, e.coreSize(options.lookback, options.depth));
    const weights = m.f64In(Float64Array.from(options.weights), 6, WEIGHTS);
    const levels = m.f64In(Float64Array.from(options.levelWeights), options.depth, 0);
    e.coreInit(this.ptr, options.lookback, options.depth, options.sensitivity, options.staleMs, weights, levels);
    this.base = this.ptr >> 3;
    this.input = new Float64Array(mod.buffer, e.coreBookInput(this.ptr), 4 * options.depth);
    this.tradeFn = e.coreTrade;
    this.quoteFn = e.coreQuote;
    this.computeFn = e.coreCompute;
  }

  get bookInput(): Float64Array {
    if (this.input.buffer !== this.mod.buffer) {
      this.input = new Float64Array(this.mod.buffer, this.mod.exports.coreBookInput(this.ptr), 4 * this.depth);
    }
    return this.input;
  }

  book(bidLevels: number, askLevels: number): void {
    if (!this.live) throw new DisposedError("ConfluenceCore");
    this.mod.exports.coreBook(this.ptr, bidLevels, askLevels);
  }

  quote(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    if (!this.live) throw new DisposedError("ConfluenceCore");
    this.quoteFn(this.ptr, bidPx, bidQty, askPx, askQty);
  }

  trade(price: number, qty: number, buyerInitiated: boolean, time: number): void {
    if (!this.live) throw new DisposedError("ConfluenceCore");
    this.tradeFn(this.ptr, price, qty, buyerInitiated ? 1 : 0, time);
  }

  sentiment(value: number, time: number): void {
    if (!this.live) throw new DisposedError("ConfluenceCore");
    this.mod.exports.coreSentiment(this.ptr, value, time);
  }

  compute(now: number): boolean {
    if (!this.live) throw new DisposedError("ConfluenceCore");
    return this.computeFn(this.ptr, now) !== 0;
  }

  output(slot: number): number {
    return this.mod.f64[this.base + slot]!;
  }

  snapshot(out: Float64Array | number[]): void {
    const f64 = this.mod.f64, base = this.base;
    for (let i = 0; i < OUTPUTS; i++) out[i] = f64[base + i]!;
  }

  reset(): void {
    if (!this.live) throw new DisposedError("ConfluenceCore");
    this.mod.exports.coreReset(this.ptr);
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    this.base = releaseState(this, this.mod, this.ptr) >> 3;
  }
}
