/**
 * Loaded with `node --import` before the library: replaces the host's Math.exp, log, pow,
 * tanh and every other transcendental by a version one ulp off (the next double away
 * from zero of the engine's result), as a different JavaScript engine or version might
 * answer. test/kernels/hostMathIndependence.test.ts replays a capture under it: if any
 * score depended on a host transcendental, the updates would change.
 */
import { HOST_TRANSCENDENTALS as NAMES } from "./transcendentalNames.mjs";

const f64 = new Float64Array(1);
const bits = new BigInt64Array(f64.buffer);

/** The next double away from zero (±0 → ±MIN_VALUE); NaN and ±Infinity unchanged. */
function nudge(y) {
  if (y !== y || y === Infinity || y === -Infinity) return y;
  if (y === 0) return Object.is(y, -0) ? -Number.MIN_VALUE : Number.MIN_VALUE;
  f64[0] = y;
  bits[0] += 1n;
  return f64[0];
}

for (const name of NAMES) {
  const original = Math[name];
  Math[name] = (...args) => nudge(original(...args));
}
