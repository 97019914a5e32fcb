/**
 * The benchmarks' memory-bound floor, `readOnce` (assembly/bench/readOnce.ts), loaded from
 * its own small module (build/bench.{simd,scalar}.wasm, which scripts/build.mjs compiles from
 * assembly/bench/asconfig.json) so the shipped kernel module does not carry it. That module
 * imports the kernel module's memory: it reads the very bytes a kernel reads, at the same
 * pointers, with the same instruction set (SIMD or scalar) as the kernels it is a floor for.
 */
import { readFile } from "node:fs/promises";
import type { WasmModule } from "../src/wasm/module.js";

/** XOR-folds `bytes` bytes at `p` of the kernel module's memory (i64, as a BigInt). */
export type ReadOnce = (p: number, bytes: number) => bigint;

export async function loadReadOnce(mod: WasmModule): Promise<ReadOnce> {
  // this file is bundled into dist/bench/, two levels below the build/ it reads
  const file = new URL(`../../build/bench.${mod.simd ? "simd" : "scalar"}.wasm`, import.meta.url);
  // the export is a WebAssembly.Memory; the package's type names only what it reads of it (src/wasm/exports.ts)
  const memory = mod.exports.memory as WebAssembly.Memory;
  const { instance } = await WebAssembly.instantiate(await readFile(file), { env: { memory } });
  return instance.exports.readOnce as ReadOnce;
}
