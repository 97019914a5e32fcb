/**
 * The checkpoint part of an order-flow-imbalance window (OrderFlowWindow), one layout for both
 * backends: the ring of e values and its position, the previous quote (e is taken against it), the
 * quote count, the two compensated sums (Σe and Σ|e|) with their error budgets and the outputs
 * the last push left — so the continuation is bit-identical.
 */
import type { StateReader, StateWriter } from "../../checkpoint/stateCodec.js";
import { NEUMAIER_FIELDS, readFloats, readRing, readSize, writeFloats, writeRing, type NeumaierState } from "./parts.js";

export interface OfiWindowState {
  /** e at ring positions 0…n−1. */
  ring: Float64Array;
  pos: number;
  quotes: number;
  pb: number;
  qb: number;
  pa: number;
  qa: number;
  last: number;
  sum: number;
  absSum: number;
  acc: NeumaierState;
  absAcc: NeumaierState;
}

/** The f64 fields of the record, in the order written (the WASM struct has fields of the same names). */
export const OFI_WINDOW_FLOATS = ["quotes", "pb", "qb", "pa", "qa", "last", "sum", "absSum"] as const;

export function writeOfiWindow(w: StateWriter, window: number, s: OfiWindowState): void {
  w.tag("OFIW");
  w.u32(window);
  writeRing(w, s.ring, s.pos);
  writeFloats(w, s, OFI_WINDOW_FLOATS);
  writeFloats(w, s.acc, NEUMAIER_FIELDS);
  writeFloats(w, s.absAcc, NEUMAIER_FIELDS);
}

/** Reads a part written for a window of `window` e values: a CheckpointError for any other. */
export function readOfiWindow(r: StateReader, window: number): OfiWindowState {
  r.tag("OFIW");
  readSize(r, "an OrderFlowWindow window", window);
  const { values: ring, pos } = readRing(r, window, "OrderFlowWindow");
  return {
    ring,
    pos,
    ...readFloats(r, OFI_WINDOW_FLOATS),
    acc: readFloats(r, NEUMAIER_FIELDS),
    absAcc: readFloats(r, NEUMAIER_FIELDS),
  };
}
