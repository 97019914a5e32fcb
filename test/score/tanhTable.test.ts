/**
 * tanhApprox against tanh (the host's Math.tanh, within 2 ulp of the library's own tanh
 * the table is built from): the documented error bound holds on a dense sweep and on
 * random points, the bound is not loose, and the shape (odd, monotone, saturating) is
 * kept; the grid points are the library's tanh exactly.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { InvalidValueError } from "../../src/errors.js";
import { TANH_APPROX_MAX_ERROR, tanhApprox } from "../../src/score/tanhTable.js";
import { tanh } from "../../src/kernels/js/common/transcendental.js";

describe("tanhApprox", () => {
  test("a sweep of 1e6 + 1 points over [−10, 10] stays within TANH_APPROX_MAX_ERROR, and reaches half of it", () => {
    const n = 1_000_000;
    let worst = 0,
      at = 0;
    for (let k = 0; k <= n; k++) {
      const x = -10 + (20 * k) / n;
      const err = Math.abs(tanhApprox(x) - Math.tanh(x));
      if (err > worst) [worst, at] = [err, x];
    }
    expect(worst, `observed max error ${worst} at x = ${at}`).toBeLessThanOrEqual(TANH_APPROX_MAX_ERROR);
    expect(worst, `observed max error ${worst}: the documented bound ${TANH_APPROX_MAX_ERROR} is loose`).toBeGreaterThanOrEqual(
      0.5 * TANH_APPROX_MAX_ERROR,
    );
  });

  test("the bound is the interpolation remainder h²/8·max|tanh''| with h = 1/256", () => {
    // max|tanh''| = 4/(3√3) at x = atanh(1/√3); (1/256)²/8 = 1/524288
    const bound = (1 / 524288) * (4 / (3 * Math.sqrt(3)));
    expect(bound).toBeCloseTo(1.46828e-6, 10);
    expect(TANH_APPROX_MAX_ERROR, "the constant covers the bound and rounding").toBeGreaterThan(bound + 1e-15);
    expect(1 - Math.tanh(8), "the clamp at |x| ≥ 8 costs less than the bound").toBeLessThan(bound);
  });

  test("random points (property): within the bound, odd, in [−1, 1]", () => {
    const x = fc.oneof(
      fc.double({ min: -20, max: 20, noNaN: true }),
      fc.double({ noNaN: true }),
      fc.constantFrom(0, -0, 8, -8, 7.999999999999999, Number.MIN_VALUE, Number.MAX_VALUE, Infinity, -Infinity),
    );
    fc.assert(
      fc.property(x, (v) => {
        const y = tanhApprox(v);
        expect(Math.abs(y - Math.tanh(v)), `error at ${v}`).toBeLessThanOrEqual(TANH_APPROX_MAX_ERROR);
        expect(tanhApprox(-v) === -y, `odd at ${v}`).toBe(true);
        expect(Math.abs(y), `range at ${v}`).toBeLessThanOrEqual(1);
      }),
      { numRuns: 2000 },
    );
  });

  test("non-decreasing, exact at the grid points, saturated beyond 8", () => {
    let prev = -1;
    for (let x = -9; x <= 9; x += 1 / 1024) {
      const y = tanhApprox(x);
      expect(y, `monotone at ${x}`).toBeGreaterThanOrEqual(prev);
      prev = y;
    }
    expect(tanhApprox(0.5), "0.5 = 128/256 is a grid point: the library's tanh there").toBe(tanh(0.5));
    expect(tanhApprox(-3), "−3 is a grid point").toBe(-tanh(3));
    expect([tanhApprox(8), tanhApprox(1e300), tanhApprox(-Infinity)]).toEqual([1, 1, -1]);
  });

  test("NaN is an InvalidValueError", () => {
    expect(() => tanhApprox(NaN)).toThrow(InvalidValueError);
  });
});
