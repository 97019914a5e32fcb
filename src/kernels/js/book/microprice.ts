/**
 * Microprice at the best level, plain-JS twin of assembly/book/microprice.ts:
 * (Pbid·Qask + Pask·Qbid) / (Qbid + Qask), NaN when both quantities are zero.
 */
import { checkResult, finiteness } from "../common/check.js";

/** One microprice per quote into `out`; returns the check value over the inputs. */
export function micropriceBatch(
  bidPx: Float64Array,
  bidQty: Float64Array,
  askPx: Float64Array,
  askQty: Float64Array,
  m: number,
  out: Float64Array,
): number {
  let negative = false;
  let fin = 0;
  for (let j = 0; j < m; j++) {
    const pb = bidPx[j]!,
      qb = bidQty[j]!,
      pa = askPx[j]!,
      qa = askQty[j]!;
    if (pb < 0 || qb < 0 || pa < 0 || qa < 0) negative = true;
    const num = pb * qa + pa * qb;
    fin += finiteness(pb + qb + (pa + qa) + num);
    out[j] = num / (qb + qa);
  }
  return checkResult(negative, fin);
}
