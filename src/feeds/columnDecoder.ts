/**
 * Capture lines (`<receive time, ns> <json>`) decoded into an EventBatch of columns with
 * FastDecoder's algorithm: the plain-TS twin of the WebAssembly capture decoder
 * (assembly/feeds/fastDecoder.ts, src/kernels/wasm/feeds/captureDecoder.ts), the same
 * batch layout and the same values, so the two backends are compared on equal terms and a
 * replay on either can read its events without a JS object per message. Lines the fast
 * path does not decode exactly (a snapshot, an escape, a bad timestamp, …) are listed in
 * the batch for the JSON.parse reference path, in order. Bounded: a batch holds at most
 * `capacity` events and as many declined lines; the level column grows with the largest
 * batch's levels (its input's size at most).
 */
import { receiveTimeOf, timestampEnd } from "./captureTimestamp.js";
import { DEPTH, EventBatch, NOT_DECODED, batchCapacity } from "./eventBatch.js";
import { FastDecoder } from "./fastDecoder.js";
import type { CaptureBlockDecoder } from "./captureBlockDecoder.js";
import { DisposedError, InvalidParameterError } from "../errors.js";
import { SymbolTable } from "./symbolTable.js";

const NEWLINE = 10;
const CR = 13;

export class ColumnDecoder implements CaptureBlockDecoder {
  readonly batch: EventBatch;
  private readonly fast = new FastDecoder();
  private readonly symbols = new SymbolTable();
  private readonly kind: Uint8Array;
  private readonly symbol: Int32Array;
  private readonly exchangeTime: Float64Array;
  private readonly receiveTime: Float64Array;
  private readonly id: Float64Array;
  private readonly firstId: Float64Array;
  private readonly prevId: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  private readonly c: Float64Array;
  private readonly d: Float64Array;
  private readonly levelStart: Int32Array;
  private readonly bidValues: Int32Array;
  private readonly askValues: Int32Array;
  private levels = new Float64Array(1 << 16);
  private levelsUsed = 0;
  private live = true;

  /**
   * `capacity`: events (and declined lines) a batch holds at most, 1 … 2^20; `maxLineBytes`: the
   * longest line decoded (newline and CR excluded), ≥ 64 — a longer one is declined, as the WASM
   * decoder declines a line longer than its input block.
   */
  constructor(
    capacity = 4096,
    private readonly maxLineBytes = 1 << 18,
  ) {
    batchCapacity(capacity);
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 64)
      throw new InvalidParameterError("maxLineBytes", maxLineBytes, "an integer ≥ 64");
    const f64 = (): Float64Array => new Float64Array(capacity);
    const i32 = (): Int32Array => new Int32Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.symbol = i32();
    this.exchangeTime = f64();
    this.receiveTime = f64();
    this.id = f64();
    this.firstId = f64();
    this.prevId = f64();
    this.a = f64();
    this.b = f64();
    this.c = f64();
    this.d = f64();
    this.levelStart = i32();
    this.bidValues = i32();
    this.askValues = i32();
    this.batch = new EventBatch(this.columns(), capacity, (index) => this.symbols.name(index));
  }

  /** Symbols not interned (a bound of SymbolTable was reached): their lines were declined. */
  get symbolDeclined(): number {
    return this.symbols.declined;
  }

  /** Decodes every line of `bytes` (the last may lack its newline), handing each full batch and the last to `onBatch`. */
  decode(bytes: Uint8Array, onBatch: (batch: EventBatch) => void): void {
    if (!this.live) throw new DisposedError("CaptureDecoder");
    const batch = this.batch,
      capacity = batch.capacity;
    this.clear();
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(NEWLINE, start);
      const next = end < 0 ? bytes.length : end + 1;
      if (end < 0) end = bytes.length;
      batch.lines++;
      // a declined line is listed with its CR: the reference path strips one, as it does for every line (never two)
      const lineEnd = end;
      if (end > start && bytes[end - 1] === CR) end--;
      if (end > start && (end - start > this.maxLineBytes || !this.line(bytes, start, end))) {
        const k = 3 * batch.declined++;
        batch.declinedLines[k] = batch.count;
        batch.declinedLines[k + 1] = start;
        batch.declinedLines[k + 2] = lineEnd;
      }
      start = next;
      if (batch.count === capacity || batch.declined === capacity) {
        onBatch(batch);
        this.clear();
      }
    }
    if (batch.lines > 0) onBatch(batch);
  }

  /** The columns are on the JS heap (nothing to free): afterwards decode() throws DisposedError, as the WASM decoder's does. */
  dispose(): void {
    this.live = false;
  }

  private clear(): void {
    const batch = this.batch;
    batch.count = 0;
    batch.lines = 0;
    batch.declined = 0;
    this.levelsUsed = 0;
  }

  /** One non-blank line into the batch; false when the fast path declines it. */
  private line(bytes: Uint8Array, start: number, end: number): boolean {
    const space = timestampEnd(bytes, start, end);
    if (space < 0) return false;
    const f = this.fast;
    const kind = f.scan(bytes, space + 1, end);
    if (kind === NOT_DECODED) return false;
    const symbol = this.symbols.intern(bytes, f.symbolFrom, f.symbolTo);
    if (symbol < 0) return false;
    const k = this.batch.count++;
    this.kind[k] = kind;
    this.symbol[k] = symbol;
    this.exchangeTime[k] = f.exchangeTime;
    this.receiveTime[k] = receiveTimeOf(bytes, start, space);
    this.id[k] = f.id;
    this.firstId[k] = f.firstId;
    this.prevId[k] = f.prevId;
    this.a[k] = f.a;
    this.b[k] = f.b;
    this.c[k] = f.c;
    this.d[k] = f.d;
    if (kind === DEPTH) {
      const at = this.levelsUsed,
        nb = f.bidCount,
        na = f.askCount;
      if (at + nb + na > this.levels.length) this.growLevels(at + nb + na);
      const levels = this.levels,
        bids = f.bids,
        asks = f.asks;
      for (let j = 0; j < nb; j++) levels[at + j] = bids[j]!;
      for (let j = 0; j < na; j++) levels[at + nb + j] = asks[j]!;
      this.levelStart[k] = at;
      this.bidValues[k] = nb;
      this.askValues[k] = na;
      this.levelsUsed = at + nb + na;
    } else {
      this.levelStart[k] = 0;
      this.bidValues[k] = 0;
      this.askValues[k] = 0;
    }
    return true;
  }

  private growLevels(need: number): void {
    const grown = new Float64Array(Math.max(need, 2 * this.levels.length));
    grown.set(this.levels.subarray(0, this.levelsUsed));
    this.levels = grown;
    this.batch.columns = this.columns();
  }

  private columns(): EventBatch["columns"] {
    return {
      kind: this.kind,
      symbol: this.symbol,
      exchangeTime: this.exchangeTime,
      receiveTime: this.receiveTime,
      id: this.id,
      firstId: this.firstId,
      prevId: this.prevId,
      a: this.a,
      b: this.b,
      c: this.c,
      d: this.d,
      levelStart: this.levelStart,
      bidValues: this.bidValues,
      askValues: this.askValues,
      levels: this.levels,
    };
  }
}
