/**
 * Input checks shared by both backends, so both reject the same inputs with the same
 * typed errors. Argument types are checked first and never coerced (a string is not a
 * number, 1 is not a boolean). Kernels do the bulk value checks inside their own pass
 * (the check value of assembly/common/check.ts); these helpers name the offending
 * element when that check says no.
 */
import { kindOf } from "../checks.js";
import {
  ArgumentTypeError,
  DisposedError,
  InvalidAlphaError,
  InvalidDepthError,
  InvalidParameterError,
  InvalidValueError,
  InvalidWindowError,
  LengthMismatchError,
  SumOverflowError,
} from "../errors.js";
import type { F64Input, U8Input } from "./types.js";
import { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

/** Largest window or capacity a streaming object accepts (16 Mi entries). */
export const MAX_WINDOW = 1 << 24;

const MAX = Number.MAX_VALUE;

export function requireLive<T>(state: T | null, what: string): asserts state is T {
  if (state === null) throw new DisposedError(what);
}

export { kindOf };

function wrongType(what: string, value: unknown, expected: string): never {
  throw new ArgumentTypeError(what, kindOf(value), expected);
}

/** Throws ArgumentTypeError unless `value` is a number (any number: ranges are checked after). */
export function requireNumber(what: string, value: number, expected = "a number"): void {
  if (typeof value !== "number") wrongType(what, value, expected);
}

export function requireBoolean(what: string, value: boolean): void {
  if (typeof value !== "boolean") wrongType(what, value, "a boolean (true or false)");
}

/** writeState's argument: a StateWriter (src/checkpoint/stateCodec.ts). */
export function requireStateWriter(w: StateWriter): void {
  if (!(w instanceof StateWriter)) wrongType("writeState writer", w, "a StateWriter");
}

/** readState's argument: a StateReader. */
export function requireStateReader(r: StateReader): void {
  if (!(r instanceof StateReader)) wrongType("readState reader", r, "a StateReader");
}

/** An options or output object: present, not null, not an array. */
export function requireObject(what: string, value: object): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) wrongType(what, value, "an object");
}

/** Optional options: undefined, or an object. */
export function requireOptions(what: string, value: object | undefined): void {
  if (value !== undefined) requireObject(what, value);
}

/** The typed array behind a kernel argument: the array itself, or the `array` of a buffer from allocFloat64/allocUint8. */
function arrayArg<T extends Float64Array | Uint8Array>(
  what: string,
  input: T | { readonly array: T },
  type: new (length: number) => T,
  expected: string,
): T {
  if (input instanceof type) return input;
  if (typeof input === "object" && input !== null && !ArrayBuffer.isView(input) && !Array.isArray(input)) {
    const array: unknown = input.array; // a freed buffer throws DisposedError here
    if (array instanceof type) return array;
  }
  return wrongType(what, input, expected);
}

/** The Float64Array behind a kernel argument: a Float64Array, or a Float64Buffer (DisposedError once freed). */
export function f64Arg(what: string, input: F64Input): Float64Array {
  return arrayArg(what, input, Float64Array, "a Float64Array or a Float64Buffer");
}

/** The Uint8Array behind a kernel argument: a Uint8Array, or a Uint8Buffer (DisposedError once freed). */
export function u8Arg(what: string, input: U8Input): Uint8Array {
  return arrayArg(what, input, Uint8Array, "a Uint8Array or a Uint8Buffer");
}

/** An optional output: null to skip it, else as f64Arg. */
export function f64OutArg(what: string, out: F64Input | null): Float64Array | null {
  if (out === null) return null;
  if (out === undefined) wrongType(what, out, "a Float64Array, a Float64Buffer or null");
  return f64Arg(what, out);
}

/** A list of numbers given as an array or a typed array (weights, level weights). */
export function requireNumberList(what: string, list: ArrayLike<number>): void {
  if (!(Array.isArray(list) || (ArrayBuffer.isView(list) && !(list instanceof DataView)))) {
    wrongType(what, list, "an array of numbers");
  }
}

/** An element count (buffer length): an integer ≥ 0. */
export function checkCount(what: string, count: number): void {
  requireNumber(what, count, "an integer ≥ 0");
  if (!(Number.isSafeInteger(count) && count >= 0)) throw new InvalidParameterError(what, count, "an integer ≥ 0");
}

export function checkWindow(window: number, capacity = MAX_WINDOW, what = "window"): void {
  requireNumber(what, window, `an integer from 1 to ${capacity}`);
  if (!Number.isInteger(window) || window < 1 || window > capacity) throw new InvalidWindowError(window, capacity);
}

export function checkMinPeriods(minPeriods: number, window: number): void {
  const expected = `an integer from 1 to the window (${window})`;
  requireNumber("minPeriods", minPeriods, expected);
  if (!Number.isInteger(minPeriods) || minPeriods < 1 || minPeriods > window) {
    throw new InvalidParameterError("minPeriods", minPeriods, expected);
  }
}

export function checkAlpha(alpha: number): void {
  requireNumber("alpha", alpha, "a number in (0, 1]");
  if (!(alpha > 0 && alpha <= 1)) throw new InvalidAlphaError(alpha);
}

export function checkDepth(depth: number, levels: number): void {
  requireNumber("depth", depth, `an integer from 1 to ${levels}`);
  if (!Number.isInteger(depth) || depth < 1 || depth > levels) throw new InvalidDepthError(depth, levels);
}

export function checkLength(what: string, expected: number, actual: number): void {
  if (actual !== expected) throw new LengthMismatchError(what, expected, actual);
}

/** A share of a mix (the depth's in the orderbook signal, the trades' in the orderflow one): a number in [0, 1]. */
export function checkShare(parameter: string, value: number): void {
  requireNumber(parameter, value, "a number in [0, 1]");
  if (!(value >= 0 && value <= 1)) throw new InvalidParameterError(parameter, value, "a number in [0, 1]");
}

export function checkPositiveFinite(parameter: string, value: number): void {
  requireNumber(parameter, value, "a finite number > 0");
  if (!(value > 0 && value < Infinity)) throw new InvalidParameterError(parameter, value, "a finite number > 0");
}

export function checkNonNegativeFinite(parameter: string, value: number): void {
  requireNumber(parameter, value, "a finite number ≥ 0");
  if (!(value >= 0 && value < Infinity)) throw new InvalidParameterError(parameter, value, "a finite number ≥ 0");
}

/** Throws for a value that is not a finite number (streaming pushes). */
export function requireFinite(what: string, value: number): void {
  requireNumber(what, value, "a finite number");
  if (value - value !== 0) throw new InvalidValueError(what, 0, value, "a finite number");
}

/** A trade pushed into a volume window: qty a finite number ≥ 0, buyerInitiated a boolean, time finite. */
export function checkTrade(qty: number, buyerInitiated: boolean, time: number): void {
  if (typeof qty !== "number" || !(qty >= 0 && qty <= MAX)) {
    requireNumber("trade qty", qty, "a finite number ≥ 0");
    throw new InvalidValueError("trade qty", 0, qty, qty - qty !== 0 ? "a finite number" : "a value ≥ 0");
  }
  if (typeof buyerInitiated !== "boolean") requireBoolean("buyerInitiated", buyerInitiated);
  if (typeof time !== "number" || time - time !== 0) requireFinite("trade time", time);
}

/** A best quote pushed into an order-flow window: four finite numbers ≥ 0. */
export function checkQuote(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
  if (
    typeof bidPx !== "number" ||
    typeof bidQty !== "number" ||
    typeof askPx !== "number" ||
    typeof askQty !== "number" ||
    !(bidPx >= 0 && bidPx <= MAX && bidQty >= 0 && bidQty <= MAX && askPx >= 0 && askPx <= MAX && askQty >= 0 && askQty <= MAX)
  )
    throwBadQuote(bidPx, bidQty, askPx, askQty);
}

/** The first element of the arrays that is not finite or is negative, as an error; null if none. */
function findFirstBad(arrays: ReadonlyArray<readonly [string, ArrayLike<number>]>, n: number): InvalidValueError | null {
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

/** The error for the first argument of a quote that is not a finite number ≥ 0. */
function throwBadQuote(bidPx: number, bidQty: number, askPx: number, askQty: number): never {
  requireNumber("bidPx", bidPx, "a finite number ≥ 0");
  requireNumber("bidQty", bidQty, "a finite number ≥ 0");
  requireNumber("askPx", askPx, "a finite number ≥ 0");
  requireNumber("askQty", askQty, "a finite number ≥ 0");
  throw findFirstBad(
    [
      ["bidPx", [bidPx]],
      ["bidQty", [bidQty]],
      ["askPx", [askPx]],
      ["askQty", [askQty]],
    ],
    1,
  )!;
}
