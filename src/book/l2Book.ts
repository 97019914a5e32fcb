/**
 * An L2 order book (price → absolute quantity, both sides) that stays fast, small and
 * exact under any shape of input: O(1) per level change near the touch and O(log n)
 * elsewhere for any tick size and any set of prices, best bid/ask in O(1), the top N
 * levels in O(N), memory that grows with the book's own levels and width (an empty book
 * holds no arrays), at most `maxLevels` a side (the farthest from the touch is dropped
 * and counted), and prices read back bit for bit as they were given.
 *
 * The tick grid is learnt from each snapshot (book/priceGrid.ts); each side keeps the
 * ticks near its touch in a window indexed by tick and everything else — far levels,
 * prices off the grid — in B+trees (book/bookSide.ts). A price off the grid never changes the grid: it
 * is simply stored by its exact value, away from the window.
 */
import { BookSide } from "./bookSide.js";
import { PriceGrid } from "./priceGrid.js";
import { MAX_WINDOW } from "./tickWindow.js";
import { InvalidParameterError, InvalidValueError } from "../errors.js";
import { LIMITS, validPrice, validQty } from "../feeds/validate.js";
import type { OrderBook } from "./orderBook.js";
import { readBookState, writeBookState, type RestorableBook } from "./bookState.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

export { BookSide };

export interface L2BookOptions {
  /** Levels kept per side; beyond it the level farthest from the touch is dropped (and counted in `trimmed`). Default 10,000. */
  readonly maxLevels?: number;
  /** The widest tick window per side (a power of two from 64 to 32,768; 2 bytes a tick + 8 a level in it). Default 8,192: at 1,000 symbols of BTCUSDT-like books the books hold 77 MB instead of 100 (bench:universe). */
  readonly maxWindowTicks?: number;
}

/** Throws a typed error unless both sides are valid levels (checkLevels), before anything changes. */
export function checkSides(bids: Float64Array, asks: Float64Array): void {
  checkLevels("bids", bids);
  checkLevels("asks", asks);
}

/**
 * Throws a typed error unless levels is flat [price, qty, …] (a Float64Array, or any array of
 * numbers) with every value inside the event validator's bounds (feeds/validate.ts LIMITS).
 */
function checkLevels(what: string, levels: Float64Array): void {
  if (typeof levels !== "object" || levels === null || typeof levels.length !== "number") {
    throw new InvalidParameterError(what, levels, "a Float64Array of [price, qty, …] pairs");
  }
  if (levels.length % 2 !== 0) throw new InvalidParameterError(`${what}.length`, levels.length, "an even length ([price, qty, …] pairs)");
  for (let i = 0; i < levels.length; i += 2) {
    const p = levels[i]!,
      q = levels[i + 1]!;
    // a numeric string ("100.5", as exchanges send them) compares as a number but is not one: the book would hand it back
    if (typeof p !== "number" || typeof q !== "number") {
      const at = typeof p !== "number" ? i : i + 1;
      throw new InvalidParameterError(`${what}[${at}]`, levels[at], "a number");
    }
    if (!validPrice(p)) throw new InvalidValueError(what, i, p, `a price in [${LIMITS.minPrice}, ${LIMITS.maxPrice}]`);
    if (!validQty(q)) throw new InvalidValueError(what, i + 1, q, `0 or a quantity in [${LIMITS.minQty}, ${LIMITS.maxQty}]`);
  }
}

/** The bounds of a book, defaults filled in; a typed error for any out of range. */
export function resolveBookOptions(options: L2BookOptions = {}): Required<L2BookOptions> {
  const maxLevels = options.maxLevels ?? 10_000;
  const maxWindowTicks = options.maxWindowTicks ?? 8_192;
  if (!(Number.isSafeInteger(maxLevels) && maxLevels >= 1 && maxLevels < 2 ** 31))
    throw new InvalidParameterError("maxLevels", maxLevels, "an integer from 1 to 2^31 − 1");
  if (
    !(
      Number.isSafeInteger(maxWindowTicks) &&
      maxWindowTicks >= 64 &&
      maxWindowTicks <= MAX_WINDOW &&
      (maxWindowTicks & (maxWindowTicks - 1)) === 0
    )
  ) {
    throw new InvalidParameterError("maxWindowTicks", maxWindowTicks, `a power of two from 64 to ${MAX_WINDOW}`);
  }
  return { maxLevels, maxWindowTicks };
}

export class L2Book implements OrderBook {
  readonly bids: BookSide;
  readonly asks: BookSide;
  private readonly grid = new PriceGrid();

  constructor(options: L2BookOptions = {}) {
    const { maxLevels, maxWindowTicks } = resolveBookOptions(options);
    this.bids = new BookSide(true, this.grid, maxLevels, maxWindowTicks);
    this.asks = new BookSide(false, this.grid, maxLevels, maxWindowTicks);
  }

  /** The tick size learnt from the last snapshot (0 before any snapshot with levels). */
  get tickSize(): number {
    return this.grid.tickSize;
  }

  /** Levels dropped on both sides because a side held more than `maxLevels`. */
  get trimmed(): number {
    return this.bids.trimmed + this.asks.trimmed;
  }

  /** Bytes the book holds in typed arrays: its levels (the objects around them add ~2 KB; an empty book holds none). */
  get memoryBytes(): number {
    return this.bids.memoryBytes + this.asks.memoryBytes;
  }

  /** Replaces the book with a snapshot's levels (flat [p, q, …]; q 0 means no level); learns the tick grid. */
  load(bids: Float64Array, asks: Float64Array): void {
    checkSides(bids, asks);
    this.loadValid(bids, asks);
  }

  /** Applies absolute quantities per level (flat [p, q, …]); qty 0 removes. Invalid input throws before anything changes. */
  apply(bids: Float64Array, asks: Float64Array): void {
    checkSides(bids, asks);
    this.applyValid(bids, asks);
  }

  /** `load` for levels that passed validateEvent already (the book sync's): no second pass over them. */
  loadValid(bids: Float64Array, asks: Float64Array): void {
    this.grid.learn(bids, asks);
    this.bids.load(bids);
    this.asks.load(asks);
  }

  /** `apply` for levels that passed validateEvent already (the book sync's): no second pass over them. */
  applyValid(bids: Float64Array, asks: Float64Array): void {
    this.bids.setAll(bids, 0, bids.length);
    this.asks.setAll(asks, 0, asks.length);
  }

  applyRange(values: Float64Array, at: number, bidValues: number, askValues: number): void {
    this.bids.setAll(values, at, at + bidValues);
    this.asks.setAll(values, at + bidValues, at + bidValues + askValues);
  }

  /** Best bid ≥ best ask: impossible on a consistent book. */
  get crossed(): boolean {
    return this.bids.bestPrice() >= this.asks.bestPrice();
  }

  /** Appends the book's complete state (a checkpoint part: src/book/bookState.ts, the same layout as the WASM book's). */
  writeState(w: StateWriter): void {
    writeBookState(w, this.restorable());
  }

  /** Restores what writeState wrote (on either backend) into this book, made with the same options; a CheckpointError when the bytes do not fit. */
  readState(r: StateReader): void {
    readBookState(r, this.restorable());
  }

  private restorable(): RestorableBook {
    const grid = this.grid;
    return {
      bids: this.bids,
      asks: this.asks,
      gridParts: () => grid.parts(),
      restoreGrid: (scale, origin, step) => grid.restore(scale, origin, step),
    };
  }

  /** Releases the sides' arrays (the JS heap collects the rest); counters are kept. */
  dispose(): void {
    this.bids.clear();
    this.asks.clear();
  }
}
