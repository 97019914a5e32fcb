/**
 * Streaming volume delta on the WASM backend: marshalling and status → typed error
 * only; the maths is in assembly/flow/volumeDeltaWindow.ts.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { VolumeDeltaWindow } from "../../types.js";
import { CapacityExceededError, OutOfOrderError } from "../../../errors.js";
import { checkTrade, requireFinite } from "../../validate.js";
import { StateBlock } from "../stateBlock.js";
import { StructView, structLayout } from "../structView.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { VOLUME_WINDOW_FLOATS as FLOATS, readVolumeWindow, writeVolumeWindow } from "../../state/volumeWindowState.js";

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

/** The fields of assembly/flow/volumeDeltaWindow.ts's VolumeDeltaWindow, in its order. */
const F = structLayout({
  buy: "f64",
  sell: "f64",
  delta: "f64",
  imbalance: "f64",
  count: "f64",
  lastTime: "f64",
  firstTime: "f64",
  span: "f64",
  buyAcc: "f64",
  buyC: "f64",
  buyOps: "f64",
  buyMass: "f64",
  sellAcc: "f64",
  sellC: "f64",
  sellOps: "f64",
  sellMass: "f64",
  capacity: "i32",
  n: "i32",
  head: "i32",
  buys: "i32",
  sells: "i32",
  qtyRing: "usize",
  timeRing: "usize",
  sideRing: "usize",
});

/** Writes the state of the window at `ptr` (volumeWindowState.ts: the layout the JS twin writes too). */
export function writeVolumeWindowAt(mod: WasmModule, ptr: number, w: StateWriter): void {
  const v = new StructView(mod, ptr);
  const capacity = v.i32(F.capacity),
    head = v.i32(F.head),
    n = v.i32(F.n);
  const qtyRing = v.f64s(v.usize(F.qtyRing), capacity),
    timeRing = v.f64s(v.usize(F.timeRing), capacity),
    sideRing = v.u8s(v.usize(F.sideRing), capacity);
  const qty = new Float64Array(n),
    time = new Float64Array(n),
    side = new Uint8Array(n);
  for (let j = 0, idx = head; j < n; j++, idx = idx + 1 === capacity ? 0 : idx + 1) {
    qty[j] = qtyRing[idx]!;
    time[j] = timeRing[idx]!;
    side[j] = sideRing[idx]!;
  }
  const f = v.floats(FLOATS, F);
  writeVolumeWindow(w, capacity, v.f64(F.span), {
    ...f,
    head,
    qty,
    time,
    side,
    buyAcc: v.neumaier(F.buyAcc),
    sellAcc: v.neumaier(F.sellAcc),
  });
}

/** The time of the latest trade or clock move of the window at `ptr` (−Infinity before any). */
export function volumeWindowLastTime(mod: WasmModule, ptr: number): number {
  return new StructView(mod, ptr).f64(F.lastTime);
}

/** Restores what writeVolumeWindowAt (or the JS twin) wrote into the window at `ptr`; a CheckpointError when it does not fit. */
export function readVolumeWindowAt(mod: WasmModule, ptr: number, r: StateReader): void {
  const v = new StructView(mod, ptr);
  const capacity = v.i32(F.capacity);
  const s = readVolumeWindow(r, capacity, v.f64(F.span));
  const n = s.qty.length;
  const qtyRing = v.f64s(v.usize(F.qtyRing), capacity),
    timeRing = v.f64s(v.usize(F.timeRing), capacity),
    sideRing = v.u8s(v.usize(F.sideRing), capacity);
  let buys = 0;
  for (let j = 0, idx = s.head; j < n; j++, idx = idx + 1 === capacity ? 0 : idx + 1) {
    qtyRing[idx] = s.qty[j]!;
    timeRing[idx] = s.time[j]!;
    sideRing[idx] = s.side[j]!;
    buys += s.side[j]!;
  }
  v.setFloats(FLOATS, F, s);
  v.setNeumaier(F.buyAcc, s.buyAcc);
  v.setNeumaier(F.sellAcc, s.sellAcc);
  v.setF64(F.count, n);
  v.setI32(F.n, n);
  v.setI32(F.head, s.head);
  v.setI32(F.buys, buys);
  v.setI32(F.sells, n - buys);
}

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

  writeState(w: StateWriter): void {
    this.writeBlock(w, writeVolumeWindowAt);
  }

  readState(r: StateReader): void {
    this.readBlock(r, readVolumeWindowAt);
  }
}
