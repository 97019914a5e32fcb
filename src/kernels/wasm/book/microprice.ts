/** Microprice batch on the WASM backend (maths in assembly/book/microprice.ts). */
import type { F64Input } from "../../types.js";
import { OUT, type Marshal } from "../marshal.js";

export function micropriceBatch(
  m: Marshal,
  bidPx: F64Input,
  bidQty: F64Input,
  askPx: F64Input,
  askQty: F64Input,
  count: number,
  out: F64Input,
): number {
  const pb = m.f64In(bidPx, count, 0),
    qb = m.f64In(bidQty, count, 1);
  const pa = m.f64In(askPx, count, 2),
    qa = m.f64In(askQty, count, 3);
  const o = m.f64Out(out, count, OUT);
  const check = m.mod.exports.micropriceBatch(pb, qb, pa, qa, count, o);
  m.f64Done(out, o, count);
  return check;
}
