/**
 * Parsers for flag values, given to commander as an option's argParser: each turns the
 * text into the value or throws a UsageError that names the flag, the value and what was
 * expected (`--workers 0: expected an integer from 1 to 256`) — never a coerced value.
 */
import { UsageError } from "./usageError.js";

/** An integer in [min, max], written in decimal digits. */
export function integerIn(flag: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const v = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(v >= min && v <= max)) throw new UsageError(`${flag} ${text}: expected an integer from ${min} to ${max}`);
    return v;
  };
}

/** One of a fixed list of words. */
export function oneOf<T extends string>(flag: string, choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new UsageError(
        `${flag} ${text}: expected ${choices.slice(0, -1).join(", ")}${choices.length > 1 ? " or " : ""}${choices.at(-1)}`,
      );
    }
    return text as T;
  };
}
