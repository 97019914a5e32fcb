/**
 * Field access to an AssemblyScript `@unmanaged` class in linear memory from TypeScript, for
 * checkpoints (src/checkpoint/stateCodec.ts): the TS wrapper reads and writes a window's state
 * where the kernel keeps it, so the module needs no export per field. `structLayout` lays the
 * fields out as asc does — in declaration order, each aligned to its own size (f64 8 bytes, i32
 * and usize 4 on wasm32) — so the field list must copy the class's, name for name.
 */
import type { WasmModule } from "../../wasm/module.js";

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
  u8At(at: number): number {
    return this.view.getUint8(at);
  }
  setU8At(at: number, x: number): void {
    this.view.setUint8(at, x);
  }
}
