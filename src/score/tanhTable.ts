/**
 * tanh from a precomputed table (the "L3 cache" of precomputed curves): the squashing
 * curve the normalizer puts z-scores through, read from memory instead of evaluated.
 *
 * To a trader: the same ±1 saturation as tanh — a score can lean hard but never leave
 * its range — at a fixed, documented cost in accuracy.
 *
 * The table holds tanh at 2049 points spaced 1/256 over [0, 8] (the same grid as a
 * 4097-point table over [−8, 8]), computed by the library's own tanh
 * (kernels/js/common/transcendental.ts, < 2 ulp) — never the host's Math.tanh, so the
 * table has the same bits on every JavaScript engine. Between points it interpolates
 * linearly, negative arguments are answered by odd symmetry (so tanhApprox(−x) =
 * −tanhApprox(x) exactly), and from |x| ≥ 8 on it returns ±1. Error bound, by the
 * linear-interpolation remainder h²/8 · max|tanh''| with h = 1/256 and max|tanh''| =
 * 4/(3√3) (at x = ±0.658): (1/256)²/8 · 0.769800… = 1.46828e-6, plus at most 5e-16 from
 * the table's 2 ulp and the interpolation's rounding; the clamp costs 1 − tanh(8) =
 * 2.25e-7. So |tanhApprox(x) − tanh(x)| ≤ 1.47e-6 everywhere.
 */
import { InvalidValueError } from "../errors.js";
import { tanh } from "../kernels/js/common/transcendental.js";

/** Upper bound of |tanhApprox(x) − tanh(x)| over all x (derivation above). */
export const TANH_APPROX_MAX_ERROR = 1.47e-6;

const STEPS_PER_UNIT = 256;
const LIMIT = 8;
const TABLE = Float64Array.from({ length: LIMIT * STEPS_PER_UNIT + 1 }, (_, i) => tanh(i / STEPS_PER_UNIT));

/** Table approximation of tanh; ±Infinity give ±1 as tanh does, NaN is an error. */
export function tanhApprox(x: number): number {
  const a = Math.abs(x);
  if (!(a < LIMIT)) {
    if (a !== a) throw new InvalidValueError("tanhApprox x", 0, x, "a number (not NaN)");
    return x > 0 ? 1 : -1;
  }
  const u = a * STEPS_PER_UNIT;
  const i = Math.floor(u);
  const lo = TABLE[i]!;
  const y = lo + (u - i) * (TABLE[i + 1]! - lo);
  return x < 0 ? -y : y;
}
