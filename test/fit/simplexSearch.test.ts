/**
 * The simplex search: it finds the known maximum of smooth and of piecewise-constant objectives,
 * its weights are always a point of the simplex, frozen coordinates stay 0, and it is
 * deterministic.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { maximizeOnSimplex } from "../../src/fit/simplexSearch.js";
import { InvalidParameterError } from "../../src/errors.js";

const onSimplex = (w: Float64Array): void => {
  for (const x of w) expect(x).toBeGreaterThanOrEqual(0);
  expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
};

describe("maximizeOnSimplex", () => {
  test("a concave objective: the maximum of −|w − target|² is the target (any target on the simplex, fast-check)", () => {
    const target = fc.array(fc.integer({ min: 0, max: 16 }), { minLength: 2, maxLength: 6 }).filter((a) => a.some((x) => x > 0));
    fc.assert(
      fc.property(target, (raw) => {
        const sum = raw.reduce((s, x) => s + x, 0);
        const t = raw.map((x) => x / sum);
        const r = maximizeOnSimplex((w) => -w.reduce((s, x, i) => s + (x - t[i]!) ** 2, 0), t.length, { minStep: 1 / 512 });
        onSimplex(r.weights);
        for (let i = 0; i < t.length; i++) expect(Math.abs(r.weights[i]! - t[i]!), `w[${i}] vs ${t[i]}`).toBeLessThan(0.02);
      }),
      { numRuns: 60 },
    );
  });

  test("a piecewise-constant objective with one best vertex finds that vertex", () => {
    // a rank-like objective: the count of thresholds the dominant coordinate passes
    const r = maximizeOnSimplex((w) => Math.floor(w[2]! * 10), 4);
    expect(r.weights[2]).toBe(1);
    onSimplex(r.weights);
  });

  test("frozen coordinates stay 0; NaN counts as worst; deterministic", () => {
    const objective = (w: Float64Array): number => (w[0]! > 0.9 ? Number.NaN : w[0]! + 0.5 * w[1]!);
    const a = maximizeOnSimplex(objective, 3, { frozen: [false, false, true] });
    const b = maximizeOnSimplex(objective, 3, { frozen: [false, false, true] });
    expect(a).toEqual(b);
    expect(a.weights[2]).toBe(0);
    expect(a.weights[0]!, "the NaN region (w0 > 0.9) is never chosen").toBeLessThanOrEqual(0.9);
    expect(a.weights[0]!).toBeGreaterThan(0.85);
  });

  test("bounded by maxEvaluations; typed errors for bad options", () => {
    let calls = 0;
    const r = maximizeOnSimplex(
      (w) => {
        calls++;
        return -Math.abs(w[0]! - 0.3);
      },
      5,
      { maxEvaluations: 50 },
    );
    expect(calls).toBeLessThanOrEqual(50);
    expect(r.evaluations).toBe(calls);
    expect(() => maximizeOnSimplex(() => 0, 0)).toThrow(InvalidParameterError);
    expect(() => maximizeOnSimplex(() => 0, 2, { frozen: [true, true] })).toThrow(InvalidParameterError);
    expect(() => maximizeOnSimplex(() => 0, 2, { minStep: 0 })).toThrow(InvalidParameterError);
  });
});
