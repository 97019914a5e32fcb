/**
 * Trade volume delta: how much volume the aggressors bought versus sold.
 *
 * For trades with quantity q and a buyer-initiated flag (the taker bought):
 *   buy = Σ q·[buyer], sell = Σ q·[!buyer], delta = buy − sell,
 *   imbalance = delta / (buy + sell)   (NaN when there is no volume).
 * A positive delta means aggressive buying pressure over the batch.
 *
 * Summation order is canonical across every build and the JS twin: element i goes
 * to accumulator i mod 4, the four are combined as (a0 + a2) + (a1 + a3), and the
 * tail (n mod 4 elements) is added in order. SIMD and scalar builds are therefore
 * bit-identical to each other and to the JS backend. Both are branch-free: a random
 * side per trade would otherwise mispredict half the time.
 *
 * Output (5 × f64 at `out`): buy, sell, delta, imbalance, check (common/check.ts).
 */
import { checkResultScalar, finiteness } from "../common/check";

export function volumeDelta(qty: usize, buyer: usize, n: i32, out: usize): void {
  let buy: f64 = 0, sell: f64 = 0;
  let signs: i64 = 0;
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    let b01 = f64x2.splat(0), b23 = f64x2.splat(0);
    let s01 = f64x2.splat(0), s23 = f64x2.splat(0);
    let sg = i64x2.splat(0);
    const zero = i8x16.splat(0);
    // 16 trades an iteration: one load of 16 flag bytes, each pair's two bytes
    // broadcast to two 64-bit lane masks by a shuffle
    for (const blocks = n & ~15; i < blocks; i += 16) {
      const p = qty + (<usize>i << 3);
      const f = i8x16.ne(v128.load(buyer + <usize>i), zero);
      let q = v128.load(p);
      let k = i8x16.shuffle(f, f, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
      sg = v128.or(sg, q);
      b01 = f64x2.add(b01, v128.and(q, k));
      s01 = f64x2.add(s01, v128.andnot(q, k));
      q = v128.load(p, 16);
      k = i8x16.shuffle(f, f, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
      sg = v128.or(sg, q);
      b23 = f64x2.add(b23, v128.and(q, k));
      s23 = f64x2.add(s23, v128.andnot(q, k));
      q = v128.load(p, 32);
      k = i8x16.shuffle(f, f, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5);
      sg = v128.or(sg, q);
      b01 = f64x2.add(b01, v128.and(q, k));
      s01 = f64x2.add(s01, v128.andnot(q, k));
      q = v128.load(p, 48);
      k = i8x16.shuffle(f, f, 6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);
      sg = v128.or(sg, q);
      b23 = f64x2.add(b23, v128.and(q, k));
      s23 = f64x2.add(s23, v128.andnot(q, k));
      q = v128.load(p, 64);
      k = i8x16.shuffle(f, f, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9);
      sg = v128.or(sg, q);
      b01 = f64x2.add(b01, v128.and(q, k));
      s01 = f64x2.add(s01, v128.andnot(q, k));
      q = v128.load(p, 80);
      k = i8x16.shuffle(f, f, 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11, 11, 11);
      sg = v128.or(sg, q);
      b23 = f64x2.add(b23, v128.and(q, k));
      s23 = f64x2.add(s23, v128.andnot(q, k));
      q = v128.load(p, 96);
      k = i8x16.shuffle(f, f, 12, 12, 12, 12, 12, 12, 12, 12, 13, 13, 13, 13, 13, 13, 13, 13);
      sg = v128.or(sg, q);
      b01 = f64x2.add(b01, v128.and(q, k));
      s01 = f64x2.add(s01, v128.andnot(q, k));
      q = v128.load(p, 112);
      k = i8x16.shuffle(f, f, 14, 14, 14, 14, 14, 14, 14, 14, 15, 15, 15, 15, 15, 15, 15, 15);
      sg = v128.or(sg, q);
      b23 = f64x2.add(b23, v128.and(q, k));
      s23 = f64x2.add(s23, v128.andnot(q, k));
    }
    // then 4 at a time (flags widened to lane masks), keeping the same lane order
    for (const blocks = n & ~3; i < blocks; i += 4) {
      const p = qty + (<usize>i << 3);
      const f = i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(i8x16.ne(v128.load32_zero(buyer + <usize>i), zero)));
      const k01 = i64x2.extend_low_i32x4_s(f), k23 = i64x2.extend_high_i32x4_s(f);
      const q01 = v128.load(p), q23 = v128.load(p, 16);
      sg = v128.or(sg, v128.or(q01, q23));
      b01 = f64x2.add(b01, v128.and(q01, k01));
      b23 = f64x2.add(b23, v128.and(q23, k23));
      s01 = f64x2.add(s01, v128.andnot(q01, k01));
      s23 = f64x2.add(s23, v128.andnot(q23, k23));
    }
    const b = f64x2.add(b01, b23), s = f64x2.add(s01, s23);
    buy = f64x2.extract_lane(b, 0) + f64x2.extract_lane(b, 1);
    sell = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    signs = i64x2.extract_lane(sg, 0) | i64x2.extract_lane(sg, 1);
  } else {
    let b0: f64 = 0, b1: f64 = 0, b2: f64 = 0, b3: f64 = 0;
    let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
    for (const blocks = n & ~3; i < blocks; i += 4) {
      const p = qty + (<usize>i << 3);
      const f = buyer + <usize>i;
      const q0 = load<f64>(p), q1 = load<f64>(p, 8), q2 = load<f64>(p, 16), q3 = load<f64>(p, 24);
      signs |= reinterpret<i64>(q0) | reinterpret<i64>(q1) | reinterpret<i64>(q2) | reinterpret<i64>(q3);
      const f0 = load<u8>(f) != 0, f1 = load<u8>(f, 1) != 0, f2 = load<u8>(f, 2) != 0, f3 = load<u8>(f, 3) != 0;
      b0 += select<f64>(q0, 0, f0);
      s0 += select<f64>(0, q0, f0);
      b1 += select<f64>(q1, 0, f1);
      s1 += select<f64>(0, q1, f1);
      b2 += select<f64>(q2, 0, f2);
      s2 += select<f64>(0, q2, f2);
      b3 += select<f64>(q3, 0, f3);
      s3 += select<f64>(0, q3, f3);
    }
    buy = (b0 + b2) + (b1 + b3);
    sell = (s0 + s2) + (s1 + s3);
  }
  for (; i < n; i++) {
    const q = load<f64>(qty + (<usize>i << 3));
    const f = load<u8>(buyer + <usize>i) != 0;
    signs |= reinterpret<i64>(q);
    buy += select<f64>(q, 0, f);
    sell += select<f64>(0, q, f);
  }
  store<f64>(out, buy);
  store<f64>(out, sell, 8);
  store<f64>(out, buy - sell, 16);
  store<f64>(out, (buy - sell) / (buy + sell), 24);
  store<f64>(out, checkResultScalar(signs, finiteness(buy + sell)), 32);
}
