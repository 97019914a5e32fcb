/**
 * Isotonic regression (pool-adjacent-violators): a worked example, and fast-check against the
 * max–min formula of the isotonic fit (Barlow et al. 1972, Theorem 1.4:
 * ŷ_i = max_{j ≤ i} min_{k ≥ i} Av(j..k), the weighted average of y over j..k), computed naively.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { isotonicBlocks, isotonicFit } from "../../src/fit/isotonic.js";
import { InvalidParameterError } from "../../src/errors.js";

function maxMin(y: number[], w: number[]): number[] {
  const av = (j: number, k: number): number => {
    let s = 0,
      t = 0;
    for (let i = j; i <= k; i++) {
      s += w[i]! * y[i]!;
      t += w[i]!;
    }
    return s / t;
  };
  return y.map((_, i) => {
    let best = -Infinity;
    for (let j = 0; j <= i; j++) {
      let low = Infinity;
      for (let k = i; k < y.length; k++) low = Math.min(low, av(j, k));
      best = Math.max(best, low);
    }
    return best;
  });
}

describe("isotonic regression", () => {
  test("a worked example: 1 3 2 4 3 5 pools the two violating pairs", () => {
    expect([...isotonicFit([1, 3, 2, 4, 3, 5])]).toEqual([1, 2.5, 2.5, 3.5, 3.5, 5]);
    expect(isotonicBlocks([1, 3, 2, 4, 3, 5]).map((b) => [b.start, b.end, b.weight])).toEqual([
      [0, 1, 1],
      [1, 3, 2],
      [3, 5, 2],
      [5, 6, 1],
    ]);
  });

  test("weights pull a pooled value towards the heavier input; a decreasing run pools whole", () => {
    expect([...isotonicFit([2, 0], [3, 1])]).toEqual([1.5, 1.5]);
    expect([...isotonicFit([5, 4, 3, 2, 1])]).toEqual([3, 3, 3, 3, 3]);
    expect([...isotonicFit([])]).toEqual([]);
  });

  test("equals the max–min formula, is non-decreasing, and keeps the weighted mean (fast-check)", () => {
    const input = fc
      .array(fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 40 })
      .map((pairs) => ({ y: pairs.map((p) => p[0] / 10), w: pairs.map((p) => p[1]) }));
    fc.assert(
      fc.property(input, ({ y, w }) => {
        const fit = [...isotonicFit(y, w)];
        const ref = maxMin(y, w);
        for (let i = 0; i < y.length; i++) expect(fit[i], `ŷ[${i}] vs max–min`).toBeCloseTo(ref[i]!, 10);
        for (let i = 1; i < y.length; i++) expect(fit[i]!, `non-decreasing at ${i}`).toBeGreaterThanOrEqual(fit[i - 1]!);
        const mean = (v: number[]): number => v.reduce((s, x, i) => s + x * w[i]!, 0);
        expect(mean(fit), "the weighted sum is kept").toBeCloseTo(mean(y), 9);
      }),
    );
  });

  test("bad input: typed errors naming the element", () => {
    expect(() => isotonicFit([1, Number.NaN])).toThrow(InvalidParameterError);
    expect(() => isotonicFit([1, 2], [1, 0])).toThrow("w[1] = 0");
    expect(() => isotonicFit([1, 2], [1])).toThrow(InvalidParameterError);
  });
});
