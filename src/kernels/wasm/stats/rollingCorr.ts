/**
 * Rolling covariance/correlation on the WASM backend: marshalling only, the maths is
 * in assembly/stats/rollingCorr.ts.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { F64Input, RollingCorrelationWindow } from "../../types.js";
import { requireFinite } from "../../validate.js";
import { StateBlock } from "../stateBlock.js";
import { OUT, type Marshal } from "../marshal.js";

const COV = 0,
  CORR = 1,
  COUNT = 2,
  REBUILDS = 3;

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
