/**
 * RecentIds' slot: `slotOf(id, size)` is `id % size` for every id the validator lets through
 * (integers in [0, 2^53)) and every size, edge cases first (multiples of the size and their
 * neighbours, the top of the range), then at random (fast-check).
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { RecentIds, slotOf } from "../../src/book/recentIds.js";

const MAX = Number.MAX_SAFE_INTEGER;

describe("slotOf", () => {
  test("is id % size at the edges: 0, multiples of the size and their neighbours, the top of the id range", () => {
    for (const size of [1, 2, 3, 7, 64, 100, 256, 1000, 65_537, 2 ** 20, 2 ** 31 - 1, 2 ** 40 + 3]) {
      const ids = [0, 1, size - 1, size, size + 1, MAX, MAX - 1, MAX - size, MAX - size + 1, MAX - size - 1];
      for (let k = 1; k < 2 ** 53 / size; k *= 3.7) {
        const m = Math.floor(k) * size;
        ids.push(m - 1, m, m + 1);
      }
      for (const id of ids.filter((x) => x >= 0 && x <= MAX)) expect(slotOf(id, size), `${id} % ${size}`).toBe(id % size);
    }
  });

  test("is id % size at random (fast-check)", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: 2 ** 31 }), (id, size) => slotOf(id, size) === id % size),
      { numRuns: 20_000 },
    );
    // ids of the magnitude exchanges use (Binance update ids are past 10^10), quotients near integers
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 21 }),
        fc.integer({ min: 1, max: 4096 }),
        fc.integer({ min: -2, max: 2 }),
        (q, size, d) => {
          const id = q * size * 1_000 + d;
          return id < 0 || slotOf(id, size) === id % size;
        },
      ),
      { numRuns: 20_000 },
    );
  });

  test("RecentIds remembers the last `size` consecutive ids past 2^31 and forgets the one they displace", () => {
    const r = new RecentIds(64);
    const base = 48_123_456_789;
    for (let i = 0; i < 64; i++) r.add(base + i);
    for (let i = 0; i < 64; i++) expect(r.has(base + i)).toBe(true);
    r.add(base + 64);
    expect(r.has(base), "displaced by the id 64 later").toBe(false);
    expect(r.has(base + 64 + 64), "never seen").toBe(false);
  });
});
