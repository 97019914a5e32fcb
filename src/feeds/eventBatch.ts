/**
 * A batch of decoded events as columns (struct of arrays), what a replay decodes capture
 * bytes into so the engine can read its events without a JS object per message: the
 * layout the WebAssembly capture decoder (assembly/feeds/fastDecoder.ts) writes in linear
 * memory and its plain-TS twin ColumnDecoder writes in typed arrays. Per event k:
 *
 *   kind          TRADE, QUOTE or DEPTH (SNAPSHOT is never decoded into a batch)
 *   symbol        index of the symbol's name (symbolName())
 *   exchangeTime  ms, NaN when absent; receiveTime ms (captures: ns / 1e6, sub-ms kept)
 *   id            trade id, quote update id, depth last update id (u)
 *   firstId       depth first update id (U); prevId depth previous u (futures pu), NaN when absent
 *   a, b, c, d    trade: price, qty, buyer-initiated 1/0, NaN; quote: bidPx, bidQty, askPx, askQty
 *   levelStart    depth: where its values start in `levels`: bidValues [price, qty, …]
 *                 values of bids, then askValues of asks (values, i.e. 2 × levels)
 *
 * Lines the fast path declined are listed in order with the number of events before each,
 * so a caller sends them to the JSON.parse reference path and keeps capture order.
 */
import { InvalidParameterError } from "../errors.js";
import type { MarketEvent } from "./events.js";
import type { LevelSlab } from "./levelSlab.js";

export const TRADE = 0;
export const QUOTE = 1;
export const DEPTH = 2;
/** What a scan returns for a message that is not exactly a hot kind. */
export const NOT_DECODED = -1;

/** Largest batch: 2^20 events (a batch's columns are ~100 bytes an event). */
const MAX_BATCH_EVENTS = 1 << 20;

/** `capacity` when it is a valid batch size (an integer from 1 to MAX_BATCH_EVENTS); InvalidParameterError otherwise. */
export function batchCapacity(capacity: number): number {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_BATCH_EVENTS)
    throw new InvalidParameterError("capacity", capacity, `an integer from 1 to ${MAX_BATCH_EVENTS}`);
  return capacity;
}

export interface EventColumns {
  readonly kind: Uint8Array;
  readonly symbol: Int32Array;
  readonly exchangeTime: Float64Array;
  readonly receiveTime: Float64Array;
  readonly id: Float64Array;
  readonly firstId: Float64Array;
  readonly prevId: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly c: Float64Array;
  readonly d: Float64Array;
  readonly levelStart: Int32Array;
  readonly bidValues: Int32Array;
  readonly askValues: Int32Array;
  readonly levels: Float64Array;
}

export class EventBatch {
  /** Events in the batch. */
  count = 0;
  /** Lines read into this batch, blank lines included. */
  lines = 0;
  /** Lines declined (left to the reference path). */
  declined = 0;
  /** Per declined line: events before it in the batch, its start and its end in the caller's bytes (newline excluded, a CR before it kept: the reference path strips it). */
  readonly declinedLines: Int32Array;
  columns: EventColumns;

  constructor(
    columns: EventColumns,
    /** Events (and declined lines) a batch holds at most. */
    readonly capacity: number,
    /** The name of interned symbol `index`. */
    readonly symbolName: (index: number) => string,
    /**
     * Makes `columns` views of the current memory again, when the module's memory has grown since
     * (a WASM decoder's; a batch whose columns are views of kernel buffers must give one too).
     */
    private readonly renew: (() => void) | null = null,
    /** Releases what the batch's columns hold in kernel memory (eventBatch with `memory`). */
    private release: (() => void) | null = null,
  ) {
    this.columns = columns;
    this.declinedLines = new Int32Array(3 * capacity);
  }

  /**
   * Frees the kernel buffers eventBatch took for the columns with `memory` (the level column is
   * the caller's); nothing for other batches. Use the batch no more afterwards; free() again does nothing.
   */
  free(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }

  /**
   * The columns, valid now: what runs on an event may grow the module's memory that a WASM
   * decoder's columns (or a level column in a kernel buffer) are views of, which empties every
   * such view (a detached buffer); `renew` makes them again, and takes a holder's new array.
   */
  columnsNow(): EventColumns {
    if (this.renew !== null) this.renew();
    return this.columns;
  }

  /**
   * Event k as the object FastDecoder.decode returns for its line (same fields, same order, same
   * values); levels copied into `slab`. The columns as they are now (columnsNow); a kind that is
   * none of TRADE, QUOTE, DEPTH is an InvalidParameterError.
   */
  event(k: number, slab: LevelSlab): MarketEvent {
    const c = this.columnsNow();
    const symbol = this.symbolName(c.symbol[k]!);
    const kind = c.kind[k];
    if (kind === TRADE)
      return {
        type: "trade",
        symbol,
        exchangeTime: c.exchangeTime[k]!,
        receiveTime: c.receiveTime[k]!,
        price: c.a[k]!,
        qty: c.b[k]!,
        buyerInitiated: c.c[k] === 1,
        tradeId: c.id[k]!,
      };
    if (kind === DEPTH) {
      const at = c.levelStart[k]!,
        nb = c.bidValues[k]!;
      return {
        type: "depth",
        symbol,
        exchangeTime: c.exchangeTime[k]!,
        receiveTime: c.receiveTime[k]!,
        firstUpdateId: c.firstId[k]!,
        lastUpdateId: c.id[k]!,
        prevUpdateId: c.prevId[k]!,
        bids: slab.take(c.levels, at, nb),
        asks: slab.take(c.levels, at + nb, c.askValues[k]!),
      };
    }
    if (kind !== QUOTE) throw new InvalidParameterError("kind", kind, `${TRADE} (trade), ${QUOTE} (quote) or ${DEPTH} (depth)`);
    return {
      type: "quote",
      symbol,
      exchangeTime: c.exchangeTime[k]!,
      receiveTime: c.receiveTime[k]!,
      updateId: c.id[k]!,
      bidPx: c.a[k]!,
      bidQty: c.b[k]!,
      askPx: c.c[k]!,
      askQty: c.d[k]!,
    };
  }
}

/** What `make` returns; when it throws (out of kernel memory), the buffers it took into `taken` are freed first. */
function taking<T>(taken: readonly { free(): void }[], make: () => T): T {
  try {
    return make();
  } catch (e) {
    for (const b of taken) b.free();
    throw e;
  }
}

/** Where a batch's columns may lie instead of the JS heap: Kernels satisfies it (its buffers are in linear memory on the WASM backend). */
export interface ColumnMemory {
  allocFloat64(length: number): { readonly array: Float64Array; free(): void };
  allocUint8(length: number): { readonly array: Uint8Array; free(): void };
}

/**
 * An empty batch for `capacity` events around a level column: `levels.array`, a plain array's
 * holder or a kernel buffer (Kernels.allocFloat64: on the WASM backend its levels are then
 * checked and applied in linear memory, and its view is taken again whenever the module's
 * memory has grown). The other columns are plain typed arrays, or with `memory` (the kernels)
 * kernel buffers: on the WASM backend the engine then takes runs of a symbol's quotes and
 * trades inside the module, as from a WASM decoder's batch (free() releases them). For a caller
 * that decodes its own feed into batches for StreamingEngine.processBatch; `symbolName` names its
 * symbol indices.
 */
export function eventBatch(
  capacity: number,
  levels: { readonly array: Float64Array },
  symbolName: (index: number) => string,
  memory?: ColumnMemory,
): EventBatch {
  batchCapacity(capacity);
  const taken: { free(): void }[] = [];
  const kept = <T extends { free(): void }>(b: T): T => {
    taken.push(b);
    return b;
  };
  const f64 = memory ? () => kept(memory.allocFloat64(capacity)) : () => ({ array: new Float64Array(capacity) });
  const u8 = memory ? (n: number) => kept(memory.allocUint8(n)) : (n: number) => ({ array: new Uint8Array(n) });
  const i32 = () => {
    const bytes = u8(4 * capacity);
    return {
      get array(): Int32Array {
        const a = bytes.array;
        return new Int32Array(a.buffer, a.byteOffset, capacity);
      },
    };
  };
  const store = taking(taken, () => ({
    kind: u8(capacity),
    symbol: i32(),
    exchangeTime: f64(),
    receiveTime: f64(),
    id: f64(),
    firstId: f64(),
    prevId: f64(),
    a: f64(),
    b: f64(),
    c: f64(),
    d: f64(),
    levelStart: i32(),
    bidValues: i32(),
    askValues: i32(),
  }));
  const columnsOf = (): EventColumns => {
    const columns = {} as Record<keyof typeof store, Uint8Array | Int32Array | Float64Array>;
    for (const key of Object.keys(store) as (keyof typeof store)[]) columns[key] = store[key].array;
    return { ...(columns as unknown as Omit<EventColumns, "levels">), levels: levels.array };
  };
  // a kernel buffer's view is made again once the memory grew (the old one is then detached: length 0);
  // a holder's array is taken whenever it is another
  const buffer = typeof (levels as { free?: unknown }).free === "function";
  const batch: EventBatch = new EventBatch(
    columnsOf(),
    capacity,
    symbolName,
    () => {
      const c = batch.columns;
      if (c.kind.length === 0) batch.columns = columnsOf();
      else if (buffer ? c.levels.length === 0 : c.levels !== levels.array) batch.columns = { ...c, levels: levels.array };
    },
    () => {
      for (const b of taken) b.free();
    },
  );
  return batch;
}
