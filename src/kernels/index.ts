/**
 * The two ways to get the numeric core: `await loadKernels()` (WebAssembly, SIMD when
 * the engine supports it) and `jsKernels()` (plain JavaScript). Same interface, same
 * semantics, same typed errors.
 */
import { CheckedKernels } from "./checked.js";
import { JsRawKernels } from "./js/index.js";
import { loadWasmRawKernels } from "./wasm/index.js";
import type { Kernels } from "./types.js";

export interface LoadKernelsOptions {
  /** Use the scalar WebAssembly build even where SIMD is available. */
  readonly forceScalar?: boolean;
}

export async function loadKernels(options: LoadKernelsOptions = {}): Promise<Kernels> {
  return new CheckedKernels(await loadWasmRawKernels(options));
}

export function jsKernels(): Kernels {
  return new CheckedKernels(new JsRawKernels());
}
