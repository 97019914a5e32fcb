/**
 * Streaming volume delta on the WASM backend: marshalling and status → typed error
 * only; the maths is in assembly/flow/volumeDeltaWindow.ts.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { VolumeDeltaWindow } from "../../types.js";
import { CapacityExceededError, DisposedError, InvalidValueError, OutOfOrderError } from "../../../errors.js";
import { requireFinite } from "../../validate.js";
import { allocState, releaseState } from "../lifetime.js";

// Output slots, in the order of the fields of VolumeDeltaWindow.
const BUY = 0, SELL = 1, DELTA = 2, IMBALANCE = 3, COUNT = 4, LAST_TIME = 5, FIRST_TIME = 6;
// Status codes of assembly/common/status.ts.
const OUT_OF_ORDER = 3, CAPACITY_EXCEEDED = 4;

export class WasmVolumeDeltaWindow implements VolumeDeltaWindow {
  private ptr: number;
  private base: number;
  private live = true;

  constructor(private readonly mod: WasmModule, readonly capacity: number, readonly span: number) {
    this.ptr = allocState(this, mod, mod.exports.volumeWindowSize(capacity));
    mod.exports.volumeWindowInit(this.ptr, capacity, span);
    this.base = this.ptr >> 3;
  }

  push(qty: number, buyerInitiated: boolean, time: number): void {
    if (!this.live) throw new DisposedError("VolumeDeltaWindow");
    if (!(qty >= 0 && qty <= Number.MAX_VALUE)) {
      throw new InvalidValueError("trade qty", 0, qty, qty - qty !== 0 ? "a finite number" : "a value ≥ 0");
    }
    if (time - time !== 0) requireFinite("trade time", time);
    this.check(this.mod.exports.volumeWindowPush(this.ptr, qty, buyerInitiated ? 1 : 0, time), "trade", time);
  }

  advance(time: number): void {
    if (!this.live) throw new DisposedError("VolumeDeltaWindow");
    requireFinite("advance time", time);
    this.check(this.mod.exports.volumeWindowAdvance(this.ptr, time), "clock", time);
  }

  private check(status: number, what: string, time: number): void {
    if (status === OUT_OF_ORDER) throw new OutOfOrderError(what, time, this.mod.f64[this.base + LAST_TIME]!);
    if (status === CAPACITY_EXCEEDED) throw new CapacityExceededError("VolumeDeltaWindow", this.capacity);
  }

  get buyVolume(): number { return this.mod.f64[this.base + BUY]!; }
  get sellVolume(): number { return this.mod.f64[this.base + SELL]!; }
  get delta(): number { return this.mod.f64[this.base + DELTA]!; }
  get imbalance(): number { return this.mod.f64[this.base + IMBALANCE]!; }
  get count(): number { return this.live ? this.mod.f64[this.base + COUNT]! : 0; }

  get isStable(): boolean {
    if (!this.live) return false;
    const f64 = this.mod.f64;
    return this.span === Infinity
      ? f64[this.base + COUNT] === this.capacity
      : f64[this.base + LAST_TIME]! - f64[this.base + FIRST_TIME]! >= this.span;
  }

  reset(): void {
    if (!this.live) throw new DisposedError("VolumeDeltaWindow");
    this.mod.exports.volumeWindowReset(this.ptr);
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    this.base = releaseState(this, this.mod, this.ptr) >> 3;
  }
}
