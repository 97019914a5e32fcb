/**
 * A seeded generator and a hash shared with the AssemblyScript specs (assembly/__tests__/
 * helpers.ts has the same two classes): a JS test and its as-pect twin drive the JS and the
 * AssemblyScript implementation through the same sequence of operations and fold every
 * answer into one 32-bit hash, so the two files can pin the same constant.
 */

/** xorshift32 (Marsaglia 2003): the same sequence of 32-bit words in both languages. */
export class XorShift32 {
  constructor(private x: number) {}
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x >>> 0;
    return this.x;
  }
}

/** FNV-1a over the two 32-bit words of each double (low word first, as linear memory lays it out): folds bits, so −0 and NaN payloads count. */
export class Fold {
  h = 2166136261;
  private readonly f = new Float64Array(1);
  private readonly u = new Uint32Array(this.f.buffer);
  add(x: number): void {
    this.f[0] = x;
    this.h = Math.imul(this.h ^ this.u[0]!, 16777619) >>> 0;
    this.h = Math.imul(this.h ^ this.u[1]!, 16777619) >>> 0;
  }
}
