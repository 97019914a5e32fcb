/**
 * The one module that touches WebAssembly. It instantiates the kernels through
 * @assemblyscript/loader from bytes inlined at build time (no fs, no fetch: the same
 * code loads in Node and in browsers), picks the SIMD build when the engine
 * validates it, and owns the typed-array views over linear memory, rebuilding them
 * whenever memory has grown (growth detaches every existing view).
 */
import { instantiate } from "@assemblyscript/loader";
import type { KernelExports } from "./exports.js";
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "./generated/wasmBytes.js";

export interface WasmLoadOptions {
  /** Load the scalar build even where SIMD is available (to test the fallback). */
  readonly forceScalar?: boolean;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

let simdBytes: Uint8Array<ArrayBuffer> | undefined;
let scalarBytes: Uint8Array<ArrayBuffer> | undefined;

/** Whether this engine accepts the SIMD build (WebAssembly.validate on its bytes). */
export function simdSupported(): boolean {
  simdBytes ??= decodeBase64(SIMD_WASM_BASE64);
  return WebAssembly.validate(simdBytes);
}

/**
 * Memory grows only inside the allocator (kernels never allocate), so the views and
 * the current buffer are refreshed after every alloc and are otherwise always current:
 * reading `memory.buffer` on every call would cost more than a small kernel.
 */
export class WasmModule {
  /** Current views over linear memory; re-read after anything that may allocate. */
  f64!: Float64Array;
  u8!: Uint8Array;
  /** The current memory buffer (identity changes when memory grows). */
  buffer!: ArrayBuffer;

  constructor(readonly exports: KernelExports, readonly simd: boolean) {
    this.refresh();
  }

  /** Rebuilds the views if memory has grown since they were made. */
  private refresh(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.f64 = new Float64Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }

  /** A zeroed, 16-byte aligned block of linear memory. */
  alloc(bytes: number): number {
    const ptr = this.exports.alloc(Math.max(bytes, 16));
    this.refresh();
    return ptr;
  }

  free(ptr: number): void {
    this.exports.free(ptr);
  }
}

export async function loadWasm(options: WasmLoadOptions = {}): Promise<WasmModule> {
  const simd = !options.forceScalar && simdSupported();
  const bytes = simd ? simdBytes! : (scalarBytes ??= decodeBase64(SCALAR_WASM_BASE64));
  // The loader's demangled `exports` wrap every function in a rest-args closure that
  // allocates per call; kernels are called through the raw instance exports instead.
  const { instance } = await instantiate<Record<string, unknown>>(bytes, {});
  return new WasmModule(instance.exports as unknown as KernelExports, simd);
}
