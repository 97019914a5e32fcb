/**
 * book/orderFlowImbalance.ts: Cont–Kukanov–Stoikov OFI per quote,
 *   e[n] = 1{Pb ≥ Pb0}·qb − 1{Pb ≤ Pb0}·qb0 − 1{Pa ≤ Pa0}·qa + 1{Pa ≥ Pa0}·qa0,
 * combined ((t1 − t2) − t3) + t4, e[0] = NaN; the batch returns the check value of
 * common/check.ts over every Pb, Qb, Pa, Qa read (0 all finite with a clear sign bit,
 * −1 some sign bit set, NaN some +∞ or sign-clear NaN or a quote's (Pb + Qb) + (Pa + Qa)
 * overflowed). The SIMD build computes e for indices (1,2), (3,4), … in pairs, then a
 * scalar tail. Also the streaming window: last e and the rolling sum of the last
 * `window` e values; its batch returns 0, or −1 at the first quote holding a value that
 * is not in [0, MAX] (−0 accepted), and stops there.
 */
import { orderFlowImbalance, OfiWindow, ofiWindowSize, ofiWindowInit, ofiWindowReset, ofiWindowPush, ofiWindowBatch } from "../book/orderFlowImbalance";
import { alloc } from "../memory";
import { f64buf, f64s, filled, at, put, eq, eqAll, bits, close, P53, putBits, POS_NAN_BITS, NEG_NAN_BITS, checkOk, checkSign, checkNaN } from "./helpers";

// The reference quote sequence (Pb, Qb, Pa, Qa) and its e, worked by hand:
// q0 100   ×5 | 101   ×5
// q1 100   ×7 | 101   ×5   same prices: t1 = 7, t2 = 5, t3 = 5, t4 = 5 → ((7−5)−5)+5 = 2
// q2 100.5 ×3 | 101   ×4   bid up:   t1 = 3, t2 = 0; ask same: t3 = 4, t4 = 5 → 4
// q3 100   ×6 | 100.5 ×2   bid down: t1 = 0, t2 = 3; ask down: t3 = 2, t4 = 0 → −5
// q4 100   ×6 | 101   ×1   bid same: t1 = 6, t2 = 6; ask up:   t3 = 0, t4 = 2 → 2
// q5 100   ×6 | 101   ×1   unchanged: 6 − 6 − 1 + 1 = 0
const PB: f64[] = [100, 100, 100.5, 100, 100, 100];
const QB: f64[] = [5, 7, 3, 6, 6, 6];
const PA: f64[] = [101, 101, 101, 100.5, 101, 101];
const QA: f64[] = [5, 5, 4, 2, 1, 1];
const E: f64[] = [NaN, 2, 4, -5, 2, 0];

/** The first n quotes of the reference sequence as four buffers. */
class Quotes {
  pb: usize; qb: usize; pa: usize; qa: usize;
  constructor(public n: i32) {
    this.pb = f64s(PB.slice(0, n));
    this.qb = f64s(QB.slice(0, n));
    this.pa = f64s(PA.slice(0, n));
    this.qa = f64s(QA.slice(0, n));
  }
}

function batch(q: Quotes, out: usize): f64 {
  return orderFlowImbalance(q.pb, q.qb, q.pa, q.qa, q.n, out);
}

// Batch e over the reference sequence at every length (pairs only, pairs + tail, tail only).
describe("orderFlowImbalance: batch e", () => {
  it("n = 6: e = [NaN, 2, 4, −5, 2, 0] (pairs (1,2), (3,4), tail 5), check 0", () => {
    const out = filled(6, 99);
    checkOk(batch(new Quotes(6), out));
    eqAll(out, E);
  });

  it("n = 5: e = [NaN, 2, 4, −5, 2] (pairs only), check 0", () => {
    const out = filled(6, 99);
    checkOk(batch(new Quotes(5), out));
    eqAll(out, [NaN, 2, 4, -5, 2, 99]);
  });

  it("n = 4: e = [NaN, 2, 4, −5] (pair (1,2), tail 3), check 0", () => {
    const out = filled(6, 99);
    checkOk(batch(new Quotes(4), out));
    eqAll(out, [NaN, 2, 4, -5, 99, 99]);
  });

  it("n = 2 (tail only): [NaN, 2], check 0; n = 1: [NaN], check 0", () => {
    const out = filled(3, 99);
    checkOk(batch(new Quotes(2), out), "n=2");
    eqAll(out, [NaN, 2, 99]);
    const one = filled(2, 99);
    checkOk(batch(new Quotes(1), one), "n=1");
    eqAll(one, [NaN, 99]);
  });

  it("n = 0: nothing written, check 0 (nothing read, even with bad values in the buffers)", () => {
    const out = filled(1, 99);
    const pb = f64buf(1), qa = f64buf(1);
    put(pb, 0, -1);
    putBits(qa, 0, POS_NAN_BITS);
    checkOk(orderFlowImbalance(pb, f64buf(1), f64buf(1), qa, 0, out));
    eqAll(out, [99]);
  });
});

// The inequalities are non-strict, and the four terms cover spread moves both ways.
describe("orderFlowImbalance: e formula edge cases", () => {
  it("unchanged quote → 0; queue change at an unchanged price counts (bid 5 → 9 at 100: e = 9 − 5 = 4)", () => {
    const out = filled(3, 99);
    orderFlowImbalance(f64s([100, 100, 100]), f64s([5, 5, 9]), f64s([101, 101, 101]), f64s([3, 3, 3]), 3, out);
    eqAll(out, [NaN, 0, 4]);
  });

  it("spread widens (bid 100→99, ask 101→102): ((0 − 5) − 0) + 3 = −2", () => {
    const out = filled(2, 99);
    orderFlowImbalance(f64s([100, 99]), f64s([5, 8]), f64s([101, 102]), f64s([3, 9]), 2, out);
    eqAll(out, [NaN, -2]);
  });

  it("spread tightens (bid 100→100.2, ask 101→100.8): ((2 − 0) − 4) + 0 = −2", () => {
    const out = filled(2, 99);
    orderFlowImbalance(f64s([100, 100.2]), f64s([5, 2]), f64s([101, 100.8]), f64s([3, 4]), 2, out);
    eqAll(out, [NaN, -2]);
  });

  it("term order ((t1 − t2) − t3) + t4 at 2^53: (100×0|101×1) → (100×2^53|101×1) gives ((2^53 − 0) − 1) + 1 = 2^53, not (2^53 + 1) − (0 + 1) = 2^53 − 1; same in the pair loop (n = 3) and the tail (n = 2)", () => {
    const pair = filled(3, 99), tail = filled(2, 99);
    const pb = f64s([100, 100, 100]), qb = f64s([0, P53, 0]), pa = f64s([101, 101, 101]), qa = f64s([1, 1, 1]);
    orderFlowImbalance(pb, qb, pa, qa, 3, pair);
    orderFlowImbalance(pb, qb, pa, qa, 2, tail);
    bits(at(pair, 1), P53, "pair loop");
    bits(at(tail, 1), P53, "tail");
    // e2 = ((0 − 2^53) − 1) + 1: −2^53 − 1 rounds to −2^53 (ties to even), + 1 → 1 − 2^53
    bits(at(pair, 2), 1 - P53, "pair loop, e2");
  });
});

// Views at an 8-byte offset: v128 loads and stores must not assume 16-byte alignment.
describe("orderFlowImbalance: pointers not 16-byte aligned", () => {
  it("inputs and out at block + 8, n = 6: e = [NaN, 2, 4, −5, 2, 0]", () => {
    const pad: f64[] = [0];
    const pb = f64s(pad.concat(PB)), qb = f64s(pad.concat(QB)), pa = f64s(pad.concat(PA)), qa = f64s(pad.concat(QA));
    const out = filled(7, 99);
    checkOk(orderFlowImbalance(pb + 8, qb + 8, pa + 8, qa + 8, 6, out + 8));
    eqAll(out, [99, NaN, 2, 4, -5, 2, 0]);
  });
});

/** The i-th of the four quote arrays (0 Pb, 1 Qb, 2 Pa, 3 Qa). */
function arr(q: Quotes, k: i32): usize {
  return k == 0 ? q.pb : k == 1 ? q.qb : k == 2 ? q.pa : q.qa;
}

/**
 * The reference quotes (n = 6: first quote, pairs (1,2), (3,4), tail 5; n = 5: pairs
 * only) with one value replaced by the raw bits `b`, at every quote of every array.
 */
function everyPosition(b: u64, want: f64): void {
  const out = filled(6, 99);
  for (let n = 5; n <= 6; n++) {
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < 4; k++) {
        const q = new Quotes(n);
        putBits(arr(q, k), j, b);
        const c = batch(q, out);
        const what = "n " + n.toString() + " quote " + j.toString() + " array " + k.toString();
        if (isNaN(want)) checkNaN(c, what);
        else if (want == -1) checkSign(c, what);
        else checkOk(c, what);
      }
    }
  }
}

// check (common/check.ts) over every Pb, Qb, Pa, Qa read (the first quote included).
describe("orderFlowImbalance: check (common/check.ts)", () => {
  it("negative quantity in the first quote → −1", () => {
    const q = new Quotes(6);
    put(q.qb, 0, -1);
    checkSign(batch(q, filled(6, 99)));
  });

  it("negative price in the pair loop (Pa of q2) → −1", () => {
    const q = new Quotes(6);
    put(q.pa, 2, -3);
    checkSign(batch(q, filled(6, 99)));
  });

  it("a negative value anywhere → −1", () => {
    everyPosition(reinterpret<u64>(<f64>-3), -1);
  });

  it("−0 has its sign bit set → −1 anywhere; e is computed as usual (Qb of q1 = −0: e1 = ((−0 − 5) − 5) + 5 = −5)", () => {
    everyPosition(reinterpret<u64>(<f64>-0.0), -1);
    const q = new Quotes(6);
    put(q.qb, 1, -0.0);
    const out = filled(6, 99);
    checkSign(batch(q, out));
    eqAll(out, [NaN, -5, 4, -5, 2, 0], "e");
  });

  it("−Infinity → NaN anywhere (not finite; NaN takes precedence over the sign)", () => {
    everyPosition(reinterpret<u64>(-Infinity), NaN);
  });

  it("NaN with the sign bit set → NaN anywhere", () => {
    everyPosition(NEG_NAN_BITS, NaN);
  });

  it("+Infinity in the tail (Qa of q5) → NaN", () => {
    const q = new Quotes(6);
    put(q.qa, 5, Infinity);
    checkNaN(batch(q, filled(6, 99)));
  });

  it("+Infinity → NaN anywhere", () => {
    everyPosition(reinterpret<u64>(Infinity), NaN);
  });

  it("NaN with a clear sign bit → NaN (Pb of q3 in the pair loop; Qb of q0)", () => {
    const q = new Quotes(6);
    putBits(q.pb, 3, POS_NAN_BITS);
    checkNaN(batch(q, filled(6, 99)), "pair loop");
    const r = new Quotes(4);
    putBits(r.qb, 0, POS_NAN_BITS);
    checkNaN(batch(r, filled(4, 99)), "first quote");
  });

  it("NaN with a clear sign bit → NaN anywhere", () => {
    everyPosition(POS_NAN_BITS, NaN);
  });

  it("NaN wins over the sign bit: +∞ at q1 and −0 at q4 → NaN", () => {
    const q = new Quotes(6);
    put(q.pb, 1, Infinity);
    put(q.qa, 4, -0.0);
    checkNaN(batch(q, filled(6, 99)));
  });

  it("F64.MAX_VALUE is valid: Qb of q2 = MAX ((MAX + 100.5) + (101 + 4) rounds to MAX) → 0", () => {
    const q = new Quotes(6);
    put(q.qb, 2, F64.MAX_VALUE);
    checkOk(batch(q, filled(6, 99)));
  });

  it("finite values whose (Pb + Qb) + (Pa + Qa) overflows → NaN: Pb = Pa = 1e308 at q0, q2 (pair loop), q5 (tail)", () => {
    const idx: i32[] = [0, 2, 5];
    for (let t = 0; t < idx.length; t++) {
      const q = new Quotes(6);
      put(q.pb, idx[t], 1e308);
      put(q.pa, idx[t], 1e308);
      checkNaN(batch(q, filled(6, 99)), "q" + idx[t].toString());
    }
    const r = new Quotes(6);
    put(r.qb, 3, 1e308);
    put(r.qa, 3, 1e308);
    checkNaN(batch(r, filled(6, 99)), "Qb = Qa = 1e308 at q3");
  });

  it("1e308 in different quotes does not overflow any quote's sum → 0", () => {
    const q = new Quotes(6);
    put(q.qb, 1, 1e308);
    put(q.pa, 2, 1e308);
    put(q.qa, 5, 1e308);
    checkOk(batch(q, filled(6, 99)));
  });
});

function makeWindow(window: i32): usize {
  const p = alloc(ofiWindowSize(window));
  ofiWindowInit(p, window);
  return p;
}

function ws(p: usize): OfiWindow {
  return changetype<OfiWindow>(p);
}

function pushQuote(p: usize, i: i32): void {
  ofiWindowPush(p, PB[i], QB[i], PA[i], QA[i]);
}

// Streaming window: pandas rolling(window).sum() of e, NaN until `window` e values exist.
describe("ofiWindow: streaming OFI", () => {
  it("layout read by JS: last, sum, count at f64 slots 0, 1, 2", () => {
    expect<usize>(offsetof<OfiWindow>("last")).toBe(0);
    expect<usize>(offsetof<OfiWindow>("sum")).toBe(8);
    expect<usize>(offsetof<OfiWindow>("count")).toBe(16);
  });

  it("window 2, push by push: sums [NaN, NaN, 2+4 = 6, 4−5 = −1, −5+2 = −3, 2+0 = 2]", () => {
    const p = makeWindow(2);
    const sums: f64[] = [NaN, NaN, 6, -1, -3, 2];
    const counts: f64[] = [0, 1, 2, 2, 2, 2];
    for (let i = 0; i < 6; i++) {
      pushQuote(p, i);
      eq(ws(p).last, E[i], "last at q" + i.toString());
      eq(ws(p).sum, sums[i], "sum at q" + i.toString());
      eq(ws(p).count, counts[i], "count at q" + i.toString());
    }
  });

  it("window 1: sum = last e", () => {
    const p = makeWindow(1);
    for (let i = 0; i < 6; i++) {
      pushQuote(p, i);
      eq(ws(p).sum, E[i], "q" + i.toString());
    }
  });

  it("batch writes e and the rolling sum (window 2), returns 0", () => {
    const p = makeWindow(2);
    const q = new Quotes(6);
    const outE = filled(6, 99), outSum = filled(6, 99);
    checkOk(ofiWindowBatch(p, q.pb, q.qb, q.pa, q.qa, 6, outE, outSum));
    eqAll(outE, E, "e");
    eqAll(outSum, [NaN, NaN, 6, -1, -3, 2], "sum");
  });

  it("batch with a null output pointer skips it; batch continues from the pushed state", () => {
    const p = makeWindow(2);
    pushQuote(p, 0);
    pushQuote(p, 1);
    pushQuote(p, 2);
    const outSum = filled(3, 99);
    const rest = new Quotes(6);
    const o: usize = 3 << 3; // quotes q3..q5
    checkOk(ofiWindowBatch(p, rest.pb + o, rest.qb + o, rest.pa + o, rest.qa + o, 3, 0, outSum));
    eqAll(outSum, [-1, -3, 2], "sum");
    eq(ws(p).last, 0, "last");
  });

  it("batch stops at the first bad quote and returns −1 (Qb of q3 = −6): q0..q2 written, q3.. untouched", () => {
    const p = makeWindow(2);
    const q = new Quotes(6);
    put(q.qb, 3, -6);
    const outE = filled(6, 99), outSum = filled(6, 99);
    checkSign(ofiWindowBatch(p, q.pb, q.qb, q.pa, q.qa, 6, outE, outSum));
    eqAll(outE, [NaN, 2, 4, 99, 99, 99], "e");
    eqAll(outSum, [NaN, NaN, 6, 99, 99, 99], "sum");
    eq(ws(p).sum, 6, "state still at q2");
  });

  it("batch with a sign-clear NaN in the first quote returns −1 and writes nothing", () => {
    const p = makeWindow(2);
    const q = new Quotes(3);
    putBits(q.pa, 0, POS_NAN_BITS);
    const outE = filled(3, 99);
    checkSign(ofiWindowBatch(p, q.pb, q.qb, q.pa, q.qa, 3, outE, 0));
    eqAll(outE, [99, 99, 99]);
    eq(ws(p).count, 0, "count");
  });

  it("batch returns −1 and stops at the first invalid value, whatever it is and wherever it is (q0, q2, q5; each array)", () => {
    const bad: u64[] = [
      reinterpret<u64>(<f64>-1), reinterpret<u64>(<f64>-5e-324), reinterpret<u64>(-Infinity),
      reinterpret<u64>(Infinity), POS_NAN_BITS, NEG_NAN_BITS,
    ];
    const at_: i32[] = [0, 2, 5];
    const sums: f64[] = [NaN, NaN, 6, -1, -3, 2];
    for (let v = 0; v < bad.length; v++) {
      for (let t = 0; t < at_.length; t++) {
        for (let k = 0; k < 4; k++) {
          const j = at_[t];
          const what = "value " + v.toString() + " at q" + j.toString() + " array " + k.toString();
          const p = makeWindow(2);
          const q = new Quotes(6);
          putBits(arr(q, k), j, bad[v]);
          const outE = filled(6, 99), outSum = filled(6, 99);
          checkSign(ofiWindowBatch(p, q.pb, q.qb, q.pa, q.qa, 6, outE, outSum), what);
          for (let i = 0; i < 6; i++) {
            eq(at(outE, i), i < j ? E[i] : 99, what + " e[" + i.toString() + "]");
            eq(at(outSum, i), i < j ? sums[i] : 99, what + " sum[" + i.toString() + "]");
          }
          eq(ws(p).count, <f64>min(max(j - 1, 0), 2), what + " count (e values in the window of 2)");
        }
      }
    }
  });

  it("batch accepts −0 (x >= 0 holds): Qb of q1 = −0 → returns 0, e1 = ((−0 − 5) − 5) + 5 = −5, all six quotes pushed", () => {
    const p = makeWindow(2);
    const q = new Quotes(6);
    put(q.qb, 1, -0.0);
    const outE = filled(6, 99), outSum = filled(6, 99);
    checkOk(ofiWindowBatch(p, q.pb, q.qb, q.pa, q.qa, 6, outE, outSum));
    eqAll(outE, [NaN, -5, 4, -5, 2, 0], "e");
    eqAll(outSum, [NaN, NaN, -1, -1, -3, 2], "sum");
    const r = new Quotes(6);
    put(r.pb, 0, -0.0);
    put(r.pa, 0, -0.0);
    put(r.qa, 0, -0.0);
    checkOk(ofiWindowBatch(makeWindow(2), r.pb, r.qb, r.pa, r.qa, 6, 0, 0), "−0 in the first quote");
  });

  it("batch accepts F64.MAX_VALUE and does no sum check: Pb = Pa = 1e308 at q2 and Qb = MAX at q4 → returns 0", () => {
    const p = makeWindow(2);
    const q = new Quotes(6);
    put(q.pb, 2, 1e308);
    put(q.pa, 2, 1e308);
    put(q.qb, 4, F64.MAX_VALUE);
    checkOk(ofiWindowBatch(p, q.pb, q.qb, q.pa, q.qa, 6, 0, 0));
    eq(ws(p).count, 2, "count");
  });

  it("batch of n = 0 returns 0, reads and writes nothing, state unchanged", () => {
    const p = makeWindow(2);
    pushQuote(p, 0);
    pushQuote(p, 1);
    const pb = f64buf(1);
    put(pb, 0, -1);
    const outE = filled(1, 99), outSum = filled(1, 99);
    checkOk(ofiWindowBatch(p, pb, pb, pb, pb, 0, outE, outSum));
    eqAll(outE, [99], "e");
    eqAll(outSum, [99], "sum");
    eq(ws(p).count, 1, "count");
    eq(ws(p).last, 2, "last");
  });

  it("reset forgets the previous quote: the next quote yields no e", () => {
    const p = makeWindow(2);
    for (let i = 0; i < 4; i++) pushQuote(p, i);
    ofiWindowReset(p);
    eq(ws(p).last, NaN, "last");
    eq(ws(p).sum, NaN, "sum");
    eq(ws(p).count, 0, "count");
    pushQuote(p, 0);
    eq(ws(p).last, NaN, "first quote after reset");
    pushQuote(p, 1);
    eq(ws(p).last, 2, "e against q0, not the pre-reset quote");
  });
});

// Rising bid price, empty constant ask: t1 = qb, t2 = t3 = t4 = 0, so e = qb.
function pushE(p: usize, i: i32, e: f64): void {
  ofiWindowPush(p, 100 + 0.01 * <f64>i, e, 200, 0);
}

// The rolling sum must not drift when a large e leaves the window.
describe("ofiWindow: no drift", () => {
  it("window 3, e = [2^53, 1, 1, 1]: sum 2^53 + 2, then exactly 3 once 2^53 leaves (a plain sum gives 1)", () => {
    const p = makeWindow(3);
    pushE(p, 0, 0);
    pushE(p, 1, P53);
    pushE(p, 2, 1);
    pushE(p, 3, 1);
    bits(ws(p).sum, P53 + 2, "[2^53, 1, 1]");
    pushE(p, 4, 1);
    bits(ws(p).sum, 3, "[1, 1, 1]");
  });

  it("window 3, e = [1e16, 0.1, 0.2, 0.3]: sum 0.1 + 0.2 + 0.3 within 2^-36 once 1e16 leaves", () => {
    const p = makeWindow(3);
    pushE(p, 0, 0);
    pushE(p, 1, 1e16);
    pushE(p, 2, 0.1);
    pushE(p, 3, 0.2);
    pushE(p, 4, 0.3);
    close(ws(p).sum, 0.6, 1.5e-11);
  });

  it("huge e (up to 7e24) then small ones, window 3: sum = 0.246 + 0.019 + 0.338 within 2^-36 (without a rebuild: 2.7e-7 relative off)", () => {
    const p = makeWindow(3);
    const e: f64[] = [7.09e24, 5.01e23, 3.4e18, 4.27e22, 1.3e23, 0.027, 0.488, 2.08e19, 0.616, 0.246, 0.019, 0.338];
    pushE(p, 0, 0);
    for (let i = 0; i < e.length; i++) pushE(p, i + 1, e[i]);
    close(ws(p).sum, 0.246 + 0.019 + 0.338, 1.5e-11, "sum");
  });

  it("3000 quotes of mixed magnitude (e = 1e9 every 97th), window 5: sum matches a direct sum of the last 5 e within 1e-10", () => {
    const w = 5, total = 3000;
    const p = makeWindow(w);
    const e = new StaticArray<f64>(total);
    pushE(p, 0, 0);
    for (let i = 1; i < total; i++) {
      e[i] = <f64>((i * 7919) % 1000) * 0.001 + (i % 97 == 0 ? 1e9 : 0.0);
      pushE(p, i, e[i]);
      if (i >= w && (i % 7 == 0 || i > total - 10)) {
        eq(ws(p).last, e[i], "last at " + i.toString());
        let ref: f64 = 0;
        for (let j = i - w + 1; j <= i; j++) ref += e[j];
        close(ws(p).sum, ref, 1e-10, "sum at " + i.toString());
      }
    }
  });
});
