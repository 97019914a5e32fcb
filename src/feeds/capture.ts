/**
 * Parses recorded Binance captures in the hftbacktest collector format — one message a
 * line, `<local receive time, ns since epoch> <raw JSON>` — from chunks of bytes, into
 * typed events: what a trader replays to test a strategy on what the market really did.
 * Works on bytes so the same code runs in Node and in browsers; chunks may split lines
 * anywhere, even inside a UTF-8 character.
 *
 * Several files are one continuous stream (a capture split across files has one
 * snapshot, in its first part): a REST depth snapshot names no symbol and takes the
 * symbol of the latest depth diff seen, across files. A malformed line is counted — per
 * file and by reason — and kept (the first few) with its file, line number and reason;
 * parsing goes on. A line longer than `maxLineBytes` (default 1 MiB; real lines are a few
 * KB, a 1000-level snapshot ~40 KB) is rejected as "line-too-long" without being kept:
 * memory stays constant whatever the input (an 8 GiB file with no newline included).
 *
 * Other line formats (raw websocket lines, tardis.dev and Binance public-data CSV) plug in
 * per file as a LineDecoder (feeds/formats/): the same line splitting, bounds, counters
 * and rejections; a file without one is a capture.
 *
 * Speed: the hot kinds (trade, aggTrade, depthUpdate, bookTicker) are decoded straight
 * from the bytes — line by line (FastDecoder), or with `decoders` a block of lines at a time
 * into columns (on the WASM backend in linear memory, at ~0.6× the time per event) —, prices parsed digit by digit (Clinger's fast path: an integer mantissa
 * below 2^53 divided by an exact power of ten ≤ 10^22 is the correctly rounded value,
 * the same double as Number(text)). Anything the fast path does not recognise exactly —
 * a snapshot, an escape, whitespace, a bad value — goes to decodeBinanceMessage
 * (JSON.parse), the reference, so the two paths cannot disagree on what is valid.
 */
import { FEED_DECODE_REASONS, FeedDecodeError, InvalidParameterError, type FeedDecodeReason } from "../errors.js";
import { decodeBinanceMessage } from "./binance.js";
import type { MarketEvent } from "./events.js";
import { receiveTimeOf, timestampEnd } from "./captureTimestamp.js";
import { CAPTURE_INPUT_BYTES, type CaptureBlockDecoder, type CaptureDecoderSource } from "./captureBlockDecoder.js";
import { FastDecoder } from "./fastDecoder.js";
import { DEPTH, type EventBatch } from "./eventBatch.js";
import { LevelSlab } from "./levelSlab.js";
import type { InputClock, InputFormat, LineDecoder, LineSink } from "./formats/lineDecoder.js";

/** A line that did not become an event. */
export interface CaptureRejection {
  /** The file name given to `startFile`. */
  readonly file: string;
  /** 1-based line number within that file. */
  readonly line: number;
  readonly reason: FeedDecodeReason;
  readonly message: string;
}

export interface CaptureParserOptions {
  /** How many rejections to keep with their reason (all are counted); default 5. */
  readonly maxRejections?: number;
  /** Decode the hot kinds from bytes (default true); false sends every line through JSON.parse. */
  readonly fastPath?: boolean;
  /**
   * Decode blocks of lines with a decoder from here (WASM kernels: `Kernels.captureDecoder`, in
   * linear memory, ~0.6× the time per event) instead of FastDecoder line by line (the default, and
   * the JS backend's fastest path: its column twin ColumnDecoder plus building the objects costs
   * ~15 % more). The same events, counters and rejections either way, but for `fastDecoded`: a line
   * the decoder leaves to the reference path (a symbol past its table, and on WASM a decimal it
   * cannot round exactly) is an event JSON.parse decoded, and is not counted there.
   */
  readonly decoders?: CaptureDecoderSource;
  /**
   * With `decoders`: the events they decode go here as ranges of their batch (`from` to `to`,
   * excluded; StreamingEngine.processBatch takes them) instead of as objects to `onEvent`, which
   * still gets the events of the lines the decoders declined (snapshots among them), in capture
   * order. The batch is reused once this returns. Ignored without `decoders`.
   */
  readonly onBatch?: (batch: EventBatch, from: number, to: number) => void;
  /** Longest line accepted, in bytes (newline excluded), 64 … 2^30. Default 1 MiB. */
  readonly maxLineBytes?: number;
}

/** The counters of one file of the stream. */
export interface CaptureFileStats {
  /** The name given to `startFile`. */
  readonly file: string;
  /** The file's format (detected by the readers). */
  readonly format: InputFormat;
  /** What its events' receiveTime holds: the recorded receive time, or the exchange time standing in for it. */
  readonly clock: InputClock;
  /** Lines read, blank lines included. */
  readonly lines: number;
  readonly events: number;
  readonly rejected: number;
  /** Rejected lines by reason (the reasons that occurred). */
  readonly rejectedBy: Partial<Record<FeedDecodeReason, number>>;
}

export interface CaptureStats {
  /** Lines read, blank lines included. */
  readonly lines: number;
  readonly events: number;
  readonly rejected: number;
  /** Rejected lines by reason, over all files (the reasons that occurred). */
  readonly rejectedBy: Partial<Record<FeedDecodeReason, number>>;
  /** Events decoded by the byte-level fast path (the rest went through JSON.parse). */
  readonly fastDecoded: number;
  /** The first `maxRejections` rejected lines. */
  readonly rejections: readonly CaptureRejection[];
  /** Per file, in the order read. */
  readonly files: readonly CaptureFileStats[];
}

/** Default longest line: 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

interface FileCounters {
  file: string;
  format: InputFormat;
  clock: InputClock;
  lines: number;
  events: number;
  rejected: number;
  rejectedBy: Record<FeedDecodeReason, number>;
}

function fileCounters(file: string, decoder: LineDecoder | null): FileCounters {
  const rejectedBy = {} as Record<FeedDecodeReason, number>;
  for (const r of FEED_DECODE_REASONS) rejectedBy[r] = 0;
  const format = decoder?.format ?? "capture",
    clock = decoder?.clock ?? "receive";
  return { file, format, clock, lines: 0, events: 0, rejected: 0, rejectedBy };
}

function occurred(counts: Record<FeedDecodeReason, number>): Partial<Record<FeedDecodeReason, number>> {
  const out: Partial<Record<FeedDecodeReason, number>> = {};
  for (const r of FEED_DECODE_REASONS) if (counts[r] > 0) out[r] = counts[r];
  return out;
}

const NEWLINE = 10;
const CR = 13;

export class CaptureParser {
  lines = 0;
  events = 0;
  rejected = 0;
  fastDecoded = 0;
  readonly rejections: CaptureRejection[] = [];

  private file = "";
  private lineNo = 0;
  private readonly files: FileCounters[] = [];
  private current: FileCounters = fileCounters("", null);
  /** The current file's line decoder; null for a capture. */
  private decoder: LineDecoder | null = null;
  /** What the decoders emit into. */
  private readonly sink: LineSink;
  /** The start of a line whose end has not arrived yet. */
  private carry: Uint8Array = new Uint8Array(1 << 16);
  private carryLength = 0;
  /** The line being read is over the limit: its bytes are skipped up to its newline. */
  private skipping = false;
  private snapshotSymbol: string | null = null;
  private readonly maxRejections: number;
  private readonly maxLineBytes: number;
  /** The fast path line by line (without `decoders`), or blocks of lines into columns (with them); both null with fastPath false. */
  private readonly fast: FastDecoder | null;
  private readonly block: CaptureBlockDecoder | null;
  /** Where the levels of the events built from the decoder's columns live. */
  private readonly slab = new LevelSlab();
  private readonly onBatch: ((batch: EventBatch, from: number, to: number) => void) | null;
  private readonly utf8 = new TextDecoder("utf-8", { fatal: true });

  /** Every event goes to `onEvent` in capture order; an exception it throws stops the parse. */
  constructor(
    private readonly onEvent: (event: MarketEvent) => void,
    options: CaptureParserOptions = {},
  ) {
    const keep = options.maxRejections ?? 5;
    if (!Number.isInteger(keep) || keep < 0) throw new InvalidParameterError("maxRejections", keep, "an integer ≥ 0");
    this.maxRejections = keep;
    const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(maxLine) || maxLine < 64 || maxLine > 2 ** 30)
      throw new InvalidParameterError("maxLineBytes", maxLine, "an integer from 64 to 2^30");
    this.maxLineBytes = maxLine;
    const fastPath = options.fastPath !== false;
    this.fast = fastPath && !options.decoders ? new FastDecoder() : null;
    // the block decoder declines a line longer than this parser accepts, which the reference path then rejects
    this.block =
      fastPath && options.decoders ? options.decoders.captureDecoder({ maxLineBytes: Math.min(CAPTURE_INPUT_BYTES, maxLine) }) : null;
    this.onBatch = options.onBatch ?? null;
    const parser = this;
    this.sink = {
      emit: (e) => this.emit(e),
      get snapshotSymbol() {
        return parser.snapshotSymbol;
      },
    };
  }

  /**
   * Starts the next file of the stream, in `decoder`'s format (a capture when null): line
   * numbers restart; an unterminated last line of the previous file is parsed first.
   */
  startFile(name: string, decoder: LineDecoder | null = null): void {
    this.end();
    this.file = name;
    this.lineNo = 0;
    this.decoder = decoder;
    this.current = fileCounters(name, decoder);
    this.files.push(this.current);
  }

  /** Parses every complete line in `bytes` and keeps the unfinished rest for the next push. */
  push(bytes: Uint8Array): void {
    // One plain Uint8Array type (not Node's Buffer subclass) keeps every byte access monomorphic.
    const chunk = bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let start = 0;
    if (this.carryLength > 0 || this.skipping) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        this.keep(chunk, 0, chunk.length);
        return;
      }
      this.keep(chunk, 0, nl);
      this.endCarried();
      start = nl + 1;
    }
    if (this.decoder === null && this.block !== null) {
      // every complete line at once, through the block decoder
      const last = chunk.lastIndexOf(NEWLINE);
      if (last >= start) {
        this.blockLines(chunk.subarray(start, last + 1));
        start = last + 1;
      }
    } else {
      for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
        if (nl - start > this.maxLineBytes + 1) this.tooLong();
        else this.line(chunk, start, nl);
        start = nl + 1;
      }
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** Releases the fast path's decoder (linear memory on the WASM backend); the parser is done. */
  dispose(): void {
    this.block?.dispose();
  }

  /** The input ended: parses a last line that has no newline, and the rows a decoder held back. */
  end(): void {
    if (this.carryLength > 0 || this.skipping) this.endCarried();
    if (this.decoder !== null) this.decoded(() => this.decoder!.finish(this.sink));
  }

  /** A copy of the counters. */
  stats(): CaptureStats {
    const total = fileCounters("", null);
    for (const f of this.files) for (const r of FEED_DECODE_REASONS) total.rejectedBy[r] += f.rejectedBy[r];
    return {
      lines: this.lines,
      events: this.events,
      rejected: this.rejected,
      rejectedBy: occurred(total.rejectedBy),
      fastDecoded: this.fastDecoded,
      rejections: [...this.rejections],
      files: this.files.map((f) => ({
        file: f.file,
        format: f.format,
        clock: f.clock,
        lines: f.lines,
        events: f.events,
        rejected: f.rejected,
        rejectedBy: occurred(f.rejectedBy),
      })),
    };
  }

  /** The carried line is complete: parse it, or count it as too long. */
  private endCarried(): void {
    const length = this.carryLength;
    this.carryLength = 0;
    if (this.skipping) {
      this.skipping = false;
      this.tooLong();
    } else if (this.decoder === null && this.block !== null) this.blockLines(this.carry.subarray(0, length));
    else this.line(this.carry, 0, length);
  }

  /**
   * Capture lines (each ends with a newline but perhaps the last) through the block decoder: its
   * events in order, each line it declined through the reference path (line()) in its place, every
   * line counted — the lines before a declined one first, so that its number is right.
   */
  private blockLines(bytes: Uint8Array): void {
    const base = this.lineNo;
    let lines = 0;
    // newlines before `scanned`: counted only as far as the last declined line (its number); the rest is the batches' totals
    let scanned = 0,
      newlines = 0;
    this.block!.decode(bytes, (batch) => {
      // without onBatch every event out of the columns first: what runs on an event may grow the memory the columns are views of (the WASM engine does)
      const events = this.onBatch === null ? this.decodedEvents(batch) : null;
      lines += batch.lines;
      // the batch's lines but the declined ones, which line() counts as it reads each
      this.lines += batch.lines - batch.declined;
      this.current.lines += batch.lines - batch.declined;
      let next = 0;
      const declined = batch.declinedLines;
      for (let j = 0; j < 3 * batch.declined; j += 3) {
        const before = declined[j]!;
        this.deliver(batch, events, next, before);
        next = before;
        const from = declined[j + 1]!;
        for (let nl = bytes.indexOf(NEWLINE, scanned); nl >= 0 && nl < from; nl = bytes.indexOf(NEWLINE, nl + 1)) newlines++;
        scanned = from;
        this.lineNo = base + newlines;
        this.line(bytes, from, declined[j + 2]!);
      }
      this.deliver(batch, events, next, batch.count);
    });
    this.lineNo = base + lines;
  }

  /** Decoded events `from` to `to` of `batch`: as objects (`events`, made from it), or as the range to onBatch. */
  private deliver(batch: EventBatch, events: MarketEvent[] | null, from: number, to: number): void {
    if (events !== null) {
      for (let k = from; k < to; k++) this.fastEvent(events[k]!);
      return;
    }
    if (to === from) return;
    const n = to - from;
    this.fastDecoded += n;
    this.events += n;
    this.current.events += n;
    // a snapshot that names no symbol takes the latest depth diff's, as emit() keeps it
    const c = batch.columnsNow();
    for (let k = to - 1; k >= from; k--) {
      if (c.kind[k] === DEPTH) {
        this.snapshotSymbol = batch.symbolName(c.symbol[k]!);
        break;
      }
    }
    this.onBatch!(batch, from, to);
  }

  /** The batch's events as the objects the reference path would give (their levels in this parser's slab). */
  private decodedEvents(batch: EventBatch): MarketEvent[] {
    const events = new Array<MarketEvent>(batch.count);
    for (let k = 0; k < batch.count; k++) events[k] = batch.event(k, this.slab);
    return events;
  }

  private fastEvent(event: MarketEvent): void {
    this.fastDecoded++;
    this.emit(event);
  }

  /** A line whose bytes were not kept: counted and rejected. */
  private tooLong(): void {
    this.countLine();
    this.rejectTooLong();
  }

  private rejectTooLong(): void {
    this.reject(
      new FeedDecodeError(
        "line-too-long",
        `a line longer than ${this.maxLineBytes} bytes`,
        `lines of at most ${this.maxLineBytes} bytes (maxLineBytes)`,
      ),
    );
  }

  private countLine(): void {
    this.lines++;
    this.lineNo++;
    this.current.lines++;
  }

  private keep(chunk: Uint8Array, from: number, to: number): void {
    if (this.skipping) return;
    const need = this.carryLength + (to - from);
    // one byte of slack: a CR before the newline is not part of the line
    if (need > this.maxLineBytes + 1) {
      this.skipping = true;
      this.carryLength = 0;
      return;
    }
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(from, to), this.carryLength);
    this.carryLength = need;
  }

  /** One line, bytes [start, end) of `b`, without its newline. */
  private line(b: Uint8Array, start: number, end: number): void {
    this.countLine();
    if (end > start && b[end - 1] === CR) end--;
    if (end === start) return;
    if (end - start > this.maxLineBytes) return this.rejectTooLong();
    if (this.decoder !== null) {
      const decoder = this.decoder;
      return this.decoded(() => decoder.line(b, start, end, this.sink));
    }

    const space = timestampEnd(b, start, end);
    if (space < 0) {
      this.reject(new FeedDecodeError("bad-timestamp", "the line does not start with its receive time", "`<ns since epoch> <json>`"));
      return;
    }
    const receiveTime = receiveTimeOf(b, start, space);
    const json = space + 1;
    if (this.fast !== null) {
      const event = this.fast.decode(b, json, end, receiveTime);
      if (event !== null) {
        this.fastDecoded++;
        this.emit(event);
        return;
      }
    }
    let text: string;
    try {
      text = this.utf8.decode(b.subarray(json, end));
    } catch {
      this.reject(new FeedDecodeError("not-json", "the line is not valid UTF-8", "UTF-8 JSON text"));
      return;
    }
    let event: MarketEvent;
    try {
      event = decodeBinanceMessage(text, receiveTime, this.snapshotSymbol);
    } catch (e) {
      if (!(e instanceof FeedDecodeError)) throw e;
      this.reject(e);
      return;
    }
    this.emit(event);
  }

  /** Runs a decoder step: a FeedDecodeError it throws is this line's rejection. */
  private decoded(step: () => void): void {
    try {
      step();
    } catch (e) {
      if (!(e instanceof FeedDecodeError)) throw e;
      this.reject(e);
    }
  }

  private emit(event: MarketEvent): void {
    if (event.type === "depth") this.snapshotSymbol = event.symbol;
    this.events++;
    this.current.events++;
    this.onEvent(event);
  }

  private reject(e: FeedDecodeError): void {
    this.rejected++;
    this.current.rejected++;
    this.current.rejectedBy[e.reason]++;
    if (this.rejections.length < this.maxRejections)
      this.rejections.push({ file: this.file, line: this.lineNo, reason: e.reason, message: e.message });
  }
}
