/**
 * EMA, pandas ewm(alpha, adjust=False).mean(); plain-JS twin of assembly/stats/ewm.ts.
 * Returns the index of the first non-finite value or −1.
 */
export function ewm(values: Float64Array, n: number, alpha: number, out: Float64Array): number {
  let y = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x - x !== 0) return i;
    y = i === 0 ? x : (1 - alpha) * y + alpha * x;
    out[i] = y;
  }
  return -1;
}
