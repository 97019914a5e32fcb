/**
 * Symbols interned by their bytes, each given a stable index: how a column decoder names
 * an event's instrument without building a string per message. The twin of the symbol
 * table of assembly/feeds/fastDecoder.ts (same bounds, same hash, same indices in the
 * same order). Bounded: at most MAX_SYMBOLS symbols of at most MAX_SYMBOL_BYTES bytes; a
 * symbol past either bound is not interned and is counted (`declined`).
 */

/** Symbols kept at most (a universe of 1,000 instruments fits four times). */
export const MAX_SYMBOLS = 4096;
/** Longest symbol kept (Binance's are under 20 bytes). */
export const MAX_SYMBOL_BYTES = 32;
/** Open-addressing hash slots: twice the symbols, a power of two. */
const SLOTS = 2 * MAX_SYMBOLS;

export class SymbolTable {
  /** Symbols interned (indices 0 … count − 1). */
  count = 0;
  /** Symbols not interned because a bound was reached. */
  declined = 0;
  private readonly bytes = new Uint8Array(MAX_SYMBOLS * MAX_SYMBOL_BYTES);
  private readonly lengths = new Int32Array(MAX_SYMBOLS);
  /** index + 1 per slot (0: empty). */
  private readonly slots = new Int32Array(SLOTS);
  private readonly names: string[] = [];
  /** The symbol matched last (checked before the hash). */
  private last = -1;

  /** The index of the symbol b[from, to) (added when new), or −1 when it cannot be interned. */
  intern(b: Uint8Array, from: number, to: number): number {
    const length = to - from;
    const last = this.last;
    if (last >= 0 && this.same(last, b, from, length)) return last;
    if (length > MAX_SYMBOL_BYTES) {
      this.declined++;
      return -1;
    }
    // FNV-1a over the bytes, linear probing.
    let h = 2166136261;
    for (let k = from; k < to; k++) h = Math.imul(h ^ b[k]!, 16777619);
    let s = h & (SLOTS - 1);
    for (let entry = this.slots[s]!; entry !== 0; entry = this.slots[s]!) {
      if (this.same(entry - 1, b, from, length)) return (this.last = entry - 1);
      s = (s + 1) & (SLOTS - 1);
    }
    if (this.count === MAX_SYMBOLS) {
      this.declined++;
      return -1;
    }
    const index = this.count++;
    this.bytes.set(b.subarray(from, to), index * MAX_SYMBOL_BYTES);
    this.lengths[index] = length;
    this.slots[s] = index + 1;
    this.names.push(String.fromCharCode(...b.subarray(from, to)));
    return (this.last = index);
  }

  /** The name of symbol `index`. */
  name(index: number): string {
    return this.names[index]!;
  }

  private same(index: number, b: Uint8Array, from: number, length: number): boolean {
    if (this.lengths[index] !== length) return false;
    const at = index * MAX_SYMBOL_BYTES,
      bytes = this.bytes;
    for (let k = 0; k < length; k++) if (bytes[at + k] !== b[from + k]) return false;
    return true;
  }
}
