/**
 * Order-flow imbalance on the WASM backend — batch e[n], the streaming window and its
 * batch driver; the maths is in assembly/book/orderFlowImbalance.ts.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { F64Input, OrderFlowWindow } from "../../types.js";
import { checkQuote } from "../../validate.js";
import { StateBlock } from "../stateBlock.js";
import { StructView, structLayout } from "../structView.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { OFI_WINDOW_FLOATS as FLOATS, readOfiWindow, writeOfiWindow } from "../../state/ofiWindowState.js";
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

/** The fields of assembly/book/orderFlowImbalance.ts's OfiWindow, in its order. */
const F = structLayout({
  last: "f64",
  sum: "f64",
  count: "f64",
  absSum: "f64",
  pb: "f64",
  qb: "f64",
  pa: "f64",
  qa: "f64",
  acc: "f64",
  accC: "f64",
  accOps: "f64",
  accMass: "f64",
  absAcc: "f64",
  absC: "f64",
  absOps: "f64",
  absMass: "f64",
  quotes: "f64",
  window: "i32",
  n: "i32",
  pos: "i32",
  ring: "usize",
});

/** Writes the state of the window at `ptr` (ofiWindowState.ts: the layout the JS twin writes too). */
export function writeOfiWindowAt(mod: WasmModule, ptr: number, w: StateWriter): void {
  const v = new StructView(mod, ptr);
  const f = v.floats(FLOATS, F);
  writeOfiWindow(w, v.i32(F.window), {
    ...f,
    ring: v.f64s(v.usize(F.ring), v.i32(F.n)),
    pos: v.i32(F.pos),
    acc: v.neumaier(F.acc),
    absAcc: v.neumaier(F.absAcc),
  });
}

/** Restores what writeOfiWindowAt (or the JS twin) wrote into the window at `ptr`; a CheckpointError when it does not fit. */
export function readOfiWindowAt(mod: WasmModule, ptr: number, r: StateReader): void {
  const v = new StructView(mod, ptr);
  const s = readOfiWindow(r, v.i32(F.window));
  const n = s.ring.length;
  v.f64s(v.usize(F.ring), n).set(s.ring);
  v.setFloats(FLOATS, F, s);
  v.setNeumaier(F.acc, s.acc);
  v.setNeumaier(F.absAcc, s.absAcc);
  v.setF64(F.count, n);
  v.setI32(F.n, n);
  v.setI32(F.pos, s.pos);
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

  writeState(w: StateWriter): void {
    this.writeBlock(w, writeOfiWindowAt);
  }

  readState(r: StateReader): void {
    this.readBlock(r, readOfiWindowAt);
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
