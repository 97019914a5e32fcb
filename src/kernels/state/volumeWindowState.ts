/**
 * The checkpoint part of a volume-delta window (VolumeDeltaWindow), one layout for both backends:
 * the trades held (quantity, time and side, oldest first) and where the oldest sits in the ring,
 * the clock (last and first time), the two compensated sums with their error budgets and the
 * outputs the last push left — so the continuation, rebuilds included, is bit-identical. The
 * per-side trade counts follow from the sides and are not written.
 */
import type { StateReader, StateWriter } from "../../checkpoint/stateCodec.js";
import { NEUMAIER_FIELDS, readFloats, readSize, writeFloats, type NeumaierState } from "./parts.js";

export interface VolumeWindowState {
  /** Ring slot of the oldest trade. */
  head: number;
  /** The trades held, oldest first. */
  qty: Float64Array;
  time: Float64Array;
  /** 1 where the buyer was the aggressor. */
  side: Uint8Array;
  lastTime: number;
  firstTime: number;
  buy: number;
  sell: number;
  delta: number;
  imbalance: number;
  buyAcc: NeumaierState;
  sellAcc: NeumaierState;
}

/** The f64 fields of the record, in the order written (the WASM struct has fields of the same names). */
export const VOLUME_WINDOW_FLOATS = ["lastTime", "firstTime", "buy", "sell", "delta", "imbalance"] as const;

export function writeVolumeWindow(w: StateWriter, capacity: number, span: number, s: VolumeWindowState): void {
  w.tag("VDWN");
  w.u32(capacity);
  w.f64(span);
  w.u32(s.head);
  w.f64s(s.qty);
  w.f64s(s.time);
  w.bytes(s.side);
  writeFloats(w, s, VOLUME_WINDOW_FLOATS);
  writeFloats(w, s.buyAcc, NEUMAIER_FIELDS);
  writeFloats(w, s.sellAcc, NEUMAIER_FIELDS);
}

/** Reads a part written for a window of this capacity and span: a CheckpointError for any other. */
export function readVolumeWindow(r: StateReader, capacity: number, span: number): VolumeWindowState {
  r.tag("VDWN");
  readSize(r, "a VolumeDeltaWindow capacity", capacity);
  const written = r.f64();
  if (!Object.is(written, span)) throw r.fail(`a VolumeDeltaWindow span of ${written} ms where this one has ${span}`);
  const head = r.u32In("VolumeDeltaWindow head", 0, capacity - 1);
  const qty = r.f64s(capacity);
  const time = r.f64s(capacity, new Float64Array(qty.length));
  const side = r.bytes(capacity);
  if (side.length !== qty.length) throw r.fail(`${side.length} trade sides for ${qty.length} trades`);
  if (side.some((b) => b > 1)) throw r.fail("a trade side that is neither 0 nor 1");
  return {
    head,
    qty,
    time,
    side,
    ...readFloats(r, VOLUME_WINDOW_FLOATS),
    buyAcc: readFloats(r, NEUMAIER_FIELDS),
    sellAcc: readFloats(r, NEUMAIER_FIELDS),
  };
}
