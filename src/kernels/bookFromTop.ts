/**
 * ConfluenceCore.bookFrom for a book a core cannot read in place (a checked core, or a WASM
 * core given a book of another backend): each side's top levels written through `top` into
 * the core's book input, then core.book() — with whatever checks that core's book() makes.
 */
import type { OrderBook } from "../book/orderBook.js";
import type { ConfluenceCore } from "./types.js";

export function bookFromTop(core: ConfluenceCore, book: OrderBook, depth: number): void {
  const input = core.bookInput;
  const nb = book.bids.top(depth, input, 0, depth);
  const na = book.asks.top(depth, input, 2 * depth, 3 * depth);
  core.book(nb, na);
}
