/**
 * Market events packed for a worker thread: a batch is one Float64Array (transferred,
 * not copied, to the worker) plus the symbol table it indexes. Structured cloning the
 * event objects costs about 2 µs an event — several times what the engine spends on
 * one — and the JSON wire form (feeds/wire.ts) is no cheaper; packing costs tens of
 * nanoseconds and is exact, since every field of a MarketEvent is a float64 already.
 * Buffers are allocated once and go round: the worker hands each one back with its
 * results, and the writer packs the next batch into it (a fresh ~100 KB buffer per batch
 * costs more than the packing itself). So nothing may keep a view into a batch: the
 * reader copies the levels out.
 *
 * One record per event, fields in this order (the levels flattened as in the event):
 *   trade     TRADE, symbol, exchangeTime, receiveTime, price, qty, buyerInitiated (1/0), tradeId
 *   quote     QUOTE, symbol, exchangeTime, receiveTime, updateId, bidPx, bidQty, askPx, askQty
 *   depth     DEPTH, symbol, exchangeTime, receiveTime, firstUpdateId, lastUpdateId, prevUpdateId, nBids, nAsks, bids…, asks…
 *   snapshot  SNAPSHOT, symbol, exchangeTime, receiveTime, lastUpdateId, nBids, nAsks, bids…, asks…
 *   other     OTHER, symbol, exchangeTime, receiveTime, index of String(type) in `types`
 *   raw       RAW, symbol, index of a structured clone of the event in `raw`
 * An event of an unknown type travels as its type name only, which is all the engine
 * looks at before rejecting it. Packing is exact because a well-formed event's fields
 * are all numbers (feeds/validate.ts); an event that is not well formed — a string or a
 * BigInt for a number, a missing field, levels of another kind — travels as it is (a
 * structured clone, taken when it is written), so the worker's engine rejects it exactly
 * as a single engine would, with the same reason. `write` returns false for an event
 * that cannot even be cloned (it holds a function, say): the caller counts it as dropped.
 */
import type { MarketEvent } from "../feeds/events.js";
import { eventShapeError } from "../feeds/validate.js";

const TRADE = 0,
  QUOTE = 1,
  DEPTH = 2,
  SNAPSHOT = 3,
  OTHER = 4,
  RAW = 5;

/** A packed batch as it travels to a worker. */
export interface EventBatch {
  /** The records from index 0 (the rest of the buffer is unused). */
  readonly data: Float64Array;
  readonly count: number;
  /** Type names of events of unknown type (usually empty). */
  readonly types: readonly string[];
  /** Events that are not well formed, as they are (usually empty). */
  readonly raw: readonly unknown[];
}

type Levels = { readonly length: number; readonly [i: number]: number };

const INITIAL = 1 << 14;

/** Appends events to a growing buffer; `take()` hands out the batch and starts the next in a recycled buffer. */
export class EventBatchWriter {
  private buf: Float64Array = new Float64Array(INITIAL);
  private readonly spare: Float64Array[] = [];
  private len = 0;
  private types: string[] = [];
  private raw: unknown[] = [];
  /** Events in the current batch. */
  count = 0;

  /** Appends `e` (an object) under the symbol table index `symbol`; false when it cannot be sent at all. */
  write(e: MarketEvent, symbol: number): boolean {
    if (eventShapeError(e) !== null) return this.writeRaw(e, symbol);
    switch (e.type) {
      case "trade": {
        const b = this.reserve(8),
          i = this.len;
        b[i] = TRADE;
        b[i + 1] = symbol;
        b[i + 2] = e.exchangeTime;
        b[i + 3] = e.receiveTime;
        b[i + 4] = e.price;
        b[i + 5] = e.qty;
        b[i + 6] = e.buyerInitiated ? 1 : 0;
        b[i + 7] = e.tradeId;
        this.len = i + 8;
        break;
      }
      case "quote": {
        const b = this.reserve(9),
          i = this.len;
        b[i] = QUOTE;
        b[i + 1] = symbol;
        b[i + 2] = e.exchangeTime;
        b[i + 3] = e.receiveTime;
        b[i + 4] = e.updateId;
        b[i + 5] = e.bidPx;
        b[i + 6] = e.bidQty;
        b[i + 7] = e.askPx;
        b[i + 8] = e.askQty;
        this.len = i + 9;
        break;
      }
      case "depth": {
        const bids: Levels = e.bids,
          asks: Levels = e.asks;
        const b = this.reserve(9 + bids.length + asks.length),
          i = this.len;
        b[i] = DEPTH;
        b[i + 1] = symbol;
        b[i + 2] = e.exchangeTime;
        b[i + 3] = e.receiveTime;
        b[i + 4] = e.firstUpdateId;
        b[i + 5] = e.lastUpdateId;
        b[i + 6] = e.prevUpdateId;
        b[i + 7] = bids.length;
        b[i + 8] = asks.length;
        this.len = this.levels(asks, this.levels(bids, i + 9));
        break;
      }
      case "snapshot": {
        const bids: Levels = e.bids,
          asks: Levels = e.asks;
        const b = this.reserve(7 + bids.length + asks.length),
          i = this.len;
        b[i] = SNAPSHOT;
        b[i + 1] = symbol;
        b[i + 2] = e.exchangeTime;
        b[i + 3] = e.receiveTime;
        b[i + 4] = e.lastUpdateId;
        b[i + 5] = bids.length;
        b[i + 6] = asks.length;
        this.len = this.levels(asks, this.levels(bids, i + 7));
        break;
      }
      default: {
        const other = e as { type: unknown; exchangeTime: number; receiveTime: number };
        const b = this.reserve(5),
          i = this.len;
        b[i] = OTHER;
        b[i + 1] = symbol;
        b[i + 2] = other.exchangeTime;
        b[i + 3] = other.receiveTime;
        b[i + 4] = this.types.push(String(other.type)) - 1;
        this.len = i + 5;
      }
    }
    this.count++;
    return true;
  }

  private writeRaw(e: MarketEvent, symbol: number): boolean {
    let copy: unknown;
    try {
      copy = structuredClone(e);
    } catch {
      return false;
    }
    const b = this.reserve(3),
      i = this.len;
    b[i] = RAW;
    b[i + 1] = symbol;
    b[i + 2] = this.raw.push(copy) - 1;
    this.len = i + 3;
    this.count++;
    return true;
  }

  /** The batch so far, in the writer's buffer (hand it over; `recycle` it when done). The writer starts empty again. */
  take(): EventBatch {
    const batch = { data: this.buf, count: this.count, types: this.types, raw: this.raw };
    this.buf = this.spare.pop() ?? new Float64Array(INITIAL);
    this.len = 0;
    this.count = 0;
    this.types = [];
    this.raw = [];
    return batch;
  }

  /** Gives back a batch's buffer for a later batch. */
  recycle(data: Float64Array): void {
    this.spare.push(data);
  }

  private reserve(n: number): Float64Array {
    if (this.len + n > this.buf.length) {
      const grown = new Float64Array(Math.max(this.buf.length * 2, this.len + n));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    return this.buf;
  }

  private levels(src: Levels, at: number): number {
    const b = this.buf;
    if (src instanceof Float64Array) b.set(src, at);
    else for (let k = 0; k < src.length; k++) b[at + k] = src[k]!;
    return at + src.length;
  }
}

/**
 * Calls `onEvent` with each event of `batch`, in order; `symbols` is the table the
 * writer's indices refer to. Levels are copies: the buffer is reused once read.
 */
export function readEventBatch(batch: EventBatch, symbols: readonly string[], onEvent: (e: MarketEvent) => void): void {
  const b = batch.data;
  let i = 0;
  for (let n = 0; n < batch.count; n++) {
    const symbol = symbols[b[i + 1]!]!,
      exchangeTime = b[i + 2]!,
      receiveTime = b[i + 3]!;
    switch (b[i]) {
      case TRADE:
        onEvent({
          type: "trade",
          symbol,
          exchangeTime,
          receiveTime,
          price: b[i + 4]!,
          qty: b[i + 5]!,
          buyerInitiated: b[i + 6] === 1,
          tradeId: b[i + 7]!,
        });
        i += 8;
        break;
      case QUOTE:
        onEvent({
          type: "quote",
          symbol,
          exchangeTime,
          receiveTime,
          updateId: b[i + 4]!,
          bidPx: b[i + 5]!,
          bidQty: b[i + 6]!,
          askPx: b[i + 7]!,
          askQty: b[i + 8]!,
        });
        i += 9;
        break;
      case DEPTH: {
        const nb = b[i + 7]!,
          na = b[i + 8]!,
          at = i + 9;
        onEvent({
          type: "depth",
          symbol,
          exchangeTime,
          receiveTime,
          firstUpdateId: b[i + 4]!,
          lastUpdateId: b[i + 5]!,
          prevUpdateId: b[i + 6]!,
          bids: b.slice(at, at + nb),
          asks: b.slice(at + nb, at + nb + na),
        });
        i = at + nb + na;
        break;
      }
      case SNAPSHOT: {
        const nb = b[i + 5]!,
          na = b[i + 6]!,
          at = i + 7;
        onEvent({
          type: "snapshot",
          symbol,
          exchangeTime,
          receiveTime,
          lastUpdateId: b[i + 4]!,
          bids: b.slice(at, at + nb),
          asks: b.slice(at + nb, at + nb + na),
        });
        i = at + nb + na;
        break;
      }
      case RAW:
        onEvent(batch.raw[b[i + 2]!] as MarketEvent);
        i += 3;
        break;
      default:
        onEvent({ type: batch.types[b[i + 4]!], symbol, exchangeTime, receiveTime } as unknown as MarketEvent);
        i += 5;
    }
  }
}
