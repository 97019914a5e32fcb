/**
 * An L2 order book in linear memory, both sides on one learnt tick grid: the twin of
 * src/book/l2Book.ts (the JS backend's book), built for the same hostile shapes with the
 * same results — O(1) a level change near the touch, O(log n) elsewhere, best quotes in
 * O(1), the top N levels in O(N), memory that follows the book's own levels and width, at
 * most `maxLevels` a side, prices read back bit for bit.
 *
 * Levels arrive as flat [price, qty, …] f64 pairs at a pointer (the TS wrapper copies a
 * snapshot's or a diff's levels there once, already validated by the event validator).
 */
import { BookSide, bookSideNew, bookSideFree } from "./bookSide";
import { PriceGrid, priceGridNew, priceGridFree } from "./priceGrid";

@unmanaged
export class L2Book {
  bids: BookSide;
  asks: BookSide;
  grid: PriceGrid;
}

/** An empty book (no grid learnt, no arrays held). */
export function bookNew(maxLevels: i32, maxWindowTicks: i32): usize {
  const b = changetype<L2Book>(heap.alloc(offsetof<L2Book>()));
  const grid = priceGridNew();
  b.grid = grid;
  b.bids = bookSideNew(true, grid, maxLevels, maxWindowTicks);
  b.asks = bookSideNew(false, grid, maxLevels, maxWindowTicks);
  return changetype<usize>(b);
}

export function bookFree(p: usize): void {
  const b = changetype<L2Book>(p);
  bookSideFree(b.bids);
  bookSideFree(b.asks);
  priceGridFree(b.grid);
  heap.free(p);
}

/** Replaces the book with a snapshot's levels (nBids and nAsks pairs) and learns its tick grid. */
export function bookLoad(p: usize, bids: usize, nBids: i32, asks: usize, nAsks: i32): void {
  const b = changetype<L2Book>(p);
  b.grid.learn(bids, nBids, asks, nAsks);
  b.bids.load(bids, nBids);
  b.asks.load(asks, nAsks);
}

/** Applies a diff's absolute quantities (qty 0 removes). */
export function bookApply(p: usize, bids: usize, nBids: i32, asks: usize, nAsks: i32): void {
  const b = changetype<L2Book>(p);
  b.bids.setAll(bids, nBids);
  b.asks.setAll(asks, nAsks);
}

/** 1 when the best bid is at or above the best ask (an empty side is never crossed). */
export function bookCrossed(p: usize): i32 {
  const b = changetype<L2Book>(p);
  return b.bids.bestPrice() >= b.asks.bestPrice() ? 1 : 0;
}

export function bookTickSize(p: usize): f64 {
  return changetype<L2Book>(p).grid.tickSize;
}

/** The side's address: 0 for bids, 1 for asks. */
export function bookSide(p: usize, ask: i32): usize {
  const b = changetype<L2Book>(p);
  return changetype<usize>(ask ? b.asks : b.bids);
}

/** Writes up to n best levels of a side into the f64 array at `out` (prices from index pxAt, quantities from qtyAt). */
export function sideTop(side: usize, n: i32, out: usize, pxAt: i32, qtyAt: i32): i32 {
  return changetype<BookSide>(side).top(n, out, pxAt, qtyAt);
}

export function sideBestPrice(side: usize): f64 {
  return changetype<BookSide>(side).bestPrice();
}

export function sideBestQty(side: usize): f64 {
  return changetype<BookSide>(side).bestQ;
}

export function sideLevels(side: usize): i32 {
  return changetype<BookSide>(side).levels;
}

export function sideTrimmed(side: usize): f64 {
  return changetype<BookSide>(side).trimmed;
}

export function sideRebuilds(side: usize): f64 {
  return changetype<BookSide>(side).rebuilds;
}

export function sideRelocated(side: usize): f64 {
  return changetype<BookSide>(side).relocated;
}

export function sideMemoryBytes(side: usize): f64 {
  return changetype<BookSide>(side).memoryBytes;
}


/** The grid's defining numbers for a checkpoint: 0 10^decimals, 1 the origin, 2 the step. */
export function bookGridPart(p: usize, i: i32): f64 {
  return changetype<L2Book>(p).grid.part(i);
}

/** Restores the grid from a checkpoint's numbers (checked by the TS wrapper). */
export function bookGridRestore(p: usize, scale: f64, origin: f64, step: f64): void {
  changetype<L2Book>(p).grid.restore(scale, origin, step);
}

/** The side's window slots (0 before it is placed), for a checkpoint. */
export function sideWindowSize(side: usize): i32 {
  return changetype<BookSide>(side).window.size;
}

/** The tick of the side's first window slot, for a checkpoint. */
export function sideWindowLo(side: usize): f64 {
  return changetype<BookSide>(side).window.lo;
}

/** Changes that landed in `far` since the window was placed, for a checkpoint. */
export function sideMisses(side: usize): i32 {
  return changetype<BookSide>(side).misses;
}

/** Rebuilds a side from a checkpoint (BookSide.restore): n levels as flat [price, qty, …] f64 at `levels`, best first. */
export function sideRestore(
  side: usize,
  size: i32,
  lo: f64,
  misses: i32,
  trimmed: f64,
  rebuilds: f64,
  relocated: f64,
  levels: usize,
  n: i32,
): void {
  changetype<BookSide>(side).restore(size, lo, misses, trimmed, rebuilds, relocated, levels, n);
}
