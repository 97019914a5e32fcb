/**
 * The byte-level fast path of the capture decoder in linear memory: capture lines
 * (`<receive time, ns> <json>`, src/feeds/capture.ts) of the four hot Binance kinds
 * (trade, aggTrade, depthUpdate, bookTicker) decoded straight into a struct-of-arrays
 * batch, so a replay reaches its events without a JS object or a JS string per message.
 *
 * The twin of src/feeds/fastDecoder.ts (FastDecoder), check for check: it accepts exactly
 * the messages FastDecoder accepts, with the same values bit for bit, and declines
 * everything else. A declined line is listed (its offsets and the number of events before
 * it) for the caller's JSON.parse reference path, as FastDecoder returns null. One
 * difference, by design: where FastDecoder falls back to Number(text) (a mantissa of 2^53
 * or more, or more than 22 fraction digits), this decoder declines the line and counts it
 * (`inexact`) rather than trust a float parser not proven correctly rounded here. Prices
 * use Clinger's fast path: an integer mantissa below 2^53 divided by an exact power of ten
 * ≤ 10^22 is the correctly rounded value (W. D. Clinger, "How to read floating point
 * numbers accurately", PLDI 1990), the same double as Number(text).
 *
 * Per event the batch holds: kind (0 trade, 1 quote, 2 depth), symbol (an index into the
 * decoder's interned symbols), exchangeTime (NaN when absent), receiveTime (ms, as
 * capture.ts computes it), id (trade id, quote update id, depth u), firstId (depth U),
 * prevId (depth pu; NaN when absent), a–d (trade: price, qty, buyer-initiated 1/0, NaN;
 * quote: bid price, bid qty, ask price, ask qty; depth: NaN) and, for a depth diff, where
 * its [price, qty, …] values start in the batch's level slab (bids, then asks) and how
 * many values each side has. Everything is bounded at creation: the input block, the
 * batch (a run stops when it is full), the slab (sized so the input cannot overflow it)
 * and the symbol table (a new symbol past MAX_SYMBOLS, or longer than MAX_SYMBOL_BYTES, is
 * declined and counted). No managed allocation: the decoder is an @unmanaged header.
 */

/** Field slots of a payload: the one- and two-letter keys the hot kinds use (FastDecoder's order). */
const K_e: i32 = 0,
  K_E: i32 = 1,
  K_s: i32 = 2,
  K_t: i32 = 3,
  K_p: i32 = 4,
  K_q: i32 = 5,
  K_T: i32 = 6,
  K_m: i32 = 7,
  K_U: i32 = 8,
  K_u: i32 = 9,
  K_pu: i32 = 10,
  K_b: i32 = 11,
  K_a: i32 = 12,
  K_B: i32 = 13,
  K_A: i32 = 14;
/** Value types of a slot. */
const V_STRING: u8 = 1,
  V_INT: u8 = 2,
  V_TRUE: u8 = 3,
  V_FALSE: u8 = 4,
  V_OTHER: u8 = 5,
  V_LEVELS: u8 = 6;

/** Event kinds in the batch (3, a snapshot, is never produced here). */
const TRADE: u8 = 0,
  QUOTE_EVENT: u8 = 1,
  DEPTH: u8 = 2;

const NEWLINE: u8 = 10,
  CR: u8 = 13,
  SPACE: u8 = 32,
  QUOTE: u8 = 34,
  BACKSLASH: u8 = 92,
  COMMA: u8 = 44,
  COLON: u8 = 58,
  DOT: u8 = 46,
  LBRACE: u8 = 123,
  RBRACE: u8 = 125,
  LBRACKET: u8 = 91,
  RBRACKET: u8 = 93;
/** "true", "fals" and "null" read as one little-endian u32. */
const TRUE32: u32 = 0x65757274,
  FALS32: u32 = 0x736c6166,
  NULL32: u32 = 0x6c6c756e;
const TWO_53: u64 = 9007199254740992;
/** 19 digits reach the year 2286 in ns since the epoch (capture.ts). */
const MAX_TIMESTAMP_DIGITS: i32 = 19;

/** Interned symbols kept at most; a new one past them is declined (counted). */
export const MAX_SYMBOLS: i32 = 4096;
/** Longest symbol interned (Binance's are under 20 bytes); a longer one is declined (counted). */
export const MAX_SYMBOL_BYTES: i32 = 32;
/** Open-addressing hash of the symbols: twice their number, a power of two. */
const SYMBOL_SLOTS: i32 = 2 * MAX_SYMBOLS;

/** Exact powers of ten (every one up to 1e22 is a double exactly). */
const POW10: usize = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
]);
const WRAPPER_HEAD: usize = memory.data<u8>([123, 34, 115, 116, 114, 101, 97, 109, 34, 58, 34]); // {"stream":"
const WRAPPER_DATA: usize = memory.data<u8>([44, 34, 100, 97, 116, 97, 34, 58]); // ,"data":
const KIND_TRADE: usize = memory.data<u8>([116, 114, 97, 100, 101]); // trade
const KIND_AGG_TRADE: usize = memory.data<u8>([97, 103, 103, 84, 114, 97, 100, 101]); // aggTrade
const KIND_DEPTH: usize = memory.data<u8>([100, 101, 112, 116, 104, 85, 112, 100, 97, 116, 101]); // depthUpdate
const KIND_BOOK_TICKER: usize = memory.data<u8>([98, 111, 111, 107, 84, 105, 99, 107, 101, 114]); // bookTicker

// Single-threaded scratch of the message being decoded, one entry per slot.
const TYPE: usize = memory.data(16);
const INT: usize = memory.data(16 << 3);
const FROM: usize = memory.data(16 << 2);
const TO: usize = memory.data(16 << 2);
/** Where a level array (slot b or a) starts in the slab, and its value count. */
const LEVEL_AT: usize = memory.data(16 << 2);
const LEVEL_N: usize = memory.data(16 << 2);
/** Where the last decimal() or levels() stopped. */
let at: usize = 0;
/** The last decimal() was well-formed but not exact on the fast path (FastDecoder's Number(text) case). */
let inexactDecimal = false;

@unmanaged
export class CaptureDecoder {
  /** The caller's lines go here (`inputBytes` bytes). */
  input: usize;
  inputBytes: i32;
  /** Events (and declined lines) a batch holds at most. */
  capacity: i32;
  count: i32;
  declined: i32;
  /** Lines read by the last run, blank lines included. */
  lines: i32;
  slabUsed: i32;
  symbols: i32;
  /** The symbol matched last (checked before the hash). */
  lastSymbol: i32;
  kind: usize;
  symbol: usize;
  exchangeTime: usize;
  receiveTime: usize;
  id: usize;
  firstId: usize;
  prevId: usize;
  a: usize;
  b: usize;
  c: usize;
  d: usize;
  levelStart: usize;
  bidValues: usize;
  askValues: usize;
  slab: usize;
  /** Per declined line: events before it in the batch, its start and its end offset in the input (i32 each). */
  declinedLines: usize;
  symbolBytes: usize;
  symbolLengths: usize;
  symbolHash: usize;
  /** Lines declined at a decimal the fast path cannot round exactly, since creation. */
  inexact: f64;
  /** Lines declined because their symbol could not be interned, since creation. */
  symbolDeclined: f64;
}

// @ts-ignore: decorator
@inline function byteAt(p: usize): i32 {
  return <i32>load<u8>(p);
}

// @ts-ignore: decorator
@inline function slotType(slot: i32): u8 {
  return load<u8>(TYPE + <usize>slot);
}

// @ts-ignore: decorator
@inline function slotFrom(slot: i32): usize {
  return <usize>load<u32>(FROM + (<usize>slot << 2));
}

// @ts-ignore: decorator
@inline function slotTo(slot: i32): usize {
  return <usize>load<u32>(TO + (<usize>slot << 2));
}

// @ts-ignore: decorator
@inline function slotInt(slot: i32): f64 {
  return load<f64>(INT + (<usize>slot << 3));
}

function column(capacity: i32, bytes: i32): usize {
  return heap.alloc(<usize>capacity * <usize>bytes);
}

/**
 * A decoder reading up to `inputBytes` bytes of lines a run into batches of up to
 * `capacity` events. The slab holds inputBytes / 4 + 2 values: every value takes at least
 * four input bytes (`["1"` or `,"0"`), so a run's levels always fit.
 */
export function decoderNew(inputBytes: i32, capacity: i32): usize {
  const d = changetype<CaptureDecoder>(heap.alloc(offsetof<CaptureDecoder>()));
  memory.fill(changetype<usize>(d), 0, offsetof<CaptureDecoder>());
  d.input = heap.alloc(<usize>inputBytes);
  d.inputBytes = inputBytes;
  d.capacity = capacity;
  d.lastSymbol = -1;
  d.kind = column(capacity, 1);
  d.symbol = column(capacity, 4);
  d.exchangeTime = column(capacity, 8);
  d.receiveTime = column(capacity, 8);
  d.id = column(capacity, 8);
  d.firstId = column(capacity, 8);
  d.prevId = column(capacity, 8);
  d.a = column(capacity, 8);
  d.b = column(capacity, 8);
  d.c = column(capacity, 8);
  d.d = column(capacity, 8);
  d.levelStart = column(capacity, 4);
  d.bidValues = column(capacity, 4);
  d.askValues = column(capacity, 4);
  d.slab = heap.alloc(<usize>((inputBytes >> 2) + 2) << 3);
  d.declinedLines = column(capacity, 12);
  d.symbolBytes = heap.alloc(<usize>MAX_SYMBOLS * MAX_SYMBOL_BYTES);
  d.symbolLengths = heap.alloc(<usize>MAX_SYMBOLS << 2);
  d.symbolHash = heap.alloc(<usize>SYMBOL_SLOTS << 2);
  memory.fill(d.symbolHash, 0, <usize>SYMBOL_SLOTS << 2);
  return changetype<usize>(d);
}

export function decoderFree(p: usize): void {
  const d = changetype<CaptureDecoder>(p);
  heap.free(d.input);
  heap.free(d.kind);
  heap.free(d.symbol);
  heap.free(d.exchangeTime);
  heap.free(d.receiveTime);
  heap.free(d.id);
  heap.free(d.firstId);
  heap.free(d.prevId);
  heap.free(d.a);
  heap.free(d.b);
  heap.free(d.c);
  heap.free(d.d);
  heap.free(d.levelStart);
  heap.free(d.bidValues);
  heap.free(d.askValues);
  heap.free(d.slab);
  heap.free(d.declinedLines);
  heap.free(d.symbolBytes);
  heap.free(d.symbolLengths);
  heap.free(d.symbolHash);
  heap.free(p);
}

/** The address of a field of the decoder (its layout is read by the TS wrapper once, through this). */
export function decoderField(p: usize, field: i32): usize {
  const d = changetype<CaptureDecoder>(p);
  switch (field) {
    case 0: return d.input;
    case 1: return d.kind;
    case 2: return d.symbol;
    case 3: return d.exchangeTime;
    case 4: return d.receiveTime;
    case 5: return d.id;
    case 6: return d.firstId;
    case 7: return d.prevId;
    case 8: return d.a;
    case 9: return d.b;
    case 10: return d.c;
    case 11: return d.d;
    case 12: return d.levelStart;
    case 13: return d.bidValues;
    case 14: return d.askValues;
    case 15: return d.slab;
    case 16: return d.declinedLines;
    case 17: return d.symbolBytes;
    case 18: return d.symbolLengths;
    default: return 0;
  }
}

/** Events in the batch of the last run. */
export function decoderCount(p: usize): i32 {
  return changetype<CaptureDecoder>(p).count;
}

/** Lines of the last run declined (listed for the reference path). */
export function decoderDeclined(p: usize): i32 {
  return changetype<CaptureDecoder>(p).declined;
}

/** Lines read by the last run, blank lines included. */
export function decoderLines(p: usize): i32 {
  return changetype<CaptureDecoder>(p).lines;
}

/** Symbols interned so far (indices 0 … n − 1; their bytes never move). */
export function decoderSymbols(p: usize): i32 {
  return changetype<CaptureDecoder>(p).symbols;
}

/** Lines declined at a decimal the fast path cannot round exactly, since creation. */
export function decoderInexact(p: usize): f64 {
  return changetype<CaptureDecoder>(p).inexact;
}

/** Lines declined because their symbol could not be interned, since creation. */
export function decoderSymbolDeclined(p: usize): f64 {
  return changetype<CaptureDecoder>(p).symbolDeclined;
}

/**
 * Decodes the lines in input[from, length): every line that ends with a newline and, when
 * `final`, a last one without. Stops early when the batch is full (events or declined
 * lines). Returns the offset where it stopped (a line start: the caller runs again from
 * there, or copies the rest in with more input).
 */
export function decoderRun(p: usize, from: i32, length: i32, final: i32): i32 {
  const d = changetype<CaptureDecoder>(p);
  d.count = 0;
  d.declined = 0;
  d.lines = 0;
  d.slabUsed = 0;
  const base = d.input,
    stop = base + <usize>length;
  let start = base + <usize>from;
  while (start < stop && d.count < d.capacity && d.declined < d.capacity) {
    const nl = newlineFrom(start, stop);
    if (nl == stop) {
      if (!final) break;
      line(d, start, stop);
      start = stop;
      break;
    }
    line(d, start, nl);
    start = nl + 1;
  }
  return <i32>(start - base);
}

/** The first newline in [i, stop), or stop: eight bytes a step (a zero byte of x ^ 0x0a… is a newline). */
function newlineFrom(i: usize, stop: usize): usize {
  while (i + 8 <= stop) {
    const x = load<u64>(i) ^ 0x0a0a0a0a0a0a0a0a;
    const zero = (x - 0x0101010101010101) & ~x & 0x8080808080808080;
    if (zero != 0) return i + (<usize>ctz(zero) >> 3);
    i += 8;
  }
  while (i < stop && load<u8>(i) != NEWLINE) i++;
  return i;
}

/** One line [start, lineEnd) without its newline: an event, a blank line, or a declined line. */
function line(d: CaptureDecoder, start: usize, lineEnd: usize): void {
  d.lines++;
  // a declined line is listed with its CR: the reference path strips one, as it does for every line (never two)
  let end = lineEnd;
  if (end > start && load<u8>(end - 1) == CR) end--;
  if (end == start) return;
  let i = start;
  while (i < end && <u32>(byteAt(i) - 48) < 10) i++;
  const digits = <i32>(i - start);
  if (digits == 0 || digits > MAX_TIMESTAMP_DIGITS || i == end || load<u8>(i) != SPACE) {
    decline(d, start, lineEnd);
    return;
  }
  // ms = the digits before the last six, plus the last six as a fraction: each part exact.
  const split = digits > 6 ? i - 6 : start;
  let ms: f64 = 0,
    ns: f64 = 0;
  for (let k = start; k < split; k++) ms = ms * 10 + <f64>(byteAt(k) - 48);
  for (let k = split; k < i; k++) ns = ns * 10 + <f64>(byteAt(k) - 48);
  const mark = d.slabUsed;
  inexactDecimal = false;
  if (!message(d, i + 1, end, ms + ns / 1e6)) {
    d.slabUsed = mark;
    if (inexactDecimal) d.inexact += 1;
    decline(d, start, lineEnd);
  }
}

function decline(d: CaptureDecoder, start: usize, end: usize): void {
  const p = d.declinedLines + <usize>d.declined * 12;
  store<i32>(p, d.count);
  store<i32>(p, <i32>(start - d.input), 4);
  store<i32>(p, <i32>(end - d.input), 8);
  d.declined++;
}

/** Decodes one JSON message into the batch; false (nothing written) unless it has exactly a hot kind's shape. */
function message(d: CaptureDecoder, i: usize, end: usize, receiveTime: f64): bool {
  let wrapped = false;
  if (startsWith(i, end, WRAPPER_HEAD, 11)) {
    i = stringEnd(i + 11, end);
    if (i == 0 || !startsWith(i + 1, end, WRAPPER_DATA, 8)) return false;
    i += 9;
    wrapped = true;
  }
  // One JSON object of one- and two-letter keys with scalar or level-array values.
  if (i >= end || load<u8>(i) != LBRACE) return false;
  i++;
  let seen: i32 = 0;
  for (;;) {
    if (i >= end || load<u8>(i) != QUOTE) return false;
    const keyFrom = i + 1;
    i = stringEnd(keyFrom, end);
    if (i == 0) return false;
    const keyLength = i - keyFrom;
    if (++i >= end || load<u8>(i) != COLON) return false;
    i++;
    let slot: i32 = -1;
    if (keyLength == 1) slot = slotOf1(byteAt(keyFrom));
    else if (keyLength == 2 && byteAt(keyFrom) == 112 && byteAt(keyFrom + 1) == 117) slot = K_pu;
    // Only unknown one-letter keys and "ps" (COIN-M's pair) are skipped, as FastDecoder does.
    else if (!(keyLength == 2 && byteAt(keyFrom) == 112 && byteAt(keyFrom + 1) == 115)) return false;
    if (slot >= 0) {
      if ((seen & (1 << slot)) != 0) return false; // a duplicate key: JSON.parse keeps the last
      seen |= 1 << slot;
    }
    if (i >= end) return false;
    const c = byteAt(i);
    if (c == QUOTE) {
      const to = stringEnd(i + 1, end);
      if (to == 0) return false;
      if (slot >= 0) {
        store<u8>(TYPE + <usize>slot, V_STRING);
        store<u32>(FROM + (<usize>slot << 2), <u32>(i + 1));
        store<u32>(TO + (<usize>slot << 2), <u32>to);
      }
      i = to + 1;
    } else if (<u32>(c - 48) < 10) {
      // A JSON integer of up to 15 digits (exact); "01", "1.5", "1e3" fail the separator check below.
      const from = i;
      let x: i64 = 0;
      while (i < end && <u32>(byteAt(i) - 48) < 10) {
        x = x * 10 + <i64>(byteAt(i) - 48);
        i++;
      }
      if (i - from > 15 || (c == 48 && i - from > 1)) return false;
      if (slot >= 0) {
        store<u8>(TYPE + <usize>slot, V_INT);
        store<f64>(INT + (<usize>slot << 3), <f64>x);
      }
    } else if (c == LBRACKET) {
      if ((slot != K_b && slot != K_a) || !levels(d, i + 1, end, slot)) return false;
      i = at;
    } else {
      let type: u8 = 0,
        n: usize = 0;
      if (c == 116 && i + 4 <= end && load<u32>(i) == TRUE32) {
        type = V_TRUE;
        n = 4;
      } else if (c == 102 && i + 5 <= end && load<u32>(i) == FALS32 && load<u8>(i + 4) == 101) {
        type = V_FALSE;
        n = 5;
      } else if (c == 110 && i + 4 <= end && load<u32>(i) == NULL32) {
        type = V_OTHER;
        n = 4;
      } else return false;
      if (slot >= 0) store<u8>(TYPE + <usize>slot, type);
      i += n;
    }
    if (i >= end) return false;
    const separator = load<u8>(i++);
    if (separator == RBRACE) break;
    if (separator != COMMA) return false;
  }
  if (wrapped) {
    if (i >= end || load<u8>(i) != RBRACE) return false;
    i++;
  }
  if (i != end) return false;

  if ((seen & (1 << K_e)) == 0) return quote(d, seen, receiveTime);
  if (slotType(K_e) != V_STRING) return false;
  if (slotIs(K_e, KIND_DEPTH, 11)) return depth(d, seen, receiveTime);
  if (slotIs(K_e, KIND_BOOK_TICKER, 10)) return quote(d, seen, receiveTime);
  if (slotIs(K_e, KIND_TRADE, 5)) return trade(d, seen, receiveTime, K_t);
  if (slotIs(K_e, KIND_AGG_TRADE, 8)) return trade(d, seen, receiveTime, K_a);
  return false;
}

// @ts-ignore: decorator
@inline function has(seen: i32, slot: i32, type: u8): bool {
  return (seen & (1 << slot)) != 0 && slotType(slot) == type;
}

/** A decimal-string slot's value; NaN when it is missing or not a plain decimal (or not exact: inexactDecimal). */
function number(seen: i32, slot: i32): f64 {
  if (!has(seen, slot, V_STRING)) return NaN;
  return decimal(slotFrom(slot), slotTo(slot) + 1);
}

function trade(d: CaptureDecoder, seen: i32, receiveTime: f64, idSlot: i32): bool {
  if (!has(seen, K_T, V_INT) || !has(seen, idSlot, V_INT)) return false;
  const price = number(seen, K_p);
  if (price != price) return false;
  const qty = number(seen, K_q);
  if (qty != qty) return false;
  const m = slotType(K_m);
  if ((seen & (1 << K_m)) == 0 || (m != V_TRUE && m != V_FALSE)) return false;
  if (!(price > 0) || !(qty >= 0) || !hasSymbol(seen)) return false;
  const symbol = intern(d);
  if (symbol < 0) return false;
  const k = put(d, TRADE, symbol, slotInt(K_T), receiveTime, slotInt(idSlot));
  store<f64>(d.a + (<usize>k << 3), price);
  store<f64>(d.b + (<usize>k << 3), qty);
  store<f64>(d.c + (<usize>k << 3), m == V_FALSE ? 1 : 0);
  store<f64>(d.d + (<usize>k << 3), NaN);
  return true;
}

function depth(d: CaptureDecoder, seen: i32, receiveTime: f64): bool {
  if (
    !has(seen, K_E, V_INT) || !has(seen, K_U, V_INT) || !has(seen, K_u, V_INT) ||
    !has(seen, K_b, V_LEVELS) || !has(seen, K_a, V_LEVELS)
  )
    return false;
  const hasPrev = (seen & (1 << K_pu)) != 0;
  if (hasPrev && slotType(K_pu) != V_INT) return false;
  if (!hasSymbol(seen)) return false;
  const symbol = intern(d);
  if (symbol < 0) return false;
  const k = put(d, DEPTH, symbol, slotInt(K_E), receiveTime, slotInt(K_u));
  const bidAt = load<i32>(LEVEL_AT + (<usize>K_b << 2)),
    askAt = load<i32>(LEVEL_AT + (<usize>K_a << 2));
  const nb = load<i32>(LEVEL_N + (<usize>K_b << 2)),
    na = load<i32>(LEVEL_N + (<usize>K_a << 2));
  // Asks sent before bids: rotate [asks][bids] into [bids][asks] in place.
  if (askAt < bidAt) rotate(d.slab + (<usize>askAt << 3), na, nb);
  const k4 = <usize>k << 2,
    k8 = <usize>k << 3;
  store<i32>(d.levelStart + k4, min(bidAt, askAt));
  store<i32>(d.bidValues + k4, nb);
  store<i32>(d.askValues + k4, na);
  store<f64>(d.firstId + k8, slotInt(K_U));
  store<f64>(d.prevId + k8, hasPrev ? slotInt(K_pu) : NaN);
  return true;
}

/** Spot bookTicker (no "e"; "E" only if present) or futures bookTicker. */
function quote(d: CaptureDecoder, seen: i32, receiveTime: f64): bool {
  if (!has(seen, K_u, V_INT)) return false;
  const bidPx = number(seen, K_b);
  if (bidPx != bidPx) return false;
  const bidQty = number(seen, K_B);
  if (bidQty != bidQty) return false;
  const askPx = number(seen, K_a);
  if (askPx != askPx) return false;
  const askQty = number(seen, K_A);
  if (askQty != askQty) return false;
  const hasTime = (seen & (1 << K_E)) != 0;
  if (hasTime && slotType(K_E) != V_INT) return false;
  if (!(bidPx > 0) || !(bidQty >= 0) || !(askPx > 0) || !(askQty >= 0) || !hasSymbol(seen)) return false;
  const symbol = intern(d);
  if (symbol < 0) return false;
  const k = put(d, QUOTE_EVENT, symbol, hasTime ? slotInt(K_E) : NaN, receiveTime, slotInt(K_u));
  const k8 = <usize>k << 3;
  store<f64>(d.a + k8, bidPx);
  store<f64>(d.b + k8, bidQty);
  store<f64>(d.c + k8, askPx);
  store<f64>(d.d + k8, askQty);
  return true;
}

/** Appends an event's common columns (the rest neutral: NaN, no levels); returns its index. */
function put(d: CaptureDecoder, kind: u8, symbol: i32, exchangeTime: f64, receiveTime: f64, id: f64): i32 {
  const k = d.count++;
  const k4 = <usize>k << 2,
    k8 = <usize>k << 3;
  store<u8>(d.kind + <usize>k, kind);
  store<i32>(d.symbol + k4, symbol);
  store<f64>(d.exchangeTime + k8, exchangeTime);
  store<f64>(d.receiveTime + k8, receiveTime);
  store<f64>(d.id + k8, id);
  store<f64>(d.firstId + k8, NaN);
  store<f64>(d.prevId + k8, NaN);
  store<f64>(d.a + k8, NaN);
  store<f64>(d.b + k8, NaN);
  store<f64>(d.c + k8, NaN);
  store<f64>(d.d + k8, NaN);
  store<i32>(d.levelStart + k4, 0);
  store<i32>(d.bidValues + k4, 0);
  store<i32>(d.askValues + k4, 0);
  return k;
}

/** Reverses n f64 values at p. */
function reverse(p: usize, n: i32): void {
  let i: usize = p,
    j: usize = p + (<usize>(n - 1) << 3);
  while (i < j) {
    const x = load<f64>(i);
    store<f64>(i, load<f64>(j));
    store<f64>(j, x);
    i += 8;
    j -= 8;
  }
}

/** [x (n values)][y (m values)] at p becomes [y][x]. */
function rotate(p: usize, n: i32, m: i32): void {
  reverse(p, n);
  reverse(p + (<usize>n << 3), m);
  reverse(p, n + m);
}

function hasSymbol(seen: i32): bool {
  return has(seen, K_s, V_STRING) && slotTo(K_s) > slotFrom(K_s);
}

/** The "s" slot's index among the interned symbols (added when new); −1 when it cannot be interned (counted). */
function intern(d: CaptureDecoder): i32 {
  const from = slotFrom(K_s),
    length = <i32>(slotTo(K_s) - from);
  const last = d.lastSymbol;
  if (last >= 0 && sameSymbol(d, last, from, length)) return last;
  if (length > MAX_SYMBOL_BYTES) {
    d.symbolDeclined += 1;
    return -1;
  }
  // FNV-1a over the bytes, linear probing; a slot holds index + 1 (0: empty).
  let h: u32 = 2166136261;
  for (let k = 0; k < length; k++) h = (h ^ <u32>load<u8>(from + <usize>k)) * 16777619;
  const mask = <u32>(SYMBOL_SLOTS - 1);
  let s = h & mask;
  for (let entry = load<i32>(d.symbolHash + (<usize>s << 2)); entry != 0; entry = load<i32>(d.symbolHash + (<usize>s << 2))) {
    if (sameSymbol(d, entry - 1, from, length)) {
      d.lastSymbol = entry - 1;
      return entry - 1;
    }
    s = (s + 1) & mask;
  }
  if (d.symbols == MAX_SYMBOLS) {
    d.symbolDeclined += 1;
    return -1;
  }
  const index = d.symbols++;
  memory.copy(d.symbolBytes + <usize>index * MAX_SYMBOL_BYTES, from, <usize>length);
  store<i32>(d.symbolLengths + (<usize>index << 2), length);
  store<i32>(d.symbolHash + (<usize>s << 2), index + 1);
  d.lastSymbol = index;
  return index;
}

function sameSymbol(d: CaptureDecoder, index: i32, from: usize, length: i32): bool {
  return (
    load<i32>(d.symbolLengths + (<usize>index << 2)) == length &&
    memory.compare(d.symbolBytes + <usize>index * MAX_SYMBOL_BYTES, from, <usize>length) == 0
  );
}

/** Whether the `n` bytes at `bytes` are at [i, end). */
function startsWith(i: usize, end: usize, bytes: usize, n: usize): bool {
  return i + n <= end && memory.compare(i, bytes, n) == 0;
}

/** Whether string slot `slot` holds exactly the `n` bytes at `bytes`. */
function slotIs(slot: i32, bytes: usize, n: usize): bool {
  const from = slotFrom(slot);
  return slotTo(slot) - from == n && memory.compare(from, bytes, n) == 0;
}

/** The address of the quote closing a string that starts at `i`; 0 for escapes, control or non-ASCII bytes. */
function stringEnd(i: usize, end: usize): usize {
  for (; i < end; i++) {
    const c = load<u8>(i);
    if (c == QUOTE) return i;
    if (c == BACKSLASH || c < 0x20 || c >= 0x80) return 0;
  }
  return 0;
}

/** [["price","qty"], …] (after its "[") appended to the slab; a price ≤ 0 or a qty < 0 is left to the reference. */
function levels(d: CaptureDecoder, i: usize, end: usize, slot: i32): bool {
  const first = d.slabUsed;
  let out = d.slab + (<usize>first << 3);
  let n: i32 = 0;
  if (i < end && load<u8>(i) == RBRACKET) {
    i++;
  } else {
    // Values alternate price, qty: `["` price `","` qty `"]`, then `,` or the closing `]`.
    for (;;) {
      const isPrice = (n & 1) == 0;
      if (i + 2 > end || load<u8>(i) != (isPrice ? LBRACKET : COMMA) || load<u8>(i + 1) != QUOTE) return false;
      const x = decimal(i + 2, end);
      if (isPrice ? !(x > 0) : !(x >= 0)) return false;
      store<f64>(out, x);
      out += 8;
      n++;
      i = at;
      if (isPrice) continue;
      if (i + 2 > end || load<u8>(i) != RBRACKET) return false;
      const c = load<u8>(i + 1);
      i += 2;
      if (c == RBRACKET) break;
      if (c != COMMA) return false;
    }
  }
  store<u8>(TYPE + <usize>slot, V_LEVELS);
  store<i32>(LEVEL_AT + (<usize>slot << 2), first);
  store<i32>(LEVEL_N + (<usize>slot << 2), n);
  d.slabUsed = first + n;
  at = i;
  return true;
}

/**
 * The decimal string from `from` to its closing quote (`at` = just past it), as the same
 * double as Number(text); NaN unless it is digits with an optional fraction, and NaN with
 * inexactDecimal set when it is well-formed but its mantissa reaches 2^53 or it has more
 * than 22 fraction digits (FastDecoder's Number(text) case: declined here).
 */
function decimal(from: usize, end: usize): f64 {
  let i = from;
  // The mantissa saturates at 2^53: past it the value is declined anyway, and u64 cannot overflow.
  let m: u64 = 0;
  while (i < end) {
    const digit = <u32>(byteAt(i) - 48);
    if (digit >= 10) break;
    if (m < TWO_53) m = m * 10 + <u64>digit;
    i++;
  }
  if (i == from) return NaN;
  let scale: i32 = 0;
  if (i < end && load<u8>(i) == DOT) {
    const fractionFrom = ++i;
    while (i < end) {
      const digit = <u32>(byteAt(i) - 48);
      if (digit >= 10) break;
      if (m < TWO_53) m = m * 10 + <u64>digit;
      i++;
    }
    scale = <i32>(i - fractionFrom);
    if (scale == 0) return NaN;
  }
  if (i >= end || load<u8>(i) != QUOTE) return NaN;
  at = i + 1;
  if (m < TWO_53 && scale <= 22) return <f64>m / load<f64>(POW10 + (<usize>scale << 3));
  inexactDecimal = true;
  return NaN;
}

function slotOf1(c: i32): i32 {
  switch (c) {
    case 101: return K_e; // e
    case 69: return K_E; // E
    case 115: return K_s; // s
    case 116: return K_t; // t
    case 112: return K_p; // p
    case 113: return K_q; // q
    case 84: return K_T; // T
    case 109: return K_m; // m
    case 85: return K_U; // U
    case 117: return K_u; // u
    case 98: return K_b; // b
    case 97: return K_a; // a
    case 66: return K_B; // B
    case 65: return K_A; // A
    default: return -1;
  }
}
