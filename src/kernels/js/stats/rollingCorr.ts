/**
 * Rolling covariance and correlation, plain-JS twin of
 * assembly/stats/rollingCorr.ts (same bivariate Welford, budget and rebuild).
 */
import type { RollingCorrelationWindow } from "../../types.js";
import { ringSum, ringSumSq, ringSumProd } from "../common/reduce.js";
import { requireFinite, requireLive, requireStateReader, requireStateWriter } from "../../validate.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { readRollingCorr, writeRollingCorr } from "../../state/rollingCorrState.js";

const EPS = 2.220446049250313e-16;
const TOL = 1.4551915228366852e-11; // 2^-36

export class JsRollingCorrelation implements RollingCorrelationWindow {
  /** The results, read unchecked by the owners of internal windows (see JsRollingStats.results). */
  readonly results = { cov: NaN, corr: NaN, count: 0, rebuilds: 0 };
  private lastX = NaN;
  private lastY = NaN;
  private kx = 0;
  private ky = 0;
  private mx = 0;
  private my = 0;
  private sxx = 0;
  private syy = 0;
  private sxy = 0;
  private errX = 0;
  private errY = 0;
  private errXY = 0;
  private errMeanX = 0;
  private errMeanY = 0;
  private n = 0;
  private pos = 0;
  private runX = 0;
  private runY = 0;
  private xs: Float64Array | null;
  private readonly ys: Float64Array;

  constructor(readonly window: number) {
    this.xs = new Float64Array(window);
    this.ys = new Float64Array(window);
  }

  get cov(): number {
    requireLive(this.xs, "RollingCorrelation");
    return this.results.cov;
  }
  get corr(): number {
    requireLive(this.xs, "RollingCorrelation");
    return this.results.corr;
  }
  get count(): number {
    requireLive(this.xs, "RollingCorrelation");
    return this.results.count;
  }
  get rebuilds(): number {
    requireLive(this.xs, "RollingCorrelation");
    return this.results.rebuilds;
  }

  get isStable(): boolean {
    requireLive(this.xs, "RollingCorrelation");
    return this.n === this.window;
  }

  reset(): void {
    requireLive(this.xs, "RollingCorrelation");
    this.n = 0;
    this.pos = 0;
    this.runX = 0;
    this.runY = 0;
    this.kx = 0;
    this.ky = 0;
    this.mx = 0;
    this.my = 0;
    this.sxx = 0;
    this.syy = 0;
    this.sxy = 0;
    this.clearBudget();
    this.results.rebuilds = 0;
    this.results.cov = NaN;
    this.results.corr = NaN;
    this.results.count = 0;
    this.lastX = NaN;
    this.lastY = NaN;
  }

  dispose(): void {
    this.xs = null;
  }

  push(x: number, y: number): void {
    requireLive(this.xs, "RollingCorrelation");
    requireFinite("RollingCorrelation.push x", x);
    requireFinite("RollingCorrelation.push y", y);
    this.pushRaw(x, y);
  }

  writeState(w: StateWriter): void {
    requireLive(this.xs, "RollingCorrelation");
    requireStateWriter(w);
    const { cov, corr, rebuilds } = this.results;
    writeRollingCorr(w, this.window, {
      xs: this.xs.subarray(0, this.n),
      ys: this.ys.subarray(0, this.n),
      pos: this.pos,
      runX: this.runX,
      runY: this.runY,
      lastX: this.lastX,
      lastY: this.lastY,
      kx: this.kx,
      ky: this.ky,
      mx: this.mx,
      my: this.my,
      sxx: this.sxx,
      syy: this.syy,
      sxy: this.sxy,
      errX: this.errX,
      errY: this.errY,
      errXY: this.errXY,
      errMeanX: this.errMeanX,
      errMeanY: this.errMeanY,
      rebuilds,
      cov,
      corr,
    });
  }

  readState(r: StateReader): void {
    requireLive(this.xs, "RollingCorrelation");
    requireStateReader(r);
    const s = readRollingCorr(r, this.window);
    this.n = s.xs.length;
    this.xs.set(s.xs);
    this.ys.set(s.ys);
    this.pos = s.pos;
    this.runX = s.runX;
    this.runY = s.runY;
    this.lastX = s.lastX;
    this.lastY = s.lastY;
    this.kx = s.kx;
    this.ky = s.ky;
    this.mx = s.mx;
    this.my = s.my;
    this.sxx = s.sxx;
    this.syy = s.syy;
    this.sxy = s.sxy;
    this.errX = s.errX;
    this.errY = s.errY;
    this.errXY = s.errXY;
    this.errMeanX = s.errMeanX;
    this.errMeanY = s.errMeanY;
    Object.assign(this.results, { cov: s.cov, corr: s.corr, count: this.n, rebuilds: s.rebuilds });
  }

  private clearBudget(): void {
    this.errX = 0;
    this.errY = 0;
    this.errXY = 0;
    this.errMeanX = 0;
    this.errMeanY = 0;
  }

  private rebuild(x: number, y: number): void {
    const xs = this.xs!,
      ys = this.ys;
    const n = this.n;
    let head = this.pos - n;
    if (head < 0) head += this.window;
    const mx0 = ringSum(xs, head, n, x, 0) / n;
    const my0 = ringSum(ys, head, n, y, 0) / n;
    const dx = ringSum(xs, head, n, x, mx0);
    const dy = ringSum(ys, head, n, y, my0);
    this.sxx = ringSumSq(xs, head, n, x, mx0) - (dx * dx) / n;
    this.syy = ringSumSq(ys, head, n, y, my0) - (dy * dy) / n;
    this.sxy = ringSumProd(xs, ys, head, n, x, mx0, y, my0) - (dx * dy) / n;
    this.kx = x;
    this.ky = y;
    this.mx = mx0 + dx / n;
    this.my = my0 + dy / n;
    this.clearBudget();
    this.results.rebuilds += 1;
  }

  pushRaw(x: number, y: number): void {
    const xs = this.xs!,
      ys = this.ys;
    const w = this.window;
    const pos = this.pos;
    this.runX = this.n > 0 && x === this.lastX ? this.runX + 1 : 1;
    this.runY = this.n > 0 && y === this.lastY ? this.runY + 1 : 1;
    if (this.n === 0) {
      this.kx = x;
      this.ky = y;
    }
    const u = x - this.kx,
      v = y - this.ky;
    const abs = Math.abs;
    if (this.n < w) {
      const n1 = this.n + 1;
      const dx = u - this.mx,
        dy = v - this.my;
      const mx = this.mx + dx / n1,
        my = this.my + dy / n1;
      const tx = dx * (u - mx),
        ty = dy * (v - my),
        txy = dx * (v - my);
      this.sxx += tx;
      this.syy += ty;
      this.sxy += txy;
      this.errX += EPS * (abs(this.sxx) + 2 * abs(tx));
      this.errY += EPS * (abs(this.syy) + 2 * abs(ty));
      this.errXY += EPS * (abs(this.sxy) + 2 * abs(txy));
      this.errMeanX += EPS * (abs(mx) + abs(dx) / n1);
      this.errMeanY += EPS * (abs(my) + abs(dy) / n1);
      this.mx = mx;
      this.my = my;
      this.n = n1;
    } else {
      const uo = xs[pos]! - this.kx,
        vo = ys[pos]! - this.ky;
      const dx = u - uo,
        dy = v - vo;
      const mx = this.mx + dx / w,
        my = this.my + dy / w;
      const ax = u - mx,
        bx = uo - this.mx,
        ay = v - my,
        by = vo - this.my;
      this.sxx += dx * (ax + bx);
      this.syy += dy * (ay + by);
      this.sxy += dx * ay + dy * bx;
      this.errX += EPS * (abs(this.sxx) + 2 * abs(dx) * (abs(ax) + abs(bx))) + 2 * this.errMeanX * abs(dx);
      this.errY += EPS * (abs(this.syy) + 2 * abs(dy) * (abs(ay) + abs(by))) + 2 * this.errMeanY * abs(dy);
      this.errXY += EPS * (abs(this.sxy) + 2 * (abs(dx) * abs(ay) + abs(dy) * abs(bx))) + this.errMeanY * abs(dx) + this.errMeanX * abs(dy);
      this.errMeanX += EPS * (abs(mx) + abs(dx) / w);
      this.errMeanY += EPS * (abs(my) + abs(dy) / w);
      this.mx = mx;
      this.my = my;
    }
    xs[pos] = x;
    ys[pos] = y;
    this.pos = pos + 1 === w ? 0 : pos + 1;
    this.lastX = x;
    this.lastY = y;
    const n = this.n;
    this.results.count = n;
    const flat = this.runX >= n || this.runY >= n;
    if (n > 1 && !flat) {
      const sxx = this.sxx,
        syy = this.syy,
        n1 = n - 1;
      if (
        !(sxx > 0) ||
        !(syy > 0) ||
        this.errX > TOL * sxx ||
        this.errY > TOL * syy ||
        this.errXY > TOL * Math.sqrt(sxx) * Math.sqrt(syy) ||
        this.errMeanX * this.errMeanX * n1 > TOL * TOL * sxx ||
        this.errMeanY * this.errMeanY * n1 > TOL * TOL * syy
      )
        this.rebuild(x, y);
    }
    if (n < w || n < 2) {
      this.results.cov = NaN;
      this.results.corr = NaN;
      return;
    }
    if (flat) {
      this.results.cov = 0;
      this.results.corr = NaN;
      return;
    }
    this.results.cov = this.sxy / (n - 1);
    const sx = Math.sqrt(Math.max(this.sxx, 0)),
      sy = Math.sqrt(Math.max(this.syy, 0));
    const r = this.sxy / sx / sy;
    this.results.corr = r > 1 ? 1 : r < -1 ? -1 : r;
  }
}

/** Batch through a fresh window; returns the first index with a non-finite value or −1. */
export function rollingCorrBatch(
  s: JsRollingCorrelation,
  xs: Float64Array,
  ys: Float64Array,
  n: number,
  outCov: Float64Array | null,
  outCorr: Float64Array | null,
): number {
  for (let i = 0; i < n; i++) {
    const x = xs[i]!,
      y = ys[i]!;
    if (x - x !== 0 || y - y !== 0) return i;
    s.pushRaw(x, y);
    if (outCov) outCov[i] = s.results.cov;
    if (outCorr) outCorr[i] = s.results.corr;
  }
  return -1;
}
