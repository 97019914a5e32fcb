/**
 * The Kernels contract, run on every backend: hand-computed values for each kernel
 * (the arithmetic is in the test), the streaming contract (warm-up NaN, isStable,
 * reset, dispose), zero-copy buffers and memory growth, and the typed errors for bad
 * input.
 */
import { describe, expect, test } from "vitest";
import {
  CapacityExceededError, DisposedError, EmptyInputError, InvalidAlphaError, InvalidDepthError, InvalidParameterError,
  InvalidValueError, InvalidWindowError, LengthMismatchError, OutOfOrderError, SumOverflowError, type Kernels,
} from "../../src/index.js";
import { backends } from "../support/backends.js";
import { expectIdentical } from "../support/close.js";

const f64 = (...v: number[]): Float64Array => Float64Array.from(v);
const u8 = (...v: number[]): Uint8Array => Uint8Array.from(v);

describe.each(backends)("Kernels contract on $backend", (k: Kernels) => {
  describe("volume delta", () => {
    test("buy = Σq where the buyer was the taker; imbalance = delta / total", () => {
      // buys 1 + 3 + 5 = 9, sells 2 + 4 = 6, delta 3, imbalance 3/15
      expect(k.volumeDelta(f64(1, 2, 3, 4, 5), u8(1, 0, 1, 0, 1))).toEqual({ buyVolume: 9, sellVolume: 6, delta: 3, imbalance: 0.2 });
    });
    test("no trades or zero volume: imbalance is NaN, volumes 0", () => {
      expect(k.volumeDelta(f64(), u8())).toEqual({ buyVolume: 0, sellVolume: 0, delta: 0, imbalance: NaN });
      expect(k.volumeDelta(f64(0, 0), u8(1, 0)).imbalance).toBeNaN();
    });
    test("any non-zero flag byte means buyer-initiated", () => {
      expect(k.volumeDelta(f64(1, 1, 1), u8(0, 7, 255)).buyVolume).toBe(2);
    });
    test("volumeDeltaInto writes into the caller's object", () => {
      const out = { buyVolume: 0, sellVolume: 0, delta: 0, imbalance: 0 };
      expect(k.volumeDeltaInto(f64(2), u8(0), out)).toBe(out);
      expect(out.sellVolume).toBe(2);
    });
    test("bad quantities and shapes are typed errors naming the element", () => {
      expect(() => k.volumeDelta(f64(1, NaN), u8(0, 0))).toThrow(InvalidValueError);
      expect(() => k.volumeDelta(f64(1, 2, -0.5), u8(0, 0, 0))).toThrow("qty[2] = -0.5: expected a value ≥ 0");
      expect(() => k.volumeDelta(f64(Infinity), u8(0))).toThrow("qty[0] = Infinity: expected a finite number");
      expect(() => k.volumeDelta(f64(1, 2), u8(0))).toThrow(LengthMismatchError);
      expect(() => k.volumeDelta(f64(1e308, 1e308), u8(1, 1))).toThrow(SumOverflowError);
      expect(k.volumeDelta(f64(-0, 1), u8(1, 0)).buyVolume, "−0 is a valid quantity").toBe(0);
      expect(() => k.volumeDelta(f64(-0, 1e308, 1e308), u8(1, 1, 1)), "−0 does not hide an overflow").toThrow(SumOverflowError);
    });
  });

  describe("volume delta windows", () => {
    test("count window keeps the last N trades", () => {
      const w = k.volumeDeltaWindow({ count: 2 });
      w.push(1, true, 0);
      expect(w.isStable).toBe(false);
      w.push(2, false, 0);
      w.push(4, true, 0); // the first trade leaves: buy 4, sell 2
      expect([w.buyVolume, w.sellVolume, w.delta, w.imbalance, w.count, w.isStable]).toEqual([4, 2, 2, 2 / 6, 2, true]);
      w.reset();
      expect([w.buyVolume, w.sellVolume, w.count]).toEqual([0, 0, 0]);
      w.dispose();
    });
    test("time window: a trade at t is inside while t > now − span", () => {
      const w = k.volumeDeltaWindow({ spanMs: 1000 });
      w.push(1, true, 0);
      w.push(2, false, 500);
      w.push(3, true, 1000); // cutoff 0: the trade at 0 has left
      expect([w.buyVolume, w.sellVolume, w.count, w.isStable]).toEqual([3, 2, 2, true]);
      w.advance(1600); // cutoff 600: only the trade at 1000 is left
      expect([w.buyVolume, w.sellVolume, w.count]).toEqual([3, 0, 1]);
      w.advance(5000);
      expect([w.buyVolume, w.sellVolume, w.imbalance]).toEqual([0, 0, NaN]);
      w.dispose();
    });
    test("out-of-order time, bad quantity and a full time window are typed errors; state is kept", () => {
      const w = k.volumeDeltaWindow({ spanMs: 1000, capacity: 2 });
      w.push(1, true, 100);
      expect(() => w.push(1, true, 99)).toThrow(OutOfOrderError);
      expect(() => w.push(-1, true, 200)).toThrow(InvalidValueError);
      expect(() => w.push(1, true, NaN)).toThrow(InvalidValueError);
      w.push(1, false, 200);
      expect(() => w.push(1, true, 300)).toThrow(CapacityExceededError);
      expect([w.buyVolume, w.sellVolume, w.count]).toEqual([1, 1, 2]);
      w.dispose();
      expect(() => w.push(1, true, 400)).toThrow(DisposedError);
    });
    test("invalid options", () => {
      expect(() => k.volumeDeltaWindow({ count: 0 })).toThrow(InvalidWindowError);
      expect(() => k.volumeDeltaWindow({ spanMs: -1 })).toThrow(InvalidParameterError);
      expect(() => k.volumeDeltaWindow({ spanMs: 1000, capacity: 0 })).toThrow(InvalidWindowError);
    });
  });

  describe("book imbalance and microprice", () => {
    const bid = f64(1, 2, 3), ask = f64(3, 2, 1);
    test("plain: (Σbid − Σask)/(Σbid + Σask) over the top depth levels", () => {
      expect(k.bookImbalance(bid, ask, 2)).toBe((3 - 5) / 8);
      expect(k.bookImbalance(bid, ask, 3)).toBe(0);
      expect(k.bookImbalance(f64(0), f64(0), 1)).toBeNaN();
    });
    test("depth-weighted with w_i = exp(−decay·i); decay 0 is the plain imbalance", () => {
      const w1 = Math.exp(-1), w2 = Math.exp(-2);
      const sb = 1 + 2 * w1 + 3 * w2, sa = 3 + 2 * w1 + 1 * w2;
      expect(k.depthWeightedImbalance(bid, ask, 3, 1)).toBe((sb - sa) / (sb + sa));
      expect(k.depthWeightedImbalance(bid, ask, 3, 0)).toBe(k.bookImbalance(bid, ask, 3));
    });
    test("batch over level-major snapshots equals each single book", () => {
      // 3 snapshots × 2 levels; level i of snapshot m at i·3 + m
      const b = f64(1, 5, 0, 2, 5, 0), a = f64(2, 1, 0, 2, 1, 0);
      expectIdentical(k.bookImbalanceBatch(b, a, 3, 2), [(3 - 4) / 7, (10 - 2) / 12, NaN], "batch");
      expectIdentical(k.depthWeightedImbalanceBatch(b, a, 3, 2, 0.3),
        [0, 1, 2].map((m) => k.depthWeightedImbalance(f64(b[m]!, b[3 + m]!), f64(a[m]!, a[3 + m]!), 2, 0.3)), "weighted");
      const out = new Float64Array(3);
      k.bookImbalanceBatchInto(b, a, 3, 1, out);
      expectIdentical(out, [(1 - 2) / 3, (5 - 1) / 6, NaN], "into, depth 1");
    });
    test("microprice leans toward the thinner side", () => {
      // (100·3 + 101·1)/(1 + 3) = 100.25: the thin bid pulls it toward the bid
      expect(k.microprice(100, 1, 101, 3)).toBe(100.25);
      expect(k.microprice(100, 0, 101, 0)).toBeNaN();
      expect(() => k.micropriceBatch(f64(1e300), f64(1), f64(1e300), f64(1e300)), "an overflowing product").toThrow(SumOverflowError);
      expectIdentical(k.micropriceBatch(f64(100, 10), f64(1, 2), f64(101, 11), f64(3, 2)), [100.25, 10.5], "batch");
    });
    test("bad depth, shapes and values", () => {
      expect(() => k.bookImbalance(bid, ask, 0)).toThrow(InvalidDepthError);
      expect(() => k.bookImbalance(bid, f64(1, 2), 3)).toThrow("depth 3: expected an integer from 1 to 2 (the levels given)");
      expect(() => k.bookImbalance(f64(1, NaN), ask, 2)).toThrow("bidQty[1] = NaN");
      expect(() => k.bookImbalance(bid, f64(1, -2, 3), 2)).toThrow("askQty[1] = -2");
      expect(() => k.depthWeightedImbalance(bid, ask, 2, -1)).toThrow(InvalidParameterError);
      expect(() => k.bookImbalanceBatch(f64(1, 2, 3), f64(1, 2, 3), 2, 1)).toThrow(LengthMismatchError);
      expect(() => k.bookImbalanceBatch(f64(1, 2), f64(1, 2), 2, 2)).toThrow(InvalidDepthError);
      expect(() => k.microprice(100, NaN, 101, 1)).toThrow("bidQty[0] = NaN");
      expect(() => k.micropriceBatch(f64(1), f64(1), f64(1), f64())).toThrow(LengthMismatchError);
    });
  });

  describe("order-flow imbalance", () => {
    // quotes (bidPx, bidQty, askPx, askQty)
    const pb = f64(10, 10, 11, 11, 10.5), qb = f64(1, 2, 1, 1, 4), pa = f64(12, 12, 12, 13, 12.5), qa = f64(1, 1, 2, 2, 3);
    // e1: bid same price, queue 1→2: +2 −1; ask same price: −1 +1        = 1
    // e2: bid up: +1; ask same, queue 1→2: −2 +1                          = 0
    // e3: bid same: +1 −1; ask up: +2 (old ask queue leaves)             = 2
    // e4: bid down: −1 (old bid queue); ask down: −3 (new ask queue)     = −4
    test("e[n] with non-strict inequalities", () => {
      expectIdentical(k.orderFlowImbalance(pb, qb, pa, qa), [NaN, 1, 0, 2, -4], "e");
    });
    test("rolling sum (pandas e.rolling(w).sum()) and the streaming window agree", () => {
      expectIdentical(k.rollingOrderFlowImbalance(pb, qb, pa, qa, 2), [NaN, NaN, 1, 2, -2], "rolling 2");
      const w = k.orderFlowWindow(2);
      const sums: number[] = [];
      pb.forEach((_, i) => {
        w.push(pb[i]!, qb[i]!, pa[i]!, qa[i]!);
        sums.push(w.sum);
      });
      expectIdentical(sums, [NaN, NaN, 1, 2, -2], "streaming");
      expect([w.last, w.count, w.isStable]).toEqual([-4, 2, true]);
      expect(() => w.push(1, NaN, 2, 1)).toThrow("bidQty[0] = NaN");
      w.reset();
      expect([w.last, w.sum, w.count]).toEqual([NaN, NaN, 0]);
      w.dispose();
    });
  });

  describe("rolling statistics", () => {
    const v = f64(1, 3, 2, 5, 4, 4, 6, 1);
    test("window 3: pandas rolling(3) values, computed by hand", () => {
      const r = k.rolling(v, 3);
      const third = 1 / 3;
      expectIdentical(r.mean.subarray(0, 3), [NaN, NaN, 2], "mean");
      expect(r.mean[3]).toBeCloseTo(10 / 3, 15);
      expectIdentical(r.min, [NaN, NaN, 1, 2, 2, 4, 4, 1], "min");
      expectIdentical(r.max, [NaN, NaN, 3, 5, 5, 5, 6, 6], "max");
      expect(r.std[2]).toBe(1); // {1, 3, 2}: deviations −1, 1, 0 → Σ² 2 / (3 − 1)
      // rank of the latest in its window, ties averaged: {5,4,4}: the 4s share ranks 1,2 → 1.5/3
      expect(r.rank[5]).toBe(0.5);
      expect(r.rank[4]).toBeCloseTo(2 * third, 15); // {2,5,4}: 4 is second
      expect(r.zscore[2]).toBe(0); // latest 2 equals the mean
    });
    test("window larger than the data: every value NaN", () => {
      const r = k.rolling(v, 20);
      expect(Array.from(r.mean).every(Number.isNaN)).toBe(true);
    });
    test("rank can be skipped", () => {
      expect(k.rolling(v, 3, { rank: false }).rank.length).toBe(0);
    });
    test("streaming window: NaN during warm-up, the same values as the batch after", () => {
      const w = k.rollingStats(3, { alpha: 0.5 });
      w.push(1);
      w.push(3);
      expect([w.mean, w.std, w.min, w.isStable, w.count, w.rank()]).toEqual([NaN, NaN, NaN, false, 2, NaN]);
      expect(w.ema).toBe(2); // 0.5·1 + 0.5·3
      w.push(2);
      expect([w.mean, w.std, w.min, w.max, w.last, w.isStable]).toEqual([2, 1, 1, 3, 2, true]);
      w.reset();
      expect([w.count, w.ema]).toEqual([0, NaN]);
      w.dispose();
      expect(() => w.push(1)).toThrow(DisposedError);
      expect(w.mean, "a disposed window reads NaN").toBeNaN();
    });
    test("extrema: false skips min and max (NaN) and leaves the rest unchanged", () => {
      const a = k.rollingStats(3, { extrema: false }), b = k.rollingStats(3);
      for (const x of [5, 1, 4, 4, 9]) {
        a.push(x);
        b.push(x);
      }
      expect([a.min, a.max]).toEqual([NaN, NaN]);
      expect([a.mean, a.std, a.zscore, a.rank()]).toEqual([b.mean, b.std, b.zscore, b.rank()]);
      a.dispose();
      b.dispose();
    });
    test("a constant window: std exactly 0, zscore NaN, mean the value", () => {
      const w = k.rollingStats(4);
      for (let i = 0; i < 6; i++) w.push(0.1);
      expect([w.mean, w.std, w.zscore]).toEqual([0.1, 0, NaN]);
      w.dispose();
    });
    test("ewm(alpha, adjust=False)", () => {
      expectIdentical(k.ewm(f64(1, 3, 2), 0.5), [1, 2, 2], "ewm");
      expectIdentical(k.ewm(f64(), 0.5), [], "empty");
    });
    test("cov and corr of two series", () => {
      // x = 1,2,3 and y = 2,4,7: cov = Σ(dx·dy)/2 = ((−1)(−2.333…) + 0 + 1·2.666…)/2 = 2.5
      expect(k.rollingCov(f64(1, 2, 3), f64(2, 4, 7), 3)[2]).toBeCloseTo(2.5, 14);
      expect(k.rollingCorr(f64(1, 2, 3), f64(2, 4, 6), 3)[2]).toBeCloseTo(1, 15);
      expect(k.rollingCorr(f64(1, 2, 3), f64(6, 4, 2), 3)[2]).toBeCloseTo(-1, 15);
      expect(k.rollingCorr(f64(1, 2, 3), f64(5, 5, 5), 3)[2], "zero variance").toBeNaN();
      const c = k.rollingCorrelation(2);
      c.push(1, 1);
      c.push(2, 3);
      expect([c.cov, c.isStable]).toEqual([1, true]);
      expect(c.corr).toBeCloseTo(1, 15);
      c.dispose();
    });
    test("bad windows, alphas and NaN inputs are typed errors", () => {
      expect(() => k.rolling(v, 0)).toThrow(InvalidWindowError);
      expect(() => k.rolling(v, 1.5)).toThrow(InvalidWindowError);
      expect(() => k.rollingStats(2 ** 25)).toThrow("window 33554432: expected an integer from 1 to 16777216");
      expect(() => k.rolling(f64(1, 2, NaN), 2)).toThrow("values[2] = NaN: expected a finite number");
      expect(() => k.ewm(v, 0)).toThrow(InvalidAlphaError);
      expect(() => k.ewm(v, 1.5)).toThrow(InvalidAlphaError);
      expect(() => k.ewm(f64(1, Infinity), 0.5)).toThrow("values[1] = Infinity");
      expect(() => k.rollingStats(3, { alpha: 2 })).toThrow(InvalidAlphaError);
      expect(() => k.rollingCorr(f64(1, 2), f64(1), 2)).toThrow(LengthMismatchError);
      expect(() => k.rollingCorr(f64(1, 2), f64(1, NaN), 2)).toThrow("y[1] = NaN");
      const w = k.rollingStats(3);
      expect(() => w.push(NaN)).toThrow(InvalidValueError);
      expect(w.count, "a rejected push changes nothing").toBe(0);
      w.dispose();
      const out = { mean: new Float64Array(2), std: new Float64Array(2), min: new Float64Array(2), max: new Float64Array(2), zscore: new Float64Array(2), rank: new Float64Array(0) };
      expect(() => k.rollingInto(v, 2, out)).toThrow(LengthMismatchError);
      expect(EmptyInputError.name).toBe("EmptyInputError");
    });
  });

  describe("buffers", () => {
    test("kernel buffers are read in place and survive memory growth", () => {
      const qty = k.allocFloat64(4), buyer = k.allocUint8(4);
      qty.array.set([1, 2, 3, 4]);
      buyer.array.set([1, 1, 0, 0]);
      expect(k.volumeDelta(qty, buyer).delta).toBe(-4);
      const big = k.allocFloat64(8_000_000); // 64 MB: grows WASM memory, detaching old views
      expect(qty.array.length, "the view is rebuilt after growth").toBe(4);
      expect(Array.from(qty.array)).toEqual([1, 2, 3, 4]);
      const w = k.rollingStats(2);
      w.push(1);
      w.push(3);
      expect(w.mean).toBe(2);
      big.free();
      qty.free();
      buyer.free();
      w.dispose();
    });
    test("outputs can be kernel buffers too", () => {
      const v = k.allocFloat64(3), out = k.allocFloat64(3);
      v.array.set([2, 4, 8]);
      k.ewmInto(v, 0.5, out);
      expect(Array.from(out.array)).toEqual([2, 3, 5.5]);
      v.free();
      out.free();
    });
  });
});
