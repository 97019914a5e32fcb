/**
 * The value checks every scoring and strategy input goes through (and the layers above
 * them), so a bad value is named the same way wherever it enters: a number of the
 * expected range, never a string coerced into one. They sit below every layer that uses
 * them (next to the error classes).
 */
import { ArgumentTypeError, InvalidValueError } from "./errors.js";

/**
 * What a value is, for a type error's message: "null", "a string", "a plain array",
 * "a Float32Array" (typed arrays by their constructor's name, which survives
 * minification; other objects are just objects).
 */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "a plain array";
  const noun = ArrayBuffer.isView(value) ? value.constructor.name : typeof value;
  return `${/^[aeio]/i.test(noun) ? "an" : "a"} ${noun}`; // "a Uint8Array": the u of these names is said "you"
}

function requireNumberType(what: string, value: number): void {
  if (typeof value !== "number") throw new ArgumentTypeError(what, kindOf(value), "a number");
}

/**
 * Throws unless `lo ≤ value ≤ hi` (NaN never passes; with hi = Infinity the value must
 * still be finite): ArgumentTypeError for a non-number, InvalidValueError out of range.
 * `index` names the element of an array input.
 */
export function requireInRange(what: string, value: number, lo: number, hi: number, index = 0): void {
  if (typeof value === "number" && value >= lo && value <= hi && value - value === 0) return;
  requireNumberType(what, value);
  const expected = hi !== Infinity ? `a number from ${lo} to ${hi}` : lo !== -Infinity ? `a finite number ≥ ${lo}` : "a finite number";
  throw new InvalidValueError(what, index, value, expected);
}

/** Throws unless `value` is a finite number > 0 (prices, sizes): ArgumentTypeError or InvalidValueError. */
export function requirePositive(what: string, value: number, index = 0): void {
  if (typeof value === "number" && value > 0 && value < Infinity) return;
  requireNumberType(what, value);
  throw new InvalidValueError(what, index, value, "a finite number > 0");
}
