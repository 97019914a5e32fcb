/**
 * Order-flow imbalance on the WASM backend — batch e[n], the streaming window and its
 * batch driver; the maths is in assembly/book/orderFlowImbalance.ts.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { F64Input, OrderFlowWindow } from "../../types.js";
import { checkQuote } from "../../validate.js";
import { StateBlock } from "../stateBlock.js";
import { OUT, type Marshal } from "../marshal.js";

const LAST = 0,
  SUM = 1,
  COUNT = 2,
  ABS_SUM = 3;

export function orderFlowImbalance(
  m: Marshal,
  bidPx: F64Input,
  bidQty: F64Input,
  askPx: F64Input,
  askQty: F64Input,
  n: number,
  out: F64Input,
): number {
  const pb = m.f64In(bidPx, n, 0),
    qb = m.f64In(bidQty, n, 1);
  const pa = m.f64In(askPx, n, 2),
    qa = m.f64In(askQty, n, 3);
  const o = m.f64Out(out, n, OUT);
  const check = m.mod.exports.orderFlowImbalance(pb, qb, pa, qa, n, o);
  m.f64Done(out, o, n);
  return check;
}

export class WasmOrderFlowWindow extends StateBlock implements OrderFlowWindow {
  constructor(
    mod: WasmModule,
    readonly window: number,
  ) {
    super(mod, mod.exports.ofiWindowSize(window), "OrderFlowWindow");
    mod.exports.ofiWindowInit(this.ptr, window);
  }

  push(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    if (!this.live) this.requireLive();
    checkQuote(bidPx, bidQty, askPx, askQty);
    this.mod.exports.ofiWindowPush(this.ptr, bidPx, bidQty, askPx, askQty);
  }

  get last(): number {
    return this.read(LAST);
  }
  get sum(): number {
    return this.read(SUM);
  }
  get absSum(): number {
    return this.read(ABS_SUM);
  }
  get count(): number {
    return this.read(COUNT);
  }

  get isStable(): boolean {
    return this.count === this.window;
  }

  reset(): void {
    this.requireLive();
    this.mod.exports.ofiWindowReset(this.ptr);
  }
}

/** Rolling OFI sum for every quote through `win` (reset first); returns the check value. */
export function ofiWindowBatch(
  m: Marshal,
  win: WasmOrderFlowWindow,
  bidPx: F64Input,
  bidQty: F64Input,
  askPx: F64Input,
  askQty: F64Input,
  n: number,
  out: F64Input,
): number {
  win.reset();
  const pb = m.f64In(bidPx, n, 0),
    qb = m.f64In(bidQty, n, 1);
  const pa = m.f64In(askPx, n, 2),
    qa = m.f64In(askQty, n, 3);
  const o = m.f64Out(out, n, OUT);
  const check = m.mod.exports.ofiWindowBatch(win.pointer, pb, qb, pa, qa, n, 0, o);
  m.f64Done(out, o, n);
  return check;
}
