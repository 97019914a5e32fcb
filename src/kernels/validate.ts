/**
 * Input checks shared by both backends, so both reject the same inputs with the same
 * typed errors. Kernels do the bulk value checks inside their own pass (the check
 * value of assembly/common/check.ts); these helpers name the offending element when
 * that check says no.
 */
import {
  DisposedError, EmptyInputError, InvalidAlphaError, InvalidDepthError, InvalidParameterError, InvalidValueError,
  InvalidWindowError, LengthMismatchError, SumOverflowError,
} from "../errors.js";

/** Largest window or capacity a streaming object accepts (16 Mi entries). */
export const MAX_WINDOW = 1 << 24;

export function requireLive<T>(state: T | null, what: string): asserts state is T {
  if (state === null) throw new DisposedError(what);
}

export function checkWindow(window: number, capacity = MAX_WINDOW): void {
  if (!Number.isInteger(window) || window < 1 || window > capacity) throw new InvalidWindowError(window, capacity);
}

export function checkMinPeriods(minPeriods: number, window: number): void {
  if (!Number.isInteger(minPeriods) || minPeriods < 1 || minPeriods > window) {
    throw new InvalidParameterError("minPeriods", minPeriods, `an integer from 1 to the window (${window})`);
  }
}

export function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha <= 1)) throw new InvalidAlphaError(alpha);
}

export function checkDepth(depth: number, levels: number): void {
  if (!Number.isInteger(depth) || depth < 1 || depth > levels) throw new InvalidDepthError(depth, levels);
}

export function checkNonEmpty(what: string, length: number): void {
  if (length === 0) throw new EmptyInputError(what);
}

export function checkLength(what: string, expected: number, actual: number): void {
  if (actual !== expected) throw new LengthMismatchError(what, expected, actual);
}

export function checkPositiveFinite(parameter: string, value: number): void {
  if (!(value > 0 && value < Infinity)) throw new InvalidParameterError(parameter, value, "a finite number > 0");
}

export function checkNonNegativeFinite(parameter: string, value: number): void {
  if (!(value >= 0 && value < Infinity)) throw new InvalidParameterError(parameter, value, "a finite number ≥ 0");
}

/** Throws for a value that is not finite (streaming pushes). */
export function requireFinite(what: string, value: number): void {
  if (value - value !== 0) throw new InvalidValueError(what, 0, value, "a finite number");
}

/** The first element of the arrays that is not finite or is negative, as an error; null if none. */
export function findFirstBad(arrays: ReadonlyArray<readonly [string, ArrayLike<number>]>, n: number): InvalidValueError | null {
  for (let i = 0; i < n; i++) {
    for (const [what, a] of arrays) {
      const v = a[i]!;
      if (v - v !== 0) return new InvalidValueError(what, i, v, "a finite number");
      if (v < 0) return new InvalidValueError(what, i, v, "a value ≥ 0");
    }
  }
  return null;
}

/**
 * Acts on a kernel's check value (assembly/common/check.ts): 0 passes; otherwise the
 * first bad element is named, or — with none — a NaN check means a sum overflowed
 * (rejected) and −1 means only −0 values were seen (accepted).
 */
export function acceptCheck(check: number, arrays: ReadonlyArray<readonly [string, ArrayLike<number>]>, n: number): void {
  if (check === 0) return;
  const bad = findFirstBad(arrays, n);
  if (bad) throw bad;
  if (check !== check) throw new SumOverflowError(arrays.map(([w]) => w).join("/"));
}

/** Throws for the first non-finite element (rolling inputs). */
export function throwNotFinite(what: string, values: ArrayLike<number>, index: number): never {
  throw new InvalidValueError(what, index, values[index]!, "a finite number");
}

export function throwBadQuote(bidPx: number, bidQty: number, askPx: number, askQty: number): never {
  throw findFirstBad([["bidPx", [bidPx]], ["bidQty", [bidQty]], ["askPx", [askPx]], ["askQty", [askQty]]], 1)!;
}
