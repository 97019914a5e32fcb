/**
 * Rolling statistics on the WASM backend: marshalling only, the maths is in
 * assembly/stats/rollingStats.ts. A push is one call; the outputs are read straight
 * from the state block through the module's Float64Array view.
 */
import type { WasmModule } from "../../../wasm/module.js";
import type { RawRollingOutputs } from "../../raw.js";
import type { F64Input, RollingStatsWindow } from "../../types.js";
import { requireFinite } from "../../validate.js";
import { StateBlock } from "../stateBlock.js";
import { OUT, type Marshal } from "../marshal.js";

// Output slots, in the order of the fields of RollingStats.
const MEAN = 0,
  STD = 1,
  Z = 2,
  MIN = 3,
  MAX = 4,
  EMA = 5,
  LAST = 6,
  COUNT = 7,
  REBUILDS = 8;

export class WasmRollingStats extends StateBlock implements RollingStatsWindow {
  private readonly pushFn: (p: number, x: number) => void;

  constructor(
    mod: WasmModule,
    readonly window: number,
    readonly alpha: number,
    readonly minPeriods: number = window,
    readonly extrema = true,
  ) {
    super(mod, mod.exports.rollingStatsSize(window), "RollingStats");
    this.pushFn = mod.exports.rollingStatsPush;
    mod.exports.rollingStatsInit(this.ptr, window, alpha, minPeriods, extrema ? 1 : 0);
  }

  push(x: number): void {
    if (!this.live) this.requireLive();
    if (typeof x !== "number" || x - x !== 0) requireFinite("RollingStats.push", x);
    this.pushFn(this.ptr, x);
  }

  get mean(): number {
    return this.read(MEAN);
  }
  get std(): number {
    return this.read(STD);
  }
  get zscore(): number {
    return this.read(Z);
  }
  get min(): number {
    return this.read(MIN);
  }
  get max(): number {
    return this.read(MAX);
  }
  get ema(): number {
    return this.read(EMA);
  }
  get last(): number {
    return this.read(LAST);
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

  rank(): number {
    this.requireLive();
    return this.mod.exports.rollingStatsRank(this.ptr);
  }

  reset(): void {
    this.requireLive();
    this.mod.exports.rollingStatsReset(this.ptr);
  }
}

/** Batch rolling statistics through `state` (reset first); returns the first non-finite index or −1. */
export function rollingStatsBatch(m: Marshal, state: WasmRollingStats, values: F64Input, n: number, out: RawRollingOutputs): number {
  state.reset();
  const v = m.f64In(values, n, 0);
  const outs = [out.mean, out.std, out.zscore, out.min, out.max, out.rank];
  const ptrs = outs.map((o, i) => m.f64Out(o, n, OUT + i));
  const bad = m.mod.exports.rollingStatsBatch(state.pointer, v, n, ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!, ptrs[4]!, ptrs[5]!);
  if (bad < 0) for (const [i, o] of outs.entries()) m.f64Done(o, ptrs[i]!, n);
  return bad;
}
