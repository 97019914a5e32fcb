/** Book imbalance batch on the WASM backend (maths in assembly/book/imbalance.ts). */
import type { F64Input } from "../../types.js";
import { OUT, WEIGHTS, type Marshal } from "../marshal.js";

/** Imbalance of m level-major snapshots over `depth` levels; returns the check value. */
export function bookImbalanceBatch(
  m: Marshal,
  bid: F64Input,
  ask: F64Input,
  weights: Float64Array | null,
  snapshots: number,
  depth: number,
  out: F64Input,
): number {
  const n = snapshots * depth;
  const b = m.f64In(bid, n, 0);
  const a = m.f64In(ask, n, 1);
  const w = weights ? m.f64In(weights, depth, WEIGHTS) : 0;
  const o = m.f64Out(out, snapshots, OUT);
  const check = m.mod.exports.bookImbalanceBatch(b, a, w, snapshots, depth, o);
  m.f64Done(out, o, snapshots);
  return check;
}
