/**
 * Exponentially weighted moving average, pandas `ewm(alpha=α, adjust=False).mean()`:
 *   y0 = x0,  y_t = (1 − α)·y_{t−1} + α·x_t.
 * α = 2/(span + 1) gives the trader's "N-period EMA". Serial by nature (each value
 * depends on the previous), so there is nothing for SIMD here.
 *
 * Returns the index of the first non-finite value (nothing after it is written) or −1.
 */
export function ewm(values: usize, n: i32, alpha: f64, out: usize): i32 {
  let y: f64 = 0;
  for (let i: i32 = 0; i < n; i++) {
    const o = <usize>i << 3;
    const x = load<f64>(values + o);
    if (x - x != 0) return i;
    y = i == 0 ? x : (1 - alpha) * y + alpha * x;
    store<f64>(out + o, y);
  }
  return -1;
}
