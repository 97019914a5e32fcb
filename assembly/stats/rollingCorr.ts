/**
 * Rolling covariance and Pearson correlation of two series over a fixed window,
 * pandas `rolling(w).cov(other)` / `rolling(w).corr(other)`: NaN until the window is
 * full, and NaN when either series is constant over the window (zero variance).
 * Traders use it to see how tightly a symbol moves with a reference (BTC, an index).
 *
 * Bivariate Welford over shifted values with the same rounding-error budget and
 * exact rebuild as RollingStats (see rollingStats.ts), so it does not drift:
 *   replace (x_o, y_o) by (x_n, y_n) with dx, dy the changes and primes the new means:
 *   C' = C + dx·(y_n − my') + dy·(x_o − mx),  Mx' = Mx + dx·((x_n − mx') + (x_o − mx)).
 * corr = C / (√Mx·√My), clamped to [−1, 1].
 */
import { ringSum, ringSumSq, ringSumProd } from "../common/reduce";

const EPS: f64 = 2.220446049250313e-16;
const TOL: f64 = 1.4551915228366852e-11; // 2^-36

@unmanaged
export class RollingCorr {
  // Outputs, read by the JS side in this order.
  cov: f64;
  corr: f64;
  count: f64;
  rebuilds: f64;
  lastX: f64;
  lastY: f64;
  kx: f64;
  ky: f64;
  mx: f64;
  my: f64;
  sxx: f64;
  syy: f64;
  sxy: f64;
  errX: f64; // error budgets of sxx, syy, sxy and the two means
  errY: f64;
  errXY: f64;
  errMeanX: f64;
  errMeanY: f64;
  window: i32;
  n: i32;
  pos: i32;
  runX: i32;
  runY: i32;
  xs: usize;
  ys: usize;
}

// @ts-ignore: decorator
@inline function headerSize(): usize {
  return (offsetof<RollingCorr>() + 15) & ~15;
}

export function rollingCorrSize(window: i32): usize {
  return headerSize() + (<usize>window << 4);
}

export function rollingCorrInit(p: usize, window: i32): void {
  const s = changetype<RollingCorr>(p);
  s.window = window;
  s.xs = p + headerSize();
  s.ys = s.xs + (<usize>window << 3);
  rollingCorrReset(p);
}

export function rollingCorrReset(p: usize): void {
  const s = changetype<RollingCorr>(p);
  s.n = 0;
  s.pos = 0;
  s.runX = 0;
  s.runY = 0;
  s.kx = 0;
  s.ky = 0;
  s.mx = 0;
  s.my = 0;
  s.sxx = 0;
  s.syy = 0;
  s.sxy = 0;
  clearBudget(s);
  s.rebuilds = 0;
  s.cov = NaN;
  s.corr = NaN;
  s.count = 0;
  s.lastX = NaN;
  s.lastY = NaN;
}

function clearBudget(s: RollingCorr): void {
  s.errX = 0;
  s.errY = 0;
  s.errXY = 0;
  s.errMeanX = 0;
  s.errMeanY = 0;
}

function rebuild(s: RollingCorr, x: f64, y: f64): void {
  const n = s.n, w = s.window;
  let head = s.pos - n;
  if (head < 0) head += w;
  const fn = <f64>n;
  const mx0 = ringSum(s.xs, w, head, n, x, 0) / fn;
  const my0 = ringSum(s.ys, w, head, n, y, 0) / fn;
  const dx = ringSum(s.xs, w, head, n, x, mx0);
  const dy = ringSum(s.ys, w, head, n, y, my0);
  s.sxx = ringSumSq(s.xs, w, head, n, x, mx0) - dx * dx / fn;
  s.syy = ringSumSq(s.ys, w, head, n, y, my0) - dy * dy / fn;
  s.sxy = ringSumProd(s.xs, s.ys, w, head, n, x, mx0, y, my0) - dx * dy / fn;
  s.kx = x;
  s.ky = y;
  s.mx = mx0 + dx / fn;
  s.my = my0 + dy / fn;
  clearBudget(s);
  s.rebuilds += 1;
}

/** Pushes one finite pair and refreshes cov and corr. */
export function rollingCorrPush(p: usize, x: f64, y: f64): void {
  const s = changetype<RollingCorr>(p);
  const w = s.window;
  const pos = s.pos;
  s.runX = s.n > 0 && x == s.lastX ? s.runX + 1 : 1;
  s.runY = s.n > 0 && y == s.lastY ? s.runY + 1 : 1;
  if (s.n == 0) {
    s.kx = x;
    s.ky = y;
  }
  const u = x - s.kx, v = y - s.ky;
  if (s.n < w) {
    const n1 = s.n + 1;
    const fn = <f64>n1;
    const dx = u - s.mx, dy = v - s.my;
    const mx = s.mx + dx / fn, my = s.my + dy / fn;
    const tx = dx * (u - mx), ty = dy * (v - my), txy = dx * (v - my);
    s.sxx += tx;
    s.syy += ty;
    s.sxy += txy;
    s.errX += EPS * (abs(s.sxx) + 2 * abs(tx));
    s.errY += EPS * (abs(s.syy) + 2 * abs(ty));
    s.errXY += EPS * (abs(s.sxy) + 2 * abs(txy));
    s.errMeanX += EPS * (abs(mx) + abs(dx) / fn);
    s.errMeanY += EPS * (abs(my) + abs(dy) / fn);
    s.mx = mx;
    s.my = my;
    s.n = n1;
  } else {
    const o = <usize>pos << 3;
    const uo = load<f64>(s.xs + o) - s.kx, vo = load<f64>(s.ys + o) - s.ky;
    const fw = <f64>w;
    const dx = u - uo, dy = v - vo;
    const mx = s.mx + dx / fw, my = s.my + dy / fw;
    const ax = u - mx, bx = uo - s.mx, ay = v - my, by = vo - s.my;
    s.sxx += dx * (ax + bx);
    s.syy += dy * (ay + by);
    s.sxy += dx * ay + dy * bx;
    s.errX += EPS * (abs(s.sxx) + 2 * abs(dx) * (abs(ax) + abs(bx))) + 2 * s.errMeanX * abs(dx);
    s.errY += EPS * (abs(s.syy) + 2 * abs(dy) * (abs(ay) + abs(by))) + 2 * s.errMeanY * abs(dy);
    s.errXY += EPS * (abs(s.sxy) + 2 * (abs(dx) * abs(ay) + abs(dy) * abs(bx))) + s.errMeanY * abs(dx) + s.errMeanX * abs(dy);
    s.errMeanX += EPS * (abs(mx) + abs(dx) / fw);
    s.errMeanY += EPS * (abs(my) + abs(dy) / fw);
    s.mx = mx;
    s.my = my;
  }
  const o = <usize>pos << 3;
  store<f64>(s.xs + o, x);
  store<f64>(s.ys + o, y);
  s.pos = pos + 1 == w ? 0 : pos + 1;
  s.lastX = x;
  s.lastY = y;
  const n = s.n;
  s.count = <f64>n;
  const flat = s.runX >= n || s.runY >= n;
  if (n > 1 && !flat) {
    const sxx = s.sxx, syy = s.syy, n1 = <f64>(n - 1);
    if (!(sxx > 0) || !(syy > 0) || s.errX > TOL * sxx || s.errY > TOL * syy
      || s.errXY > TOL * sqrt(sxx) * sqrt(syy)
      || s.errMeanX * s.errMeanX * n1 > TOL * TOL * sxx || s.errMeanY * s.errMeanY * n1 > TOL * TOL * syy) rebuild(s, x, y);
  }
  if (n < w || n < 2) {
    s.cov = NaN;
    s.corr = NaN;
    return;
  }
  if (flat) {
    s.cov = 0;
    s.corr = NaN;
    return;
  }
  s.cov = s.sxy / <f64>(n - 1);
  const sx = sqrt(max(s.sxx, 0)), sy = sqrt(max(s.syy, 0));
  const r = s.sxy / sx / sy;
  s.corr = r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * Batch: pushes pairs through the (reset) state at `p`, writing cov and corr where
 * their pointers are non-zero. Returns the first index with a non-finite value or −1.
 */
export function rollingCorrBatch(p: usize, xs: usize, ys: usize, n: i32, outCov: usize, outCorr: usize): i32 {
  const s = changetype<RollingCorr>(p);
  for (let i: i32 = 0; i < n; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(xs + o), y = load<f64>(ys + o);
    if (x - x != 0 || y - y != 0) return i;
    rollingCorrPush(p, x, y);
    if (outCov) store<f64>(outCov + o, s.cov);
    if (outCorr) store<f64>(outCorr + o, s.corr);
  }
  return -1;
}
