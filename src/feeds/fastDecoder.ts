/**
 * The byte-level fast path of the Binance decoders: decodes one JSON message straight
 * from its bytes when it has exactly the shape Binance sends for a hot kind (trade,
 * aggTrade, depthUpdate, bookTicker), prices parsed digit by digit (Clinger's fast path:
 * an integer mantissa below 2^53 divided by an exact power of ten ≤ 10^22 is the
 * correctly rounded value, the same double as Number(text)). Anything it does not
 * recognise exactly returns null and goes to decodeBinanceMessage (JSON.parse), the
 * reference, so the two paths cannot disagree on what is valid. Used by the capture
 * parser and by the raw websocket-lines reader; browser-safe.
 *
 * Two steps: scan() parses and checks a message into plain fields (kind, times, ids, four
 * values, the symbol's bytes, the level arrays), decode() turns them into an event object.
 * ColumnDecoder (columnDecoder.ts) writes the same fields into an EventBatch instead.
 */
import { DEPTH, NOT_DECODED, QUOTE as QUOTE_KIND, TRADE } from "./eventBatch.js";
import type { MarketEvent } from "./events.js";
import { LevelSlab } from "./levelSlab.js";

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
export class FastDecoder {
  /** Bit k set: slot k was present in this payload. */
  private seen = 0;
  private readonly type = new Uint8Array(KEYS);
  private readonly int = new Float64Array(KEYS);
  /** A decimal-string slot's value, once numbers() parsed it. */
  private readonly number = new Float64Array(KEYS);
  /** A string slot's bytes [from, to) (to = its closing quote). */
  private readonly from = new Int32Array(KEYS);
  private readonly to = new Int32Array(KEYS);
  /** The levels of the last depth diff scanned: bidCount and askCount values ([price, qty, …]). */
  bids = new Float64Array(4096);
  asks = new Float64Array(4096);
  bidCount = 0;
  askCount = 0;
  /** What scan() found (valid when it returned a kind): see EventBatch for the meaning per kind. */
  exchangeTime = NaN;
  id = NaN;
  firstId = NaN;
  prevId = NaN;
  a = NaN;
  b = NaN;
  c = NaN;
  d = NaN;
  /** The symbol's bytes [symbolFrom, symbolTo) in the scanned buffer (never empty). */
  symbolFrom = 0;
  symbolTo = 0;
  private readonly slab = new LevelSlab();
  /** Where the last decimal() or levels() stopped. */
  private at = 0;
  private readonly symbols: { bytes: Uint8Array; text: string }[] = [];

  decode(b: Uint8Array, start: number, end: number, receiveTime: number): MarketEvent | null {
    const kind = this.scan(b, start, end);
    if (kind === NOT_DECODED) return null;
    const symbol = this.symbol(b);
    if (kind === TRADE)
      return {
        type: "trade",
        symbol,
        exchangeTime: this.exchangeTime,
        receiveTime,
        price: this.a,
        qty: this.b,
        buyerInitiated: this.c === 1,
        tradeId: this.id,
      };
    if (kind === DEPTH)
      return {
        type: "depth",
        symbol,
        exchangeTime: this.exchangeTime,
        receiveTime,
        firstUpdateId: this.firstId,
        lastUpdateId: this.id,
        prevUpdateId: this.prevId,
        bids: this.slab.take(this.bids, 0, this.bidCount),
        asks: this.slab.take(this.asks, 0, this.askCount),
      };
    return {
      type: "quote",
      symbol,
      exchangeTime: this.exchangeTime,
      receiveTime,
      updateId: this.id,
      bidPx: this.a,
      bidQty: this.b,
      askPx: this.c,
      askQty: this.d,
    };
  }

  /**
   * Parses and checks the message in b[start, end): its kind (TRADE, QUOTE, DEPTH) with
   * the fields set, or NOT_DECODED when it does not have exactly a hot kind's shape.
   */
  scan(b: Uint8Array, start: number, end: number): number {
    let i = start;
    let wrapped = false;
    if (startsWith(b, i, end, WRAPPER_HEAD)) {
      i = stringEnd(b, i + WRAPPER_HEAD.length, end);
      if (i < 0 || !startsWith(b, i + 1, end, WRAPPER_DATA)) return NOT_DECODED;
      i += 1 + WRAPPER_DATA.length;
      wrapped = true;
    }
    // One JSON object of one- and two-letter keys with scalar or level-array values.
    if (i >= end || b[i] !== LBRACE) return NOT_DECODED;
    i++;
    let seen = 0;
    for (;;) {
      if (i >= end || b[i] !== QUOTE) return NOT_DECODED;
      const keyFrom = i + 1;
      i = stringEnd(b, keyFrom, end);
      if (i < 0) return NOT_DECODED;
      const keyLength = i - keyFrom;
      if (++i >= end || b[i] !== COLON) return NOT_DECODED;
      i++;
      let slot = -1;
      if (keyLength === 1) slot = slotOf1(b[keyFrom]!);
      else if (keyLength === 2 && b[keyFrom] === 112 && b[keyFrom + 1] === 117) slot = K_pu;
      // Only unknown one-letter keys (Binance sends "M", "f", "l", "X") and "ps" (COIN-M's pair,
      // on every depth diff and bookTicker) are skipped, so "stream", "data" and "lastUpdateId"
      // always go to the reference path.
      else if (!(keyLength === 2 && b[keyFrom] === 112 && b[keyFrom + 1] === 115)) return NOT_DECODED;
      if (slot >= 0) {
        if ((seen & (1 << slot)) !== 0) return NOT_DECODED; // a duplicate key: JSON.parse keeps the last
        seen |= 1 << slot;
      }
      if (i >= end) return NOT_DECODED;
      const c = b[i]!;
      if (c === QUOTE) {
        const to = stringEnd(b, i + 1, end);
        if (to < 0) return NOT_DECODED;
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
        if (i - from > 15 || (c === 48 && i - from > 1)) return NOT_DECODED;
        if (slot >= 0) {
          this.type[slot] = V_INT;
          this.int[slot] = x;
        }
      } else if (c === LBRACKET) {
        if ((slot !== K_b && slot !== K_a) || !this.levels(b, i + 1, end, slot)) return NOT_DECODED;
        i = this.at;
      } else {
        const literal = c === 116 ? TRUE : c === 102 ? FALSE : c === 110 ? NULL : null;
        if (literal === null || !startsWith(b, i, end, literal)) return NOT_DECODED;
        if (slot >= 0) this.type[slot] = literal === TRUE ? V_TRUE : literal === FALSE ? V_FALSE : V_OTHER;
        i += literal.length;
      }
      if (i >= end) return NOT_DECODED;
      const separator = b[i++];
      if (separator === RBRACE) break;
      if (separator !== COMMA) return NOT_DECODED;
    }
    if (wrapped) {
      if (i >= end || b[i] !== RBRACE) return NOT_DECODED;
      i++;
    }
    if (i !== end) return NOT_DECODED;
    this.seen = seen;
    return this.kind(b);
  }

  private kind(b: Uint8Array): number {
    if ((this.seen & (1 << K_e)) === 0) return this.quote(b);
    if (this.type[K_e] !== V_STRING) return NOT_DECODED;
    if (this.slotIs(b, K_e, KIND_DEPTH)) return this.depth();
    if (this.slotIs(b, K_e, KIND_BOOK_TICKER)) return this.quote(b);
    if (this.slotIs(b, K_e, KIND_TRADE)) return this.trade(b, K_t);
    if (this.slotIs(b, K_e, KIND_AGG_TRADE)) return this.trade(b, K_a);
    return NOT_DECODED;
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

  private trade(b: Uint8Array, idSlot: number): number {
    if (!this.has(K_T, V_INT) || !this.has(idSlot, V_INT) || !this.numbers(b, TRADE_DECIMALS)) return NOT_DECODED;
    const m = this.type[K_m];
    if ((this.seen & (1 << K_m)) === 0 || (m !== V_TRUE && m !== V_FALSE)) return NOT_DECODED;
    const price = this.number[K_p]!,
      qty = this.number[K_q]!;
    if (!this.hasSymbol() || !(price > 0) || !(qty >= 0)) return NOT_DECODED;
    this.exchangeTime = this.int[K_T]!;
    this.id = this.int[idSlot]!;
    this.a = price;
    this.b = qty;
    this.c = m === V_FALSE ? 1 : 0;
    this.d = this.firstId = this.prevId = NaN;
    return TRADE;
  }

  private depth(): number {
    if (!this.has(K_E, V_INT) || !this.has(K_U, V_INT) || !this.has(K_u, V_INT) || !this.has(K_b, V_LEVELS) || !this.has(K_a, V_LEVELS))
      return NOT_DECODED;
    const hasPrev = (this.seen & (1 << K_pu)) !== 0;
    if (hasPrev && this.type[K_pu] !== V_INT) return NOT_DECODED;
    if (!this.hasSymbol()) return NOT_DECODED;
    this.exchangeTime = this.int[K_E]!;
    this.id = this.int[K_u]!;
    this.firstId = this.int[K_U]!;
    this.prevId = hasPrev ? this.int[K_pu]! : NaN;
    this.a = this.b = this.c = this.d = NaN;
    return DEPTH;
  }

  /** Spot bookTicker (no "e"; "E" only if present) or futures bookTicker. */
  private quote(b: Uint8Array): number {
    if (!this.has(K_u, V_INT) || !this.numbers(b, QUOTE_DECIMALS)) return NOT_DECODED;
    const hasTime = (this.seen & (1 << K_E)) !== 0;
    if (hasTime && this.type[K_E] !== V_INT) return NOT_DECODED;
    const n = this.number;
    const bidPx = n[K_b]!,
      bidQty = n[K_B]!,
      askPx = n[K_a]!,
      askQty = n[K_A]!;
    if (!this.hasSymbol() || !(bidPx > 0) || !(bidQty >= 0) || !(askPx > 0) || !(askQty >= 0)) return NOT_DECODED;
    this.exchangeTime = hasTime ? this.int[K_E]! : NaN;
    this.id = this.int[K_u]!;
    this.a = bidPx;
    this.b = bidQty;
    this.c = askPx;
    this.d = askQty;
    this.firstId = this.prevId = NaN;
    return QUOTE_KIND;
  }

  private has(slot: number, type: number): boolean {
    return (this.seen & (1 << slot)) !== 0 && this.type[slot] === type;
  }

  /** Whether string slot `slot` holds exactly `bytes`. */
  private slotIs(b: Uint8Array, slot: number, bytes: Uint8Array): boolean {
    const from = this.from[slot]!;
    return this.to[slot]! - from === bytes.length && startsWith(b, from, from + bytes.length, bytes);
  }

  /** Whether the "s" slot is a non-empty string; sets symbolFrom and symbolTo. */
  private hasSymbol(): boolean {
    if (!this.has(K_s, V_STRING)) return false;
    this.symbolFrom = this.from[K_s]!;
    this.symbolTo = this.to[K_s]!;
    return this.symbolTo > this.symbolFrom;
  }

  /** The scanned symbol as a string, interned: the same symbol bytes give the same string. */
  private symbol(b: Uint8Array): string {
    const from = this.symbolFrom,
      length = this.symbolTo - from;
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
