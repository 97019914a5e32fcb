/**
 * Book imbalance of M level-major snapshots, plain-JS twin of
 * assembly/book/imbalance.ts: (ΣQbid − ΣQask)/(ΣQbid + ΣQask) over the top `depth`
 * levels, optionally with level weights. Level i of snapshot m is at i·M + m.
 * Returns the check value (common/check.ts) over the quantities read.
 */
import { checkResult, finiteness } from "../common/check.js";

export function bookImbalanceBatch(
  bid: Float64Array,
  ask: Float64Array,
  weights: Float64Array | null,
  m: number,
  depth: number,
  out: Float64Array,
): number {
  let negative = false;
  let fin = 0;
  for (let j = 0; j < m; j++) {
    let sb = 0,
      sa = 0;
    let o = j;
    for (let i = 0; i < depth; i++, o += m) {
      const b = bid[o]!,
        a = ask[o]!;
      if (b < 0 || a < 0) negative = true;
      if (weights) {
        const w = weights[i]!;
        sb += w * b;
        sa += w * a;
      } else {
        sb += b;
        sa += a;
      }
    }
    fin += finiteness(sb + sa);
    out[j] = (sb - sa) / (sb + sa);
  }
  return checkResult(negative, fin);
}
