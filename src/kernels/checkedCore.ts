/**
 * The confluence core behind input checks: every event is validated (argument types
 * first — numbers, a boolean side — then prices and quantities inside the event
 * validator's sane bounds (feeds/validate.ts LIMITS: no sum, variance or product of the
 * analysis can overflow), trades in time order, sentiment in [−1, 1]) before it reaches
 * either backend, so both reject the same inputs with the same typed errors and a
 * rejected event changes nothing.
 */
import { ArgumentTypeError, InvalidParameterError, InvalidValueError, LengthMismatchError, OutOfOrderError } from "../errors.js";
import * as O from "./coreLayout.js";
import type { ConfluenceCore } from "./types.js";
import type { RawConfluenceCore } from "./raw.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";
import type { OrderBook } from "../book/orderBook.js";
import { bookFromTop } from "./bookFromTop.js";
import { kindOf, requireBoolean, requireFinite, requireNumber } from "./validate.js";
import { LIMITS, validPrice, validQty } from "../feeds/validate.js";

const PRICE = `a finite price in [${LIMITS.minPrice}, ${LIMITS.maxPrice}]`;
const QUANTITY = `0 or a finite quantity in [${LIMITS.minQty}, ${LIMITS.maxQty}]`;

function price(what: string, i: number, v: number): void {
  if (typeof v !== "number") requireNumber(what, v, PRICE);
  if (!validPrice(v)) throw new InvalidValueError(what, i, v, PRICE);
}

function quantity(what: string, i: number, v: number): void {
  if (typeof v !== "number") requireNumber(what, v, QUANTITY);
  if (!validQty(v)) throw new InvalidValueError(what, i, v, QUANTITY);
}

function levelCount(what: string, n: number, depth: number): void {
  requireNumber(what, n, `an integer from 0 to ${depth}`);
  if (!Number.isInteger(n) || n < 0 || n > depth) throw new InvalidValueError(what, 0, n, `an integer from 0 to ${depth}`);
}

export class CheckedConfluenceCore implements ConfluenceCore {
  private lastTradeTime = -Infinity;

  constructor(
    private readonly core: RawConfluenceCore,
    private readonly depth: number,
  ) {}

  get bookInput(): Float64Array {
    return this.core.bookInput;
  }

  book(bidLevels: number, askLevels: number): void {
    const n = this.depth;
    levelCount("bidLevels", bidLevels, n);
    levelCount("askLevels", askLevels, n);
    const b = this.core.bookInput;
    // one pass of plain comparisons; the element is named only when one fails
    let ok = true;
    for (let i = 0; i < bidLevels; i++) ok = ok && validPrice(b[i]!) && validQty(b[n + i]!);
    for (let i = 0; i < askLevels; i++) ok = ok && validPrice(b[2 * n + i]!) && validQty(b[3 * n + i]!);
    if (!ok) {
      for (let i = 0; i < bidLevels; i++) {
        price("bidPx", i, b[i]!);
        quantity("bidQty", i, b[n + i]!);
      }
      for (let i = 0; i < askLevels; i++) {
        price("askPx", i, b[2 * n + i]!);
        quantity("askQty", i, b[3 * n + i]!);
      }
    }
    this.core.book(bidLevels, askLevels);
  }

  /** Any OrderBook (one a caller wrote included): its top levels are checked as book() checks them. */
  bookFrom(book: OrderBook): void {
    const sides = book as Partial<OrderBook> | null;
    if (typeof sides?.bids?.top !== "function" || typeof sides.asks?.top !== "function") {
      throw new ArgumentTypeError("book", kindOf(book), "an OrderBook (bids and asks with top())");
    }
    bookFromTop(this, book, this.depth);
  }

  quote(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    price("bidPx", 0, bidPx);
    quantity("bidQty", 0, bidQty);
    price("askPx", 0, askPx);
    quantity("askQty", 0, askQty);
    this.core.quote(bidPx, bidQty, askPx, askQty);
  }

  trade(px: number, qty: number, buyerInitiated: boolean, time: number): void {
    price("trade price", 0, px);
    quantity("trade qty", 0, qty);
    if (typeof buyerInitiated !== "boolean") requireBoolean("buyerInitiated", buyerInitiated);
    requireFinite("trade time", time);
    if (time < this.lastTradeTime) throw new OutOfOrderError("trade", time, this.lastTradeTime);
    this.lastTradeTime = time;
    this.core.trade(px, qty, buyerInitiated, time);
  }

  sentiment(value: number, time: number): void {
    requireNumber("sentiment", value, "a value in [−1, 1]");
    if (!(value >= -1 && value <= 1)) throw new InvalidValueError("sentiment", 0, value, "a value in [−1, 1]");
    requireFinite("sentiment time", time);
    this.core.sentiment(value, time);
  }

  compute(now: number): boolean {
    requireFinite("now", now);
    return this.core.compute(now);
  }

  output(slot: number): number {
    if (!(typeof slot === "number" && Number.isInteger(slot) && slot >= 0 && slot < O.OUTPUTS)) {
      requireNumber("slot", slot, `an integer from 0 to ${O.OUTPUTS - 1}`);
      throw new InvalidParameterError("slot", slot, `an integer from 0 to ${O.OUTPUTS - 1} (coreLayout.ts)`);
    }
    return this.core.output(slot);
  }

  snapshot(out: Float64Array | number[]): void {
    if (!(out instanceof Float64Array || Array.isArray(out)))
      throw new ArgumentTypeError("snapshot out", kindOf(out), "a Float64Array or an array");
    if (out.length < O.OUTPUTS) throw new LengthMismatchError("snapshot out", O.OUTPUTS, out.length);
    this.core.snapshot(out);
  }

  /** The core's state: the same part as a trusted core's (the time order of trades is the core's own last trade time). */
  writeState(w: StateWriter): void {
    this.core.writeState(w);
  }

  readState(r: StateReader): void {
    this.core.readState(r);
    this.lastTradeTime = this.core.lastTradeTime;
  }

  reset(): void {
    this.lastTradeTime = -Infinity;
    this.core.reset();
  }

  dispose(): void {
    this.core.dispose();
  }
}
