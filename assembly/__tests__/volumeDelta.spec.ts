/**
 * flow/volumeDelta.ts: buy, sell, delta, imbalance and check value (common/check.ts)
 * of a trade batch. The SIMD build handles 16 trades per iteration, then 4 at a time,
 * and leaves n mod 4 to a scalar tail; the scalar build runs 4 at a time plus the tail.
 * Lengths 0..3, 4k, 4k+1, 4k+3 and ≥ 16 are all exercised.
 */
import { volumeDelta } from "../flow/volumeDelta";
import { f64s, f64buf, u8s, filled, at, put, eq, bits, P53, putPosNaN, putNegNaN, checkOk, checkSign, checkNaN } from "./helpers";

const BUY = 0, SELL = 1, DELTA = 2, IMB = 3, CHECK = 4;

/** Runs the kernel on fresh buffers; returns the 5-f64 output block. */
function run(q: f64[], buyer: u8[]): usize {
  assert(q.length == buyer.length);
  const out = filled(5, 12345);
  volumeDelta(f64s(q), u8s(buyer), q.length, out);
  return out;
}

/** Runs the kernel on an existing quantity block (e.g. holding exact NaN bit patterns). */
function runAt(q: usize, buyer: u8[]): usize {
  const out = filled(5, 12345);
  volumeDelta(q, u8s(buyer), buyer.length, out);
  return out;
}

/** Asserts the check value: 0 → exactly +0, −1 → exactly −1, NaN → NaN. */
function chk(actual: f64, expected: f64, what: string = "check"): void {
  if (isNaN(expected)) checkNaN(actual, what);
  else if (expected == -1) checkSign(actual, what);
  else {
    assert(expected == 0);
    checkOk(actual, what);
  }
}

function check(out: usize, buy: f64, sell: f64, delta: f64, imb: f64, c: f64): void {
  eq(at(out, BUY), buy, "buy");
  eq(at(out, SELL), sell, "sell");
  eq(at(out, DELTA), delta, "delta");
  eq(at(out, IMB), imb, "imbalance");
  chk(at(out, CHECK), c);
}

// Normal batches of several lengths: SIMD body only, body + tail, tail only.
describe("volumeDelta: normal batches", () => {
  it("n = 8 (two 4-blocks, no tail): buy 1+3+5+6 = 15, sell 2+4+7+8 = 21, delta -6, imb -6/36", () => {
    check(run([1, 2, 3, 4, 5, 6, 7, 8], [1, 0, 1, 0, 1, 1, 0, 0]), 15, 21, -6, -6.0 / 36.0, 0);
  });

  it("n = 11 = 4·2+3 (body + 3-element tail): buy 1+3+5+7+9+11 = 36, sell 2+4+6+8+10 = 30, imb 6/66", () => {
    check(run([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]), 36, 30, 6, 6.0 / 66.0, 0);
  });

  it("n = 5 = 4+1: buy 1+1+1+1 = 4, sell 10 (tail), delta -6, imb -6/14", () => {
    check(run([1, 1, 1, 1, 10], [1, 1, 1, 1, 0]), 4, 10, -6, -6.0 / 14.0, 0);
  });

  it("n = 3 (tail only): buy 0.5, sell 2.5+4 = 6.5, delta -6, imb -6/7, check 0", () => {
    check(run([2.5, 0.5, 4], [0, 1, 0]), 0.5, 6.5, -6, -6.0 / 7.0, 0);
  });

  it("n = 2 and n = 1 (tail only)", () => {
    check(run([2, 6], [1, 0]), 2, 6, -4, -4.0 / 8.0, 0);
    check(run([2.5], [1]), 2.5, 0, 2.5, 1, 0);
  });

  it("all buyers → imbalance +1, all sellers → imbalance −1 (n = 6)", () => {
    check(run([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1]), 21, 0, 21, 1, 0);
    check(run([1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 0]), 0, 21, -21, -1, 0);
  });

  it("any non-zero flag byte is a buyer (2, 127, 128, 255 in the body): buy 1+2+4+8+16+64 = 95, sell 32+128 = 160", () => {
    check(run([1, 2, 4, 8, 16, 32, 64, 128], [1, 2, 127, 128, 255, 0, 64, 0]), 95, 160, -65, -65.0 / 255.0, 0);
  });

  it("non-zero flag bytes in the tail (n = 7, flags 255 and 128 at 4, 5): buy 16+32 = 48, sell 1+2+4+8+64 = 79", () => {
    check(run([1, 2, 4, 8, 16, 32, 64], [0, 0, 0, 0, 255, 128, 0]), 48, 79, -31, -31.0 / 127.0, 0);
  });

  it("n = 21 = 16+4+1 (SIMD: one 16-block, one 4-block, tail): buy 1+3+…+21 = 121, sell 2+4+…+20 = 110", () => {
    // q[i] = i + 1; buyers at even i: 1+3+…+21 = 121, sellers at odd i: 2+4+…+20 = 110
    const q: f64[] = [], f: u8[] = [];
    for (let i = 0; i < 21; i++) {
      q.push(<f64>(i + 1));
      f.push(i % 2 == 0 ? 1 : 0);
    }
    check(run(q, f), 121, 110, 11, 11.0 / 231.0, 0);
  });

  it("n = 32 (two 16-blocks, no tail): flags 0/1 in runs of 3, q = 1..32", () => {
    const q: f64[] = [], f: u8[] = [];
    let b: f64 = 0, s: f64 = 0;
    for (let i = 0; i < 32; i++) {
      q.push(<f64>(i + 1));
      const buyer = (i / 3) % 2 == 0;
      f.push(buyer ? 200 : 0);
      if (buyer) b += <f64>(i + 1); else s += <f64>(i + 1);
    }
    check(run(q, f), b, s, b - s, (b - s) / (b + s), 0);
  });
});

// Empty input, all-zero quantities and exact buy/sell ties.
describe("volumeDelta: empty, zeros, ties", () => {
  it("n = 0: buy 0, sell 0, delta 0, imbalance NaN (0/0), check 0 (nothing read)", () => {
    check(run([], []), 0, 0, 0, NaN, 0);
  });

  it("all quantities 0 (n = 6): imbalance NaN (0/0), check 0 (+0 is valid)", () => {
    check(run([0, 0, 0, 0, 0, 0], [1, 0, 1, 0, 1, 0]), 0, 0, 0, NaN, 0);
  });

  it("tie n = 4: buy 1+2 = 3, sell 1+2 = 3 → delta 0, imbalance 0/6 = 0", () => {
    check(run([1, 1, 2, 2], [1, 0, 0, 1]), 3, 3, 0, 0, 0);
  });

  it("tie n = 7 (tie split between body and tail): buy 3+1+2+0 = 6, sell 3+1+2 = 6, check 0", () => {
    check(run([3, 3, 1, 1, 2, 2, 0], [1, 0, 1, 0, 1, 0, 1]), 6, 6, 0, 0, 0);
  });
});

// check (common/check.ts): 0 when every q is finite with a clear sign bit; −1 when some q
// has its sign bit set (negative, −0, −∞, sign-set NaN), which wins over everything;
// NaN when some q is +∞ or a sign-clear NaN, or buy + sell overflows.
describe("volumeDelta: check (common/check.ts)", () => {
  it("q = F64.MAX_VALUE is still valid: buy + sell = MAX + 3 rounds to MAX, check 0", () => {
    const out = run([F64.MAX_VALUE, 1, 1, 1], [1, 0, 0, 0]);
    eq(at(out, BUY), F64.MAX_VALUE, "buy");
    eq(at(out, SELL), 3, "sell");
    chk(at(out, CHECK), 0);
  });

  it("the smallest subnormal (5e-324) is valid: check 0", () => {
    chk(at(run([5e-324, 1, 5e-324], [1, 0, 0]), CHECK), 0);
  });

  it("negative quantity in the 4-block (index 5 of 8) → −1", () => {
    chk(at(run([1, 2, 3, 4, 5, -3, 7, 8], [1, 0, 1, 0, 1, 0, 1, 0]), CHECK), -1);
  });

  it("negative quantity in the tail (index 6 of 7) → −1", () => {
    chk(at(run([1, 2, 3, 4, 5, 6, -0.5], [1, 0, 1, 0, 1, 0, 1]), CHECK), -1);
  });

  it("negative quantity in the 16-block, every position 0..15 (n = 21) → −1", () => {
    for (let k = 0; k < 16; k++) {
      const q: f64[] = [], f: u8[] = [];
      for (let i = 0; i < 21; i++) {
        q.push(i == k ? -1e-300 : 1);
        f.push(<u8>(i & 1));
      }
      chk(at(run(q, f), CHECK), -1, "index " + k.toString());
    }
  });

  it("−0 has its sign bit set → −1 (4-block index 0; tail index 4; 16-block index 9), outputs unaffected", () => {
    const out = run([-0.0, 1, 2, 3, 4], [1, 0, 1, 0, 1]);
    chk(at(out, CHECK), -1, "4-block");
    eq(at(out, BUY), 6, "buy");
    eq(at(out, SELL), 4, "sell");
    chk(at(run([1, 2, 3, 4, -0.0], [1, 0, 1, 0, 0]), CHECK), -1, "tail");
    const q: f64[] = [], f: u8[] = [];
    for (let i = 0; i < 17; i++) {
      q.push(i == 9 ? -0.0 : 1);
      f.push(1);
    }
    chk(at(run(q, f), CHECK), -1, "16-block");
  });

  it("−Infinity → NaN (4-block and tail: the sum is not finite, and NaN takes precedence)", () => {
    chk(at(run([1, -Infinity, 3, 4], [1, 0, 1, 0]), CHECK), NaN, "4-block");
    chk(at(run([1, 2, 3, 4, -Infinity], [1, 0, 1, 0, 1]), CHECK), NaN, "tail");
  });

  it("+Infinity → NaN (4-block index 2 of 4; tail index 4 of 5; 16-block index 13 of 16), buyer or seller", () => {
    chk(at(run([1, 2, Infinity, 4], [1, 0, 1, 0]), CHECK), NaN, "4-block, buyer");
    chk(at(run([1, 2, Infinity, 4], [1, 0, 0, 0]), CHECK), NaN, "4-block, seller");
    chk(at(run([1, 2, 3, 4, Infinity], [1, 0, 1, 0, 1]), CHECK), NaN, "tail, buyer");
    chk(at(run([1, 2, 3, 4, Infinity], [1, 0, 1, 0, 0]), CHECK), NaN, "tail, seller");
    const q: f64[] = [], f: u8[] = [];
    for (let i = 0; i < 16; i++) {
      q.push(i == 13 ? Infinity : 1);
      f.push(<u8>(i & 1));
    }
    chk(at(run(q, f), CHECK), NaN, "16-block");
  });

  it("NaN with a clear sign bit → NaN (4-block index 1 of 8; tail index 4 of 5; 16-block index 6 of 20), buyer or seller", () => {
    let q = f64s([1, 2, 3, 4, 5, 6, 7, 8]);
    putPosNaN(q, 1);
    chk(at(runAt(q, [1, 0, 1, 0, 1, 0, 1, 0]), CHECK), NaN, "4-block, seller");
    chk(at(runAt(q, [1, 1, 1, 0, 1, 0, 1, 0]), CHECK), NaN, "4-block, buyer");
    q = f64s([1, 2, 3, 4, 5]);
    putPosNaN(q, 4);
    chk(at(runAt(q, [1, 0, 1, 0, 0]), CHECK), NaN, "tail, seller");
    chk(at(runAt(q, [1, 0, 1, 0, 1]), CHECK), NaN, "tail, buyer");
    q = filled(20, 1);
    putPosNaN(q, 6);
    const f: u8[] = [];
    for (let i = 0; i < 20; i++) f.push(<u8>(i % 3 == 0 ? 1 : 0));
    chk(at(runAt(q, f), CHECK), NaN, "16-block");
  });

  it("NaN with the sign bit set → NaN (4-block and tail)", () => {
    let q = f64s([1, 2, 3, 4, 5, 6, 7, 8]);
    putNegNaN(q, 3);
    chk(at(runAt(q, [1, 0, 1, 0, 1, 0, 1, 0]), CHECK), NaN, "4-block");
    q = f64s([1, 2, 3, 4, 5]);
    putNegNaN(q, 4);
    chk(at(runAt(q, [1, 0, 1, 0, 1]), CHECK), NaN, "tail");
  });

  it("NaN wins over the sign bit, so −0 cannot hide an overflow: [−3, …, +NaN], [+∞, …, −0], [−0, 1e308, 1e308] → NaN", () => {
    const q = f64s([-3, 2, 3, 4, 5, 6, 0]);
    putPosNaN(q, 6);
    chk(at(runAt(q, [1, 0, 1, 0, 1, 0, 1]), CHECK), NaN, "negative + NaN");
    chk(at(run([Infinity, 2, 3, 4, -0.0], [1, 0, 1, 0, 1]), CHECK), NaN, "+∞ + −0");
    chk(at(run([-0.0, 1e308, 1e308], [1, 1, 1]), CHECK), NaN, "−0 + overflow");
  });

  it("finite quantities whose sum overflows → NaN: 1e308 + 1e308 on one side (buy = +∞)", () => {
    const out = run([1e308, 1, 1e308, 1], [1, 0, 1, 0]);
    eq(at(out, BUY), Infinity, "buy overflowed");
    chk(at(out, CHECK), NaN);
    chk(at(run([1, 2, 3, 1e308, 1e308], [0, 0, 0, 1, 1]), CHECK), NaN, "tail");
  });

  it("finite sides whose buy + sell overflows → NaN even though buy, sell and delta are finite", () => {
    const out = run([1e308, 1e308], [1, 0]);
    eq(at(out, BUY), 1e308, "buy");
    eq(at(out, SELL), 1e308, "sell");
    eq(at(out, DELTA), 0, "delta");
    eq(at(out, IMB), 0, "imbalance 0/∞");
    chk(at(out, CHECK), NaN);
  });

  it("n = 0 reads nothing: check 0 even when the buffer past the end holds bad values", () => {
    const q = f64buf(4);
    put(q, 0, -1);
    put(q, 1, Infinity);
    const out = filled(5, 12345);
    volumeDelta(q, u8s([1, 1, 1, 1]), 0, out);
    chk(at(out, CHECK), 0);
  });
});

// Canonical order: element i → accumulator i mod 4, (a0 + a2) + (a1 + a3), then the
// tail in order. With 2^53 (where +1 is lost to rounding) any other order differs.
describe("volumeDelta: canonical summation order (identical bits in SIMD and scalar builds)", () => {
  it("n = 4 buyers [2^53, 1, 1, 1]: (2^53 + 1) + (1 + 1) = 2^53 + 2 (left-to-right would give 2^53)", () => {
    const out = run([P53, 1, 1, 1], [1, 1, 1, 1]);
    bits(at(out, BUY), P53 + 2, "buy");
    bits(at(out, SELL), 0, "sell");
  });

  it("n = 8 buyers [2^53,1,1,1, 0,1,0,1]: a0 = 2^53, a1 = 2, a2 = 1, a3 = 2 → (2^53 + 1) + 4 = 2^53 + 4", () => {
    bits(at(run([P53, 1, 1, 1, 0, 1, 0, 1], [1, 1, 1, 1, 1, 1, 1, 1]), BUY), P53 + 4);
  });

  it("n = 16 buyers [2^53, 1 × 15] (one SIMD 16-block): a0 = 2^53 (each +1 lost), a1 = a2 = a3 = 4 → (2^53 + 4) + 8 = 2^53 + 12", () => {
    const q: f64[] = [P53], f: u8[] = [1];
    for (let i = 1; i < 16; i++) {
      q.push(1);
      f.push(1);
    }
    const out = run(q, f);
    bits(at(out, BUY), P53 + 12, "buy");
    bits(at(out, SELL), 0, "sell");
  });

  it("n = 7 sellers [2^53,1,1,1, 2,2,2]: block 2^53 + 2, then tail +2 +2 +2 = 2^53 + 8", () => {
    const out = run([P53, 1, 1, 1, 2, 2, 2], [0, 0, 0, 0, 0, 0, 0]);
    bits(at(out, SELL), P53 + 8, "sell");
    bits(at(out, BUY), 0, "buy");
  });
});

// JS may hand over views at any 8-byte offset: v128 loads must not assume 16-byte alignment.
describe("volumeDelta: pointers not 16-byte aligned", () => {
  it("qty at block + 8 and flags at block + 1, n = 7: same as aligned (buy 1+3+5+7 = 16, sell 2+4+6 = 12)", () => {
    const q = f64s([99, 1, 2, 3, 4, 5, 6, 7]);
    const f = u8s([9, 1, 0, 1, 0, 1, 0, 1]);
    const out = filled(5, 12345);
    volumeDelta(q + 8, f + 1, 7, out);
    check(out, 16, 12, 4, 4.0 / 28.0, 0);
  });
});
