/**
 * What the engine and the book sync need of an L2 book, whichever backend keeps it: the JS
 * backend's L2Book (src/book/l2Book.ts, typed arrays in the JS heap) and the WASM backend's
 * (src/kernels/wasm/book/l2Book.ts, the same structure in linear memory, assembly/book/). Both
 * keep the same levels, in the same places, with the same counters, so that everything read
 * from them is the same bits (test/book/orderBookContract.test.ts runs one suite on both).
 */
import { InvalidParameterError } from "../errors.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

/** One side of a book, read best level first. */
export interface OrderBookSide {
  readonly isBid: boolean;
  /** Levels kept at most; beyond it the level farthest from the touch is dropped (and counted in `trimmed`). */
  readonly maxLevels: number;
  /** Levels with a quantity > 0. */
  readonly levels: number;
  /** Levels dropped as the farthest from the touch because the side held more than `maxLevels`. */
  readonly trimmed: number;
  /** Times the tick window was moved or resized. */
  readonly rebuilds: number;
  /** Levels those moves carried (the work they cost). */
  readonly relocated: number;
  /** Bytes this side's window and trees hold. */
  readonly memoryBytes: number;
  /** NaN while the side is empty. */
  bestPrice(): number;
  /** NaN while the side is empty. */
  bestQty(): number;
  /**
   * Writes up to n best levels into out (prices from index pxAt, quantities from qtyAt); returns how many. O(n).
   * n, pxAt and qtyAt are integers ≥ 0 and out has room for the levels written (topCount): else an InvalidParameterError.
   */
  top(n: number, out: Float64Array, pxAt: number, qtyAt: number): number;
  /** Every level, best first, as [price, qty] pairs (for summaries and tests; O(levels)). */
  entries(): [number, number][];
}

export interface OrderBook {
  readonly bids: OrderBookSide;
  readonly asks: OrderBookSide;
  /** The tick size learnt from the last snapshot (0 before any snapshot with levels). */
  readonly tickSize: number;
  /** Levels dropped on both sides because a side held more than `maxLevels`. */
  readonly trimmed: number;
  /** Bytes the book's levels hold (an empty book holds none). */
  readonly memoryBytes: number;
  /** Best bid ≥ best ask: impossible on a consistent book. */
  readonly crossed: boolean;
  /** Replaces the book with a snapshot's levels (flat [p, q, …]; q 0 means no level); learns the tick grid. Invalid input throws before anything changes. */
  load(bids: Float64Array, asks: Float64Array): void;
  /** Applies absolute quantities per level (flat [p, q, …]); qty 0 removes. Invalid input throws before anything changes. */
  apply(bids: Float64Array, asks: Float64Array): void;
  /** `load` for levels that passed validateEvent already: no second pass over them. */
  loadValid(bids: Float64Array, asks: Float64Array): void;
  /** `apply` for levels that passed validateEvent already: no second pass over them. */
  applyValid(bids: Float64Array, asks: Float64Array): void;
  /**
   * applyValid on `bidValues` then `askValues` values of `values` from `at` (a decoded batch's
   * level column): read where they lie — on the WASM backend in place when `values` is a view
   * of the module's memory. The range must lie inside `values`, the counts even.
   */
  applyRange(values: Float64Array, at: number, bidValues: number, askValues: number): void;
  /**
   * Appends the book's complete state (a checkpoint part, src/checkpoint/stateCodec.ts; one
   * layout on both backends, src/book/bookState.ts).
   */
  writeState(w: StateWriter): void;
  /**
   * Restores what writeState wrote (by either backend) into this book, freshly made with the
   * same options. A CheckpointError when the bytes do not fit (wrong tag, other bounds, a value
   * no book holds, truncated); the book must then be discarded.
   */
  readState(r: StateReader): void;
  /** Releases what the book holds; the book must not be used afterwards (again: nothing happens). */
  dispose(): void;
}

/**
 * How many levels `top(n, out, pxAt, qtyAt)` may write on `side`: n when `out` has room for n from
 * both indices (the usual call), else min(n, side.levels) when that fits. An InvalidParameterError
 * unless n, pxAt and qtyAt are integers ≥ 0, `out` is a Float64Array and the levels fit — never a
 * write past `out` (on the WASM backend such a write would land in other memory of the module).
 */
export function topCount(n: number, out: Float64Array, pxAt: number, qtyAt: number, side: { readonly levels: number }): number {
  if (!(out instanceof Float64Array)) throw new InvalidParameterError("out", out, "a Float64Array");
  if (!(index(n) && index(pxAt) && index(qtyAt))) {
    const [name, v] = !index(n) ? ["n", n] : !index(pxAt) ? ["pxAt", pxAt] : ["qtyAt", qtyAt];
    throw new InvalidParameterError(name, v, "an integer ≥ 0");
  }
  if (pxAt + n <= out.length && qtyAt + n <= out.length) return n;
  const k = Math.min(n, side.levels);
  if (pxAt + k > out.length || qtyAt + k > out.length)
    throw new InvalidParameterError("out.length", out.length, `room for ${k} levels from indices ${pxAt} and ${qtyAt}`);
  return k;
}

const index = (v: number): boolean => Number.isSafeInteger(v) && v >= 0;
