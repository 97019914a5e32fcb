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

/** A comma-separated list of distinct names out of `choices` (at least one). */
export function listOf<T extends string>(flag: string, choices: readonly T[]): (text: string) => T[] {
  const one = oneOf(flag, choices);
  return (text) => {
    const names = text.split(",").map((s) => one(s.trim()));
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new UsageError(`${flag} ${text}: ${twice} is named twice`);
    return names;
  };
}

/** A market symbol as exchanges spell them: letters, digits and _ . : / - (1 to 64). */
export function symbolName(flag: string): (text: string) => string {
  return (text) => {
    if (!/^[A-Za-z0-9_.:/-]{1,64}$/.test(text))
      throw new UsageError(`${flag} ${text}: expected a symbol like BTCUSDT (letters, digits and _ . : / -, at most 64)`);
    return text;
  };
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One duration with its unit (`500ms`, `30s`, `5m`, `2h`), > 0 and at most `maxMs`, as ms. */
export function duration(flag: string, maxMs: number): (text: string) => number {
  return (text) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
    const ms = m ? Number(m[1]) * UNIT_MS[m[2]!]! : Number.NaN;
    if (!(ms > 0 && ms <= maxMs))
      throw new UsageError(`${flag} ${text}: expected a duration like 500ms, 30s, 5m or 2h (> 0, at most ${maxMs / 3_600_000}h)`);
    return ms;
  };
}

/** A comma-separated list of durations with units (`100ms,1s,5s,30s`; ms, s or m), each > 0 and at most an hour, as ms. */
export function durationList(flag: string): (text: string) => number[] {
  return (text) => {
    const fail = (why: string): never => {
      throw new UsageError(`${flag} ${text}: ${why}: expected durations like 100ms,1s,5s,30s (ms, s or m; each > 0 and at most 1h)`);
    };
    const values = text.split(",").map((part) => {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(part.trim()); // no hours: a horizon is at most 1h
      if (!m) return fail(`'${part}' is not a duration`);
      const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
      if (!(ms > 0 && ms <= 3_600_000)) return fail(`'${part}' is out of range`);
      return ms;
    });
    if (new Set(values).size !== values.length) fail("a horizon is given twice");
    return values;
  };
}
