/**
 * Canonical sums over a ring buffer in logical order (oldest first).
 *
 * Element j (logical index) goes to accumulator j mod 4; the result is
 * (a0 + a2) + (a1 + a3). The JS twin sums in the same order, so exact rebuilds of
 * a window's state are bit-identical on every backend.
 */

/** Σ ((ring[j] − s1) − s2) in canonical order. */
export function ringSum(ring: usize, cap: i32, head: i32, n: i32, s1: f64, s2: f64): f64 {
  let a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0;
  let idx = head;
  for (let j: i32 = 0; j < n; j++) {
    const v = (load<f64>(ring + (<usize>idx << 3)) - s1) - s2;
    switch (j & 3) {
      case 0: a0 += v; break;
      case 1: a1 += v; break;
      case 2: a2 += v; break;
      default: a3 += v;
    }
    if (++idx == cap) idx = 0;
  }
  return (a0 + a2) + (a1 + a3);
}

/** Σ ((ring[j] − s1) − s2)² in canonical order. */
export function ringSumSq(ring: usize, cap: i32, head: i32, n: i32, s1: f64, s2: f64): f64 {
  let a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0;
  let idx = head;
  for (let j: i32 = 0; j < n; j++) {
    const v = (load<f64>(ring + (<usize>idx << 3)) - s1) - s2;
    const s = v * v;
    switch (j & 3) {
      case 0: a0 += s; break;
      case 1: a1 += s; break;
      case 2: a2 += s; break;
      default: a3 += s;
    }
    if (++idx == cap) idx = 0;
  }
  return (a0 + a2) + (a1 + a3);
}

/** Σ ((x[j] − kx) − mx)·((y[j] − ky) − my) over two rings with the same geometry. */
export function ringSumProd(x: usize, y: usize, cap: i32, head: i32, n: i32, kx: f64, mx: f64, ky: f64, my: f64): f64 {
  let a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0;
  let idx = head;
  for (let j: i32 = 0; j < n; j++) {
    const o = <usize>idx << 3;
    const s = ((load<f64>(x + o) - kx) - mx) * ((load<f64>(y + o) - ky) - my);
    switch (j & 3) {
      case 0: a0 += s; break;
      case 1: a1 += s; break;
      case 2: a2 += s; break;
      default: a3 += s;
    }
    if (++idx == cap) idx = 0;
  }
  return (a0 + a2) + (a1 + a3);
}
