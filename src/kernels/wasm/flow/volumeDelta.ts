/** Volume delta batch on the WASM backend (maths in assembly/flow/volumeDelta.ts). */
import type { F64Input, U8Input, VolumeDelta } from "../../types.js";
import { OUT, type Marshal } from "../marshal.js";

/** Fills `out` and returns the check value (assembly/common/check.ts). */
export function volumeDelta(m: Marshal, qty: F64Input, buyer: U8Input, n: number, out: VolumeDelta): number {
  const q = m.f64In(qty, n, 0);
  const b = m.u8In(buyer, n, 1);
  const o = m.scratch(OUT, 40);
  m.mod.exports.volumeDelta(q, b, n, o);
  const f64 = m.mod.f64,
    base = o >>> 3;
  out.buyVolume = f64[base]!;
  out.sellVolume = f64[base + 1]!;
  out.delta = f64[base + 2]!;
  out.imbalance = f64[base + 3]!;
  return f64[base + 4]!;
}
