/**
 * The WebAssembly capture decoder's TS side: copies capture bytes into the decoder's input
 * block in linear memory, runs assembly/feeds/fastDecoder.ts over the complete lines and
 * hands out each batch as an EventBatch whose columns are views of linear memory — no JS
 * object and no string per event (EventBatch.event() builds one when a caller asks). The
 * twin of ColumnDecoder (src/feeds/columnDecoder.ts): same batches, same values, except
 * that a decimal the fast path cannot round exactly declines its line (`inexact`) where
 * the JS fast path calls Number(). Declined lines go to the caller's reference path, in
 * order, with their offsets in the caller's bytes; so does a line longer than the input
 * block, which is never copied in. Symbol names are read out of linear memory once each.
 * Bounded at creation (input block, batch, slab, symbol table); freed by dispose() or,
 * if the owner forgets, when the decoder is garbage-collected.
 */
import { DisposedError, InvalidParameterError } from "../../../errors.js";
import { EventBatch, batchCapacity, type EventColumns } from "../../../feeds/eventBatch.js";
import { MAX_SYMBOL_BYTES } from "../../../feeds/symbolTable.js";
import type { WasmModule } from "../../../wasm/module.js";
import type { CaptureBlockDecoder } from "../../../feeds/captureBlockDecoder.js";

export interface CaptureDecoderOptions {
  /** Events (and declined lines) a batch holds at most, 1 … 2^20; default 4096. */
  readonly capacity?: number;
  /** Bytes copied in per run, the longest line decoded here, 64 … 2^28; default 256 KiB. */
  readonly inputBytes?: number;
}

/** Largest input block: 256 MiB (its level slab is twice that). */
const MAX_INPUT_BYTES = 1 << 28;

const NEWLINE = 10;
/** decoderField numbers (assembly/feeds/fastDecoder.ts). */
const FIELD = {
  input: 0,
  kind: 1,
  symbol: 2,
  exchangeTime: 3,
  receiveTime: 4,
  id: 5,
  firstId: 6,
  prevId: 7,
  a: 8,
  b: 9,
  c: 10,
  d: 11,
  levelStart: 12,
  bidValues: 13,
  askValues: 14,
  slab: 15,
  declinedLines: 16,
  symbolBytes: 17,
  symbolLengths: 18,
} as const;

const registries = new WeakMap<WasmModule, FinalizationRegistry<number>>();

export class WasmCaptureDecoder implements CaptureBlockDecoder {
  readonly batch: EventBatch;
  readonly capacity: number;
  readonly inputBytes: number;
  private readonly ptr: number;
  private readonly input: number;
  private readonly names: string[] = [];
  /** The memory buffer the batch's views were made over. */
  private viewsOf: ArrayBuffer | null = null;
  private live = true;

  constructor(
    readonly mod: WasmModule,
    options: CaptureDecoderOptions = {},
  ) {
    this.capacity = batchCapacity(options.capacity ?? 4096);
    const inputBytes = options.inputBytes ?? 1 << 18;
    if (!Number.isInteger(inputBytes) || inputBytes < 64 || inputBytes > MAX_INPUT_BYTES)
      throw new InvalidParameterError("inputBytes", inputBytes, `an integer from 64 to ${MAX_INPUT_BYTES}`);
    this.inputBytes = inputBytes;
    let registry = registries.get(mod);
    if (!registry) {
      registry = new FinalizationRegistry((ptr: number) => mod.exports.decoderFree(ptr));
      registries.set(mod, registry);
    }
    this.ptr = mod.exports.decoderNew(this.inputBytes, this.capacity) >>> 0;
    mod.refresh();
    registry.register(this, this.ptr, this);
    this.input = this.field("input");
    this.batch = new EventBatch(
      this.views(),
      this.capacity,
      (index) => this.name(index),
      () => {
        if (this.viewsOf !== mod.buffer) this.batch.columns = this.views();
      },
    );
  }

  /** Lines declined at a decimal the fast path cannot round exactly (JS: Number(text)), since creation. */
  get inexact(): number {
    return this.exports().decoderInexact(this.ptr);
  }

  /** Lines declined because their symbol could not be interned, since creation. */
  get symbolDeclined(): number {
    return this.exports().decoderSymbolDeclined(this.ptr);
  }

  /** Decodes every line of `bytes` (the last may lack its newline), handing each batch to `onBatch` (the batch is reused after it returns). */
  decode(bytes: Uint8Array, onBatch: (batch: EventBatch) => void): void {
    const e = this.exports(),
      mod = this.mod,
      batch = this.batch;
    mod.refresh();
    if (this.viewsOf !== mod.buffer) batch.columns = this.views();
    const declinedAt = this.field("declinedLines") >>> 2;
    let pos = 0;
    while (pos < bytes.length) {
      // a batch handed out before (a line too long included) may have had the memory grown under it
      mod.refresh();
      const length = Math.min(bytes.length - pos, this.inputBytes);
      mod.u8.set(bytes.subarray(pos, pos + length), this.input);
      const final = pos + length === bytes.length ? 1 : 0;
      let from = 0;
      for (;;) {
        const to = e.decoderRun(this.ptr, from, length, final);
        if (to === from) break;
        // the views of the last batch are stale if what ran on it grew the memory
        if (this.viewsOf !== mod.buffer) batch.columns = this.views();
        batch.count = e.decoderCount(this.ptr);
        batch.lines = e.decoderLines(this.ptr);
        const declined = (batch.declined = e.decoderDeclined(this.ptr));
        if (declined > 0) {
          const i32 = new Int32Array(mod.buffer, declinedAt << 2, 3 * declined);
          for (let k = 0; k < 3 * declined; k += 3) {
            batch.declinedLines[k] = i32[k]!;
            batch.declinedLines[k + 1] = pos + i32[k + 1]!;
            batch.declinedLines[k + 2] = pos + i32[k + 2]!;
          }
        }
        onBatch(batch);
        mod.refresh();
        from = to;
        if (from === length) break;
      }
      pos += from === 0 ? this.tooLong(bytes, pos, onBatch) : from;
    }
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    registries.get(this.mod)?.unregister(this);
    this.mod.exports.decoderFree(this.ptr);
  }

  /** A line that does not fit the input block: a batch of that one declined line; returns the bytes it spans. */
  private tooLong(bytes: Uint8Array, pos: number, onBatch: (batch: EventBatch) => void): number {
    const nl = bytes.indexOf(NEWLINE, pos);
    // with its CR, if any: the reference path strips it
    const end = nl < 0 ? bytes.length : nl;
    const batch = this.batch;
    batch.count = 0;
    batch.lines = 1;
    batch.declined = 1;
    batch.declinedLines[0] = 0;
    batch.declinedLines[1] = pos;
    batch.declinedLines[2] = end;
    onBatch(batch);
    return (nl < 0 ? bytes.length : nl + 1) - pos;
  }

  private exports(): WasmModule["exports"] {
    if (!this.live) throw new DisposedError("CaptureDecoder");
    return this.mod.exports;
  }

  private field(name: keyof typeof FIELD): number {
    return this.mod.exports.decoderField(this.ptr, FIELD[name]) >>> 0;
  }

  /** The batch's columns as views of the current memory buffer. */
  private views(): EventColumns {
    const buffer = this.mod.buffer,
      n = this.capacity;
    this.viewsOf = buffer;
    const f64 = (name: keyof typeof FIELD): Float64Array => new Float64Array(buffer, this.field(name), n);
    const i32 = (name: keyof typeof FIELD): Int32Array => new Int32Array(buffer, this.field(name), n);
    return {
      kind: new Uint8Array(buffer, this.field("kind"), n),
      symbol: i32("symbol"),
      exchangeTime: f64("exchangeTime"),
      receiveTime: f64("receiveTime"),
      id: f64("id"),
      firstId: f64("firstId"),
      prevId: f64("prevId"),
      a: f64("a"),
      b: f64("b"),
      c: f64("c"),
      d: f64("d"),
      levelStart: i32("levelStart"),
      bidValues: i32("bidValues"),
      askValues: i32("askValues"),
      levels: new Float64Array(buffer, this.field("slab"), (this.inputBytes >> 2) + 2),
    };
  }

  /** The name of interned symbol `index`, read out of linear memory the first time. */
  private name(index: number): string {
    const names = this.names;
    if (index >= names.length) {
      const e = this.exports(),
        u8 = this.mod.u8;
      const bytes = this.field("symbolBytes"),
        lengths = new Int32Array(this.mod.buffer, this.field("symbolLengths"), e.decoderSymbols(this.ptr));
      for (let k = names.length; k < lengths.length; k++) {
        const at = bytes + k * MAX_SYMBOL_BYTES;
        names.push(String.fromCharCode(...u8.subarray(at, at + lengths[k]!)));
      }
    }
    return names[index]!;
  }
}
