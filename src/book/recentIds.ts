/**
 * A bounded memory of recently seen exchange ids (trade ids, quote and depth update ids),
 * for dropping an event the feed delivered twice. Direct-mapped by id: the last `size`
 * consecutive ids are all remembered exactly (they map to distinct slots), older or
 * scattered ids may be forgotten — never a false duplicate, a fixed footprint, no
 * allocation and O(1) per event. An optional tag (a depth diff's first update id) must
 * match too.
 */
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

/**
 * `id % size` for an integer id in [0, 2^53) and an integer size ≥ 1, without the remainder of
 * two doubles (a library call: ~16 ns for exchange ids past 2^31, against ~3 ns here). With
 * id = k·size + r (0 ≤ r < size), id / size lies (size − r)/size below k + 1, and rounding it
 * up to k + 1 would need that gap within half an ulp of k + 1, at most (k + 1)/2^53: that is
 * (size − r)·(2^53 − 1) ≤ id, which no id below 2^53 − 1 meets (the test checks the top of the
 * range too). So floor(id / size) is k, and k·size and id − k·size are exact.
 */
export function slotOf(id: number, size: number): number {
  return id - Math.floor(id / size) * size;
}

/** Where the ids lie: a Float64Array of `size` values, read through `array` (a kernel buffer's view is renewed there). */
export interface IdStore {
  readonly array: Float64Array;
}

export class RecentIds {
  /** Allocated at the first non-zero tag. */
  private tags: Float64Array | null = null;

  /**
   * `store` holds the ids: its own array by default, or a kernel buffer (Kernels.allocFloat64) that
   * the WASM backend's run of quotes and trades reads in linear memory (src/pipeline/engine.ts).
   */
  constructor(
    readonly size: number,
    readonly store: IdStore = { array: new Float64Array(size) },
  ) {
    store.array.fill(-1);
  }

  /** Whether a tag was ever added (untagged, the ids alone say what is remembered). */
  get tagged(): boolean {
    return this.tags !== null;
  }

  /** Whether `id` (an integer ≥ 0) with `tag` is among the remembered ones. */
  has(id: number, tag = 0): boolean {
    const slot = slotOf(id, this.size);
    return this.store.array[slot] === id && (this.tags === null ? tag === 0 : this.tags[slot] === tag);
  }

  add(id: number, tag = 0): void {
    const slot = slotOf(id, this.size);
    this.store.array[slot] = id;
    if (tag !== 0 || this.tags !== null) (this.tags ??= new Float64Array(this.size))[slot] = tag;
  }

  /** Appends the remembered ids and tags (a checkpoint part, src/checkpoint/stateCodec.ts). */
  writeState(w: StateWriter): void {
    w.tag("RIDS");
    w.u32(this.size);
    w.f64s(this.store.array);
    w.bool(this.tags !== null);
    if (this.tags !== null) w.f64s(this.tags);
  }

  /**
   * Restores what writeState wrote into this memory, freshly made with the same size: each slot
   * empty (−1) or an id that belongs there, tags ids. A CheckpointError when the bytes do not
   * fit; this object must then be discarded.
   */
  readState(r: StateReader): void {
    r.tag("RIDS");
    const size = r.u32();
    if (size !== this.size) throw r.fail(`written with ${size} ids, this memory holds ${this.size}`);
    const ids = r.f64s(size, new Float64Array(size));
    for (let slot = 0; slot < size; slot++) {
      const id = ids[slot]!;
      if (!(id === -1 || (isId(id) && id % size === slot)))
        throw r.fail(`slot ${slot} holds ${id}: expected −1 or an id ≡ ${slot} mod ${size}`);
    }
    const tags = r.bool() ? r.f64s(size, new Float64Array(size)) : null;
    if (tags !== null && !tags.every(isId)) throw r.fail("a tag that is not an id (an integer in [0, 2^53))");
    this.store.array.set(ids);
    this.tags = tags;
  }
}

function isId(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0;
}
