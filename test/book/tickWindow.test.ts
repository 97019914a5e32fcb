/**
 * The book's tick window (src/book/tickWindow.ts) against a plain array of quantities, and
 * pinned to its AssemblyScript twin (assembly/book/tickWindow.ts): a seeded run of puts,
 * removals, searches and resets folds every answer, every counter, memoryBytes and the
 * arrays' contents (pool entries and free list included) into one hash, which
 * assembly/__tests__/tickWindow.spec.ts computes on the AssemblyScript window with the same
 * generator. The two must store the same values in the same places: the hash is the same
 * number in both files.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { MAX_WINDOW, TickWindow } from "../../src/book/tickWindow.js";
import { Fold, XorShift32 } from "../support/twinHash.js";

/** The hash of the seeded run; the same constant is in assembly/__tests__/tickWindow.spec.ts (re-derived here for issue 14: pools grow by a quarter). */
const TWIN_HASH = 2114895093;

/** What the window keeps private, read for the twin hash only. */
interface WindowArrays {
  ref: Uint16Array;
  pool: Float64Array;
  poolTop: number;
  freeHead: number;
}

function foldState(w: TickWindow, fold: Fold): void {
  fold.add(w.count);
  fold.add(w.first);
  fold.add(w.last);
  fold.add(w.memoryBytes);
}

function foldArrays(w: TickWindow, fold: Fold): void {
  const a = w as unknown as WindowArrays;
  for (let i = 0; i < w.size; i++) fold.add(a.ref[i]!);
  for (let e = 0; e < a.poolTop; e++) fold.add(a.pool[e]!);
  fold.add(a.poolTop);
  fold.add(a.freeHead);
}

/** The seeded run: 24 placements (sizes 64 to MAX_WINDOW, kept or new arrays), 10,000 operations each. */
function twinHash(): number {
  const sizes = [64, 128, 1024, MAX_WINDOW];
  const rng = new XorShift32(0x9e3779b9);
  const fold = new Fold();
  const w = new TickWindow();
  for (let phase = 0; phase < 24; phase++) {
    // half the placements keep the size, half of all reuse the arrays (a reuse of the same size keeps the pool)
    const r = rng.next();
    const size = phase > 0 && (r & 4) !== 0 ? w.size : sizes[r & 3]!;
    const reuse = (r & 8) !== 0;
    const lo = (rng.next() % 2001) - 1000;
    w.reset(size, lo, reuse);
    foldState(w, fold);
    for (let k = 0; k < 10000; k++) {
      const op = rng.next() & 15;
      const a = rng.next();
      // half the slots anywhere, half among the first 64 (where puts and removals collide)
      const i = (a & 1) === 1 ? (a >>> 1) & (size - 1) : (a >>> 1) % 64;
      // searches start anywhere from 40 slots below the window to 40 past it
      const j = ((a >>> 1) % (size + 80)) - 40;
      if (op < 7) fold.add(w.put(i, (((a >>> 20) % 1000) + 1) / 8));
      else if (op < 12) fold.add(w.remove(i));
      else if (op < 14) fold.add(w.nextFrom(j));
      else fold.add(w.prevFrom(j));
      foldState(w, fold);
    }
    for (let i = 0; i < size; i++) fold.add(w.qtyAt(i));
    foldArrays(w, fold);
  }
  return fold.h;
}

/** The naive window: one quantity a slot, scans for everything else. */
class NaiveWindow {
  readonly q: number[];
  constructor(readonly size: number) {
    this.q = new Array<number>(size).fill(0);
  }
  get count(): number {
    return this.q.filter((v) => v > 0).length;
  }
  nextFrom(i: number): number {
    for (let s = Math.max(i, 0); s < this.size; s++) if (this.q[s]! > 0) return s;
    return -1;
  }
  prevFrom(i: number): number {
    for (let s = Math.min(i, this.size - 1); s >= 0; s--) if (this.q[s]! > 0) return s;
    return -1;
  }
}

const sizes = fc.constantFrom(64, 128, 256, 1024, 2048);
const ops = (size: number) =>
  fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant("put" as const), i: fc.nat(size - 1), q: fc.double({ min: 1e-8, max: 1e6, noNaN: true }) }),
      fc.record({ kind: fc.constant("remove" as const), i: fc.nat(size - 1) }),
      fc.record({ kind: fc.constantFrom("next" as const, "prev" as const), i: fc.integer({ min: -40, max: size + 40 }) }),
    ),
    { maxLength: 400 },
  );

describe("TickWindow against a naive window", () => {
  test("random puts, removals and searches (also from outside the window) agree after every step", () => {
    fc.assert(
      fc.property(
        sizes.chain((size) => fc.tuple(fc.constant(size), ops(size))),
        ([size, list]) => {
          const w = new TickWindow();
          w.reset(size, -7, false);
          const ref = new NaiveWindow(size);
          for (const op of list) {
            if (op.kind === "put") {
              expect(w.put(op.i, op.q), `put(${op.i}) returns the quantity it replaced`).toBe(ref.q[op.i]);
              ref.q[op.i] = op.q;
            } else if (op.kind === "remove") {
              expect(w.remove(op.i), `remove(${op.i}) returns the quantity it held`).toBe(ref.q[op.i]);
              ref.q[op.i] = 0;
            } else if (op.kind === "next") expect(w.nextFrom(op.i), `nextFrom(${op.i})`).toBe(ref.nextFrom(op.i));
            else expect(w.prevFrom(op.i), `prevFrom(${op.i})`).toBe(ref.prevFrom(op.i));
            expect([w.count, w.first, w.last], "count, first, last").toEqual([ref.count, ref.nextFrom(0), ref.prevFrom(size - 1)]);
          }
          for (let i = 0; i < size; i++) expect(w.qtyAt(i), `qtyAt(${i})`).toBe(ref.q[i]);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a full window of MAX_WINDOW levels: every slot found from its neighbours, the pool at one entry a slot", () => {
    const w = new TickWindow();
    w.reset(MAX_WINDOW, 0, false);
    for (let i = 0; i < MAX_WINDOW; i++) w.put(i, i + 1);
    expect([w.count, w.first, w.last]).toEqual([MAX_WINDOW, 0, MAX_WINDOW - 1]);
    expect(w.memoryBytes, "refs, bitmap, summary and a pool of one quantity a slot").toBe(
      MAX_WINDOW * 2 + (MAX_WINDOW / 32) * 4 + (MAX_WINDOW / 1024) * 4 + MAX_WINDOW * 8,
    );
    for (let i = 0; i < MAX_WINDOW; i += 2) w.remove(i);
    for (let i = 0; i < MAX_WINDOW; i++) {
      expect(w.nextFrom(i), `nextFrom(${i}) over alternate levels`).toBe(i | 1);
      expect(w.prevFrom(i), `prevFrom(${i}) over alternate levels`).toBe(i & 1 ? i : i - 1);
    }
    expect([w.count, w.first, w.last]).toEqual([MAX_WINDOW / 2, 1, MAX_WINDOW - 1]);
  });

  test("a reset keeping the size and the arrays keeps the pool's capacity; a new placement starts with no pool", () => {
    const w = new TickWindow();
    expect(w.memoryBytes, "an unplaced window holds nothing").toBe(0);
    w.reset(64, 100, false);
    const index = 64 * 2 + 2 * 4 + 4;
    expect(w.memoryBytes, "64 refs, 2 bitmap words, 1 summary word").toBe(index);
    for (let i = 0; i < 17; i++) w.put(i, 1);
    expect(w.memoryBytes, "the pool doubled from 16 to 32 entries").toBe(index + 32 * 8);
    w.reset(64, 5, true);
    expect([w.memoryBytes, w.lo, w.count, w.first, w.qtyAt(3)], "reused: same pool, empty slots").toEqual([index + 32 * 8, 5, 0, -1, 0]);
    w.reset(64, 5, false);
    expect(w.memoryBytes, "new arrays: no pool yet").toBe(index);
    w.reset(0, 0, false);
    expect(w.memoryBytes, "released").toBe(0);
  });
});

describe("TickWindow and its AssemblyScript twin", () => {
  test("the seeded run hashes to the constant the as-pect spec checks", () => {
    expect(twinHash(), "update TWIN_HASH here and in assembly/__tests__/tickWindow.spec.ts only for a deliberate change to both").toBe(
      TWIN_HASH,
    );
  });
});
