/**
 * Order-flow imbalance on the WASM backend — batch e[n], the streaming window and its
 * batch driver; the maths is in assembly/book/orderFlowImbalance.ts.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { F64Input, OrderFlowWindow } from "../../types.js";
import { DisposedError } from "../../../errors.js";
import { throwBadQuote } from "../../validate.js";
import { allocState, releaseState } from "../lifetime.js";
import { OUT, type Marshal } from "../marshal.js";

const LAST = 0, SUM = 1, COUNT = 2, ABS_SUM = 3;
const MAX = Number.MAX_VALUE;

export function orderFlowImbalance(
  m: Marshal, bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input, n: number, out: F64Input,
): number {
  const pb = m.f64In(bidPx, n, 0), qb = m.f64In(bidQty, n, 1);
  const pa = m.f64In(askPx, n, 2), qa = m.f64In(askQty, n, 3);
  const o = m.f64Out(out, n, OUT);
  const check = m.mod.exports.orderFlowImbalance(pb, qb, pa, qa, n, o);
  m.f64Done(out, o, n);
  return check;
}

export class WasmOrderFlowWindow implements OrderFlowWindow {
  private ptr: number;
  private base: number;
  private live = true;

  constructor(private readonly mod: WasmModule, readonly window: number) {
    this.ptr = allocState(this, mod, mod.exports.ofiWindowSize(window));
    mod.exports.ofiWindowInit(this.ptr, window);
    this.base = this.ptr >> 3;
  }

  get pointer(): number {
    return this.ptr;
  }

  push(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    if (!this.live) throw new DisposedError("OrderFlowWindow");
    if (!(bidPx >= 0 && bidPx <= MAX && bidQty >= 0 && bidQty <= MAX && askPx >= 0 && askPx <= MAX && askQty >= 0 && askQty <= MAX)) {
      throwBadQuote(bidPx, bidQty, askPx, askQty);
    }
    this.mod.exports.ofiWindowPush(this.ptr, bidPx, bidQty, askPx, askQty);
  }

  get last(): number { return this.mod.f64[this.base + LAST]!; }
  get sum(): number { return this.mod.f64[this.base + SUM]!; }
  get absSum(): number { return this.mod.f64[this.base + ABS_SUM]!; }
  get count(): number { return this.live ? this.mod.f64[this.base + COUNT]! : 0; }

  get isStable(): boolean {
    return this.count === this.window;
  }

  reset(): void {
    if (!this.live) throw new DisposedError("OrderFlowWindow");
    this.mod.exports.ofiWindowReset(this.ptr);
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    this.base = releaseState(this, this.mod, this.ptr) >> 3;
  }
}

/** Rolling OFI sum for every quote through `win` (reset first); returns the check value. */
export function ofiWindowBatch(
  m: Marshal, win: WasmOrderFlowWindow, bidPx: F64Input, bidQty: F64Input, askPx: F64Input, askQty: F64Input,
  n: number, out: F64Input,
): number {
  win.reset();
  const pb = m.f64In(bidPx, n, 0), qb = m.f64In(bidQty, n, 1);
  const pa = m.f64In(askPx, n, 2), qa = m.f64In(askQty, n, 3);
  const o = m.f64Out(out, n, OUT);
  const check = m.mod.exports.ofiWindowBatch(win.pointer, pb, qb, pa, qa, n, 0, o);
  m.f64Done(out, o, n);
  return check;
}
