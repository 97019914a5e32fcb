/**
 * The checkpoint of an L2 book (src/checkpoint/stateCodec.ts), one layout for both backends:
 * a book written from the JS heap restores into linear memory and back. A trader's engine
 * that restarts from it sees the very book it had — every level bit for bit, the same best
 * quotes, the same counters — and keeps making the same window moves, trims and counts.
 *
 * What is written is the book's logical state, not its memory layout: the tick grid's three
 * defining numbers, and per side the window's placement (size and first tick), the misses
 * since it was placed, the counters, and the levels best first. Where each level lives
 * follows from those (in the window when its tick is inside it, `far` when it is on the grid
 * outside, `stray` off the grid — the rule every change keeps), so the restore puts each one
 * back there; every later decision of the side (moves, growth, trims, the best level) reads
 * only that content and placement. What it does not bring back is how full the trees'
 * leaves and the window's pool were: the restored side packs them, so `memoryBytes` may be
 * smaller than the written book's until the book changes shape — the one output that may
 * differ, and no decision depends on it.
 *
 * Every value is checked before anything is restored (a CheckpointError otherwise): the
 * bounds must be this book's, the grid a grid learning can produce, the window a size the
 * book can have, the levels valid, strictly best first and at most `maxLevels` a side.
 */
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";
import { validPrice, validQty } from "../feeds/validate.js";
import type { OrderBookSide } from "./orderBook.js";
import { MAX_WINDOW } from "./tickWindow.js";
import { MISS_SLACK } from "./bookSide.js";

/** A side as its checkpoint reads and rebuilds it (src/book/bookSide.ts and its WASM wrapper). */
export interface RestorableSide extends OrderBookSide {
  readonly maxWindowTicks: number;
  /** The window's slots (0 before it is placed). */
  readonly windowSize: number;
  /** The tick of the window's first slot. */
  readonly windowLo: number;
  /** Changes that missed the window since it was placed. */
  readonly missCount: number;
  /** Rebuilds the side: window, misses, counters, and levels as flat [price, qty, …] best first (values checked by the caller). */
  restore(size: number, lo: number, misses: number, trimmed: number, rebuilds: number, relocated: number, levels: Float64Array): void;
}

/** A book as its checkpoint reads and rebuilds it. */
export interface RestorableBook {
  readonly bids: RestorableSide;
  readonly asks: RestorableSide;
  /** The tick grid's 10^decimals, origin and step. */
  gridParts(): [scale: number, origin: number, step: number];
  restoreGrid(scale: number, origin: number, step: number): void;
}

/** Integers in the grid's unit stay below this (src/book/priceGrid.ts). */
const MAX_UNITS = 2 ** 52;
/** A window's first tick is an integer a double holds exactly. */
const MAX_TICK = Number.MAX_SAFE_INTEGER;

/** A side's state as read, checked, before it is restored. */
interface SideState {
  size: number;
  lo: number;
  misses: number;
  trimmed: number;
  rebuilds: number;
  relocated: number;
  levels: Float64Array;
}

/** Appends the book's checkpoint part (tag BOOK). */
export function writeBookState(w: StateWriter, book: RestorableBook): void {
  w.tag("BOOK");
  w.u32(book.bids.maxLevels);
  w.u32(book.bids.maxWindowTicks);
  for (const x of book.gridParts()) w.f64(x);
  writeSide(w, book.bids);
  writeSide(w, book.asks);
}

function writeSide(w: StateWriter, side: RestorableSide): void {
  w.u32(side.windowSize);
  w.f64(side.windowLo);
  w.u32(side.missCount);
  w.f64(side.trimmed);
  w.f64(side.rebuilds);
  w.f64(side.relocated);
  // prices best first, then their quantities (the layout `top` writes)
  const n = side.levels,
    flat = new Float64Array(2 * n);
  side.top(n, flat, 0, n);
  w.f64s(flat);
}

/** Reads what writeBookState wrote and, once every value passed its check, rebuilds the book from it. */
export function readBookState(r: StateReader, book: RestorableBook): void {
  r.tag("BOOK");
  const maxLevels = book.bids.maxLevels,
    maxWindowTicks = book.bids.maxWindowTicks;
  sameAs(r, "maxLevels", maxLevels);
  sameAs(r, "maxWindowTicks", maxWindowTicks);
  const scale = r.f64(),
    origin = r.f64(),
    step = r.f64();
  if (!isPow10(scale)) throw r.fail(`the grid's unit is 1/${scale}: expected a power of ten from 10^0 to 10^22`);
  if (!unitInteger(step)) throw r.fail(`the grid's step is ${step}: expected an integer from 0 to 2^52`);
  if (!(origin !== origin ? step === 0 : unitInteger(origin)))
    throw r.fail(`the grid's origin is ${origin}: expected an integer from 0 to 2^52 (NaN only without a step)`);
  const bids = readSide(r, true, maxLevels, maxWindowTicks),
    asks = readSide(r, false, maxLevels, maxWindowTicks);
  book.restoreGrid(scale, origin, step);
  restoreSide(book.bids, bids);
  restoreSide(book.asks, asks);
}

function restoreSide(side: RestorableSide, s: SideState): void {
  side.restore(s.size, s.lo, s.misses, s.trimmed, s.rebuilds, s.relocated, s.levels);
}

function readSide(r: StateReader, isBid: boolean, maxLevels: number, maxWindowTicks: number): SideState {
  const what = isBid ? "bids" : "asks";
  const size = r.u32();
  if (!(size === 0 || (size >= 64 && size <= maxWindowTicks && size <= MAX_WINDOW && (size & (size - 1)) === 0)))
    throw r.fail(`the ${what} window has ${size} slots: expected 0 or a power of two from 64 to ${maxWindowTicks}`);
  const lo = r.f64();
  if (size > 0 ? !(Number.isInteger(lo) && Math.abs(lo) <= MAX_TICK) : lo !== lo)
    throw r.fail(`the ${what} window starts at tick ${lo}: expected an integer (or any number without a window)`);
  // a side recentres its window once its misses reach MISS_SLACK + a quarter of the window's levels
  const misses = r.u32In(`${what} misses`, 0, MISS_SLACK + (maxWindowTicks >> 2));
  const trimmed = r.count(`${what} trimmed`),
    rebuilds = r.count(`${what} rebuilds`),
    relocated = r.count(`${what} relocated`);
  const flat = r.f64s(2 * maxLevels);
  const n = flat.length >> 1;
  if (flat.length !== 2 * n) throw r.fail(`${what} hold ${flat.length} numbers: expected prices and quantities in pairs`);
  const levels = new Float64Array(2 * n);
  let before = NaN;
  for (let i = 0; i < n; i++) {
    const p = flat[i]!,
      q = flat[n + i]!;
    if (!validPrice(p)) throw r.fail(`${what} level ${i} has price ${p}: expected a valid price`);
    if (!(q > 0 && validQty(q))) throw r.fail(`${what} level ${i} has quantity ${q}: expected a valid quantity > 0`);
    if (i > 0 && !(isBid ? p < before : p > before)) throw r.fail(`${what} level ${i} at ${p} after ${before}: expected levels best first`);
    before = p;
    levels[2 * i] = p;
    levels[2 * i + 1] = q;
  }
  return { size, lo, misses, trimmed, rebuilds, relocated, levels };
}

/** A u32 that must equal this object's configuration. */
function sameAs(r: StateReader, what: string, expected: number): void {
  const got = r.u32();
  if (got !== expected) throw r.fail(`written with ${what} ${got}, this book has ${expected}`);
}

function unitInteger(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x < MAX_UNITS;
}

function isPow10(x: number): boolean {
  for (let e = 0, p = 1; e <= 22; e++, p *= 10) if (x === p) return true;
  return false;
}
