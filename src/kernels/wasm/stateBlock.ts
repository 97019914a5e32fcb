/**
 * Streaming state in linear memory: each window (and each confluence core) owns one
 * block, freed by dispose() or, if the owner forgets, when the JS object is
 * garbage-collected. After dispose() every member except dispose() throws DisposedError
 * — the block may already belong to another window, so nothing may read or write it —
 * and dispose() again does nothing. The JS backend's objects behave the same.
 */
import { DisposedError } from "../../errors.js";
import type { WasmModule } from "../../wasm/module.js";
import type { StateReader, StateWriter } from "../../checkpoint/stateCodec.js";
import { requireStateReader, requireStateWriter } from "../validate.js";

const registries = new WeakMap<WasmModule, FinalizationRegistry<number>>();

export abstract class StateBlock {
  /** Byte offset of the block in linear memory (unsigned: it may lie above 2 GiB). */
  protected readonly ptr: number;
  /** Index of the block's first f64 in the module's Float64Array view. */
  protected readonly base: number;
  protected live = true;

  constructor(
    protected readonly mod: WasmModule,
    bytes: number,
    private readonly what: string,
  ) {
    let registry = registries.get(mod);
    if (!registry) {
      registry = new FinalizationRegistry((ptr: number) => mod.free(ptr));
      registries.set(mod, registry);
    }
    this.ptr = mod.alloc(bytes >>> 0);
    this.base = this.ptr >>> 3;
    registry.register(this, this.ptr, this);
  }

  /** Throws DisposedError once the block is freed. */
  protected requireLive(): void {
    if (!this.live) throw new DisposedError(this.what);
  }

  /** The f64 output at `slot` of the block. */
  protected read(slot: number): number {
    if (!this.live) throw new DisposedError(this.what);
    return this.mod.f64[this.base + slot]!;
  }

  /** writeState of a block whose state `write` takes from linear memory (a checkpoint part). */
  protected writeBlock(w: StateWriter, write: (mod: WasmModule, ptr: number, w: StateWriter) => void): void {
    this.requireLive();
    requireStateWriter(w);
    write(this.mod, this.ptr, w);
  }

  /** readState of a block whose state `read` puts back into linear memory. */
  protected readBlock(r: StateReader, read: (mod: WasmModule, ptr: number, r: StateReader) => void): void {
    this.requireLive();
    requireStateReader(r);
    read(this.mod, this.ptr, r);
  }

  /** The block's address, for the batch kernels that drive it. */
  get pointer(): number {
    this.requireLive();
    return this.ptr;
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    registries.get(this.mod)?.unregister(this);
    this.mod.free(this.ptr);
  }
}
