/**
 * Microprice at the best level (Stoikov's size-weighted mid):
 *   (Pbid·Qask + Pask·Qbid) / (Qbid + Qask)
 * It leans toward the side with less resting size, i.e. toward where the price is
 * more likely to move next. NaN when both best quantities are zero.
 *
 * The batch form over M best quotes writes one microprice per quote and returns the
 * check value of common/check.ts over every price and quantity read.
 */
import { checkResultScalar, finiteness } from "../common/check";

export function microprice(bidPx: f64, bidQty: f64, askPx: f64, askQty: f64): f64 {
  return (bidPx * askQty + askPx * bidQty) / (bidQty + askQty);
}

export function micropriceBatch(bidPx: usize, bidQty: usize, askPx: usize, askQty: usize, m: i32, out: usize): f64 {
  let j: i32 = 0;
  let signs: i64 = 0;
  let fin: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let sg = i64x2.splat(0);
    let vfin = f64x2.splat(0);
    for (const pairs = m & ~1; j < pairs; j += 2) {
      const o = <usize>j << 3;
      const pb = v128.load(bidPx + o), qb = v128.load(bidQty + o);
      const pa = v128.load(askPx + o), qa = v128.load(askQty + o);
      sg = v128.or(sg, v128.or(v128.or(pb, qb), v128.or(pa, qa)));
      const num = f64x2.add(f64x2.mul(pb, qa), f64x2.mul(pa, qb));
      // the inputs and the numerator: catches ±∞/NaN inputs and an overflowing product
      const all = f64x2.add(f64x2.add(f64x2.add(pb, qb), f64x2.add(pa, qa)), num);
      vfin = f64x2.add(vfin, f64x2.sub(all, all));
      v128.store(out + o, f64x2.div(num, f64x2.add(qb, qa)));
    }
    signs = i64x2.extract_lane(sg, 0) | i64x2.extract_lane(sg, 1);
    fin = f64x2.extract_lane(vfin, 0) + f64x2.extract_lane(vfin, 1);
  }
  for (; j < m; j++) {
    const o = <usize>j << 3;
    const pb = load<f64>(bidPx + o), qb = load<f64>(bidQty + o);
    const pa = load<f64>(askPx + o), qa = load<f64>(askQty + o);
    signs |= reinterpret<i64>(pb) | reinterpret<i64>(qb) | reinterpret<i64>(pa) | reinterpret<i64>(qa);
    const num = pb * qa + pa * qb;
    fin += finiteness(((pb + qb) + (pa + qa)) + num);
    store<f64>(out + o, num / (qb + qa));
  }
  return checkResultScalar(signs, fin);
}
