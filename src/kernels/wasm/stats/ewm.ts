/** EMA batch on the WASM backend (maths in assembly/stats/ewm.ts). */
import type { F64Input } from "../../types.js";
import { OUT, type Marshal } from "../marshal.js";

export function ewm(m: Marshal, values: F64Input, n: number, alpha: number, out: F64Input): number {
  const v = m.f64In(values, n, 0);
  const o = m.f64Out(out, n, OUT);
  const bad = m.mod.exports.ewm(v, n, alpha, o);
  if (bad < 0) m.f64Done(out, o, n);
  return bad;
}
