/**
 * Neumaier-compensated running sum (mirror of assembly/common/neumaier.ts): the
 * sliding windows add the newest value and subtract the evicted one without the
 * rounding errors piling up. Value = sum + compensation. `ops` and `mass` (operations
 * and their total magnitude since the last exact rebuild) bound what compensation
 * leaves: needsRebuild says when that bound could reach 2^-36 of the value.
 */
const EPS2 = 4.930380657631324e-32;
const TOL = 1.4551915228366852e-11; // 2^-36
export class NeumaierSum {
  sum = 0;
  comp = 0;
  ops = 0;
  mass = 0;

  add(x: number): void {
    this.ops += 1;
    this.mass += Math.abs(x);
    const s = this.sum;
    const t = s + x;
    if (Math.abs(s) >= Math.abs(x)) this.comp += s - t + x;
    else this.comp += x - t + s;
    this.sum = t;
  }

  /** Sets an exact value (after a rebuild) and clears the error budget. */
  set(x: number): void {
    this.sum = x;
    this.comp = 0;
    this.ops = 0;
    this.mass = 0;
  }

  /** See assembly/common/neumaier.ts: `scale` is the value for non-negative sums, Σ|x| for signed ones. */
  needsRebuild(scale: number): boolean {
    return 4 * this.ops * this.mass * EPS2 > TOL * scale;
  }

  get value(): number {
    return this.sum + this.comp;
  }
}
