/**
 * The checkpoint part of a rolling-statistics window (RollingStatsWindow), one layout for both
 * backends: the JS twin and the WASM struct both go through this record, so a checkpoint taken
 * on one restores on the other. It holds everything the next push reads — the shifted Welford
 * state with its error budget, the ring, the ring position, the run of equal values, the EMA and
 * the min/max deques (positions in the ring, front first) — and the outputs the last push left,
 * so the continuation is bit-identical, not a recomputation.
 */
import type { StateReader, StateWriter } from "../../checkpoint/stateCodec.js";
import { readFloats, readRing, readSize, writeFloats, writeRing } from "./parts.js";

export interface RollingStatsConfig {
  readonly window: number;
  readonly minPeriods: number;
  readonly alpha: number;
  readonly extrema: boolean;
}

export interface RollingStatsState {
  /** The values at ring positions 0…n−1 (n = its length: the values held). */
  ring: Float64Array;
  pos: number;
  run: number;
  total: number;
  ema: number;
  last: number;
  rebuilds: number;
  shift: number;
  my: number;
  m2: number;
  errM2: number;
  errMean: number;
  mean: number;
  std: number;
  zscore: number;
  min: number;
  max: number;
  maxHead: number;
  /** The max deque's ring positions, front first. */
  maxQ: Int32Array;
  minHead: number;
  minQ: Int32Array;
}

/** The f64 fields of the record, in the order written (the WASM struct has fields of the same names). */
export const ROLLING_STATS_FLOATS = [
  "total",
  "ema",
  "last",
  "rebuilds",
  "shift",
  "my",
  "m2",
  "errM2",
  "errMean",
  "mean",
  "std",
  "zscore",
  "min",
  "max",
] as const;

export function writeRollingStats(w: StateWriter, c: RollingStatsConfig, s: RollingStatsState): void {
  w.tag("RSTS");
  w.u32(c.window);
  w.u32(c.minPeriods);
  w.f64(c.alpha);
  w.bool(c.extrema);
  writeRing(w, s.ring, s.pos);
  w.u32(s.run);
  writeFloats(w, s, ROLLING_STATS_FLOATS);
  writeDeque(w, s.maxHead, s.maxQ);
  writeDeque(w, s.minHead, s.minQ);
}

/** Reads a part written for a window of configuration `c`: a CheckpointError for any other, or for positions outside the ring. */
export function readRollingStats(r: StateReader, c: RollingStatsConfig): RollingStatsState {
  r.tag("RSTS");
  const window = readSize(r, "a RollingStats window", c.window);
  readSize(r, "RollingStats minPeriods", c.minPeriods);
  const alpha = r.f64();
  if (!Object.is(alpha, c.alpha)) throw r.fail(`RollingStats alpha ${alpha} where this one has ${c.alpha}`);
  const extrema = r.bool();
  if (extrema !== c.extrema) throw r.fail(`RollingStats extrema ${extrema} where this one has ${c.extrema}`);
  const { values: ring, pos } = readRing(r, window, "RollingStats");
  const n = ring.length;
  const run = r.u32In("RollingStats run", 0, 0x7fffffff);
  const f = readFloats(r, ROLLING_STATS_FLOATS);
  // a window without extrema keeps its deques empty
  const [maxHead, maxQ] = readDeque(r, window, extrema ? n : 0);
  const [minHead, minQ] = readDeque(r, window, extrema ? n : 0);
  return { ring, pos, run, ...f, maxHead, maxQ, minHead, minQ };
}

function writeDeque(w: StateWriter, head: number, q: Int32Array): void {
  w.u32(head);
  w.u32(q.length);
  for (const p of q) w.u32(p);
}

/** A deque over `window` slots of at most `n` ring positions, each below n. */
function readDeque(r: StateReader, window: number, n: number): [number, Int32Array] {
  const head = r.u32In("RollingStats deque head", 0, window - 1);
  const q = new Int32Array(r.u32In("RollingStats deque length", 0, n));
  for (let i = 0; i < q.length; i++) q[i] = r.u32In("RollingStats deque position", 0, n - 1);
  return [head, q];
}
