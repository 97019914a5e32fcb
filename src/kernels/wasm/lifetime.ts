/**
 * Lifetime of streaming state in linear memory: each window owns one block, freed by
 * dispose() or, if the owner forgets, when the JS object is garbage-collected.
 * A disposed window reads from a shared all-NaN block, so late reads give NaN
 * instead of another window's numbers, and pushes throw DisposedError.
 */
import type { WasmModule } from "../../wasm/module.js";

const registries = new WeakMap<WasmModule, FinalizationRegistry<number>>();
const deadBlocks = new WeakMap<WasmModule, number>();
const DEAD_BYTES = 256;

export function allocState(owner: object, mod: WasmModule, bytes: number): number {
  let registry = registries.get(mod);
  if (!registry) {
    registry = new FinalizationRegistry((ptr: number) => mod.free(ptr));
    registries.set(mod, registry);
  }
  const ptr = mod.alloc(bytes);
  registry.register(owner, ptr, owner);
  return ptr;
}

/** Frees the owner's block and returns the pointer its reads should use from now on. */
export function releaseState(owner: object, mod: WasmModule, ptr: number): number {
  registries.get(mod)?.unregister(owner);
  mod.free(ptr);
  let dead = deadBlocks.get(mod);
  if (dead === undefined) {
    dead = mod.alloc(DEAD_BYTES);
    mod.f64.fill(NaN, dead >> 3, (dead + DEAD_BYTES) >> 3);
    deadBlocks.set(mod, dead);
  }
  return dead;
}
