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
 * Speed: the hot kinds (trade, aggTrade, depthUpdate, bookTicker) are decoded straight
 * from the bytes, prices parsed digit by digit (Clinger's fast path: an integer mantissa
 * below 2^53 divided by an exact power of ten ≤ 10^22 is the correctly rounded value,
 * the same double as Number(text)). Anything the fast path does not recognise exactly —
 * a snapshot, an escape, whitespace, a bad value — goes to decodeBinanceMessage
 * (JSON.parse), the reference, so the two paths cannot disagree on what is valid.
 */
import { FEED_DECODE_REASONS, FeedDecodeError, InvalidParameterError, type FeedDecodeReason } from "../errors.js";
import { decodeBinanceMessage } from "./binance.js";
import type { MarketEvent } from "./events.js";

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
  /** Longest line accepted, in bytes (newline excluded), 64 … 2^30. Default 1 MiB. */
  readonly maxLineBytes?: number;
}

/** The counters of one file of the stream. */
export interface CaptureFileStats {
  /** The name given to `startFile`. */
  readonly file: string;
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
  lines: number;
  events: number;
  rejected: number;
  rejectedBy: Record<FeedDecodeReason, number>;
}

function fileCounters(file: string): FileCounters {
  const rejectedBy = {} as Record<FeedDecodeReason, number>;
  for (const r of FEED_DECODE_REASONS) rejectedBy[r] = 0;
  return { file, lines: 0, events: 0, rejected: 0, rejectedBy };
}

function occurred(counts: Record<FeedDecodeReason, number>): Partial<Record<FeedDecodeReason, number>> {
  const out: Partial<Record<FeedDecodeReason, number>> = {};
  for (const r of FEED_DECODE_REASONS) if (counts[r] > 0) out[r] = counts[r];
  return out;
}

const NEWLINE = 10;
const CR = 13;
const SPACE = 32;
/** 19 digits reach the year 2286 in ns since the epoch. */
const MAX_TIMESTAMP_DIGITS = 19;

export class CaptureParser {
  lines = 0;
  events = 0;
  rejected = 0;
  fastDecoded = 0;
  readonly rejections: CaptureRejection[] = [];

  private file = "";
  private lineNo = 0;
  private readonly files: FileCounters[] = [];
  private current: FileCounters = fileCounters("");
  /** The start of a line whose end has not arrived yet. */
  private carry: Uint8Array = new Uint8Array(1 << 16);
  private carryLength = 0;
  /** The line being read is over the limit: its bytes are skipped up to its newline. */
  private skipping = false;
  private snapshotSymbol: string | null = null;
  private readonly maxRejections: number;
  private readonly maxLineBytes: number;
  private readonly fast: FastDecoder | null;
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
    this.fast = options.fastPath === false ? null : new FastDecoder();
  }

  /** Starts the next file of the stream: line numbers restart; an unterminated last line of the previous file is parsed first. */
  startFile(name: string): void {
    this.end();
    this.file = name;
    this.lineNo = 0;
    this.current = fileCounters(name);
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
    for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      if (nl - start > this.maxLineBytes + 1) this.tooLong();
      else this.line(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk, start, chunk.length);
  }

  /** The input ended: parses a last line that has no newline. */
  end(): void {
    if (this.carryLength > 0 || this.skipping) this.endCarried();
  }

  /** A copy of the counters. */
  stats(): CaptureStats {
    const total = fileCounters("");
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
    } else this.line(this.carry, 0, length);
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

    let i = start;
    while (i < end && (b[i]! - 48) >>> 0 < 10) i++;
    const digits = i - start;
    if (digits === 0 || digits > MAX_TIMESTAMP_DIGITS || i === end || b[i] !== SPACE) {
      this.reject(new FeedDecodeError("bad-timestamp", "the line does not start with its receive time", "`<ns since epoch> <json>`"));
      return;
    }
    // ms = the digits before the last six, plus the last six as a fraction: each part exact.
    const split = digits > 6 ? i - 6 : start;
    let ms = 0,
      ns = 0;
    for (let k = start; k < split; k++) ms = ms * 10 + (b[k]! - 48);
    for (let k = split; k < i; k++) ns = ns * 10 + (b[k]! - 48);
    const receiveTime = ms + ns / 1e6;

    const json = i + 1;
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

// ---- the byte-level fast path -------------------------------------------------------

/** Field slots of a payload: the one- and two-letter keys the hot kinds use. */
const K_e = 0,
  K_E = 1,
  K_s = 2,
  K_t = 3,
  K_p = 4,
  K_q = 5,
  K_T = 6,
  K_m = 7,
  K_U = 8,
  K_u = 9,
  K_pu = 10,
  K_b = 11,
  K_a = 12,
  K_B = 13,
  K_A = 14;
const KEYS = 15;
/** Value types of a slot. */
const V_STRING = 1,
  V_INT = 2,
  V_TRUE = 3,
  V_FALSE = 4,
  V_OTHER = 5,
  V_LEVELS = 6;

const QUOTE = 34,
  BACKSLASH = 92,
  COMMA = 44,
  COLON = 58,
  DOT = 46,
  LBRACE = 123,
  RBRACE = 125,
  LBRACKET = 91,
  RBRACKET = 93;
const TWO_53 = 9007199254740992;
/** Exact powers of ten (every one up to 1e22 is a double exactly). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
const WRAPPER_HEAD = ascii('{"stream":"');
const WRAPPER_DATA = ascii(',"data":');
const KIND_TRADE = ascii("trade");
const KIND_AGG_TRADE = ascii("aggTrade");
const KIND_DEPTH = ascii("depthUpdate");
const KIND_BOOK_TICKER = ascii("bookTicker");
/** The decimal-string slots of a trade and of a quote. */
const TRADE_DECIMALS = [K_p, K_q];
const QUOTE_DECIMALS = [K_b, K_B, K_a, K_A];
const TRUE = ascii("true");
const FALSE = ascii("false");
const NULL = ascii("null");

/**
 * Decodes one JSON message from bytes when it has exactly the shape Binance sends for a
 * hot kind; returns null for anything else (the caller then uses the JSON.parse path).
 * It only ever accepts a subset of what decodeBinanceMessage accepts, with the same values.
 */
class FastDecoder {
  /** Bit k set: slot k was present in this payload. */
  private seen = 0;
  private readonly type = new Uint8Array(KEYS);
  private readonly int = new Float64Array(KEYS);
  /** A decimal-string slot's value, once numbers() parsed it. */
  private readonly number = new Float64Array(KEYS);
  /** A string slot's bytes [from, to) (to = its closing quote). */
  private readonly from = new Int32Array(KEYS);
  private readonly to = new Int32Array(KEYS);
  private bids = new Float64Array(4096);
  private asks = new Float64Array(4096);
  private bidCount = 0;
  private askCount = 0;
  /** Where the last decimal() or levels() stopped. */
  private at = 0;
  private readonly symbols: { bytes: Uint8Array; text: string }[] = [];

  decode(b: Uint8Array, start: number, end: number, receiveTime: number): MarketEvent | null {
    let i = start;
    let wrapped = false;
    if (startsWith(b, i, end, WRAPPER_HEAD)) {
      i = stringEnd(b, i + WRAPPER_HEAD.length, end);
      if (i < 0 || !startsWith(b, i + 1, end, WRAPPER_DATA)) return null;
      i += 1 + WRAPPER_DATA.length;
      wrapped = true;
    }
    // One JSON object of one- and two-letter keys with scalar or level-array values.
    if (i >= end || b[i] !== LBRACE) return null;
    i++;
    let seen = 0;
    for (;;) {
      if (i >= end || b[i] !== QUOTE) return null;
      const keyFrom = i + 1;
      i = stringEnd(b, keyFrom, end);
      if (i < 0) return null;
      const keyLength = i - keyFrom;
      if (++i >= end || b[i] !== COLON) return null;
      i++;
      let slot = -1;
      if (keyLength === 1) slot = slotOf1(b[keyFrom]!);
      else if (keyLength === 2 && b[keyFrom] === 112 && b[keyFrom + 1] === 117) slot = K_pu;
      // Only unknown one-letter keys (Binance sends "M", "f", "l", "X") are skipped, so
      // "stream", "data" and "lastUpdateId" always go to the reference path.
      else return null;
      if (slot >= 0) {
        if ((seen & (1 << slot)) !== 0) return null; // a duplicate key: JSON.parse keeps the last
        seen |= 1 << slot;
      }
      if (i >= end) return null;
      const c = b[i]!;
      if (c === QUOTE) {
        const to = stringEnd(b, i + 1, end);
        if (to < 0) return null;
        if (slot >= 0) {
          this.type[slot] = V_STRING;
          this.from[slot] = i + 1;
          this.to[slot] = to;
        }
        i = to + 1;
      } else if ((c - 48) >>> 0 < 10) {
        // A JSON integer of up to 15 digits (exact); "01", "1.5", "1e3" fail the separator check below.
        const from = i;
        let x = 0;
        while (i < end && (b[i]! - 48) >>> 0 < 10) x = x * 10 + (b[i++]! - 48);
        if (i - from > 15 || (c === 48 && i - from > 1)) return null;
        if (slot >= 0) {
          this.type[slot] = V_INT;
          this.int[slot] = x;
        }
      } else if (c === LBRACKET) {
        if ((slot !== K_b && slot !== K_a) || !this.levels(b, i + 1, end, slot)) return null;
        i = this.at;
      } else {
        const literal = c === 116 ? TRUE : c === 102 ? FALSE : c === 110 ? NULL : null;
        if (literal === null || !startsWith(b, i, end, literal)) return null;
        if (slot >= 0) this.type[slot] = literal === TRUE ? V_TRUE : literal === FALSE ? V_FALSE : V_OTHER;
        i += literal.length;
      }
      if (i >= end) return null;
      const separator = b[i++];
      if (separator === RBRACE) break;
      if (separator !== COMMA) return null;
    }
    if (wrapped) {
      if (i >= end || b[i] !== RBRACE) return null;
      i++;
    }
    if (i !== end) return null;
    this.seen = seen;
    return this.build(b, receiveTime);
  }

  private build(b: Uint8Array, receiveTime: number): MarketEvent | null {
    if ((this.seen & (1 << K_e)) === 0) return this.quote(b, receiveTime);
    if (this.type[K_e] !== V_STRING) return null;
    if (this.slotIs(b, K_e, KIND_DEPTH)) return this.depth(b, receiveTime);
    if (this.slotIs(b, K_e, KIND_BOOK_TICKER)) return this.quote(b, receiveTime);
    if (this.slotIs(b, K_e, KIND_TRADE)) return this.trade(b, receiveTime, K_t);
    if (this.slotIs(b, K_e, KIND_AGG_TRADE)) return this.trade(b, receiveTime, K_a);
    return null;
  }

  /**
   * Parses the decimal strings of `slots` into `this.number`; false if one is missing or
   * not a plain decimal. (One call site of decimal(): the JIT compiles it once here.)
   */
  private numbers(b: Uint8Array, slots: readonly number[]): boolean {
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k]!;
      if (!this.has(slot, V_STRING)) return false;
      const x = this.decimal(b, this.from[slot]!, this.to[slot]! + 1);
      if (x !== x) return false;
      this.number[slot] = x;
    }
    return true;
  }

  private trade(b: Uint8Array, receiveTime: number, idSlot: number): MarketEvent | null {
    if (!this.has(K_T, V_INT) || !this.has(idSlot, V_INT) || !this.numbers(b, TRADE_DECIMALS)) return null;
    const m = this.type[K_m];
    if ((this.seen & (1 << K_m)) === 0 || (m !== V_TRUE && m !== V_FALSE)) return null;
    const symbol = this.symbol(b);
    const price = this.number[K_p]!,
      qty = this.number[K_q]!;
    if (symbol === null || !(price > 0) || !(qty >= 0)) return null;
    return {
      type: "trade",
      symbol,
      exchangeTime: this.int[K_T]!,
      receiveTime,
      price,
      qty,
      buyerInitiated: m === V_FALSE,
      tradeId: this.int[idSlot]!,
    };
  }

  private depth(b: Uint8Array, receiveTime: number): MarketEvent | null {
    if (!this.has(K_E, V_INT) || !this.has(K_U, V_INT) || !this.has(K_u, V_INT) || !this.has(K_b, V_LEVELS) || !this.has(K_a, V_LEVELS))
      return null;
    const hasPrev = (this.seen & (1 << K_pu)) !== 0;
    if (hasPrev && this.type[K_pu] !== V_INT) return null;
    const symbol = this.symbol(b);
    if (symbol === null) return null;
    return {
      type: "depth",
      symbol,
      exchangeTime: this.int[K_E]!,
      receiveTime,
      firstUpdateId: this.int[K_U]!,
      lastUpdateId: this.int[K_u]!,
      prevUpdateId: hasPrev ? this.int[K_pu]! : NaN,
      bids: this.bids.slice(0, this.bidCount),
      asks: this.asks.slice(0, this.askCount),
    };
  }

  /** Spot bookTicker (no "e"; "E" only if present) or futures bookTicker. */
  private quote(b: Uint8Array, receiveTime: number): MarketEvent | null {
    if (!this.has(K_u, V_INT) || !this.numbers(b, QUOTE_DECIMALS)) return null;
    const hasTime = (this.seen & (1 << K_E)) !== 0;
    if (hasTime && this.type[K_E] !== V_INT) return null;
    const symbol = this.symbol(b);
    const n = this.number;
    const bidPx = n[K_b]!,
      bidQty = n[K_B]!,
      askPx = n[K_a]!,
      askQty = n[K_A]!;
    if (symbol === null || !(bidPx > 0) || !(bidQty >= 0) || !(askPx > 0) || !(askQty >= 0)) return null;
    return {
      type: "quote",
      symbol,
      exchangeTime: hasTime ? this.int[K_E]! : NaN,
      receiveTime,
      updateId: this.int[K_u]!,
      bidPx,
      bidQty,
      askPx,
      askQty,
    };
  }

  private has(slot: number, type: number): boolean {
    return (this.seen & (1 << slot)) !== 0 && this.type[slot] === type;
  }

  /** Whether string slot `slot` holds exactly `bytes`. */
  private slotIs(b: Uint8Array, slot: number, bytes: Uint8Array): boolean {
    const from = this.from[slot]!;
    return this.to[slot]! - from === bytes.length && startsWith(b, from, from + bytes.length, bytes);
  }

  /** The "s" slot as a string, interned: the same symbol bytes give the same string. */
  private symbol(b: Uint8Array): string | null {
    if (!this.has(K_s, V_STRING)) return null;
    const from = this.from[K_s]!,
      length = this.to[K_s]! - from;
    if (length === 0) return null;
    const symbols = this.symbols;
    for (let n = 0; n < symbols.length; n++) {
      const known = symbols[n]!;
      if (known.bytes.length === length && startsWith(b, from, from + length, known.bytes)) return known.text;
    }
    const bytes = b.slice(from, from + length);
    const text = String.fromCharCode(...bytes);
    if (symbols.length === 64) symbols.pop();
    symbols.unshift({ bytes, text });
    return text;
  }

  /** [["price","qty"], …] (after its "[") into the bid or ask scratch; a price ≤ 0 or a qty < 0 is left to the reference. */
  private levels(b: Uint8Array, i: number, end: number, slot: number): boolean {
    let out = slot === K_b ? this.bids : this.asks;
    let n = 0;
    if (i < end && b[i] === RBRACKET) {
      i++;
    } else {
      // Values alternate price, qty: `["` price `","` qty `"]`, then `,` or the closing `]`.
      for (;;) {
        const isPrice = (n & 1) === 0;
        if (i + 2 > end || b[i] !== (isPrice ? LBRACKET : COMMA) || b[i + 1] !== QUOTE) return false;
        const x = this.decimal(b, i + 2, end);
        if (isPrice ? !(x > 0) : !(x >= 0)) return false;
        if (n === out.length) {
          const grown = new Float64Array(out.length * 2);
          grown.set(out);
          out = grown;
          if (slot === K_b) this.bids = grown;
          else this.asks = grown;
        }
        out[n++] = x;
        i = this.at;
        if (isPrice) continue;
        if (i + 2 > end || b[i] !== RBRACKET) return false;
        const c = b[i + 1];
        i += 2;
        if (c === RBRACKET) break;
        if (c !== COMMA) return false;
      }
    }
    this.type[slot] = V_LEVELS;
    if (slot === K_b) this.bidCount = n;
    else this.askCount = n;
    this.at = i;
    return true;
  }

  /**
   * The decimal string from `from` to its closing quote (this.at = just past it), as the
   * same double as Number(text); NaN unless it is digits with an optional fraction.
   */
  private decimal(b: Uint8Array, from: number, end: number): number {
    let i = from,
      m = 0;
    while (i < end) {
      const d = b[i]! - 48;
      if (d >>> 0 >= 10) break;
      m = m * 10 + d;
      i++;
    }
    if (i === from) return NaN;
    let scale = 0;
    if (i < end && b[i] === DOT) {
      const fractionFrom = ++i;
      while (i < end) {
        const d = b[i]! - 48;
        if (d >>> 0 >= 10) break;
        m = m * 10 + d;
        i++;
      }
      scale = i - fractionFrom;
      if (scale === 0) return NaN;
    }
    if (i >= end || b[i] !== QUOTE) return NaN;
    this.at = i + 1;
    // Exact only while every partial mantissa is an integer below 2^53; else the slow, exact way.
    if (m < TWO_53 && scale <= 22) return m / POW10[scale]!;
    let text = "";
    for (let k = from; k < i; k++) text += String.fromCharCode(b[k]!);
    return Number(text);
  }
}

/** Whether `bytes` are at b[i…] (before `end`). */
function startsWith(b: Uint8Array, i: number, end: number, bytes: Uint8Array): boolean {
  if (i + bytes.length > end) return false;
  for (let k = 0; k < bytes.length; k++) if (b[i + k] !== bytes[k]) return false;
  return true;
}

/** The index of the quote closing a string that starts at `i`; -1 for escapes, control or non-ASCII bytes (left to JSON.parse). */
function stringEnd(b: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20 || c >= 0x80) return -1;
  }
  return -1;
}

function slotOf1(c: number): number {
  switch (c) {
    case 101:
      return K_e; // e
    case 69:
      return K_E; // E
    case 115:
      return K_s; // s
    case 116:
      return K_t; // t
    case 112:
      return K_p; // p
    case 113:
      return K_q; // q
    case 84:
      return K_T; // T
    case 109:
      return K_m; // m
    case 85:
      return K_U; // U
    case 117:
      return K_u; // u
    case 98:
      return K_b; // b
    case 97:
      return K_a; // a
    case 66:
      return K_B; // B
    case 65:
      return K_A; // A
    default:
      return -1;
  }
}
