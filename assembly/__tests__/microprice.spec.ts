/**
 * book/microprice.ts: (Pbid·Qask + Pask·Qbid) / (Qbid + Qask) per best quote, NaN
 * when both quantities are 0; the batch returns the check value of common/check.ts over
 * prices and quantities: 0 when all are finite with a clear sign bit, −1 when one has
 * its sign bit set, NaN when one is +∞ or a sign-clear NaN or a quote's
 * (Pbid + Qbid) + (Pask + Qask) overflows. The SIMD build does two quotes per
 * iteration, odd M ends in a tail.
 */
import { microprice, micropriceBatch } from "../book/microprice";
import { f64buf, f64s, filled, at, put, eq, eqAll, putBits, POS_NAN_BITS, NEG_NAN_BITS, checkOk, checkSign, checkNaN } from "./helpers";

function run(pb: f64[], qb: f64[], pa: f64[], qa: f64[], out: usize): f64 {
  return micropriceBatch(f64s(pb), f64s(qb), f64s(pa), f64s(qa), pb.length, out);
}

// The single-quote formula.
describe("microprice: single quote", () => {
  it("thin bid leans to the bid: 100×1 / 101×3 → (100·3 + 101·1)/4 = 100.25", () => {
    eq(microprice(100, 1, 101, 3), 100.25);
  });

  it("thin ask leans to the ask: 100×3 / 101×1 → (100·1 + 101·3)/4 = 100.75", () => {
    eq(microprice(100, 3, 101, 1), 100.75);
  });

  it("equal sizes give the mid: 100×2 / 101×2 → 402/4 = 100.5", () => {
    eq(microprice(100, 2, 101, 2), 100.5);
  });

  it("one side empty: Qbid 0 → Pbid (500/5 = 100); Qask 0 → Pask (404/4 = 101)", () => {
    eq(microprice(100, 0, 101, 5), 100);
    eq(microprice(100, 4, 101, 0), 101);
  });

  it("both sides empty: 0/0 = NaN", () => {
    eq(microprice(100, 0, 101, 0), NaN);
  });
});

// Batches: M = 5 (two SIMD pairs + tail), M = 4 (pairs only), M = 1 (tail only), M = 0.
describe("micropriceBatch: batches", () => {
  it("M = 5: [100.25, 100.75, 100.5, NaN, 100] (pairs 0-1, 2-3, tail 4), check 0 (the 0/0 output does not taint it)", () => {
    const out = filled(5, -1);
    const g = run(
      [100, 100, 100, 100, 100],
      [1, 3, 2, 0, 0],
      [101, 101, 101, 101, 101],
      [3, 1, 2, 0, 5], out);
    eqAll(out, [100.25, 100.75, 100.5, NaN, 100]);
    checkOk(g);
  });

  it("M = 4 (pairs only): [(10·2 + 11·0.5)/2.5 = 10.2, …], check 0", () => {
    // (10·2 + 11·0.5)/2.5 = 25.5/2.5 = 10.2; (20·1 + 22·1)/2 = 21; (1·3 + 2·1)/4 = 1.25; (4·1 + 8·3)/4 = 7
    const out = filled(4, -1);
    const g = run([10, 20, 1, 4], [0.5, 1, 1, 3], [11, 22, 2, 8], [2, 1, 3, 1], out);
    eqAll(out, [25.5 / 2.5, 21, 1.25, 7]);
    checkOk(g);
  });

  it("M = 1 (tail only): 100×1 / 101×3 → 100.25, check 0", () => {
    const out = filled(1, -1);
    checkOk(run([100], [1], [101], [3], out));
    eqAll(out, [100.25]);
  });

  it("M = 0: nothing written, check 0 (nothing read, even with bad values in the buffers)", () => {
    const out = filled(1, -1);
    const pb = f64buf(1), qa = f64buf(1);
    put(pb, 0, -1);
    put(qa, 0, Infinity);
    checkOk(micropriceBatch(pb, f64buf(1), f64buf(1), qa, 0, out));
    eqAll(out, [-1], "untouched");
  });
});

/**
 * M quotes (bid 100 × 1, ask 101 × 3) with the value of array `k` (0 Pbid, 1 Qbid,
 * 2 Pask, 3 Qask) at quote `j` replaced by the raw bits `b`. Returns the check value.
 */
function oneBad(m: i32, j: i32, k: i32, b: u64, out: usize): f64 {
  const a = [filled(m, 100), filled(m, 1), filled(m, 101), filled(m, 3)];
  putBits(a[k], j, b);
  return micropriceBatch(a[0], a[1], a[2], a[3], m, out);
}

/** oneBad at every quote of M = 3 (pair 0-1, tail 2) and M = 4 (pairs only), every array. */
function everyPosition(b: u64, want: f64): void {
  const out = filled(4, -1);
  for (let m = 3; m <= 4; m++) {
    for (let j = 0; j < m; j++) {
      for (let k = 0; k < 4; k++) {
        const what = "M " + m.toString() + " quote " + j.toString() + " array " + k.toString();
        const c = oneBad(m, j, k, b, out);
        if (isNaN(want)) checkNaN(c, what);
        else if (want == -1) checkSign(c, what);
        else checkOk(c, what);
      }
    }
  }
}

// check (common/check.ts) over Pbid, Qbid, Pask, Qask: sign bits OR-ed, non-finite values
// caught by each quote's (Pbid + Qbid) + (Pask + Qask).
describe("micropriceBatch: check (common/check.ts)", () => {
  it("negative quantity in the pair loop (quote 1 of 3) → −1", () => {
    const out = filled(3, -1);
    checkSign(run([100, 100, 100], [1, -4, 1], [101, 101, 101], [1, 1, 1], out));
  });

  it("negative price in the tail (quote 2 of 3) → −1", () => {
    const out = filled(3, -1);
    checkSign(run([100, 100, -100], [1, 1, 1], [101, 101, 101], [1, 1, 1], out));
  });

  it("a negative value in every array at every quote → −1", () => {
    everyPosition(reinterpret<u64>(<f64>-2.5), -1);
  });

  it("−0 has its sign bit set → −1 everywhere; the microprice itself is unaffected (Qbid −0 → Pbid)", () => {
    everyPosition(reinterpret<u64>(<f64>-0.0), -1);
    const out = filled(1, -1);
    checkSign(run([100], [-0.0], [101], [5], out), "single quote");
    eq(at(out, 0), 100, "microprice");
  });

  it("−Infinity → NaN everywhere (not finite; NaN takes precedence over the sign)", () => {
    everyPosition(reinterpret<u64>(-Infinity), NaN);
  });

  it("NaN with the sign bit set → NaN everywhere", () => {
    everyPosition(NEG_NAN_BITS, NaN);
  });

  it("+Infinity price → NaN (pair loop: ask price of quote 0)", () => {
    const out = filled(3, -1);
    checkNaN(run([100, 100, 100], [1, 1, 1], [Infinity, 101, 101], [1, 1, 1], out));
  });

  it("+Infinity → NaN in every array at every quote", () => {
    everyPosition(reinterpret<u64>(Infinity), NaN);
  });

  it("NaN with a clear sign bit → NaN (pair loop: bid qty of quote 1; tail: ask qty of quote 2)", () => {
    const out = filled(3, -1);
    const qb = f64s([1, 1, 1]), qa = f64s([1, 1, 1]);
    const pb = f64s([100, 100, 100]), pa = f64s([101, 101, 101]);
    putBits(qb, 1, POS_NAN_BITS);
    checkNaN(micropriceBatch(pb, qb, pa, qa, 3, out), "pair");
    put(qb, 1, 1);
    putBits(qa, 2, POS_NAN_BITS);
    checkNaN(micropriceBatch(pb, qb, pa, qa, 3, out), "tail");
  });

  it("NaN with a clear sign bit → NaN in every array at every quote", () => {
    everyPosition(POS_NAN_BITS, NaN);
  });

  it("NaN wins over the sign bit: +∞ at quote 0 and −1 at quote 2 → NaN", () => {
    const out = filled(3, -1);
    checkNaN(run([Infinity, 100, 100], [1, 1, 1], [101, 101, 101], [1, 1, -1], out));
  });

  it("a large finite price is valid: 1e300·3 + 101·1 is finite, check 0", () => {
    const out = filled(3, -1);
    checkOk(run([100, 1e300, 100], [1, 1, 1], [101, 101, 101], [3, 3, 3], out));
  });

  it("an overflowing product is caught: F64.MAX_VALUE · 3 = ∞ → NaN (pair loop and tail)", () => {
    const out = filled(3, -1);
    checkNaN(run([100, F64.MAX_VALUE, 100], [1, 1, 1], [101, 101, 101], [3, 3, 3], out), "pair");
    checkNaN(run([100, 100, F64.MAX_VALUE], [1, 1, 1], [101, 101, 101], [3, 3, 3], out), "tail");
  });

  it("finite values whose (Pbid + Qbid) + (Pask + Qask) overflows → NaN (Pbid = Pask = 1e308; pair loop and tail)", () => {
    const out = filled(3, -1);
    checkNaN(run([100, 1e308, 100], [1, 1, 1], [101, 1e308, 101], [3, 3, 3], out), "pair");
    checkNaN(run([100, 100, 1e308], [1, 1, 1], [101, 101, 1e308], [3, 3, 3], out), "tail");
    checkNaN(run([1e308], [1e308], [101], [3], out), "Pbid + Qbid alone");
  });
});

// Views at an 8-byte offset: v128 loads and stores must not assume 16-byte alignment.
describe("micropriceBatch: pointers not 16-byte aligned", () => {
  it("all inputs and out at block + 8, M = 3: [100.25, 100.75, 100.5]", () => {
    const out = filled(4, -1);
    const g = micropriceBatch(
      f64s([0, 100, 100, 100]) + 8, f64s([0, 1, 3, 2]) + 8,
      f64s([0, 101, 101, 101]) + 8, f64s([0, 3, 1, 2]) + 8, 3, out + 8);
    checkOk(g);
    eqAll(out, [-1, 100.25, 100.75, 100.5]);
  });
});
