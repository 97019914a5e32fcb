/**
 * Kernels.levelsInBounds, the level check a batch's depth diff gets where it lies: on every
 * backend the event validator's verdict (src/feeds/validate.ts validPrice/validQty, the
 * reference) on every pair, at and one ulp either side of each bound, on random pairs, in
 * linear memory in place (a view of the module's memory) and copied in.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { LIMITS, validPrice, validQty } from "../../src/feeds/validate.js";
import { backends } from "../support/backends.js";

const next = (x: number, up: boolean): number => {
  const b = new Float64Array([x]),
    i = new BigInt64Array(b.buffer);
  i[0] = i[0]! + (up === x >= 0 ? 1n : -1n);
  return b[0]!;
};
const EDGES = [LIMITS.minPrice, LIMITS.maxPrice, LIMITS.minQty, LIMITS.maxQty].flatMap((x) => [next(x, false), x, next(x, true)]);
const SPECIAL = [0, -0, Number.NaN, Infinity, -Infinity, -1, 1, 5e-324, Number.MAX_VALUE, ...EDGES];

/** The reference: every pair valid by the validator's own predicates. */
function reference(values: Float64Array, from: number, count: number): boolean {
  for (let i = from; i < from + count; i += 2) if (!(validPrice(values[i]!) && validQty(values[i + 1]!))) return false;
  return true;
}

describe.each(backends.map((k) => [k.backend, k] as const))("levelsInBounds on %s", (_name, k) => {
  test("every pair of special values, alone and after valid ones", () => {
    for (const p of SPECIAL)
      for (const q of SPECIAL) {
        const values = new Float64Array([100, 1, 101, 0, p, q, 102, 2]);
        expect(k.levelsInBounds(values, 4, 2), `${p}, ${q}`).toBe(validPrice(p) && validQty(q));
        expect(k.levelsInBounds(values, 0, 8), `${p}, ${q} third`).toBe(validPrice(p) && validQty(q));
        expect(k.levelsInBounds(values, 0, 4)).toBe(true);
      }
  });

  test("random levels, plain arrays and views of the kernels' memory: the validator's verdict", () => {
    const value = fc.oneof(fc.constantFrom(...SPECIAL), fc.double(), fc.double({ min: 1e-13, max: 1e16, noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 64 }), fc.nat(), fc.nat(), fc.boolean(), (list, a, b, inMemory) => {
        const n = list.length;
        const from = n === 0 ? 0 : a % (n + 1);
        const count = 2 * Math.floor((n - from === 0 ? 0 : b % (n - from + 1)) / 2);
        const buffer = inMemory ? k.allocFloat64(Math.max(1, n)) : null;
        const values = buffer ? buffer.array.subarray(0, n) : new Float64Array(n);
        values.set(list);
        expect(k.levelsInBounds(values, from, count)).toBe(reference(values, from, count));
        buffer?.free();
      }),
      { numRuns: 2000 },
    );
  });
});
