/**
 * A stable fingerprint of a computation's inputs: FNV-1a 64 over a canonical byte form,
 * as 16 lowercase hex digits. Cache keys carry it, so an entry computed from other
 * inputs can never be served: different inputs give a different key (up to a 64-bit
 * collision, ~n²/2⁶⁵ for n distinct inputs), the same inputs the same key in every
 * process, on every run and on both backends.
 *
 * To a trader: a cached score is the score of exactly the book, trades and settings you
 * asked about — or it is recomputed.
 *
 * Canonical byte form (each value starts with a one-byte tag; integers are u32
 * little-endian):
 *   0x00 null · 0x01 false · 0x02 true
 *   0x03 number: the IEEE-754 binary64 bytes, little-endian; every NaN as 0x7ff8000000000000
 *        (−0 and 0 differ)
 *   0x04 string: u32 count of UTF-16 code units, then the UTF-8 bytes (a string with a
 *        lone surrogate has no UTF-8 form — TextEncoder would write U+FFFD, making
 *        "\uD800" and "\uFFFD" one key — so it is unhashable)
 *   0x05 array: u32 length, then each element
 *   0x06 plain object: u32 count of keys whose value is not undefined, then per key in
 *        ascending code-unit order the key (as a string, without tag) and its value —
 *        key order and undefined members do not matter, as in JSON
 *   0x07 typed array: kind (Float64 1, Float32 2, Int32 3, Uint32 4, Int16 5, Uint16 6,
 *        Int8 7, Uint8 8, Uint8Clamped 9, BigInt64 10, BigUint64 11), u32 element count,
 *        then the elements' bytes as stored (little-endian on every host Node and the
 *        browsers run on: x86, ARM)
 * Anything else (undefined outside an object, functions, symbols, bigints, Maps, Dates,
 * class instances, nesting deeper than 64 levels — which is how a cycle shows) is an
 * UnhashableInputError naming its path.
 *
 * FNV-1a 64 (Fowler–Noll–Vo; offset basis 0xcbf29ce484222325, prime 2⁴⁰ + 0x1b3), byte by
 * byte, on two 32-bit halves in int32 arithmetic (no BigInt). The canonical bytes are
 * written into one reused buffer first, then hashed in one tight loop. It costs a few ns
 * a byte: a 1,000-event window with its 1,000-level snapshot is ~200 kB, which costs
 * about as much as scoring it (bench/cache.bench.ts) — key such work by a small identity
 * of its inputs (a capture and a range) where there is one.
 */
import { UnhashableInputError } from "../errors.js";

const TYPED_KINDS = new Map<unknown, number>([
  [Float64Array, 1],
  [Float32Array, 2],
  [Int32Array, 3],
  [Uint32Array, 4],
  [Int16Array, 5],
  [Uint16Array, 6],
  [Int8Array, 7],
  [Uint8Array, 8],
  [Uint8ClampedArray, 9],
  [BigInt64Array, 10],
  [BigUint64Array, 11],
]);
const CANONICAL_NAN = Uint8Array.of(0, 0, 0, 0, 0, 0, 0xf8, 0x7f);
const INITIAL_BYTES = 1 << 16;
/** A buffer that grew past this for one large input is dropped afterwards rather than kept. */
const RETAINED_BYTES = 1 << 22;
/** Deeper nesting is refused: it is a cycle, or no input a score is computed from. */
const MAX_DEPTH = 64;
/** Short strings (keys, symbols, event types) keep their encoded form; at most this many. */
const STRING_CACHE_ENTRIES = 4096;

const encoder = new TextEncoder();
/** In a /u pattern a surrogate pair is one code point, so this matches only unpaired surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_FOUND = "a string with a lone surrogate (it has no UTF-8 form)";
const encoded = new Map<string, Uint8Array>();

/** The canonical bytes of one input, written into a buffer reused from call to call. */
class CanonicalWriter {
  bytes = new Uint8Array(INITIAL_BYTES);
  private view = new DataView(this.bytes.buffer);
  pos = 0;

  reserve(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  reset(): void {
    this.pos = 0;
    if (this.bytes.length > RETAINED_BYTES) {
      this.bytes = new Uint8Array(INITIAL_BYTES);
      this.view = new DataView(this.bytes.buffer);
    }
  }

  byte(b: number): void {
    this.reserve(1);
    this.bytes[this.pos++] = b;
  }

  u32(n: number): void {
    this.reserve(4);
    this.view.setUint32(this.pos, n, true);
    this.pos += 4;
  }

  number(x: number): void {
    this.reserve(9);
    this.bytes[this.pos] = 0x03;
    if (x === x) this.view.setFloat64(this.pos + 1, x, true);
    else this.bytes.set(CANONICAL_NAN, this.pos + 1); // whatever payload the NaN carried
    this.pos += 9;
  }

  raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** u32 count of UTF-16 code units, then the UTF-8 bytes. */
  string(s: string): void {
    if (s.length <= 64) {
      let e = encoded.get(s);
      if (e === undefined) {
        if (LONE_SURROGATE.test(s)) throw new Unhashable(LONE_SURROGATE_FOUND);
        e = this.encode(s);
        if (encoded.size < STRING_CACHE_ENTRIES) encoded.set(s, e);
      }
      return this.raw(e);
    }
    if (LONE_SURROGATE.test(s)) throw new Unhashable(LONE_SURROGATE_FOUND);
    this.u32(s.length);
    this.reserve(3 * s.length);
    this.pos += encoder.encodeInto(s, this.bytes.subarray(this.pos)).written;
  }

  private encode(s: string): Uint8Array {
    const utf8 = encoder.encode(s);
    const out = new Uint8Array(4 + utf8.length);
    new DataView(out.buffer).setUint32(0, s.length, true);
    out.set(utf8, 4);
    return out;
  }
}

const writer = new CanonicalWriter();

/** FNV-1a 64 over bytes[0, n), as 16 lowercase hex digits. */
function fnv1a64Of(bytes: Uint8Array, n: number): string {
  // int32 arithmetic only (twice as fast as going through doubles): h = hi·2³² + lo, and
  // h·(2⁴⁰ + 0x1b3) mod 2⁶⁴ = hi·0x1b3·2³² + lo·0x1b3 + (lo mod 2²⁴)·2⁴⁰, with lo·0x1b3
  // formed from lo's 16-bit halves so that its carry into hi is exact
  let hi = 0xcbf29ce4 | 0,
    lo = 0x84222325 | 0;
  for (let i = 0; i < n; i++) {
    lo ^= bytes[i]!;
    const p0 = (lo & 0xffff) * 0x1b3; // < 2²⁵
    const p1 = (lo >>> 16) * 0x1b3 + (p0 >>> 16); // < 2²⁶
    hi = (Math.imul(hi, 0x1b3) + (p1 >>> 16) + (lo << 8)) | 0;
    lo = (p1 << 16) | (p0 & 0xffff);
  }
  return (hi >>> 0).toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "null-prototype"} object`;
  return `a ${typeof value}`;
}

/** Sorts a small array of keys in place by code units (insertion sort: objects here have a handful of keys). */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

/** Thrown inside the walk; the path is collected on the way out, so none is built while all goes well. */
class Unhashable {
  readonly segments: string[] = [];
  constructor(readonly found: string) {}
}

function write(w: CanonicalWriter, value: unknown, depth: number): void {
  switch (typeof value) {
    case "number":
      return w.number(value);
    case "string":
      w.byte(0x04);
      return w.string(value);
    case "boolean":
      return w.byte(value ? 0x02 : 0x01);
    case "object":
      break;
    default:
      throw new Unhashable(describe(value));
  }
  if (value === null) return w.byte(0x00);
  const o = value as object;
  if (ArrayBuffer.isView(o)) {
    const kind = TYPED_KINDS.get(o.constructor);
    if (kind === undefined) throw new Unhashable(describe(o));
    w.byte(0x07);
    w.byte(kind);
    w.u32((o as unknown as { length: number }).length);
    return w.raw(new Uint8Array(o.buffer, o.byteOffset, o.byteLength));
  }
  if (depth === MAX_DEPTH) throw new Unhashable(`nested ${MAX_DEPTH} levels deep (a cycle?)`);
  if (Array.isArray(o)) {
    w.byte(0x05);
    w.u32(o.length);
    for (let i = 0; i < o.length; i++) {
      try {
        write(w, o[i], depth + 1);
      } catch (e) {
        if (e instanceof Unhashable) e.segments.push(`[${i}]`);
        throw e;
      }
    }
    return;
  }
  const proto = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) throw new Unhashable(describe(o));
  const record = o as Record<string, unknown>;
  const keys = Object.keys(record);
  sortKeys(keys);
  let defined = 0;
  for (const k of keys) if (record[k] !== undefined) defined++;
  w.byte(0x06);
  w.u32(defined);
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    w.string(k);
    try {
      write(w, v, depth + 1);
    } catch (e) {
      if (e instanceof Unhashable) e.segments.push(`.${k}`);
      throw e;
    }
  }
}

/** FNV-1a 64 of the canonical bytes of `inputs` (see above), as 16 lowercase hex digits. */
export function fingerprint(inputs: unknown): string {
  writer.reset();
  try {
    write(writer, inputs, 0);
  } catch (e) {
    if (e instanceof Unhashable) throw new UnhashableInputError(`inputs${e.segments.reverse().join("")}`, e.found);
    throw e;
  }
  return fnv1a64Of(writer.bytes, writer.pos);
}

/** FNV-1a 64 of raw bytes, as 16 lowercase hex digits (the hash the fingerprint is built on). */
export function fnv1a64(bytes: Uint8Array): string {
  return fnv1a64Of(bytes, bytes.length);
}
