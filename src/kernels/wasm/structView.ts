/**
 * Field access to an AssemblyScript `@unmanaged` class in linear memory from TypeScript, for
 * checkpoints (src/checkpoint/stateCodec.ts): the TS wrapper reads and writes a window's state
 * where the kernel keeps it, so the module needs no export per field. `structLayout` lays the
 * fields out as asc does — in declaration order, each aligned to its own size (f64 8 bytes, i32
 * and usize 4 on wasm32) — so the field list must copy the class's, name for name.
 */
import type { WasmModule } from "../../wasm/module.js";
import { NEUMAIER_FIELDS, type NeumaierState } from "../state/parts.js";

export type FieldType = "f64" | "i32" | "usize";

const SIZE: Readonly<Record<FieldType, number>> = { f64: 8, i32: 4, usize: 4 };

/** Byte offset of each field of a class declared with these fields in this order. */
export function structLayout<const F extends Readonly<Record<string, FieldType>>>(fields: F): { readonly [K in keyof F]: number } {
  const offsets: Record<string, number> = {};
  let at = 0;
  for (const [name, type] of Object.entries(fields)) {
    const size = SIZE[type];
    at = (at + size - 1) & ~(size - 1);
    offsets[name] = at;
    at += size;
  }
  return offsets as { readonly [K in keyof F]: number };
}

/** Reads and writes fields of the struct at `ptr` (views made at construction: make one per checkpoint, after any allocation). */
export class StructView {
  private readonly view: DataView;

  constructor(
    readonly mod: WasmModule,
    readonly ptr: number,
  ) {
    mod.refresh();
    this.view = new DataView(mod.buffer);
  }

  f64(offset: number): number {
    return this.view.getFloat64(this.ptr + offset, true);
  }
  setF64(offset: number, x: number): void {
    this.view.setFloat64(this.ptr + offset, x, true);
  }
  i32(offset: number): number {
    return this.view.getInt32(this.ptr + offset, true);
  }
  setI32(offset: number, x: number): void {
    this.view.setInt32(this.ptr + offset, x, true);
  }
  /** A pointer field (unsigned). */
  usize(offset: number): number {
    return this.view.getUint32(this.ptr + offset, true);
  }
  /** The Neumaier sum whose four f64 start at field `offset` (assembly/common/neumaier.ts). */
  neumaier(offset: number): NeumaierState {
    const [sum, comp, ops, mass] = NEUMAIER_FIELDS.map((_, i) => this.f64(offset + 8 * i)) as [number, number, number, number];
    return { sum, comp, ops, mass };
  }
  setNeumaier(offset: number, s: NeumaierState): void {
    for (const [i, k] of NEUMAIER_FIELDS.entries()) this.setF64(offset + 8 * i, s[k]);
  }
  /** The f64 fields `keys`, at their offsets in `layout`. */
  floats<K extends string>(keys: readonly K[], layout: Readonly<Record<K, number>>): Record<K, number> {
    const out = {} as Record<K, number>;
    for (const k of keys) out[k] = this.f64(layout[k]);
    return out;
  }
  setFloats<K extends string>(keys: readonly K[], layout: Readonly<Record<K, number>>, s: Readonly<Record<K, number>>): void {
    for (const k of keys) this.setF64(layout[k], s[k]);
  }
  /** A view of `n` f64 at byte address `at` (the module's f64 array: no copy). */
  f64s(at: number, n: number): Float64Array {
    return this.mod.f64.subarray(at >>> 3, (at >>> 3) + n);
  }
  /** The i32 at byte address `at`. */
  i32At(at: number): number {
    return this.view.getInt32(at, true);
  }
  setI32At(at: number, x: number): void {
    this.view.setInt32(at, x, true);
  }
  /** A view of `n` bytes at byte address `at`. */
  u8s(at: number, n: number): Uint8Array {
    return this.mod.u8.subarray(at, at + n);
  }
}
