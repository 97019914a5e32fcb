/**
 * Streaming volume delta on the WASM backend: marshalling and status → typed error
 * only; the maths is in assembly/flow/volumeDeltaWindow.ts.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { VolumeDeltaWindow } from "../../types.js";
import { CapacityExceededError, OutOfOrderError } from "../../../errors.js";
import { checkTrade, requireFinite } from "../../validate.js";
import { StateBlock } from "../stateBlock.js";

// Output slots, in the order of the fields of VolumeDeltaWindow.
const BUY = 0,
  SELL = 1,
  DELTA = 2,
  IMBALANCE = 3,
  COUNT = 4,
  LAST_TIME = 5,
  FIRST_TIME = 6;
// Status codes of assembly/common/status.ts.
const OUT_OF_ORDER = 3,
  CAPACITY_EXCEEDED = 4;

export class WasmVolumeDeltaWindow extends StateBlock implements VolumeDeltaWindow {
  constructor(
    mod: WasmModule,
    readonly capacity: number,
    readonly span: number,
  ) {
    super(mod, mod.exports.volumeWindowSize(capacity), "VolumeDeltaWindow");
    mod.exports.volumeWindowInit(this.ptr, capacity, span);
  }

  push(qty: number, buyerInitiated: boolean, time: number): void {
    if (!this.live) this.requireLive();
    checkTrade(qty, buyerInitiated, time);
    this.check(this.mod.exports.volumeWindowPush(this.ptr, qty, buyerInitiated ? 1 : 0, time), "trade", time);
  }

  advance(time: number): void {
    this.requireLive();
    requireFinite("advance time", time);
    this.check(this.mod.exports.volumeWindowAdvance(this.ptr, time), "clock", time);
  }

  private check(status: number, what: string, time: number): void {
    if (status === OUT_OF_ORDER) throw new OutOfOrderError(what, time, this.read(LAST_TIME));
    if (status === CAPACITY_EXCEEDED) throw new CapacityExceededError("VolumeDeltaWindow", this.capacity);
  }

  get buyVolume(): number {
    return this.read(BUY);
  }
  get sellVolume(): number {
    return this.read(SELL);
  }
  get delta(): number {
    return this.read(DELTA);
  }
  get imbalance(): number {
    return this.read(IMBALANCE);
  }
  get count(): number {
    return this.read(COUNT);
  }

  get isStable(): boolean {
    return this.span === Infinity ? this.read(COUNT) === this.capacity : this.read(LAST_TIME) - this.read(FIRST_TIME) >= this.span;
  }

  reset(): void {
    this.requireLive();
    this.mod.exports.volumeWindowReset(this.ptr);
  }
}
