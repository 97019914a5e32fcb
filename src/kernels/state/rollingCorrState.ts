/**
 * The checkpoint part of a rolling-correlation window (RollingCorrelationWindow), one layout for
 * both backends (the JS twin and the WASM struct go through this record): the two rings, the ring
 * position, the runs of equal values, the shifted bivariate Welford state with its error budgets,
 * and the outputs the last push left — what makes the continuation bit-identical.
 */
import type { StateReader, StateWriter } from "../../checkpoint/stateCodec.js";
import { readFloats, readRing, readSize, writeFloats, writeRing } from "./parts.js";

export interface RollingCorrState {
  /** x and y at ring positions 0…n−1 (n = their length). */
  xs: Float64Array;
  ys: Float64Array;
  pos: number;
  runX: number;
  runY: number;
  lastX: number;
  lastY: number;
  kx: number;
  ky: number;
  mx: number;
  my: number;
  sxx: number;
  syy: number;
  sxy: number;
  errX: number;
  errY: number;
  errXY: number;
  errMeanX: number;
  errMeanY: number;
  rebuilds: number;
  cov: number;
  corr: number;
}

/** The f64 fields of the record, in the order written (the WASM struct has fields of the same names). */
export const ROLLING_CORR_FLOATS = [
  "lastX",
  "lastY",
  "kx",
  "ky",
  "mx",
  "my",
  "sxx",
  "syy",
  "sxy",
  "errX",
  "errY",
  "errXY",
  "errMeanX",
  "errMeanY",
  "rebuilds",
  "cov",
  "corr",
] as const;

export function writeRollingCorr(w: StateWriter, window: number, s: RollingCorrState): void {
  w.tag("RCOR");
  w.u32(window);
  writeRing(w, s.xs, s.pos);
  w.f64s(s.ys);
  w.u32(s.runX);
  w.u32(s.runY);
  writeFloats(w, s, ROLLING_CORR_FLOATS);
}

/** Reads a part written for a window of `window` pairs: a CheckpointError for any other. */
export function readRollingCorr(r: StateReader, window: number): RollingCorrState {
  r.tag("RCOR");
  readSize(r, "a RollingCorrelation window", window);
  const { values: xs, pos } = readRing(r, window, "RollingCorrelation");
  const ys = r.f64s(window, new Float64Array(xs.length));
  const runX = r.u32In("RollingCorrelation run", 0, 0x7fffffff);
  const runY = r.u32In("RollingCorrelation run", 0, 0x7fffffff);
  const f = readFloats(r, ROLLING_CORR_FLOATS);
  return { xs, ys, pos, runX, runY, ...f };
}
