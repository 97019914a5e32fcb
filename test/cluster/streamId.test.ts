/** Stream entry ids are ordered exactly, as Redis orders them — also past 2^53, where doubles would round. */
import { expect, test } from "vitest";
import fc from "fast-check";
import { compareStreamIds } from "../../src/cluster/streamId.js";

test("ids order by milliseconds, then sequence, as unsigned integers of any size", () => {
  expect(compareStreamIds("1-0", "1-0")).toBe(0);
  expect(compareStreamIds("1-1", "1-0")).toBe(1);
  expect(compareStreamIds("9-5", "10-0"), "9 < 10 although '9' > '1' as text").toBe(-1);
  expect(compareStreamIds("18446744073709551615-1", "18446744073709551615-0"), "differs only past 2^53").toBe(1);
  expect(compareStreamIds("9007199254740993-0", "9007199254740992-0"), "2^53 + 1 vs 2^53: equal as doubles").toBe(1);
});

test("agrees with BigInt comparison on random ids", () => {
  const id = fc.tuple(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
  fc.assert(
    fc.property(id, id, ([am, as], [bm, bs]) => {
      const expected = am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
      expect(compareStreamIds(`${am}-${as}`, `${bm}-${bs}`), `${am}-${as} vs ${bm}-${bs}`).toBe(expected);
    }),
  );
});
