/**
 * The WASM backend's L2 book: the book and both sides live in linear memory
 * (assembly/book/l2Book.ts, a twin of src/book/l2Book.ts operation for operation); this
 * wrapper copies a snapshot's or a diff's levels in once per call and reads counters and
 * the top levels out. Top levels are written straight into the caller's array when it is a
 * view of the module's memory (the confluence core's book input is), else through scratch.
 *
 * The book allocates inside the module as it grows (its window and trees follow its own
 * width and levels), so after every call that may change levels the module's views are
 * refreshed. The book's memory is freed by dispose() or, if the owner forgets, when the
 * wrapper is garbage-collected.
 */
import { DisposedError } from "../../../errors.js";
import { checkSides, resolveBookOptions, type L2BookOptions } from "../../../book/l2Book.js";
import { topCount, type OrderBook } from "../../../book/orderBook.js";
import { readBookState, writeBookState, type RestorableBook, type RestorableSide } from "../../../book/bookState.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import type { WasmModule } from "../../../wasm/module.js";
import { OUT, type Marshal } from "../marshal.js";

const registries = new WeakMap<WasmModule, FinalizationRegistry<number>>();

function registryOf(mod: WasmModule): FinalizationRegistry<number> {
  let r = registries.get(mod);
  if (!r) {
    r = new FinalizationRegistry((ptr: number) => mod.exports.bookFree(ptr));
    registries.set(mod, r);
  }
  return r;
}

class WasmBookSide implements RestorableSide {
  constructor(
    private readonly book: WasmL2Book,
    private readonly ptr: number,
    readonly isBid: boolean,
    readonly maxLevels: number,
    readonly maxWindowTicks: number,
  ) {}

  get windowSize(): number {
    return this.book.exports().sideWindowSize(this.ptr);
  }

  get windowLo(): number {
    return this.book.exports().sideWindowLo(this.ptr);
  }

  get missCount(): number {
    return this.book.exports().sideMisses(this.ptr);
  }

  restore(size: number, lo: number, misses: number, trimmed: number, rebuilds: number, relocated: number, levels: Float64Array): void {
    const e = this.book.exports(),
      at = this.book.m.f64In(levels, levels.length, 0);
    e.sideRestore(this.ptr, size, lo, misses, trimmed, rebuilds, relocated, at, levels.length >> 1);
    this.book.mod.refresh();
  }

  get levels(): number {
    return this.book.exports().sideLevels(this.ptr);
  }

  get trimmed(): number {
    return this.book.exports().sideTrimmed(this.ptr);
  }

  get rebuilds(): number {
    return this.book.exports().sideRebuilds(this.ptr);
  }

  get relocated(): number {
    return this.book.exports().sideRelocated(this.ptr);
  }

  get memoryBytes(): number {
    return this.book.exports().sideMemoryBytes(this.ptr);
  }

  bestPrice(): number {
    return this.book.exports().sideBestPrice(this.ptr);
  }

  bestQty(): number {
    return this.book.exports().sideBestQty(this.ptr);
  }

  top(n: number, out: Float64Array, pxAt: number, qtyAt: number): number {
    const e = this.book.exports(),
      mod = this.book.mod;
    // never more than the side holds, and never past `out`: a write past a view of the module's memory lands in other memory
    const count = topCount(n, out, pxAt, qtyAt, this);
    if (out.buffer === mod.buffer) return e.sideTop(this.ptr, count, out.byteOffset, pxAt, qtyAt);
    // through scratch: sized by the levels held, not by an n that a large `out` let through
    const held = Math.min(count, e.sideLevels(this.ptr));
    if (held === 0) return 0;
    const ptr = this.book.m.scratch(OUT, 16 * held);
    const k = e.sideTop(this.ptr, held, ptr, 0, held);
    const base = ptr >>> 3,
      f64 = mod.f64;
    for (let i = 0; i < k; i++) {
      out[pxAt + i] = f64[base + i]!;
      out[qtyAt + i] = f64[base + held + i]!;
    }
    return k;
  }

  entries(): [number, number][] {
    const n = this.levels;
    const flat = new Float64Array(2 * n);
    const k = this.top(n, flat, 0, n);
    const out: [number, number][] = [];
    for (let i = 0; i < k; i++) out.push([flat[i]!, flat[n + i]!]);
    return out;
  }
}

export class WasmL2Book implements OrderBook, RestorableBook {
  readonly bids: WasmBookSide;
  readonly asks: WasmBookSide;
  private readonly ptr: number;
  private live = true;

  constructor(
    readonly mod: WasmModule,
    readonly m: Marshal,
    options: L2BookOptions = {},
  ) {
    const { maxLevels, maxWindowTicks } = resolveBookOptions(options);
    this.ptr = mod.exports.bookNew(maxLevels, maxWindowTicks) >>> 0;
    mod.refresh();
    registryOf(mod).register(this, this.ptr, this);
    this.bids = new WasmBookSide(this, mod.exports.bookSide(this.ptr, 0) >>> 0, true, maxLevels, maxWindowTicks);
    this.asks = new WasmBookSide(this, mod.exports.bookSide(this.ptr, 1) >>> 0, false, maxLevels, maxWindowTicks);
  }

  /** The module's exports; DisposedError once the book is freed (its memory may belong to another book). */
  exports(): WasmModule["exports"] {
    if (!this.live) throw new DisposedError("L2Book");
    return this.mod.exports;
  }

  get tickSize(): number {
    return this.exports().bookTickSize(this.ptr);
  }

  get trimmed(): number {
    return this.bids.trimmed + this.asks.trimmed;
  }

  get memoryBytes(): number {
    return this.bids.memoryBytes + this.asks.memoryBytes;
  }

  get crossed(): boolean {
    return this.exports().bookCrossed(this.ptr) !== 0;
  }

  load(bids: Float64Array, asks: Float64Array): void {
    checkSides(bids, asks);
    this.loadValid(bids, asks);
  }

  apply(bids: Float64Array, asks: Float64Array): void {
    checkSides(bids, asks);
    this.applyValid(bids, asks);
  }

  /** Feeds this book's top levels to the confluence core at `core` of the same module (coreBookFrom: one call). */
  feedCore(core: number): void {
    this.exports().coreBookFrom(core, this.ptr);
  }

  loadValid(bids: Float64Array, asks: Float64Array): void {
    this.change(this.exports().bookLoad, bids, asks);
  }

  applyValid(bids: Float64Array, asks: Float64Array): void {
    this.change(this.exports().bookApply, bids, asks);
  }

  applyRange(values: Float64Array, at: number, bidValues: number, askValues: number): void {
    const e = this.exports();
    // in place when the values are a view of this module's memory (a WASM decoder's level column), else copied in once
    const ptr = this.m.f64RangeIn(values, at, bidValues + askValues, 0);
    e.bookApply(this.ptr, ptr, bidValues >> 1, ptr + 8 * bidValues, askValues >> 1);
    this.mod.refresh();
  }

  /** Copies both sides' levels in, runs `op` on them, and refreshes the views (the book may have grown memory). */
  private change(
    op: (book: number, bids: number, nBids: number, asks: number, nAsks: number) => void,
    bids: Float64Array,
    asks: Float64Array,
  ): void {
    const b = this.levelsIn(bids, 0),
      a = this.levelsIn(asks, 1);
    op(this.ptr, b, bids.length >> 1, a, asks.length >> 1);
    this.mod.refresh();
  }

  /** Where the module reads a side's levels: a Float64Array copied in once, or an array of numbers (the validator allows both) written in. */
  private levelsIn(levels: ArrayLike<number>, slot: number): number {
    if (levels instanceof Float64Array) return this.m.f64In(levels, levels.length, slot);
    const ptr = this.m.scratch(slot, 8 * levels.length),
      f64 = this.mod.f64,
      base = ptr >>> 3;
    for (let i = 0; i < levels.length; i++) f64[base + i] = levels[i]!;
    return ptr;
  }

  /** Appends the book's complete state (a checkpoint part: src/book/bookState.ts, the same layout as the JS book's). */
  writeState(w: StateWriter): void {
    writeBookState(w, this);
  }

  /** Restores what writeState wrote (on either backend) into this book, made with the same options; a CheckpointError when the bytes do not fit. */
  readState(r: StateReader): void {
    readBookState(r, this);
  }

  gridParts(): [scale: number, origin: number, step: number] {
    const e = this.exports();
    return [e.bookGridPart(this.ptr, 0), e.bookGridPart(this.ptr, 1), e.bookGridPart(this.ptr, 2)];
  }

  restoreGrid(scale: number, origin: number, step: number): void {
    this.exports().bookGridRestore(this.ptr, scale, origin, step);
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    registryOf(this.mod).unregister(this);
    this.mod.exports.bookFree(this.ptr);
  }
}
