/**
 * Latency histogram without allocation on the record path: log-linear buckets, 16 per
 * power of two (≤ 6.25 % relative width), from 1 ns to 2³¹ ns; the exact maximum is
 * kept. Percentiles report the upper edge of the bucket holding the rank, so they
 * overstate by at most one bucket width, never understate.
 */
const SUB = 16;
const OCTAVES = 32;

export class LatencyHistogram {
  private readonly counts = new Float64Array(OCTAVES * SUB);
  count = 0;
  max = 0;
  total = 0;

  /** Records one duration in ns (values < 1 count as 1). */
  record(ns: number): void {
    const v = ns < 1 ? 1 : ns > 2 ** 31 - 1 ? 2 ** 31 - 1 : Math.floor(ns);
    const octave = 31 - Math.clz32(v);
    const sub = octave >= 4 ? (v >>> (octave - 4)) & (SUB - 1) : (v << (4 - octave)) & (SUB - 1);
    this.counts[octave * SUB + sub]!++;
    this.count++;
    this.total += ns;
    if (ns > this.max) this.max = ns;
  }

  /** The upper edge of the bucket holding quantile q (0 < q ≤ 1), in ns; 0 when empty. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) {
        const octave = Math.floor(b / SUB),
          sub = b % SUB;
        const upper = (SUB + sub + 1) * 2 ** (octave - 4);
        return Math.min(upper, this.max);
      }
    }
    return this.max;
  }

  merge(other: LatencyHistogram): void {
    for (let b = 0; b < this.counts.length; b++) this.counts[b]! += other.counts[b]!;
    this.count += other.count;
    this.total += other.total;
    if (other.max > this.max) this.max = other.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
    this.total = 0;
  }
}
