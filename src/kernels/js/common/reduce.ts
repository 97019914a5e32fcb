/**
 * Canonical sums over a ring buffer in logical order (mirror of
 * assembly/common/reduce.ts): element j goes to accumulator j mod 4, the result is
 * (a0 + a2) + (a1 + a3), so exact rebuilds are bit-identical on every backend.
 */

/** Σ ((ring[j] − s1) − s2) over n values starting at head. */
export function ringSum(ring: Float64Array, head: number, n: number, s1: number, s2: number): number {
  const cap = ring.length;
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0;
  let idx = head;
  for (let j = 0; j < n; j++) {
    const v = ring[idx]! - s1 - s2;
    switch (j & 3) {
      case 0:
        a0 += v;
        break;
      case 1:
        a1 += v;
        break;
      case 2:
        a2 += v;
        break;
      default:
        a3 += v;
    }
    if (++idx === cap) idx = 0;
  }
  return a0 + a2 + (a1 + a3);
}

/** Σ ((ring[j] − s1) − s2)². */
export function ringSumSq(ring: Float64Array, head: number, n: number, s1: number, s2: number): number {
  const cap = ring.length;
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0;
  let idx = head;
  for (let j = 0; j < n; j++) {
    const v = ring[idx]! - s1 - s2;
    const s = v * v;
    switch (j & 3) {
      case 0:
        a0 += s;
        break;
      case 1:
        a1 += s;
        break;
      case 2:
        a2 += s;
        break;
      default:
        a3 += s;
    }
    if (++idx === cap) idx = 0;
  }
  return a0 + a2 + (a1 + a3);
}

/** Σ ((x[j] − kx) − mx)·((y[j] − ky) − my) over two rings with the same geometry. */
export function ringSumProd(
  x: Float64Array,
  y: Float64Array,
  head: number,
  n: number,
  kx: number,
  mx: number,
  ky: number,
  my: number,
): number {
  const cap = x.length;
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0;
  let idx = head;
  for (let j = 0; j < n; j++) {
    const s = (x[idx]! - kx - mx) * (y[idx]! - ky - my);
    switch (j & 3) {
      case 0:
        a0 += s;
        break;
      case 1:
        a1 += s;
        break;
      case 2:
        a2 += s;
        break;
      default:
        a3 += s;
    }
    if (++idx === cap) idx = 0;
  }
  return a0 + a2 + (a1 + a3);
}
