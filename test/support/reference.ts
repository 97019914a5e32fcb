/**
 * Naive reference implementations, O(n·w), written for clarity and accuracy rather
 * than speed: sums are exact-rounded (Shewchuk's algorithm, as Python's math.fsum),
 * variances two-pass. Property tests compare both backends against these.
 */

/** Correctly rounded sum of finite doubles (Shewchuk / math.fsum). */
export function fsum(values: Iterable<number>): number {
  const partials: number[] = [];
  for (let x of values) {
    let i = 0;
    for (let y of partials) {
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  let hi = 0;
  let n = partials.length;
  if (n > 0) {
    hi = partials[--n]!;
    while (n > 0) {
      const x = hi;
      const y = partials[--n]!;
      hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) {
        if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
          const y2 = lo * 2;
          const x2 = hi + y2;
          if (y2 === x2 - hi) hi = x2;
        }
        break;
      }
    }
  }
  return hi;
}

const windowOf = (v: ArrayLike<number>, end: number, w: number): number[] => Array.from({ length: w }, (_, k) => v[end - w + 1 + k]!);

function refMean(win: number[]): number {
  return fsum(win) / win.length;
}

/** Sample variance (ddof 1), two-pass with an exact-rounded correction term. */
function refVar(win: number[]): number {
  const n = win.length;
  if (n < 2) return NaN;
  if (win.every((x) => x === win[0])) return 0;
  const m = refMean(win);
  const d = win.map((x) => x - m);
  const s = fsum(d);
  return (fsum(d.map((x) => x * x)) - (s * s) / n) / (n - 1);
}

export interface RefRolling {
  mean: number[];
  std: number[];
  zscore: number[];
  min: number[];
  max: number[];
  rank: number[];
}

/** pandas rolling(w, min_periods=m): each position over its last min(i + 1, w) values. */
export function refRolling(v: ArrayLike<number>, w: number, minPeriods = w): RefRolling {
  const out: RefRolling = { mean: [], std: [], zscore: [], min: [], max: [], rank: [] };
  for (let i = 0; i < v.length; i++) {
    const c = Math.min(i + 1, w);
    if (c < minPeriods) {
      for (const k of Object.keys(out) as (keyof RefRolling)[]) out[k].push(NaN);
      continue;
    }
    const win = windowOf(v, i, c);
    const x = v[i]!;
    const constant = win.every((y) => y === win[0]);
    const mean = constant ? x : refMean(win);
    const std = Math.sqrt(refVar(win));
    out.mean.push(mean);
    out.std.push(std);
    out.zscore.push(std > 0 ? (x - mean) / std : NaN);
    out.min.push(Math.min(...win));
    out.max.push(Math.max(...win));
    // pandas rank(pct=True), method="average": mean of the tied ranks, over n
    const sorted = [...win].sort((a, b) => a - b);
    const first = sorted.indexOf(x) + 1;
    const last = sorted.lastIndexOf(x) + 1;
    out.rank.push((first + last) / 2 / c);
  }
  return out;
}

/** ewm(alpha, adjust=False) in closed form: (1−α)^t·x0 + Σ_{i≥1} α(1−α)^{t−i}·x_i. */
export function refEwm(v: ArrayLike<number>, alpha: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < v.length; t++) {
    const terms = [(1 - alpha) ** t * v[0]!];
    for (let i = 1; i <= t; i++) terms.push(alpha * (1 - alpha) ** (t - i) * v[i]!);
    out.push(fsum(terms));
  }
  return out;
}

export function refCorr(x: ArrayLike<number>, y: ArrayLike<number>, w: number): { cov: number[]; corr: number[] } {
  const cov: number[] = [],
    corr: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (i + 1 < w || w < 2) {
      cov.push(NaN);
      corr.push(NaN);
      continue;
    }
    const wx = windowOf(x, i, w),
      wy = windowOf(y, i, w);
    const flatX = wx.every((a) => a === wx[0]),
      flatY = wy.every((a) => a === wy[0]);
    if (flatX || flatY) {
      cov.push(0);
      corr.push(NaN);
      continue;
    }
    const mx = refMean(wx),
      my = refMean(wy);
    const sxy = fsum(wx.map((a, k) => (a - mx) * (wy[k]! - my)));
    const sxx = fsum(wx.map((a) => (a - mx) ** 2));
    const syy = fsum(wy.map((b) => (b - my) ** 2));
    cov.push(sxy / (w - 1));
    corr.push(Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx) / Math.sqrt(syy))));
  }
  return { cov, corr };
}

export function refVolumeDelta(qty: ArrayLike<number>, buyer: ArrayLike<number>) {
  const buy = fsum(Array.from(qty).filter((_, i) => buyer[i]));
  const sell = fsum(Array.from(qty).filter((_, i) => !buyer[i]));
  return { buyVolume: buy, sellVolume: sell, delta: buy - sell, imbalance: (buy - sell) / (buy + sell) };
}

/** Imbalance of a level-major M×N matrix (level i of snapshot m at i·M + m). */
export function refImbalance(bid: ArrayLike<number>, ask: ArrayLike<number>, m: number, depth: number, weights?: number[]): number[] {
  const out: number[] = [];
  for (let j = 0; j < m; j++) {
    const b: number[] = [],
      a: number[] = [];
    for (let i = 0; i < depth; i++) {
      const w = weights ? weights[i]! : 1;
      b.push(w * bid[i * m + j]!);
      a.push(w * ask[i * m + j]!);
    }
    const sb = fsum(b),
      sa = fsum(a);
    out.push((sb - sa) / (sb + sa));
  }
  return out;
}

/** Order-flow imbalance e[n], literally as Cont–Kukanov–Stoikov write it. */
export function refOfi(pb: ArrayLike<number>, qb: ArrayLike<number>, pa: ArrayLike<number>, qa: ArrayLike<number>): number[] {
  const ind = (c: boolean): number => (c ? 1 : 0);
  if (pb.length === 0) return [];
  const e = [NaN];
  for (let n = 1; n < pb.length; n++) {
    e.push(
      ind(pb[n]! >= pb[n - 1]!) * qb[n]! -
        ind(pb[n]! <= pb[n - 1]!) * qb[n - 1]! -
        ind(pa[n]! <= pa[n - 1]!) * qa[n]! +
        ind(pa[n]! >= pa[n - 1]!) * qa[n - 1]!,
    );
  }
  return e;
}

/** pandas e.rolling(w).sum() with e[0] = NaN. */
export function refRollingSum(e: number[], w: number): number[] {
  return e.map((_, i) => (i < w ? NaN : fsum(e.slice(i - w + 1, i + 1))));
}
