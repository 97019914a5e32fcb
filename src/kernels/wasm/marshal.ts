/**
 * Moving data between JS and the kernels' linear memory, allocated once.
 *
 * Zero-copy: a buffer from allocFloat64/allocUint8 of this module, or any typed array
 * that is already a view of its memory, is passed by pointer. Anything else is copied
 * into a per-argument scratch block that grows (by doubling) when a larger input
 * arrives and is otherwise reused, so steady-state calls allocate nothing.
 * Pointers are unsigned byte offsets (see src/wasm/module.ts); 0 is never a block.
 * A freed buffer's `array` throws DisposedError, so no kernel reads or writes it.
 */
import { DisposedError } from "../../errors.js";
import { MAX_BLOCK_BYTES, type WasmModule } from "../../wasm/module.js";
import type { F64Input, Float64Buffer, U8Input, Uint8Buffer } from "../types.js";

/** What addressOf() answers for an input that is not in this module's memory (no block starts at 0). */
export const NOT_DIRECT = 0;

export class WasmFloat64Buffer implements Float64Buffer {
  private view: Float64Array;
  private freed = false;

  constructor(
    readonly mod: WasmModule,
    readonly ptr: number,
    readonly length: number,
  ) {
    this.view = new Float64Array(mod.buffer, ptr, length);
  }

  get array(): Float64Array {
    if (this.freed) throw new DisposedError("Float64Buffer");
    // a view of memory that has grown since is detached: its length is then 0
    if (this.view.length !== this.length) {
      this.mod.refresh();
      this.view = new Float64Array(this.mod.buffer, this.ptr, this.length);
    }
    return this.view;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.mod.free(this.ptr);
  }
}

export class WasmUint8Buffer implements Uint8Buffer {
  private view: Uint8Array;
  private freed = false;

  constructor(
    readonly mod: WasmModule,
    readonly ptr: number,
    readonly length: number,
  ) {
    this.view = new Uint8Array(mod.buffer, ptr, length);
  }

  get array(): Uint8Array {
    if (this.freed) throw new DisposedError("Uint8Buffer");
    if (this.view.length !== this.length) {
      this.mod.refresh();
      this.view = new Uint8Array(this.mod.buffer, this.ptr, this.length);
    }
    return this.view;
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.mod.free(this.ptr);
  }
}

/** Scratch slots: inputs use 0–3, outputs 4–9, level weights 10. */
export const OUT = 4;
export const WEIGHTS = 10;

export class Marshal {
  private readonly ptrs: number[] = [];
  private readonly sizes: number[] = [];

  constructor(readonly mod: WasmModule) {}

  scratch(slot: number, bytes: number): number {
    if ((this.sizes[slot] ?? 0) < bytes) {
      if (this.ptrs[slot]) this.mod.free(this.ptrs[slot]!);
      // forgotten before the new block is asked for: an OutOfMemoryError leaves no freed block behind
      this.ptrs[slot] = 0;
      this.sizes[slot] = 0;
      // the next power of two ≥ bytes, but never more than one block can hold (a request that fits must not be refused for the rounding)
      const size =
        bytes <= 64 ? 64 : bytes > MAX_BLOCK_BYTES ? bytes : Math.min((0x80000000 >>> Math.clz32(bytes - 1)) * 2, MAX_BLOCK_BYTES);
      this.ptrs[slot] = this.mod.alloc(size);
      this.sizes[slot] = size;
    }
    return this.ptrs[slot]!;
  }

  /** Pointer of an input that already lives in this module's memory (a buffer of it, or a view of it), else NOT_DIRECT. */
  addressOf(input: F64Input | U8Input | Int32Array): number {
    if (input instanceof WasmFloat64Buffer || input instanceof WasmUint8Buffer) {
      return input.mod === this.mod ? input.ptr : NOT_DIRECT;
    }
    const arr = input as Float64Array | Uint8Array | Int32Array;
    return arr.buffer === this.mod.buffer ? arr.byteOffset : NOT_DIRECT;
  }

  /** Pointer to the first n values of `input` (copied into scratch `slot` when needed). */
  f64In(input: F64Input, n: number, slot: number): number {
    const d = this.addressOf(input);
    if (d !== NOT_DIRECT) return d;
    const ptr = this.scratch(slot, n * 8);
    const arr = input instanceof Float64Array ? input : input.array;
    this.mod.f64.set(n === arr.length ? arr : arr.subarray(0, n), ptr >>> 3);
    return ptr;
  }

  /** Pointer to `values[at, at + n)`: in place when `values` is a view of this module's memory (no view made), else copied into scratch `slot`. */
  f64RangeIn(values: Float64Array, at: number, n: number, slot: number): number {
    if (values.buffer === this.mod.buffer) return values.byteOffset + 8 * at;
    const ptr = this.scratch(slot, n * 8);
    this.mod.f64.set(values.subarray(at, at + n), ptr >>> 3);
    return ptr;
  }

  u8In(input: U8Input, n: number, slot: number): number {
    const d = this.addressOf(input);
    if (d !== NOT_DIRECT) return d;
    const ptr = this.scratch(slot, n);
    const arr = input instanceof Uint8Array ? input : input.array;
    this.mod.u8.set(n === arr.length ? arr : arr.subarray(0, n), ptr);
    return ptr;
  }

  /** Where a kernel should write n values for `out`: in place when possible, else scratch. */
  f64Out(out: F64Input | null, n: number, slot: number): number {
    if (out === null) return 0;
    const d = this.addressOf(out);
    return d !== NOT_DIRECT ? d : this.scratch(slot, n * 8);
  }

  /** Copies a kernel's output from scratch into `out` unless it was written in place. */
  f64Done(out: F64Input | null, ptr: number, n: number): void {
    if (out === null || this.addressOf(out) === ptr) return;
    const arr = out instanceof Float64Array ? out : out.array;
    const base = ptr >>> 3;
    arr.set(this.mod.f64.subarray(base, base + n));
  }
}
