/**
 * Rolling statistics over a fixed window: mean, sample std (ddof 1), z-score of the
 * latest value, min, max, EMA and (on request) percentile rank of the latest value.
 * These are the building blocks of every normalised feature: "how unusual is this
 * print compared with the last w".
 *
 * Semantics follow pandas: `rolling(w, min_periods=m).mean()/std()/min()/max()`,
 * `rank(pct=True)` with ties averaged, NaN until m values are in (m = w by default,
 * as in pandas); std (ddof 1) needs two values; a window whose values are all
 * equal has mean = that value and std = 0 exactly (pandas tracks the same run).
 * The EMA is `ewm(alpha, adjust=False).mean()`: y0 = x0, y = (1 − α)·y + α·x.
 *
 * Stability: the state is Welford's (mean, M2) over shifted values y = x − K, where
 * K is a recent value, so prices near 60,000 are handled at the scale of their
 * spread rather than their level. Each update adds its worst-case rounding error to
 * a budget; when the budget passes 2^-36 of M2 (or of the std, for the mean) the
 * state is rebuilt exactly from the ring by a corrected two-pass sum. Rebuilds are
 * rare on market data (O(1) amortized per tick) and the error never drifts.
 *
 * Min and max come from monotonic deques of ring positions (O(1) amortized); a window
 * created without extrema skips them (min and max stay NaN) for about half the cost.
 */
import { ringSum, ringSumSq } from "../common/reduce";

const EPS: f64 = 2.220446049250313e-16;
const TOL: f64 = 1.4551915228366852e-11; // 2^-36

@unmanaged
export class RollingStats {
  // Outputs, read by the JS side from a Float64Array view in this order.
  mean: f64;
  std: f64;
  zscore: f64;
  min: f64;
  max: f64;
  ema: f64;
  last: f64;
  count: f64;
  rebuilds: f64;
  // Welford state over y = x − shift, with its error budget.
  shift: f64;
  my: f64;
  m2: f64;
  errM2: f64;
  errMean: f64;
  alpha: f64;
  total: f64;
  window: i32;
  minPeriods: i32;
  extrema: i32; // 0: min and max are not tracked (NaN), the deques are skipped
  n: i32;
  pos: i32;
  run: i32;
  ring: usize;
  minQ: usize;
  maxQ: usize;
  minHead: i32;
  minLen: i32;
  maxHead: i32;
  maxLen: i32;
}

// @ts-ignore: decorator
@inline function headerSize(): usize {
  return (offsetof<RollingStats>() + 15) & ~15;
}

export function rollingStatsSize(window: i32): usize {
  return headerSize() + (<usize>window << 3) + (<usize>window << 3);
}

/** Lays out a RollingStats in the block at `p` (rollingStatsSize(window) bytes). */
export function rollingStatsInit(p: usize, window: i32, alpha: f64, minPeriods: i32, extrema: i32): void {
  const s = changetype<RollingStats>(p);
  s.window = window;
  s.minPeriods = minPeriods;
  s.extrema = extrema;
  s.alpha = alpha;
  s.ring = p + headerSize();
  s.minQ = s.ring + (<usize>window << 3);
  s.maxQ = s.minQ + (<usize>window << 2);
  rollingStatsReset(p);
}

export function rollingStatsReset(p: usize): void {
  const s = changetype<RollingStats>(p);
  s.n = 0;
  s.pos = 0;
  s.run = 0;
  s.total = 0;
  s.shift = 0;
  s.my = 0;
  s.m2 = 0;
  s.errM2 = 0;
  s.errMean = 0;
  s.rebuilds = 0;
  s.minHead = 0;
  s.minLen = 0;
  s.maxHead = 0;
  s.maxLen = 0;
  s.mean = NaN;
  s.std = NaN;
  s.zscore = NaN;
  s.min = NaN;
  s.max = NaN;
  s.ema = NaN;
  s.last = NaN;
  s.count = 0;
}

/** Exact rebuild of (shift, my, m2) from the ring by a corrected two-pass sum. */
function rebuild(s: RollingStats, x: f64): void {
  const n = s.n;
  let head = s.pos - n;
  if (head < 0) head += s.window;
  const k = x;
  const mean0 = ringSum(s.ring, s.window, head, n, k, 0) / <f64>n;
  const d = ringSum(s.ring, s.window, head, n, k, mean0);
  const q = ringSumSq(s.ring, s.window, head, n, k, mean0);
  s.shift = k;
  s.my = mean0 + d / <f64>n;
  s.m2 = q - d * d / <f64>n;
  s.errM2 = 0;
  s.errMean = 0;
  s.rebuilds += 1;
}

/**
 * Pushes one finite value and refreshes the outputs. The state is read into locals
 * once and written back once, so the hot path keeps it in registers.
 */
export function rollingStatsPush(p: usize, x: f64): void {
  const s = changetype<RollingStats>(p);
  const w = s.window, pos = s.pos, ring = s.ring, minQ = s.minQ, maxQ = s.maxQ, extrema = s.extrema;
  let n = s.n, shift = s.shift, my = s.my, m2 = s.m2, errM2 = s.errM2, errMean = s.errMean;
  let maxHead = s.maxHead, maxLen = s.maxLen, minHead = s.minHead, minLen = s.minLen;
  const run = n > 0 && x == s.last ? s.run + 1 : 1;
  const alpha = s.alpha;
  s.ema = s.total == 0 ? x : (1 - alpha) * s.ema + alpha * x;
  s.total += 1;
  if (n == 0) shift = x;
  const y = x - shift;
  if (n < w) {
    const n1 = n + 1;
    const d = y - my;
    const my1 = my + d / <f64>n1;
    const t = d * (y - my1);
    m2 += t;
    errM2 += EPS * (abs(m2) + 2 * abs(t));
    errMean += EPS * (abs(my1) + abs(d) / <f64>n1);
    my = my1;
    n = n1;
  } else {
    const yo = load<f64>(ring + (<usize>pos << 3)) - shift;
    const d = y - yo;
    const my1 = my + d / <f64>w;
    const a = y - my1, b = yo - my;
    m2 += d * (a + b);
    errM2 += EPS * (abs(m2) + 2 * abs(d) * (abs(a) + abs(b))) + 2 * errMean * abs(d);
    errMean += EPS * (abs(my1) + abs(d) / <f64>w);
    my = my1;
    // the value at `pos` leaves the window: drop it from the deques' fronts
    if (extrema && maxLen && load<i32>(maxQ + (<usize>maxHead << 2)) == pos) {
      if (++maxHead == w) maxHead = 0;
      maxLen--;
    }
    if (extrema && minLen && load<i32>(minQ + (<usize>minHead << 2)) == pos) {
      if (++minHead == w) minHead = 0;
      minLen--;
    }
  }
  store<f64>(ring + (<usize>pos << 3), x);
  if (extrema) {
    // monotonic deques: drop dominated entries from the back, then append pos
    while (maxLen) {
      let back = maxHead + maxLen - 1;
      if (back >= w) back -= w;
      if (load<f64>(ring + (<usize>load<i32>(maxQ + (<usize>back << 2)) << 3)) > x) break;
      maxLen--;
    }
    let tail = maxHead + maxLen;
    if (tail >= w) tail -= w;
    store<i32>(maxQ + (<usize>tail << 2), pos);
    maxLen++;
    while (minLen) {
      let back = minHead + minLen - 1;
      if (back >= w) back -= w;
      if (load<f64>(ring + (<usize>load<i32>(minQ + (<usize>back << 2)) << 3)) < x) break;
      minLen--;
    }
    tail = minHead + minLen;
    if (tail >= w) tail -= w;
    store<i32>(minQ + (<usize>tail << 2), pos);
    minLen++;
  }
  s.pos = pos + 1 == w ? 0 : pos + 1;
  s.n = n;
  s.run = run;
  s.last = x;
  s.count = <f64>n;
  s.maxHead = maxHead;
  s.maxLen = maxLen;
  s.minHead = minHead;
  s.minLen = minLen;
  const constant = run >= n;
  if (n > 1 && !constant && (!(m2 > 0) || errM2 > TOL * m2 || errMean * errMean * <f64>(n - 1) > TOL * TOL * m2)) {
    rebuild(s, x);
    shift = s.shift;
    my = s.my;
    m2 = s.m2;
  } else {
    s.shift = shift;
    s.my = my;
    s.m2 = m2;
    s.errM2 = errM2;
    s.errMean = errMean;
  }
  if (n < s.minPeriods) {
    s.mean = NaN;
    s.std = NaN;
    s.zscore = NaN;
    s.min = NaN;
    s.max = NaN;
    return;
  }
  if (extrema) {
    s.min = load<f64>(ring + (<usize>load<i32>(minQ + (<usize>minHead << 2)) << 3));
    s.max = load<f64>(ring + (<usize>load<i32>(maxQ + (<usize>maxHead << 2)) << 3));
  }
  if (constant) {
    s.mean = x;
    s.std = n > 1 ? 0 : NaN;
    s.zscore = NaN;
    return;
  }
  s.mean = shift + my;
  const std = sqrt(max(m2, 0) / <f64>(n - 1));
  s.std = std;
  s.zscore = std > 0 ? ((x - shift) - my) / std : NaN;
}

/**
 * Percentile rank of `x` among `n` values at `p` (contiguous):
 * (count below + (count equal + 1)/2) / n, i.e. pandas' average rank over n.
 */
export function percentileRank(p: usize, n: i32, x: f64): f64 {
  let less: i64 = 0, equal: i64 = 0;
  let i: i32 = 0;
  if (ASC_FEATURE_SIMD) {
    const vx = f64x2.splat(x);
    let vl = i64x2.splat(0), ve = i64x2.splat(0);
    const pairs = n & ~1;
    for (; i < pairs; i += 2) {
      const v = v128.load(p + (<usize>i << 3));
      vl = i64x2.sub(vl, f64x2.lt(v, vx));
      ve = i64x2.sub(ve, f64x2.eq(v, vx));
    }
    less = i64x2.extract_lane(vl, 0) + i64x2.extract_lane(vl, 1);
    equal = i64x2.extract_lane(ve, 0) + i64x2.extract_lane(ve, 1);
  }
  for (; i < n; i++) {
    const v = load<f64>(p + (<usize>i << 3));
    less += i64(v < x);
    equal += i64(v == x);
  }
  return (<f64>less + <f64>(equal + 1) * 0.5) / <f64>n;
}

/** Percentile rank of the latest value within the window (NaN below minPeriods values). */
export function rollingStatsRank(p: usize): f64 {
  const s = changetype<RollingStats>(p);
  if (s.n < s.minPeriods) return NaN;
  // before the ring wraps its values are at [0, n); after, it is full
  return percentileRank(s.ring, s.n, s.last);
}

/**
 * Batch: pushes `values[0..n)` through the (reset) state at `p` and writes each
 * output where its pointer is non-zero. Returns the index of the first non-finite
 * value (nothing after it is written) or −1.
 */
export function rollingStatsBatch(
  p: usize, values: usize, n: i32,
  outMean: usize, outStd: usize, outZ: usize, outMin: usize, outMax: usize, outRank: usize,
): i32 {
  const s = changetype<RollingStats>(p);
  const w = s.window;
  for (let i: i32 = 0; i < n; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(values + o);
    if (x - x != 0) return i;
    rollingStatsPush(p, x);
    if (outMean) store<f64>(outMean + o, s.mean);
    if (outStd) store<f64>(outStd + o, s.std);
    if (outZ) store<f64>(outZ + o, s.zscore);
    if (outMin) store<f64>(outMin + o, s.min);
    if (outMax) store<f64>(outMax + o, s.max);
    if (outRank) {
      const c = min(i + 1, w);
      store<f64>(outRank + o, c >= s.minPeriods ? percentileRank(values + (<usize>(i + 1 - c) << 3), c, x) : NaN);
    }
  }
  return -1;
}
