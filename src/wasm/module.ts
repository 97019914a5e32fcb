/**
 * The one module that touches WebAssembly. It instantiates the kernels with
 * `WebAssembly.instantiate` from bytes inlined at build time (no fs, no fetch: the same
 * code loads in Node and in browsers), picks the SIMD build when the engine
 * validates it, owns the typed-array views over linear memory, rebuilding them
 * whenever memory has grown (growth detaches every existing view), and turns an
 * allocation that cannot succeed into an OutOfMemoryError and an `abort` of the
 * AssemblyScript runtime into a WasmAbortError.
 *
 * Pointers are unsigned byte offsets: linear memory may grow to 4 GiB, and an i32
 * export result above 2 GiB arrives in JS as a negative number, so every pointer the
 * module returns is read with `>>> 0` (and views are indexed with `ptr >>> 3`).
 */
import { OutOfMemoryError, WasmAbortError } from "../errors.js";
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

/**
 * Largest block the allocator hands out: TLSF's BLOCK_MAXSIZE (2^30 minus its 4-byte
 * block header, node_modules/assemblyscript/std/assembly/rt/common.ts). A larger
 * request would abort inside the module ("Allocation too large"), and one of 4 GiB or
 * more would wrap around in the i32 argument, so it is refused before the call.
 */
export const MAX_BLOCK_BYTES = 2 ** 30 - 4;
/**
 * wasm32 linear memory holds at most 65,536 pages of 64 KiB. The module declares no
 * lower maximum (asconfig.json), so this is its limit in V8 (Node, Chromium); an
 * engine may refuse to grow sooner, which alloc() reports the same way.
 */
const MAX_MEMORY_BYTES = 2 ** 32;

let simdBytes: Uint8Array<ArrayBuffer> | undefined;
let scalarBytes: Uint8Array<ArrayBuffer> | undefined;

/** Whether this engine accepts the SIMD build (WebAssembly.validate on its bytes). */
export function simdSupported(): boolean {
  simdBytes ??= decodeBase64(SIMD_WASM_BASE64);
  return WebAssembly.validate(simdBytes);
}

/**
 * Memory grows only inside the allocator and the L2 book (no other kernel allocates), so
 * the views and the current buffer are refreshed after every alloc and book change and are
 * otherwise always current:
 * reading `memory.buffer` on every call would cost more than a small kernel.
 */
export class WasmModule {
  /** Current views over linear memory; re-read after anything that may allocate. */
  f64!: Float64Array;
  u8!: Uint8Array;
  /** The current memory buffer (identity changes when memory grows). */
  buffer!: ArrayBuffer;

  constructor(
    readonly exports: KernelExports,
    readonly simd: boolean,
  ) {
    this.refresh();
  }

  /**
   * Rebuilds the views if memory has grown since they were made. The allocator calls it; so
   * must a caller of an export that allocates inside the module (the L2 book grows its window
   * and trees as its levels spread: src/kernels/wasm/book/l2Book.ts).
   */
  refresh(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.f64 = new Float64Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }

  /**
   * A zeroed, 16-byte aligned block of linear memory (its unsigned byte offset), or an
   * OutOfMemoryError when no block that large exists and memory cannot grow to make
   * one. TLSF (assembly's rt/tlsf.ts) traps on a failed memory.grow before it changes
   * any of its state — allocateBlock only searches its free lists, then growMemory hits
   * `unreachable` — so after the error the allocator and every block are intact.
   */
  alloc(bytes: number): number {
    if (!(bytes <= MAX_BLOCK_BYTES)) {
      throw new OutOfMemoryError(
        bytes,
        this.buffer.byteLength,
        `one block of WebAssembly memory holds at most ${MAX_BLOCK_BYTES} bytes (linear memory ${this.buffer.byteLength} of at most ${MAX_MEMORY_BYTES} bytes)`,
      );
    }
    let ptr: number;
    try {
      ptr = this.exports.alloc(Math.max(bytes, 16)) >>> 0;
    } catch (e) {
      if (!(e instanceof WebAssembly.RuntimeError)) throw e;
      const size = this.exports.memory.buffer.byteLength;
      throw new OutOfMemoryError(
        bytes,
        size,
        `WebAssembly linear memory (${size} of at most ${MAX_MEMORY_BYTES} bytes) has no free block that large and cannot grow to make one`,
      );
    }
    this.refresh();
    return ptr;
  }

  free(ptr: number): void {
    this.exports.free(ptr);
  }
}

/**
 * An AssemblyScript string in linear memory (UTF-16; its byte length in the 4 bytes before
 * it, the runtime's object header), or null for the null pointer.
 */
function readString(memory: KernelExports["memory"] | undefined, ptr: number): string | null {
  ptr >>>= 0;
  if (!memory || ptr === 0 || ptr < 4 || ptr > memory.buffer.byteLength) return null;
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0]!;
  if (ptr + bytes > memory.buffer.byteLength) return null;
  return String.fromCharCode(...new Uint16Array(memory.buffer, ptr, Math.min(bytes >>> 1, 1024)));
}

export async function loadWasm(options: WasmLoadOptions = {}): Promise<WasmModule> {
  const simd = !options.forceScalar && simdSupported();
  const bytes = simd ? simdBytes! : (scalarBytes ??= decodeBase64(SCALAR_WASM_BASE64));
  // The module imports only env.abort (the AssemblyScript runtime's failed-assertion hook,
  // with the message and file as pointers to its strings); it never returns.
  let memory: KernelExports["memory"] | undefined;
  const env = {
    abort(message: number, file: number, line: number, column: number): never {
      throw new WasmAbortError(readString(memory, message) ?? "(no message)", readString(memory, file) ?? "(unknown file)", line, column);
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes, { env });
  const exports = instance.exports as unknown as KernelExports;
  memory = exports.memory;
  return new WasmModule(exports, simd);
}
