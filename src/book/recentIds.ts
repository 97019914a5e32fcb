/**
 * A bounded memory of recently seen exchange ids (trade ids, quote and depth update ids),
 * for dropping an event the feed delivered twice. Direct-mapped by id: the last `size`
 * consecutive ids are all remembered exactly (they map to distinct slots), older or
 * scattered ids may be forgotten — never a false duplicate, a fixed footprint, no
 * allocation and O(1) per event. An optional tag (a depth diff's first update id) must
 * match too.
 */
export class RecentIds {
  private readonly ids: Float64Array;
  /** Allocated at the first non-zero tag. */
  private tags: Float64Array | null = null;

  constructor(readonly size: number) {
    this.ids = new Float64Array(size).fill(-1);
  }

  /** Whether `id` (an integer ≥ 0) with `tag` is among the remembered ones. */
  has(id: number, tag = 0): boolean {
    const slot = id % this.size;
    return this.ids[slot] === id && (this.tags === null ? tag === 0 : this.tags[slot] === tag);
  }

  add(id: number, tag = 0): void {
    const slot = id % this.size;
    this.ids[slot] = id;
    if (tag !== 0 || this.tags !== null) (this.tags ??= new Float64Array(this.size))[slot] = tag;
  }
}
