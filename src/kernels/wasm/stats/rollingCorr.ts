/**
 * Rolling covariance/correlation on the WASM backend: marshalling only, the maths is
 * in assembly/stats/rollingCorr.ts.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { F64Input, RollingCorrelationWindow } from "../../types.js";
import { requireFinite } from "../../validate.js";
import { StateBlock } from "../stateBlock.js";
import { StructView, structLayout } from "../structView.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { ROLLING_CORR_FLOATS as FLOATS, readRollingCorr, writeRollingCorr } from "../../state/rollingCorrState.js";
import { OUT, type Marshal } from "../marshal.js";

const COV = 0,
  CORR = 1,
  COUNT = 2,
  REBUILDS = 3;

/** The fields of assembly/stats/rollingCorr.ts's RollingCorr, in its order. */
const F = structLayout({
  cov: "f64",
  corr: "f64",
  count: "f64",
  rebuilds: "f64",
  lastX: "f64",
  lastY: "f64",
  kx: "f64",
  ky: "f64",
  mx: "f64",
  my: "f64",
  sxx: "f64",
  syy: "f64",
  sxy: "f64",
  errX: "f64",
  errY: "f64",
  errXY: "f64",
  errMeanX: "f64",
  errMeanY: "f64",
  window: "i32",
  n: "i32",
  pos: "i32",
  runX: "i32",
  runY: "i32",
  xs: "usize",
  ys: "usize",
});

/** Writes the state of the window at `ptr` (rollingCorrState.ts: the layout the JS twin writes too). */
function writeRollingCorrAt(mod: WasmModule, ptr: number, w: StateWriter): void {
  const v = new StructView(mod, ptr);
  const n = v.i32(F.n);
  const f = v.floats(FLOATS, F);
  writeRollingCorr(w, v.i32(F.window), {
    ...f,
    xs: v.f64s(v.usize(F.xs), n),
    ys: v.f64s(v.usize(F.ys), n),
    pos: v.i32(F.pos),
    runX: v.i32(F.runX),
    runY: v.i32(F.runY),
  });
}

/** Restores what writeRollingCorrAt (or the JS twin) wrote into the window at `ptr`; a CheckpointError when it does not fit. */
function readRollingCorrAt(mod: WasmModule, ptr: number, r: StateReader): void {
  const v = new StructView(mod, ptr);
  const s = readRollingCorr(r, v.i32(F.window));
  const n = s.xs.length;
  v.setFloats(FLOATS, F, s);
  v.f64s(v.usize(F.xs), n).set(s.xs);
  v.f64s(v.usize(F.ys), n).set(s.ys);
  v.setF64(F.count, n);
  v.setI32(F.n, n);
  v.setI32(F.pos, s.pos);
  v.setI32(F.runX, s.runX);
  v.setI32(F.runY, s.runY);
}

export class WasmRollingCorrelation extends StateBlock implements RollingCorrelationWindow {
  constructor(
    mod: WasmModule,
    readonly window: number,
  ) {
    super(mod, mod.exports.rollingCorrSize(window), "RollingCorrelation");
    mod.exports.rollingCorrInit(this.ptr, window);
  }

  push(x: number, y: number): void {
    if (!this.live) this.requireLive();
    if (typeof x !== "number" || x - x !== 0) requireFinite("RollingCorrelation.push x", x);
    if (typeof y !== "number" || y - y !== 0) requireFinite("RollingCorrelation.push y", y);
    this.mod.exports.rollingCorrPush(this.ptr, x, y);
  }

  get cov(): number {
    return this.read(COV);
  }
  get corr(): number {
    return this.read(CORR);
  }
  get count(): number {
    return this.read(COUNT);
  }
  get rebuilds(): number {
    return this.read(REBUILDS);
  }

  get isStable(): boolean {
    return this.count === this.window;
  }

  reset(): void {
    this.requireLive();
    this.mod.exports.rollingCorrReset(this.ptr);
  }

  writeState(w: StateWriter): void {
    this.writeBlock(w, writeRollingCorrAt);
  }

  readState(r: StateReader): void {
    this.readBlock(r, readRollingCorrAt);
  }
}

/** Batch cov/corr through `state` (reset first); returns the first non-finite index or −1. */
export function rollingCorrBatch(
  m: Marshal,
  state: WasmRollingCorrelation,
  x: F64Input,
  y: F64Input,
  n: number,
  cov: F64Input | null,
  corr: F64Input | null,
): number {
  state.reset();
  const px = m.f64In(x, n, 0),
    py = m.f64In(y, n, 1);
  const pc = m.f64Out(cov, n, OUT),
    pr = m.f64Out(corr, n, OUT + 1);
  const bad = m.mod.exports.rollingCorrBatch(state.pointer, px, py, n, pc, pr);
  if (bad < 0) {
    m.f64Done(cov, pc, n);
    m.f64Done(corr, pr, n);
  }
  return bad;
}
