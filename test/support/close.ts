/** Comparison helpers whose failure messages say what differed and where. */
import { expect } from "vitest";

/** Bit-for-bit equality of two arrays (NaN equals NaN, +0 differs from −0). */
export function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${what}[${i}]: ${actual[i]} is not bit-identical to ${expected[i]}`);
    }
  }
}

/**
 * |actual − expected| ≤ rel·|expected| + abs + 1e-300, with NaN matching only NaN.
 * `abs` carries the conditioning floor of the quantity (see each caller); 1e-300
 * admits the loss of precision of subnormal arithmetic.
 */
export function expectClose(actual: number, expected: number, rel: number, abs: number, what: string): void {
  if (Number.isNaN(expected) || Number.isNaN(actual)) {
    if (!(Number.isNaN(expected) && Number.isNaN(actual))) expect.fail(`${what}: ${actual} vs expected ${expected} (NaN mismatch)`);
    return;
  }
  const err = Math.abs(actual - expected);
  const allowed = rel * Math.abs(expected) + abs + 1e-300;
  if (!(err <= allowed)) {
    expect.fail(`${what}: ${actual} vs expected ${expected} (error ${err}, allowed ${allowed})`);
  }
}

export function maxAbs(values: ArrayLike<number>, from = 0, to = values.length): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}
