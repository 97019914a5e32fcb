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
import { StructView, structLayout } from "../structView.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import {
  ROLLING_STATS_FLOATS as FLOATS,
  readRollingStats,
  writeRollingStats,
  type RollingStatsConfig,
} from "../../state/rollingStatsState.js";
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

/** The fields of assembly/stats/rollingStats.ts's RollingStats, in its order. */
const F = structLayout({
  mean: "f64",
  std: "f64",
  zscore: "f64",
  min: "f64",
  max: "f64",
  ema: "f64",
  last: "f64",
  count: "f64",
  rebuilds: "f64",
  shift: "f64",
  my: "f64",
  m2: "f64",
  errM2: "f64",
  errMean: "f64",
  alpha: "f64",
  total: "f64",
  window: "i32",
  minPeriods: "i32",
  extrema: "i32",
  n: "i32",
  pos: "i32",
  run: "i32",
  ring: "usize",
  minQ: "usize",
  maxQ: "usize",
  minHead: "i32",
  minLen: "i32",
  maxHead: "i32",
  maxLen: "i32",
});

function configAt(v: StructView): RollingStatsConfig {
  return { window: v.i32(F.window), minPeriods: v.i32(F.minPeriods), alpha: v.f64(F.alpha), extrema: v.i32(F.extrema) !== 0 };
}

function dequeAt(v: StructView, q: number, head: number, len: number, window: number): Int32Array {
  const out = new Int32Array(len);
  for (let i = 0; i < len; i++) out[i] = v.i32At(q + 4 * ((head + i) % window));
  return out;
}

/** Writes the state of the RollingStats at `ptr` (rollingStatsState.ts: the layout the JS twin writes too). */
export function writeRollingStatsAt(mod: WasmModule, ptr: number, w: StateWriter): void {
  const v = new StructView(mod, ptr);
  const c = configAt(v);
  const f = v.floats(FLOATS, F);
  const maxHead = v.i32(F.maxHead),
    minHead = v.i32(F.minHead);
  writeRollingStats(w, c, {
    ...f,
    ring: v.f64s(v.usize(F.ring), v.i32(F.n)),
    pos: v.i32(F.pos),
    run: v.i32(F.run),
    maxHead,
    maxQ: dequeAt(v, v.usize(F.maxQ), maxHead, v.i32(F.maxLen), c.window),
    minHead,
    minQ: dequeAt(v, v.usize(F.minQ), minHead, v.i32(F.minLen), c.window),
  });
}

/** Restores what writeRollingStatsAt (or the JS twin) wrote into the RollingStats at `ptr`; a CheckpointError when it does not fit. */
export function readRollingStatsAt(mod: WasmModule, ptr: number, r: StateReader): void {
  const v = new StructView(mod, ptr);
  const c = configAt(v);
  const s = readRollingStats(r, c);
  v.setFloats(FLOATS, F, s);
  const n = s.ring.length;
  v.f64s(v.usize(F.ring), n).set(s.ring);
  v.setF64(F.count, n);
  v.setI32(F.n, n);
  v.setI32(F.pos, s.pos);
  v.setI32(F.run, s.run);
  setDeque(v, F.maxQ, F.maxHead, F.maxLen, s.maxHead, s.maxQ, c.window);
  setDeque(v, F.minQ, F.minHead, F.minLen, s.minHead, s.minQ, c.window);
}

/** A deque's fields and slots from its positions, front first, starting at `head`. */
function setDeque(v: StructView, q: number, headField: number, lenField: number, head: number, deque: Int32Array, window: number): void {
  const at = v.usize(q);
  v.setI32(headField, head);
  v.setI32(lenField, deque.length);
  for (let i = 0; i < deque.length; i++) v.setI32At(at + 4 * ((head + i) % window), deque[i]!);
}

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

  writeState(w: StateWriter): void {
    this.writeBlock(w, writeRollingStatsAt);
  }

  readState(r: StateReader): void {
    this.readBlock(r, readRollingStatsAt);
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
