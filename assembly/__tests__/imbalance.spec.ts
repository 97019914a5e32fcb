/**
 * book/imbalance.ts: (ΣQbid − ΣQask) / (ΣQbid + ΣQask) over the top `depth` levels,
 * optionally with level weights, for M snapshots stored level-major (level i of
 * snapshot m at i·M + m). The SIMD build runs four snapshots per iteration (two lane
 * pairs) and the last M mod 4 in a scalar tail; the scalar build runs every snapshot
 * in that tail. The return value is the check value of common/check.ts: 0 when every
 * quantity read is finite with a clear sign bit, −1 when one has its sign bit set,
 * NaN when one is +∞ or a sign-clear NaN or a snapshot's ΣQbid + ΣQask overflows.
 */
import { bookImbalanceBatch } from "../book/imbalance";
import { f64buf, f64s, filled, at, put, eq, eqAll, putBits, POS_NAN_BITS, NEG_NAN_BITS, checkOk, checkSign, checkNaN } from "./helpers";

/** Lays snapshots (one row of levels each) out level-major: level i of snapshot m at i·M + m. */
function levelMajor(books: f64[][], depth: i32): usize {
  const m = books.length;
  const p = f64buf(m * depth);
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < depth; i++) store<f64>(p + (<usize>(i * m + j) << 3), books[j][i]);
  }
  return p;
}

/** Runs the batch into `out`; empty `weights` → plain imbalance (null pointer). Returns the check value. */
function run(bids: f64[][], asks: f64[][], weights: f64[], depth: i32, out: usize): f64 {
  const w: usize = weights.length ? f64s(weights) : 0;
  return bookImbalanceBatch(levelMajor(bids, depth), levelMajor(asks, depth), w, bids.length, depth, out);
}

// One book (M = 1, scalar tail only in both builds).
describe("bookImbalanceBatch: single book", () => {
  it("bid [3,2,1] ask [1,1,1]: (6 − 3)/(6 + 3) = 1/3, check 0", () => {
    const out = filled(1, 99);
    checkOk(run([[3, 2, 1]], [[1, 1, 1]], [], 3, out));
    eq(at(out, 0), 1.0 / 3.0, "imbalance");
  });

  it("all size on the bid → +1, all on the ask → −1", () => {
    const out = filled(1, 99);
    run([[5, 1]], [[0, 0]], [], 2, out);
    eq(at(out, 0), 1);
    run([[0, 0]], [[2, 7]], [], 2, out);
    eq(at(out, 0), -1);
  });

  it("depth 1 uses only the touch: bid [4, 100] ask [1, 0] → (4 − 1)/(4 + 1) = 0.6", () => {
    const out = filled(1, 99);
    run([[4, 100]], [[1, 0]], [], 1, out);
    eq(at(out, 0), 3.0 / 5.0);
  });

  it("weights [1, 0.5, 0.25]: bid [4,2,4] → 6, ask [0,0,4] → 1: (6 − 1)/(6 + 1) = 5/7", () => {
    const out = filled(1, 99);
    run([[4, 2, 4]], [[0, 0, 4]], [1, 0.5, 0.25], 3, out);
    eq(at(out, 0), 5.0 / 7.0);
  });

  it("weights all 1 equal the plain imbalance (bid [1,2,3] ask [3,3,3] → −3/15)", () => {
    const a = filled(1, 99), b = filled(1, 99);
    run([[1, 2, 3]], [[3, 3, 3]], [], 3, a);
    run([[1, 2, 3]], [[3, 3, 3]], [1, 1, 1], 3, b);
    eq(at(a, 0), -3.0 / 15.0, "plain");
    eq(at(b, 0), at(a, 0), "weights of 1");
  });
});

// Several snapshots: odd M makes the SIMD build run the pair loop and the scalar tail.
describe("bookImbalanceBatch: batches of snapshots (SIMD quads + tail)", () => {
  it("M = 3, depth 2: tie 0, bid-only +1, ask-only −1 (tail only in both builds)", () => {
    const out = filled(3, 99);
    const g = run([[1, 1], [3, 1], [0, 0]], [[1, 1], [0, 0], [2, 2]], [], 2, out);
    eqAll(out, [0, 1, -1], "imbalance");
    checkOk(g);
  });

  it("M = 5, depth 3, weights [1, 0.5, 0.25]: weighted sums per snapshot (quad 0-3, tail 4)", () => {
    // snapshot: Σw·bid, Σw·ask → imbalance
    // 0: [2,2,4] → 2+1+1 = 4, [4,0,0] → 4        → 0
    // 1: [8,0,0] → 8,         [0,4,8] → 2+2 = 4  → 4/12
    // 2: [0,0,4] → 1,         [1,0,0] → 1        → 0
    // 3: [1,1,1] → 1.75,      [0,0,0] → 0        → 1
    // 4: [0,2,0] → 1,         [2,2,4] → 4        → −3/5
    const out = filled(5, 99);
    const g = run(
      [[2, 2, 4], [8, 0, 0], [0, 0, 4], [1, 1, 1], [0, 2, 0]],
      [[4, 0, 0], [0, 4, 8], [1, 0, 0], [0, 0, 0], [2, 2, 4]],
      [1, 0.5, 0.25], 3, out);
    eqAll(out, [0, 4.0 / 12.0, 0, 1, -3.0 / 5.0], "imbalance");
    checkOk(g);
  });

  it("M = 4 (one quad, no tail) and M = 1 give the same per-snapshot values as separate calls", () => {
    const bids: f64[][] = [[3, 1], [1, 1], [2, 6], [5, 5]];
    const asks: f64[][] = [[1, 1], [1, 3], [4, 4], [5, 0]];
    const out = filled(4, 99);
    checkOk(run(bids, asks, [], 2, out));
    // (4−2)/6, (2−4)/6, (8−8)/16, (10−5)/15
    eqAll(out, [2.0 / 6.0, -2.0 / 6.0, 0, 5.0 / 15.0], "imbalance");
    for (let j = 0; j < 4; j++) {
      const one = filled(1, 99);
      run([bids[j]], [asks[j]], [], 2, one);
      eq(at(one, 0), at(out, j), "snapshot " + j.toString());
    }
  });
});

// Empty input and empty books.
describe("bookImbalanceBatch: empty input and empty books", () => {
  it("M = 0: writes nothing, check 0 (nothing read, even with bad values in the buffers)", () => {
    const out = filled(2, 99);
    const bid = f64buf(1), ask = f64buf(1);
    put(bid, 0, -1);
    putBits(ask, 0, POS_NAN_BITS);
    checkOk(bookImbalanceBatch(bid, ask, 0, 0, 3, out));
    eqAll(out, [99, 99], "untouched");
  });

  it("depth 0: every snapshot is 0/0 = NaN, check 0 (nothing read; M = 3 and M = 5)", () => {
    const out = filled(5, 99);
    const bid = filled(5, -1), ask = filled(5, Infinity);
    checkOk(bookImbalanceBatch(bid, ask, 0, 3, 0, out), "M = 3");
    eqAll(out, [NaN, NaN, NaN, 99, 99]);
    checkOk(bookImbalanceBatch(bid, ask, 0, 5, 0, out), "M = 5");
    eqAll(out, [NaN, NaN, NaN, NaN, NaN]);
  });

  it("empty book (all quantities 0) → NaN (0/0), check 0 (the 0/0 outputs do not taint it), M = 3 and M = 5", () => {
    const out = filled(3, 99);
    const g = run([[0, 0], [0, 0], [0, 0]], [[0, 0], [0, 0], [0, 0]], [], 2, out);
    eqAll(out, [NaN, NaN, NaN]);
    checkOk(g);
    const five = filled(5, 99);
    checkOk(run([[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]], [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]], [], 2, five), "M = 5");
    eqAll(five, [NaN, NaN, NaN, NaN, NaN]);
  });

  it("weights that zero every level → NaN too (weights [0, 0])", () => {
    const out = filled(1, 99);
    run([[1, 2]], [[3, 4]], [0, 0], 2, out);
    eq(at(out, 0), NaN);
  });
});

/**
 * M = 5 snapshots × depth 2 of valid quantities (all 1), level-major, with the one
 * element at (snapshot j, level i) of one side replaced by the raw bits `b`.
 * Snapshots 0-3 run in the SIMD quad loop (0,1 in the first lane pair, 2,3 in the
 * second), snapshot 4 in the tail.
 */
function oneBad(j: i32, i: i32, onBid: bool, b: u64, weights: usize, out: usize): f64 {
  const m = 5, depth = 2;
  const bid = filled(m * depth, 1), ask = filled(m * depth, 1);
  putBits(onBid ? bid : ask, i * m + j, b);
  return bookImbalanceBatch(bid, ask, weights, m, depth, out);
}

/** oneBad at every snapshot, level and side, plain and weighted; `expect` checks each result. */
function everyPosition(b: u64, want: f64): void {
  const w = f64s([1, 0.5]);
  const out = filled(5, 99);
  for (let j = 0; j < 5; j++) {
    for (let i = 0; i < 2; i++) {
      for (let side = 0; side < 2; side++) {
        for (let weighted = 0; weighted < 2; weighted++) {
          const what = "snapshot " + j.toString() + " level " + i.toString() + (side ? " ask" : " bid") + (weighted ? " weighted" : " plain");
          const c = oneBad(j, i, side == 0, b, weighted ? w : 0, out);
          if (isNaN(want)) checkNaN(c, what);
          else if (want == -1) checkSign(c, what);
          else checkOk(c, what);
        }
      }
    }
  }
}

// check (common/check.ts) over all bid and ask quantities read: the sign bits are OR-ed,
// non-finite values show up in each snapshot's ΣQbid + ΣQask.
describe("bookImbalanceBatch: check (common/check.ts)", () => {
  it("negative bid (snapshot 1 of 3, tail only in both builds) → −1", () => {
    const out = filled(3, 99);
    checkSign(run([[1, 1], [1, -2], [1, 1]], [[1, 1], [1, 1], [1, 1]], [], 2, out));
  });

  it("negative bid in the quad loop (snapshot 1 of 5) → −1", () => {
    const out = filled(5, 99);
    checkSign(run([[1, 1], [1, -2], [1, 1], [1, 1], [1, 1]], [[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]], [], 2, out));
  });

  it("negative ask in the tail (snapshot 2 of 3; snapshot 4 of 5) → −1", () => {
    const out = filled(5, 99);
    checkSign(run([[1, 1], [1, 1], [1, 1]], [[1, 1], [1, 1], [-0.5, 1]], [], 2, out), "M = 3");
    checkSign(run([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]], [[1, 1], [1, 1], [1, 1], [1, 1], [-0.5, 1]], [], 2, out), "M = 5");
  });

  it("a negative value at every snapshot, level and side (M = 5, plain and weighted) → −1", () => {
    everyPosition(reinterpret<u64>(<f64>-3), -1);
  });

  it("−0 has its sign bit set → −1 at every position; the imbalance itself is unaffected", () => {
    everyPosition(reinterpret<u64>(<f64>-0.0), -1);
    const out = filled(1, 99);
    checkSign(run([[-0.0, 3]], [[1, 0]], [], 2, out), "single book");
    eq(at(out, 0), 2.0 / 4.0, "imbalance");
  });

  it("−Infinity → NaN at every position (its sums are not finite; NaN takes precedence)", () => {
    everyPosition(reinterpret<u64>(-Infinity), NaN);
  });

  it("NaN with the sign bit set → NaN at every position", () => {
    everyPosition(NEG_NAN_BITS, NaN);
  });

  it("+Infinity → NaN at every position (weighted too: w·∞ is ∞)", () => {
    everyPosition(reinterpret<u64>(Infinity), NaN);
  });

  it("+Infinity → NaN (quad loop and tail, M = 5), the literal cases", () => {
    const out = filled(5, 99);
    const ones: f64[][] = [[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]];
    checkNaN(run([[Infinity, 1], [1, 1], [1, 1], [1, 1], [1, 1]], ones, [], 2, out), "quad");
    checkNaN(run(ones, [[1, 1], [1, 1], [1, 1], [1, 1], [1, Infinity]], [], 2, out), "tail");
    checkNaN(run([[Infinity, 1], [1, 1], [1, 1]], [[1, 1], [1, 1], [1, 1]], [], 2, out), "M = 3");
  });

  it("NaN with a clear sign bit → NaN at every position (the quantity's NaN reaches sb + sa)", () => {
    everyPosition(POS_NAN_BITS, NaN);
  });

  it("+Infinity or a sign-clear NaN at a level whose weight is 0 → NaN (0·∞ and 0·NaN are NaN)", () => {
    const w = f64s([1, 0]);
    const out = filled(1, 99);
    const bid = f64s([1, Infinity]), ask = f64s([1, 1]);
    checkNaN(bookImbalanceBatch(bid, ask, w, 1, 2, out), "+∞ at weight 0");
    putBits(bid, 1, POS_NAN_BITS);
    checkNaN(bookImbalanceBatch(bid, ask, w, 1, 2, out), "NaN at weight 0");
  });

  it("NaN wins over the sign bit (so −0 cannot hide an overflow): a +∞ and a −2 in different snapshots (M = 5)", () => {
    const out = filled(5, 99);
    checkNaN(run([[Infinity, 1], [1, 1], [1, 1], [1, 1], [1, 1]], [[1, 1], [1, 1], [1, 1], [1, 1], [1, -2]], [], 2, out));
  });

  it("F64.MAX_VALUE is valid: bid [MAX] ask [0] → imbalance 1, check 0", () => {
    const out = filled(1, 99);
    checkOk(run([[F64.MAX_VALUE]], [[0]], [], 1, out));
    eq(at(out, 0), 1, "imbalance");
  });

  it("finite quantities whose ΣQbid + ΣQask overflows → NaN: bid 1e308, ask 1e308 (quad and tail; imbalance 0/∞ = 0)", () => {
    const out = filled(5, 99);
    const ones: f64[][] = [[1], [1], [1], [1], [1]];
    checkNaN(run([[1], [1e308], [1], [1], [1]], [[1], [1e308], [1], [1], [1]], [], 1, out), "quad");
    eq(at(out, 1), 0, "imbalance of the overflowing snapshot");
    checkNaN(run([[1], [1], [1], [1], [1e308]], [[1], [1], [1], [1], [1e308]], [], 1, out), "tail");
    eq(at(out, 4), 0, "imbalance of the overflowing snapshot");
    checkOk(run(ones, [[1], [1], [1], [1], [1e308]], [], 1, out), "1 + 1e308 does not overflow");
  });

  it("overflow of one side's sum over levels: bid [1e308, 1e308] → NaN (tail M = 1; quad M = 4)", () => {
    const out = filled(4, 99);
    checkNaN(run([[1e308, 1e308]], [[0, 0]], [], 2, out), "M = 1");
    checkNaN(run([[1, 1], [1, 1], [1e308, 1e308], [1, 1]], [[1, 1], [1, 1], [0, 0], [1, 1]], [], 2, out), "M = 4");
  });

  it("large finite quantities that do not overflow their snapshot's sum → 0 (1e308 in two different snapshots)", () => {
    const out = filled(5, 99);
    checkOk(run([[1e308], [1], [1], [1], [1]], [[1], [1], [1], [1], [1e308]], [], 1, out));
  });

  it("only the top `depth` levels are read: a NaN at level 2 is ignored with depth 2", () => {
    const out = filled(1, 99);
    checkOk(run([[1, 1, NaN]], [[1, 1, 1]], [], 2, out), "NaN");
    eq(at(out, 0), 0, "imbalance");
    checkOk(run([[1, 1, 1]], [[1, 1, -1]], [], 2, out), "negative");
  });
});

// Views at an 8-byte offset: v128 loads and stores must not assume 16-byte alignment.
describe("bookImbalanceBatch: pointers not 16-byte aligned", () => {
  it("bid, ask and out at block + 8, M = 3, depth 2: [0, 1, −1] as in the aligned case", () => {
    const bid = f64s([99, 1, 3, 0, 1, 1, 0]); // level-major after the pad: [1,3,0 | 1,1,0]
    const ask = f64s([99, 1, 0, 2, 1, 0, 2]);
    const out = filled(4, 77);
    checkOk(bookImbalanceBatch(bid + 8, ask + 8, 0, 3, 2, out + 8));
    eqAll(out, [77, 0, 1, -1], "pad untouched, then the three snapshots");
  });

  it("M = 5 (quad loop + tail) at block + 8, depth 1: bid [1,3,0,2,1] ask [1,0,2,2,3] → [0, 1, −1, 0, −0.5]", () => {
    const bid = f64s([99, 1, 3, 0, 2, 1]), ask = f64s([99, 1, 0, 2, 2, 3]);
    const out = filled(6, 77);
    checkOk(bookImbalanceBatch(bid + 8, ask + 8, 0, 5, 1, out + 8));
    eqAll(out, [77, 0, 1, -1, 0, -0.5], "pad untouched, then the five snapshots");
    put(ask, 3, Infinity);
    checkNaN(bookImbalanceBatch(bid + 8, ask + 8, 0, 5, 1, out + 8), "+∞ in the unaligned quad");
    put(ask, 3, -0.0);
    checkSign(bookImbalanceBatch(bid + 8, ask + 8, 0, 5, 1, out + 8), "−0 in the unaligned quad");
  });
});
