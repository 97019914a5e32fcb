/**
 * Neumaier-compensated running sum kept at a pointer as four f64:
 * [sum, compensation, operations, magnitude] (the last two since the last rebuild).
 *
 * Sliding windows add the newest value and subtract the evicted one; with a plain
 * running sum the rounding errors of those subtractions accumulate without bound.
 * Compensation keeps the error within 2ε·|sum| + k·ε²·M after k operations whose
 * magnitudes total M (Higham, Accuracy and Stability of Numerical Algorithms, §4.3).
 * The windows track k and M and rebuild the sum from their ring (a fresh compensated
 * pass, oldest first, which keeps its own residual and budget) when the second term
 * could exceed 2^-36 of the sum's scale, so a large value leaving the window cannot
 * leave its rounding behind in a small total.
 * Value = sum + compensation.
 */
const EPS2: f64 = 4.930380657631324e-32; // ε²
const TOL: f64 = 1.4551915228366852e-11; // 2^-36

/**
 * True when the operations since the last rebuild may have cost 2^-36 of `scale`:
 * the value itself for sums of non-negative values, Σ|x| over the window (the sum's
 * condition) for signed ones.
 */
// @ts-ignore: decorator
@inline export function neumaierNeedsRebuild(p: usize, scale: f64): bool {
  return 4 * load<f64>(p, 16) * load<f64>(p, 24) * EPS2 > TOL * scale;
}

// @ts-ignore: decorator
@inline export function neumaierAdd(p: usize, x: f64): void {
  store<f64>(p, load<f64>(p, 16) + 1, 16);
  store<f64>(p, load<f64>(p, 24) + abs(x), 24);
  const s = load<f64>(p);
  const t = s + x;
  let c = load<f64>(p, 8);
  if (abs(s) >= abs(x)) c += (s - t) + x;
  else c += (x - t) + s;
  store<f64>(p, t);
  store<f64>(p, c, 8);
}

// @ts-ignore: decorator
@inline export function neumaierValue(p: usize): f64 {
  return load<f64>(p) + load<f64>(p, 8);
}

// @ts-ignore: decorator
/** Sets an exact value (after a rebuild) and clears the error budget. */
// @ts-ignore: decorator
@inline export function neumaierSet(p: usize, x: f64): void {
  store<f64>(p, x);
  store<f64>(p, 0.0, 8);
  store<f64>(p, 0.0, 16);
  store<f64>(p, 0.0, 24);
}

