/**
 * The byte format of engine checkpoints: a writer that appends values and a reader that takes
 * them back in the same order, little-endian, f64 bit for bit (−0 and every finite value and
 * infinity exactly; NaN stays NaN). Each stateful object writes its own state with
 * `writeState(w)` and reads it back into a freshly constructed object of the same configuration
 * with `readState(r)`; `tag` marks the start of each object's part so a reader that drifts fails
 * at once, naming what it expected. Everything a reader takes is bounded by the bytes left (and
 * by the caller's `max`), and any mismatch is a CheckpointError — never a RangeError, never a
 * silently wrong value.
 */
import { CheckpointError } from "../errors.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Marks a JSON string that stands for a number JSON cannot hold (−0, NaN, ±Infinity), or escapes a string that starts with it. */
const MARK = "\u0000";
const exactReplacer = (_key: string, v: unknown): unknown => {
  if (typeof v === "number") return Object.is(v, -0) || !Number.isFinite(v) ? `${MARK}${Object.is(v, -0) ? "-0" : String(v)}` : v;
  if (typeof v === "string" && v.startsWith(MARK)) return `${MARK}${v}`;
  return v;
};
const exactReviver = (_key: string, v: unknown): unknown => {
  if (typeof v !== "string" || !v.startsWith(MARK)) return v;
  const rest = v.slice(1);
  return rest.startsWith(MARK) ? rest : rest === "-0" ? -0 : Number(rest);
};

export class StateWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private n = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.n;
  }

  private room(bytes: number): void {
    if (this.n + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A four-character ASCII marker for the part that follows (what readState checks first). */
  tag(name: string): void {
    if (!/^[ -~]{4}$/.test(name)) throw new CheckpointError(`tag ${JSON.stringify(name)} is not four ASCII characters`, this.n);
    this.room(4);
    for (let i = 0; i < 4; i++) this.buf[this.n++] = name.charCodeAt(i);
  }

  u8(x: number): void {
    this.room(1);
    this.view.setUint8(this.n, x);
    this.n += 1;
  }

  bool(x: boolean): void {
    this.u8(x ? 1 : 0);
  }

  u32(x: number): void {
    this.room(4);
    this.view.setUint32(this.n, x, true);
    this.n += 4;
  }

  i32(x: number): void {
    this.room(4);
    this.view.setInt32(this.n, x, true);
    this.n += 4;
  }

  f64(x: number): void {
    this.room(8);
    this.view.setFloat64(this.n, x, true);
    this.n += 8;
  }

  /** A length (u32) and that many f64. */
  f64s(xs: ArrayLike<number>): void {
    this.u32(xs.length);
    this.room(8 * xs.length);
    for (let i = 0; i < xs.length; i++) {
      this.view.setFloat64(this.n, xs[i]!, true);
      this.n += 8;
    }
  }

  /** A length (u32) and the bytes. */
  bytes(b: Uint8Array): void {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** UTF-8, length-prefixed. */
  string(s: string): void {
    this.bytes(encoder.encode(s));
  }

  /** A plain value (objects, arrays, strings, numbers, booleans, null) as JSON that keeps −0, NaN and ±Infinity. */
  value(v: unknown): void {
    this.string(JSON.stringify(v, exactReplacer) ?? "null");
  }

  /** The bytes written (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

export class StateReader {
  private readonly view: DataView;
  private n = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** Bytes read so far. */
  get offset(): number {
    return this.n;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.buf.length - this.n;
  }

  /** A CheckpointError at the current offset. */
  fail(reason: string): CheckpointError {
    return new CheckpointError(reason, this.n);
  }

  private need(bytes: number, what: string): void {
    if (bytes > this.buf.length - this.n) throw this.fail(`truncated: ${what} needs ${bytes} bytes, ${this.buf.length - this.n} left`);
  }

  /** Checks the marker writeState put here. */
  tag(name: string): void {
    this.need(4, `tag ${name}`);
    let got = "";
    for (let i = 0; i < 4; i++) got += String.fromCharCode(this.buf[this.n + i]!);
    if (got !== name) throw this.fail(`expected part ${JSON.stringify(name)}, found ${JSON.stringify(got)}`);
    this.n += 4;
  }

  u8(): number {
    this.need(1, "u8");
    return this.view.getUint8(this.n++);
  }

  bool(): boolean {
    const v = this.u8();
    if (v > 1) throw this.fail(`a boolean byte is ${v}`);
    return v === 1;
  }

  u32(): number {
    this.need(4, "u32");
    const v = this.view.getUint32(this.n, true);
    this.n += 4;
    return v;
  }

  /** A count written as an f64: a non-negative integer a double holds exactly; a CheckpointError naming `what` otherwise. */
  count(what: string): number {
    const v = this.f64();
    if (!(Number.isSafeInteger(v) && v >= 0)) throw new CheckpointError(`${what} is ${v}: expected a count`, this.n - 8);
    return v;
  }

  /** A u32 that must lie in [min, max]. */
  u32In(what: string, min: number, max: number): number {
    const v = this.u32();
    if (v < min || v > max) throw new CheckpointError(`${what} is ${v}: expected ${min} to ${max}`, this.n - 4);
    return v;
  }

  i32(): number {
    this.need(4, "i32");
    const v = this.view.getInt32(this.n, true);
    this.n += 4;
    return v;
  }

  f64(): number {
    this.need(8, "f64");
    const v = this.view.getFloat64(this.n, true);
    this.n += 8;
    return v;
  }

  /** f64s written by StateWriter.f64s, at most `max` of them; into `into` when given (its length must match). */
  f64s(max: number, into?: Float64Array): Float64Array {
    const len = this.u32In("array length", 0, max);
    if (into && into.length !== len) throw this.fail(`an array of ${len} where this object holds ${into.length}`);
    this.need(8 * len, `${len} f64`);
    const out = into ?? new Float64Array(len);
    for (let i = 0; i < len; i++) {
      out[i] = this.view.getFloat64(this.n, true);
      this.n += 8;
    }
    return out;
  }

  /** Bytes written by StateWriter.bytes (a copy), at most `max`. */
  bytes(max: number): Uint8Array {
    const len = this.u32In("byte length", 0, max);
    this.need(len, `${len} bytes`);
    const out = this.buf.slice(this.n, this.n + len);
    this.n += len;
    return out;
  }

  string(maxBytes: number): string {
    const b = this.bytes(maxBytes);
    try {
      return decoder.decode(b);
    } catch {
      throw this.fail("a string that is not UTF-8");
    }
  }

  /** A value written by StateWriter.value, at most `maxBytes` of JSON. */
  value(maxBytes: number): unknown {
    const text = this.string(maxBytes);
    try {
      return JSON.parse(text, exactReviver);
    } catch {
      throw this.fail("a value that is not JSON");
    }
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.n !== this.buf.length) throw this.fail(`${this.buf.length - this.n} bytes left over`);
  }
}
