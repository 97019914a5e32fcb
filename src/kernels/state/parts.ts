/**
 * Pieces shared by the kernels' checkpoint parts (src/checkpoint/stateCodec.ts): a size the
 * reading object's configuration must match, a ring filled from position 0, and a list of named
 * f64 fields written in order — each checked on read so that a checkpoint of another
 * configuration, or one whose positions would fall outside the object's memory, is a
 * CheckpointError.
 */
import type { StateReader, StateWriter } from "../../checkpoint/stateCodec.js";

/** Reads a u32 that must equal this object's `expected` (a window length, a capacity, a depth). */
export function readSize(r: StateReader, what: string, expected: number): number {
  const got = r.u32();
  if (got !== expected) throw r.fail(`${what} of ${got} where this object has ${expected}`);
  return got;
}

/** A ring of `window` slots filled from slot 0: the n values it holds (slots 0…n−1) and the next slot. */
export function writeRing(w: StateWriter, values: Float64Array, pos: number): void {
  w.f64s(values);
  w.u32(pos);
}

/** Reads what writeRing wrote for a ring of `window` slots: the next slot is n while it fills, any slot once full. */
export function readRing(r: StateReader, window: number, what: string): { values: Float64Array; pos: number } {
  const values = r.f64s(window);
  const n = values.length;
  const pos = r.u32In(`${what} ring position`, n < window ? n : 0, n < window ? n : window - 1);
  return { values, pos };
}

/** The f64 fields `keys` of `s`, in that order. */
export function writeFloats<K extends string>(w: StateWriter, s: Readonly<Record<K, number>>, keys: readonly K[]): void {
  for (const k of keys) w.f64(s[k]);
}

/** Reads what writeFloats wrote. */
export function readFloats<K extends string>(r: StateReader, keys: readonly K[]): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = r.f64();
  return out;
}

/** A Neumaier-compensated sum's state (common/neumaier.ts): sum, compensation and the error budget since the last rebuild. */
export interface NeumaierState {
  sum: number;
  comp: number;
  ops: number;
  mass: number;
}

/** NeumaierState's fields in the order written, which is also the order of the four f64 in linear memory. */
export const NEUMAIER_FIELDS = ["sum", "comp", "ops", "mass"] as const;
