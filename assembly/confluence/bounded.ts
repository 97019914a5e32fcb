/**
 * The three bounded maps the confluence core builds its signals from: squash (odd,
 * monotone, any real into (−1, 1), so one extreme feature cannot swamp the others),
 * agree (how close two readings in [−1, 1] are, 1 when equal) and clamp. The JS twin
 * is src/kernels/js/confluence/bounded.ts.
 */

/** x/(1 + |x|). */
// @ts-ignore: decorator
@inline export function squash(x: f64): f64 {
  return x / (1 + abs(x));
}

/** 1 − |a − b|/2, never below 0 (a reading a rounding error outside [−1, 1] cannot make it negative). */
// @ts-ignore: decorator
@inline export function agree(a: f64, b: f64): f64 {
  const d = 1 - abs(a - b) * 0.5;
  return d < 0 ? 0 : d;
}

// @ts-ignore: decorator
@inline export function clamp(x: f64, lo: f64, hi: f64): f64 {
  return x < lo ? lo : x > hi ? hi : x;
}
