/**
 * Trade volume delta, plain-JS twin of assembly/flow/volumeDelta.ts (same canonical
 * 4-accumulator order, branch-free, so results are bit-identical). Writes buy, sell,
 * delta and imbalance into `out` and returns the check value (common/check.ts).
 */
import type { VolumeDelta } from "../../types.js";
import { checkResult, finiteness } from "../common/check.js";

export function volumeDelta(qty: Float64Array, buyer: Uint8Array, n: number, out: VolumeDelta): number {
  let b0 = 0,
    b1 = 0,
    b2 = 0,
    b3 = 0;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  let negative = false;
  const blocks = n & ~3;
  let i = 0;
  for (; i < blocks; i += 4) {
    const q0 = qty[i]!,
      q1 = qty[i + 1]!,
      q2 = qty[i + 2]!,
      q3 = qty[i + 3]!;
    // f ∈ {0, 1}: q·f is q or +0 exactly, q − q·f the other side
    const f0 = +(buyer[i] !== 0),
      f1 = +(buyer[i + 1] !== 0),
      f2 = +(buyer[i + 2] !== 0),
      f3 = +(buyer[i + 3] !== 0);
    const x0 = q0 * f0,
      x1 = q1 * f1,
      x2 = q2 * f2,
      x3 = q3 * f3;
    b0 += x0;
    s0 += q0 - x0;
    b1 += x1;
    s1 += q1 - x1;
    b2 += x2;
    s2 += q2 - x2;
    b3 += x3;
    s3 += q3 - x3;
    if (q0 < 0 || q1 < 0 || q2 < 0 || q3 < 0) negative = true;
  }
  let buy = b0 + b2 + (b1 + b3);
  let sell = s0 + s2 + (s1 + s3);
  for (; i < n; i++) {
    const q = qty[i]!;
    const x = q * +(buyer[i] !== 0);
    buy += x;
    sell += q - x;
    if (q < 0) negative = true;
  }
  out.buyVolume = buy;
  out.sellVolume = sell;
  out.delta = buy - sell;
  out.imbalance = (buy - sell) / (buy + sell);
  return checkResult(negative, finiteness(buy + sell));
}
