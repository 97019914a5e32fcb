/**
 * Rolling statistics, plain-JS twin of assembly/stats/rollingStats.ts: the same
 * shifted Welford state, error budget, exact rebuild and monotonic deques, operation
 * for operation, so the two backends agree bit for bit. See the AssemblyScript file
 * for the maths; this file only mirrors it.
 */
import type { RollingStatsWindow } from "../../types.js";
import { ringSum, ringSumSq } from "../common/reduce.js";
import { requireFinite, requireLive, requireStateReader, requireStateWriter } from "../../validate.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { readRollingStats, writeRollingStats } from "../../state/rollingStatsState.js";

const EPS = 2.220446049250313e-16;
const TOL = 1.4551915228366852e-11; // 2^-36

export class JsRollingStats implements RollingStatsWindow {
  /**
   * The results, read unchecked by the owners of internal windows (the confluence core,
   * the batch kernels); users read them through the getters, which throw once disposed.
   */
  readonly results = { mean: NaN, std: NaN, zscore: NaN, min: NaN, max: NaN, ema: NaN, last: NaN, count: 0, rebuilds: 0 };
  private shift = 0;
  private my = 0;
  private m2 = 0;
  private errM2 = 0;
  private errMean = 0;
  private total = 0;
  private n = 0;
  private pos = 0;
  private run = 0;
  private ring: Float64Array | null;
  private readonly minQ: Int32Array;
  private readonly maxQ: Int32Array;
  private minHead = 0;
  private minLen = 0;
  private maxHead = 0;
  private maxLen = 0;

  constructor(
    readonly window: number,
    readonly alpha: number,
    readonly minPeriods: number = window,
    readonly extrema = true,
  ) {
    this.ring = new Float64Array(window);
    this.minQ = new Int32Array(window);
    this.maxQ = new Int32Array(window);
  }

  get mean(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.mean;
  }
  get std(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.std;
  }
  get zscore(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.zscore;
  }
  get min(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.min;
  }
  get max(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.max;
  }
  get ema(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.ema;
  }
  get last(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.last;
  }
  get count(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.count;
  }
  get rebuilds(): number {
    requireLive(this.ring, "RollingStats");
    return this.results.rebuilds;
  }

  get isStable(): boolean {
    requireLive(this.ring, "RollingStats");
    return this.n === this.window;
  }

  reset(): void {
    requireLive(this.ring, "RollingStats");
    this.n = 0;
    this.pos = 0;
    this.run = 0;
    this.total = 0;
    this.shift = 0;
    this.my = 0;
    this.m2 = 0;
    this.errM2 = 0;
    this.errMean = 0;
    this.results.rebuilds = 0;
    this.minHead = 0;
    this.minLen = 0;
    this.maxHead = 0;
    this.maxLen = 0;
    this.results.mean = NaN;
    this.results.std = NaN;
    this.results.zscore = NaN;
    this.results.min = NaN;
    this.results.max = NaN;
    this.results.ema = NaN;
    this.results.last = NaN;
    this.results.count = 0;
  }

  dispose(): void {
    this.ring = null;
  }

  push(x: number): void {
    requireLive(this.ring, "RollingStats");
    requireFinite("RollingStats.push", x);
    this.pushRaw(x);
  }

  private rebuild(x: number): void {
    const ring = this.ring!;
    const n = this.n;
    let head = this.pos - n;
    if (head < 0) head += this.window;
    const mean0 = ringSum(ring, head, n, x, 0) / n;
    const d = ringSum(ring, head, n, x, mean0);
    const q = ringSumSq(ring, head, n, x, mean0);
    this.shift = x;
    this.my = mean0 + d / n;
    this.m2 = q - (d * d) / n;
    this.errM2 = 0;
    this.errMean = 0;
    this.results.rebuilds += 1;
  }

  /** Push without validation (the batch path validates as it reads). */
  pushRaw(x: number): void {
    const ring = this.ring!;
    const w = this.window;
    const pos = this.pos;
    this.run = this.n > 0 && x === this.results.last ? this.run + 1 : 1;
    this.results.ema = this.total === 0 ? x : (1 - this.alpha) * this.results.ema + this.alpha * x;
    this.total += 1;
    if (this.n === 0) this.shift = x;
    const y = x - this.shift;
    if (this.n < w) {
      const n1 = this.n + 1;
      const d = y - this.my;
      const my = this.my + d / n1;
      const t = d * (y - my);
      this.m2 += t;
      this.errM2 += EPS * (Math.abs(this.m2) + 2 * Math.abs(t));
      this.errMean += EPS * (Math.abs(my) + Math.abs(d) / n1);
      this.my = my;
      this.n = n1;
    } else {
      const yo = ring[pos]! - this.shift;
      const d = y - yo;
      const my = this.my + d / w;
      const a = y - my,
        b = yo - this.my;
      this.m2 += d * (a + b);
      this.errM2 += EPS * (Math.abs(this.m2) + 2 * Math.abs(d) * (Math.abs(a) + Math.abs(b))) + 2 * this.errMean * Math.abs(d);
      this.errMean += EPS * (Math.abs(my) + Math.abs(d) / w);
      this.my = my;
      if (this.extrema && this.maxLen && this.maxQ[this.maxHead] === pos) {
        if (++this.maxHead === w) this.maxHead = 0;
        this.maxLen--;
      }
      if (this.extrema && this.minLen && this.minQ[this.minHead] === pos) {
        if (++this.minHead === w) this.minHead = 0;
        this.minLen--;
      }
    }
    ring[pos] = x;
    const maxQ = this.maxQ,
      minQ = this.minQ;
    if (this.extrema) {
      while (this.maxLen) {
        let back = this.maxHead + this.maxLen - 1;
        if (back >= w) back -= w;
        if (ring[maxQ[back]!]! > x) break;
        this.maxLen--;
      }
      let tail = this.maxHead + this.maxLen;
      if (tail >= w) tail -= w;
      maxQ[tail] = pos;
      this.maxLen++;
      while (this.minLen) {
        let back = this.minHead + this.minLen - 1;
        if (back >= w) back -= w;
        if (ring[minQ[back]!]! < x) break;
        this.minLen--;
      }
      tail = this.minHead + this.minLen;
      if (tail >= w) tail -= w;
      minQ[tail] = pos;
      this.minLen++;
    }
    this.pos = pos + 1 === w ? 0 : pos + 1;
    this.results.last = x;
    const n = this.n;
    this.results.count = n;
    const constant = this.run >= n;
    if (n > 1 && !constant) {
      const m2 = this.m2;
      if (!(m2 > 0) || this.errM2 > TOL * m2 || this.errMean * this.errMean * (n - 1) > TOL * TOL * m2) this.rebuild(x);
    }
    if (n < this.minPeriods) {
      this.results.mean = NaN;
      this.results.std = NaN;
      this.results.zscore = NaN;
      this.results.min = NaN;
      this.results.max = NaN;
      return;
    }
    if (this.extrema) {
      this.results.min = ring[minQ[this.minHead]!]!;
      this.results.max = ring[maxQ[this.maxHead]!]!;
    }
    if (constant) {
      this.results.mean = x;
      this.results.std = n > 1 ? 0 : NaN;
      this.results.zscore = NaN;
      return;
    }
    this.results.mean = this.shift + this.my;
    const std = Math.sqrt(Math.max(this.m2, 0) / (n - 1));
    this.results.std = std;
    this.results.zscore = std > 0 ? (x - this.shift - this.my) / std : NaN;
  }

  writeState(w: StateWriter): void {
    requireLive(this.ring, "RollingStats");
    requireStateWriter(w);
    const res = this.results;
    writeRollingStats(w, this, {
      ring: this.ring.subarray(0, this.n),
      pos: this.pos,
      run: this.run,
      total: this.total,
      ema: res.ema,
      last: res.last,
      rebuilds: res.rebuilds,
      shift: this.shift,
      my: this.my,
      m2: this.m2,
      errM2: this.errM2,
      errMean: this.errMean,
      mean: res.mean,
      std: res.std,
      zscore: res.zscore,
      min: res.min,
      max: res.max,
      maxHead: this.maxHead,
      maxQ: dequeOf(this.maxQ, this.maxHead, this.maxLen),
      minHead: this.minHead,
      minQ: dequeOf(this.minQ, this.minHead, this.minLen),
    });
  }

  readState(r: StateReader): void {
    requireLive(this.ring, "RollingStats");
    requireStateReader(r);
    const s = readRollingStats(r, this);
    this.ring.set(s.ring);
    this.n = s.ring.length;
    this.pos = s.pos;
    this.run = s.run;
    this.total = s.total;
    this.shift = s.shift;
    this.my = s.my;
    this.m2 = s.m2;
    this.errM2 = s.errM2;
    this.errMean = s.errMean;
    Object.assign(this.results, { mean: s.mean, std: s.std, zscore: s.zscore, min: s.min, max: s.max, ema: s.ema, last: s.last });
    this.results.count = this.n;
    this.results.rebuilds = s.rebuilds;
    this.maxHead = s.maxHead;
    this.maxLen = s.maxQ.length;
    this.minHead = s.minHead;
    this.minLen = s.minQ.length;
    for (let i = 0; i < s.maxQ.length; i++) this.maxQ[(s.maxHead + i) % this.window] = s.maxQ[i]!;
    for (let i = 0; i < s.minQ.length; i++) this.minQ[(s.minHead + i) % this.window] = s.minQ[i]!;
  }

  rank(): number {
    requireLive(this.ring, "RollingStats");
    if (this.n < this.minPeriods) return NaN;
    return percentileRank(this.ring, 0, this.n, this.results.last);
  }
}

/** The `len` entries of a circular deque from `head`, front first. */
function dequeOf(q: Int32Array, head: number, len: number): Int32Array {
  const out = new Int32Array(len);
  for (let i = 0; i < len; i++) out[i] = q[(head + i) % q.length]!;
  return out;
}

/** (count below x + (count equal + 1)/2) / n over values[from, from + n). */
function percentileRank(values: Float64Array, from: number, n: number, x: number): number {
  let less = 0,
    equal = 0;
  const end = from + n;
  for (let i = from; i < end; i++) {
    const v = values[i]!;
    if (v < x) less++;
    else if (v === x) equal++;
  }
  return (less + (equal + 1) * 0.5) / n;
}

export interface RollingOutputs {
  mean: Float64Array | null;
  std: Float64Array | null;
  zscore: Float64Array | null;
  min: Float64Array | null;
  max: Float64Array | null;
  rank: Float64Array | null;
}

/** Batch through a fresh window; returns the first non-finite index or −1. */
export function rollingStatsBatch(s: JsRollingStats, values: Float64Array, n: number, out: RollingOutputs): number {
  const w = s.window;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x - x !== 0) return i;
    s.pushRaw(x);
    if (out.mean) out.mean[i] = s.results.mean;
    if (out.std) out.std[i] = s.results.std;
    if (out.zscore) out.zscore[i] = s.results.zscore;
    if (out.min) out.min[i] = s.results.min;
    if (out.max) out.max[i] = s.results.max;
    if (out.rank) {
      const c = Math.min(i + 1, w);
      out.rank[i] = c >= s.minPeriods ? percentileRank(values, i + 1 - c, c, x) : NaN;
    }
  }
  return -1;
}
