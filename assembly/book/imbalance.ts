/**
 * Order-book imbalance over the top `depth` levels:
 *   (ΣQbid − ΣQask) / (ΣQbid + ΣQask)   in [−1, 1], NaN when both sides are empty.
 * +1 means all resting size is on the bid (buyers queued), −1 all on the ask.
 *
 * With level weights (w_i, i = 0 at the touch) the same ratio is taken over
 * Σ w_i·Q_i: the depth-weighted imbalance, where the caller passes
 * w_i = exp(−decay·i) (computed once in TypeScript so every backend uses the
 * same bits). Plain imbalance is the special case w_i = 1.
 *
 * Batch over M snapshots: quantities form an M×N matrix stored level-major
 * (level i of snapshot m at index i·M + m), so a v128 load reads the same level of
 * two consecutive snapshots and the SIMD lanes run across snapshots. Each snapshot's
 * sums run level by level in order, identically in every build and the JS twin.
 */
import { checkResultScalar, finiteness } from "../common/check";

/**
 * Imbalance of M level-major snapshots (M = 1 for a single book); `weights` is 0 for
 * the plain imbalance. Writes one imbalance per snapshot to `out` and returns the
 * check value of common/check.ts over every quantity read.
 */
export function bookImbalanceBatch(bid: usize, ask: usize, weights: usize, m: i32, depth: i32, out: usize): f64 {
  const stride = <usize>m << 3;
  let j: i32 = 0;
  let signs: i64 = 0;
  let fin: f64 = 0;
  if (ASC_FEATURE_SIMD) {
    let sg = i64x2.splat(0);
    let vfin = f64x2.splat(0);
    // four snapshots an iteration: two independent vector chains per side
    for (const quads = m & ~3; j < quads; j += 4) {
      const o = <usize>j << 3;
      let b01 = f64x2.splat(0), b23 = f64x2.splat(0), a01 = f64x2.splat(0), a23 = f64x2.splat(0);
      let pb = bid + o, pa = ask + o;
      if (weights) {
        for (let i: i32 = 0; i < depth; i++) {
          const w = v128.load64_splat(weights + (<usize>i << 3));
          const xb01 = v128.load(pb), xb23 = v128.load(pb, 16), xa01 = v128.load(pa), xa23 = v128.load(pa, 16);
          sg = v128.or(sg, v128.or(v128.or(xb01, xb23), v128.or(xa01, xa23)));
          b01 = f64x2.add(b01, f64x2.mul(w, xb01));
          b23 = f64x2.add(b23, f64x2.mul(w, xb23));
          a01 = f64x2.add(a01, f64x2.mul(w, xa01));
          a23 = f64x2.add(a23, f64x2.mul(w, xa23));
          pb += stride;
          pa += stride;
        }
      } else {
        for (let i: i32 = 0; i < depth; i++) {
          const xb01 = v128.load(pb), xb23 = v128.load(pb, 16), xa01 = v128.load(pa), xa23 = v128.load(pa, 16);
          sg = v128.or(sg, v128.or(v128.or(xb01, xb23), v128.or(xa01, xa23)));
          b01 = f64x2.add(b01, xb01);
          b23 = f64x2.add(b23, xb23);
          a01 = f64x2.add(a01, xa01);
          a23 = f64x2.add(a23, xa23);
          pb += stride;
          pa += stride;
        }
      }
      const t01 = f64x2.add(b01, a01), t23 = f64x2.add(b23, a23);
      vfin = f64x2.add(vfin, f64x2.add(f64x2.sub(t01, t01), f64x2.sub(t23, t23)));
      v128.store(out + o, f64x2.div(f64x2.sub(b01, a01), t01));
      v128.store(out + o, f64x2.div(f64x2.sub(b23, a23), t23), 16);
    }
    signs = i64x2.extract_lane(sg, 0) | i64x2.extract_lane(sg, 1);
    fin = f64x2.extract_lane(vfin, 0) + f64x2.extract_lane(vfin, 1);
  }
  for (; j < m; j++) {
    const o = <usize>j << 3;
    let sb: f64 = 0, sa: f64 = 0;
    let pb = bid + o, pa = ask + o;
    for (let i: i32 = 0; i < depth; i++) {
      const b = load<f64>(pb), a = load<f64>(pa);
      signs |= reinterpret<i64>(b) | reinterpret<i64>(a);
      if (weights) {
        const w = load<f64>(weights + (<usize>i << 3));
        sb += w * b;
        sa += w * a;
      } else {
        sb += b;
        sa += a;
      }
      pb += stride;
      pa += stride;
    }
    fin += finiteness(sb + sa);
    store<f64>(out + o, (sb - sa) / (sb + sa));
  }
  return checkResultScalar(signs, fin);
}
