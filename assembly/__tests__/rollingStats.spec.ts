/**
 * stats/rollingStats.ts: rolling mean, sample std (ddof 1), z-score of the latest
 * value, min, max (monotonic deques), EMA and percentile rank, pandas semantics
 * (NaN until the window is full; a constant window has std exactly 0). Welford state
 * with an error budget and exact rebuilds (counted in `rebuilds`).
 * percentileRank has a SIMD pair loop and a scalar tail.
 */
import {
  RollingStats, rollingStatsSize, rollingStatsInit, rollingStatsReset, rollingStatsPush, rollingStatsRank,
  rollingStatsBatch, percentileRank,
} from "../stats/rollingStats";
import { alloc } from "../memory";
import { f64s, filled, at, eq, eqAll, bits, close } from "./helpers";

function make(window: i32, alpha: f64, minPeriods: i32 = 0, extrema: i32 = 1): usize {
  const p = alloc(rollingStatsSize(window));
  rollingStatsInit(p, window, alpha, minPeriods > 0 ? minPeriods : window, extrema);
  return p;
}

function rs(p: usize): RollingStats {
  return changetype<RollingStats>(p);
}

function pushAll(p: usize, values: f64[]): void {
  for (let i = 0; i < values.length; i++) rollingStatsPush(p, values[i]);
}

function expectWarmup(p: usize, what: string): void {
  const s = rs(p);
  eq(s.mean, NaN, what + " mean");
  eq(s.std, NaN, what + " std");
  eq(s.zscore, NaN, what + " zscore");
  eq(s.min, NaN, what + " min");
  eq(s.max, NaN, what + " max");
}

/** Two-pass mean and sample std of values[i − w + 1 .. i] (the test's own reference). */
function refMean(v: StaticArray<f64>, i: i32, w: i32): f64 {
  let s: f64 = 0;
  for (let j = i - w + 1; j <= i; j++) s += v[j];
  return s / <f64>w;
}
function refStd(v: StaticArray<f64>, i: i32, w: i32): f64 {
  const m = refMean(v, i, w);
  let q: f64 = 0;
  for (let j = i - w + 1; j <= i; j++) q += (v[j] - m) * (v[j] - m);
  return sqrt(q / <f64>(w - 1));
}

// Output layout read by src/kernels/wasm/stats/rollingStats.ts.
describe("rollingStats: layout", () => {
  it("mean, std, zscore, min, max, ema, last, count, rebuilds at f64 slots 0..8", () => {
    expect<usize>(offsetof<RollingStats>("mean")).toBe(0);
    expect<usize>(offsetof<RollingStats>("std")).toBe(8);
    expect<usize>(offsetof<RollingStats>("zscore")).toBe(16);
    expect<usize>(offsetof<RollingStats>("min")).toBe(24);
    expect<usize>(offsetof<RollingStats>("max")).toBe(32);
    expect<usize>(offsetof<RollingStats>("ema")).toBe(40);
    expect<usize>(offsetof<RollingStats>("last")).toBe(48);
    expect<usize>(offsetof<RollingStats>("count")).toBe(56);
    expect<usize>(offsetof<RollingStats>("rebuilds")).toBe(64);
  });
});

// Warm-up NaN, then mean/std/z/min/max/EMA on a worked example (window 3, α = 0.5).
describe("rollingStats: warm-up and a worked example", () => {
  it("push 1, 2: warm-up NaN; EMA 1 then 0.5·1 + 0.5·2 = 1.5; count 1, 2", () => {
    const p = make(3, 0.5);
    expectWarmup(p, "fresh");
    eq(rs(p).ema, NaN, "fresh ema");
    eq(rs(p).count, 0, "fresh count");
    rollingStatsPush(p, 1);
    expectWarmup(p, "n=1");
    eq(rs(p).ema, 1, "ema");
    eq(rs(p).last, 1, "last");
    eq(rs(p).count, 1, "count");
    rollingStatsPush(p, 2);
    expectWarmup(p, "n=2");
    eq(rs(p).ema, 1.5, "ema");
    eq(rs(p).count, 2, "count");
  });

  it("[1,2,3]: mean 2, std √((1+0+1)/2) = 1, z (3−2)/1 = 1, min 1, max 3, EMA 2.25", () => {
    const p = make(3, 0.5);
    pushAll(p, [1, 2, 3]);
    const s = rs(p);
    eq(s.mean, 2, "mean");
    eq(s.std, 1, "std");
    eq(s.zscore, 1, "zscore");
    eq(s.min, 1, "min");
    eq(s.max, 3, "max");
    eq(s.ema, 2.25, "ema");
    eq(s.count, 3, "count");
  });

  it("[1,2,3] → 4 evicts 1: [2,3,4] mean 3, std 1, z 1, min 2, max 4, EMA 0.5·2.25 + 0.5·4 = 3.125", () => {
    const p = make(3, 0.5);
    pushAll(p, [1, 2, 3, 4]);
    const s = rs(p);
    eq(s.mean, 3, "mean");
    eq(s.std, 1, "std");
    eq(s.zscore, 1, "zscore");
    eq(s.min, 2, "min");
    eq(s.max, 4, "max");
    eq(s.ema, 3.125, "ema");
    eq(s.count, 3, "count stays at the window");
  });

  it("→ 0: [3,4,0] mean 7/3, std √((4/9 + 25/9 + 49/9)/2) = √(13/3), z (0 − 7/3)/√(13/3), min 0, max 4, EMA 1.5625", () => {
    const p = make(3, 0.5);
    pushAll(p, [1, 2, 3, 4, 0]);
    const s = rs(p);
    close(s.mean, 7.0 / 3.0, 1e-15, "mean");
    close(s.std, sqrt(13.0 / 3.0), 1e-14, "std = 2.0816659994661326");
    close(s.zscore, (0 - 7.0 / 3.0) / sqrt(13.0 / 3.0), 1e-14, "zscore = −1.1208970766356101");
    eq(s.min, 0, "min");
    eq(s.max, 4, "max");
    eq(s.ema, 1.5625, "ema");
  });

  it("window 1: mean = min = max = x, std NaN (ddof 1 over one value), z NaN", () => {
    const p = make(1, 0.5);
    pushAll(p, [4, 9]);
    const s = rs(p);
    eq(s.mean, 9, "mean");
    eq(s.std, NaN, "std");
    eq(s.zscore, NaN, "zscore");
    eq(s.min, 9, "min");
    eq(s.max, 9, "max");
  });
});

// A window whose values are all equal: mean = the value, std exactly 0, zscore NaN.
describe("rollingStats: constant windows", () => {
  it("[5,5,5] and beyond: mean 5, std +0 exactly, z NaN, min = max = 5", () => {
    const p = make(3, 0.5);
    for (let i = 0; i < 6; i++) {
      rollingStatsPush(p, 5);
      if (i < 2) continue;
      eq(rs(p).mean, 5, "mean");
      bits(rs(p).std, 0, "std");
      eq(rs(p).zscore, NaN, "zscore");
      eq(rs(p).min, 5, "min");
      eq(rs(p).max, 5, "max");
    }
  });

  it("[1, 2, 7, 7, 7]: once the window is [7,7,7], std is exactly 0 and mean exactly 7", () => {
    const p = make(3, 0.5);
    pushAll(p, [1, 2, 7, 7]);
    expect<f64>(rs(p).std).toBeGreaterThan(0, "[2,7,7] is not constant");
    rollingStatsPush(p, 7);
    bits(rs(p).std, 0, "std");
    bits(rs(p).mean, 7, "mean");
    eq(rs(p).zscore, NaN, "zscore");
  });

  it("0.1 three times: mean is exactly 0.1 (not a rounded 0.1 + 0.1 + 0.1 over 3), std 0", () => {
    const p = make(3, 0.5);
    pushAll(p, [0.1, 0.1, 0.1]);
    bits(rs(p).mean, 0.1, "mean");
    bits(rs(p).std, 0, "std");
  });

  it("[61800.1, 0.2, 0.2, 0.2, 0.2] window 3: mean exactly 0.2 (the Welford state alone gives 0.19999999999708962), std 0", () => {
    const p = make(3, 0.5);
    pushAll(p, [61800.1, 0.2, 0.2, 0.2, 0.2]);
    bits(rs(p).mean, 0.2, "mean");
    bits(rs(p).std, 0, "std");
    eq(rs(p).zscore, NaN, "zscore");
  });

  it("at price level: [61800.1, 61800.7, 61800.5, 61800.5, 61800.5] window 3 → mean 61800.5, std 0 exactly", () => {
    const p = make(3, 0.5);
    pushAll(p, [61800.1, 61800.7, 61800.5, 61800.5, 61800.5]);
    bits(rs(p).mean, 61800.5, "mean");
    bits(rs(p).std, 0, "std");
    eq(rs(p).min, 61800.5, "min");
    eq(rs(p).max, 61800.5, "max");
  });
});

// Monotonic deques: min and max stay right as values enter and leave the window.
describe("rollingStats: min/max across evictions", () => {
  it("window 3 over [5,1,4,2,3,6,0,0,7,1,1,1] (batch outputs)", () => {
    const p = make(3, 0.5);
    const v = f64s([5, 1, 4, 2, 3, 6, 0, 0, 7, 1, 1, 1]);
    const mn = filled(12, 99), mx = filled(12, 99);
    expect<i32>(rollingStatsBatch(p, v, 12, 0, 0, 0, mn, mx, 0)).toBe(-1);
    // windows: [5,1,4] [1,4,2] [4,2,3] [2,3,6] [3,6,0] [6,0,0] [0,0,7] [0,7,1] [7,1,1] [1,1,1]
    eqAll(mn, [NaN, NaN, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1], "min");
    eqAll(mx, [NaN, NaN, 5, 4, 4, 6, 6, 6, 7, 7, 7, 1], "max");
  });

  it("ties: window 3 over [3,3,3,1,1,1,2] → min [3,1,1,1,1], max [3,3,3,1,2]", () => {
    const p = make(3, 0.5);
    const v = f64s([3, 3, 3, 1, 1, 1, 2]);
    const mn = filled(7, 99), mx = filled(7, 99);
    rollingStatsBatch(p, v, 7, 0, 0, 0, mn, mx, 0);
    eqAll(mn, [NaN, NaN, 3, 1, 1, 1, 1], "min");
    eqAll(mx, [NaN, NaN, 3, 3, 3, 1, 2], "max");
  });

  it("strictly decreasing 10..1, window 4: max = oldest, min = newest (max deque full, evicted from the front)", () => {
    const p = make(4, 0.5);
    for (let i = 0; i < 10; i++) {
      rollingStatsPush(p, <f64>(10 - i));
      if (i < 3) continue;
      eq(rs(p).max, <f64>(10 - i + 3), "max at " + i.toString());
      eq(rs(p).min, <f64>(10 - i), "min at " + i.toString());
    }
  });

  it("strictly increasing 1..10, window 4: min = oldest, max = newest", () => {
    const p = make(4, 0.5);
    for (let i = 0; i < 10; i++) {
      rollingStatsPush(p, <f64>(i + 1));
      if (i < 3) continue;
      eq(rs(p).min, <f64>(i - 2), "min at " + i.toString());
      eq(rs(p).max, <f64>(i + 1), "max at " + i.toString());
    }
  });

  it("600 pseudo-random integers 0..19 (many ties), window 7: min/max equal a brute-force scan", () => {
    const w = 7, total = 600;
    const p = make(w, 0.5);
    const v = new StaticArray<f64>(total);
    let seed: u32 = 12345;
    for (let i = 0; i < total; i++) {
      seed = seed * 1103515245 + 12345;
      v[i] = <f64>((seed >> 16) % 20);
      rollingStatsPush(p, v[i]);
      if (i < w - 1) continue;
      let lo = v[i], hi = v[i];
      for (let j = i - w + 1; j <= i; j++) {
        lo = min(lo, v[j]);
        hi = max(hi, v[j]);
      }
      if (rs(p).min != lo) eq(rs(p).min, lo, "min at " + i.toString());
      if (rs(p).max != hi) eq(rs(p).max, hi, "max at " + i.toString());
    }
  });
});

// Error budget and exact rebuilds: a huge value leaving the window forces a rebuild.
describe("rollingStats: rebuilds and accuracy", () => {
  it("[1e12, 1, 2, 3, 4, 5] window 4: rebuilds increments once 1e12 leaves; [1,2,3,4] and [2,3,4,5] have std √(5/3)", () => {
    const p = make(4, 0.5);
    pushAll(p, [1e12, 1, 2, 3]);
    close(rs(p).mean, (1e12 + 6) / 4, 1e-15, "mean with 1e12 inside");
    pushAll(p, [4]);
    expect<f64>(rs(p).rebuilds).toBeGreaterThanOrEqual(1, "rebuilt after 1e12 left");
    close(rs(p).mean, 2.5, 1e-11, "mean [1,2,3,4]");
    close(rs(p).std, sqrt(5.0 / 3.0), 1e-11, "std [1,2,3,4] = 1.2909944487358056");
    close(rs(p).zscore, 1.5 / sqrt(5.0 / 3.0), 1e-11, "zscore (4 − 2.5)/std");
    pushAll(p, [5]);
    close(rs(p).mean, 3.5, 1e-11, "mean [2,3,4,5]");
    close(rs(p).std, sqrt(5.0 / 3.0), 1e-11, "std [2,3,4,5]");
    eq(rs(p).min, 2, "min");
    eq(rs(p).max, 5, "max");
  });

  it("prices near 61,800 (window 20, 400 ticks): std within 1e-9 and mean within 1e-9 of a two-pass reference", () => {
    const w = 20, total = 400;
    const p = make(w, 0.1);
    const v = new StaticArray<f64>(total);
    for (let i = 0; i < total; i++) {
      v[i] = 61800 + <f64>((i * 37) % 23) * 0.01 - 0.05 + <f64>(i / 50) * 0.5;
      rollingStatsPush(p, v[i]);
      if (i < w - 1 || (i % 5 != 0 && i < total - 3)) continue;
      close(rs(p).std, refStd(v, i, w), 1e-9, "std at " + i.toString());
      expect<f64>(abs(rs(p).mean - refMean(v, i, w))).toBeLessThanOrEqual(1e-9, "mean at " + i.toString());
    }
  });

  it("the error budget is not spent on a well-scaled series: 1..60 in window 5 rebuilds rarely (< 12 times)", () => {
    const p = make(5, 0.5);
    for (let i = 1; i <= 60; i++) rollingStatsPush(p, <f64>i);
    expect<f64>(rs(p).rebuilds).toBeLessThan(12);
    eq(rs(p).mean, 58, "mean [56..60]");
    close(rs(p).std, sqrt(2.5), 1e-12, "std [56..60] = √(10/4)");
  });
});

// Percentile rank: (count below + (count equal + 1)/2) / n, pandas rank(pct=True) with ties averaged.
describe("percentileRank", () => {
  it("[1,2,3] x = 3 → (2 + 1)/3 = 1", () => {
    eq(percentileRank(f64s([1, 2, 3]), 3, 3), 1);
  });

  it("ties averaged, n = 5 (pairs + tail): [1,2,2,2,5] x = 2 → (1 + (3+1)/2)/5 = 0.6", () => {
    eq(percentileRank(f64s([1, 2, 2, 2, 5]), 5, 2), 0.6);
  });

  it("ties across pairs and tail, n = 7: [2,2,1,3,2,5,2] x = 2 → (1 + (4+1)/2)/7 = 0.5", () => {
    eq(percentileRank(f64s([2, 2, 1, 3, 2, 5, 2]), 7, 2), 0.5);
  });

  it("x not present, n = 4 (pairs only): [4,3,2,1] x = 2.5 → (2 + 0.5)/4 = 0.625", () => {
    eq(percentileRank(f64s([4, 3, 2, 1]), 4, 2.5), 0.625);
  });

  it("x below all: [1,2,3] x = 0 → 0.5/3; n = 1: [7] x = 7 → 1", () => {
    eq(percentileRank(f64s([1, 2, 3]), 3, 0), 0.5 / 3.0);
    eq(percentileRank(f64s([7]), 1, 7), 1);
  });

  it("all equal, n = 6: x = 3 → (0 + (6+1)/2)/6 = 7/12", () => {
    eq(percentileRank(f64s([3, 3, 3, 3, 3, 3]), 6, 3), 7.0 / 12.0);
  });

  it("pointer not 16-byte aligned (block + 8), n = 5: [9 | 1,2,2,2,5] x = 2 → 0.6", () => {
    eq(percentileRank(f64s([9, 1, 2, 2, 2, 5]) + 8, 5, 2), 0.6);
  });

  it("rollingStatsRank: NaN until full, then rank of the latest value in the window (window 4)", () => {
    const p = make(4, 0.5);
    pushAll(p, [3, 1, 3]);
    eq(rollingStatsRank(p), NaN, "warm-up");
    rollingStatsPush(p, 2);
    eq(rollingStatsRank(p), 0.5, "{3,1,3,2} x = 2: (1 + 1)/4");
    rollingStatsPush(p, 3);
    eq(rollingStatsRank(p), 0.875, "{1,3,2,3} x = 3: (2 + (2+1)/2)/4");
    rollingStatsPush(p, 0);
    eq(rollingStatsRank(p), 0.25, "{3,2,3,0} x = 0: (0 + 1)/4");
  });

  it("batch outRank matches: [3,1,3,2,3,0] window 4 → [NaN, NaN, NaN, 0.5, 0.875, 0.25]", () => {
    const p = make(4, 0.5);
    const out = filled(6, 99);
    expect<i32>(rollingStatsBatch(p, f64s([3, 1, 3, 2, 3, 0]), 6, 0, 0, 0, 0, 0, out)).toBe(-1);
    eqAll(out, [NaN, NaN, NaN, 0.5, 0.875, 0.25]);
  });
});

// Batch: same outputs as pushing one by one; stops at the first non-finite value.
describe("rollingStatsBatch", () => {
  it("writes every requested output equal to the push-by-push state", () => {
    const vals: f64[] = [1, 2, 3, 4, 0, 0, 0, 5];
    const n = vals.length;
    const p = make(3, 0.5), q = make(3, 0.5);
    const mean = filled(n, 99), std = filled(n, 99), z = filled(n, 99), mn = filled(n, 99), mx = filled(n, 99);
    expect<i32>(rollingStatsBatch(p, f64s(vals), n, mean, std, z, mn, mx, 0)).toBe(-1);
    for (let i = 0; i < n; i++) {
      rollingStatsPush(q, vals[i]);
      const s = rs(q), w = "at " + i.toString();
      eq(at(mean, i), s.mean, "mean " + w);
      eq(at(std, i), s.std, "std " + w);
      eq(at(z, i), s.zscore, "zscore " + w);
      eq(at(mn, i), s.min, "min " + w);
      eq(at(mx, i), s.max, "max " + w);
    }
    bits(at(std, 6), 0, "[0,0,0] std exactly 0");
    eq(at(z, 6), NaN, "[0,0,0] zscore NaN");
  });

  it("NaN at index 3 → returns 3; outputs 0..2 written, 3.. untouched", () => {
    const p = make(2, 0.5);
    const mean = filled(5, 99);
    expect<i32>(rollingStatsBatch(p, f64s([1, 3, 5, NaN, 7]), 5, mean, 0, 0, 0, 0, 0)).toBe(3);
    eqAll(mean, [NaN, 2, 4, 99, 99]);
  });

  it("+Infinity at index 0 and −Infinity at index 2 are rejected too", () => {
    expect<i32>(rollingStatsBatch(make(2, 0.5), f64s([Infinity, 1]), 2, 0, 0, 0, 0, 0, 0)).toBe(0);
    expect<i32>(rollingStatsBatch(make(2, 0.5), f64s([1, 2, -Infinity]), 3, 0, 0, 0, 0, 0, 0)).toBe(2);
  });

  it("n = 0 returns −1 and writes nothing", () => {
    const out = filled(1, 99);
    expect<i32>(rollingStatsBatch(make(2, 0.5), f64s([]), 0, out, out, out, out, out, out)).toBe(-1);
    eqAll(out, [99]);
  });
});

// Reset: back to the fresh state, window and alpha kept.
describe("rollingStats: reset", () => {
  it("clears outputs, count, EMA and rebuilds; the next pushes warm up again", () => {
    const p = make(3, 0.5);
    pushAll(p, [1e12, 1, 2, 3, 4]);
    rollingStatsReset(p);
    expectWarmup(p, "after reset");
    eq(rs(p).ema, NaN, "ema");
    eq(rs(p).last, NaN, "last");
    eq(rs(p).count, 0, "count");
    eq(rs(p).rebuilds, 0, "rebuilds");
    pushAll(p, [2, 4]);
    expectWarmup(p, "warm-up again");
    eq(rs(p).ema, 3, "ema restarts at the first value: 0.5·2 + 0.5·4");
    rollingStatsPush(p, 6);
    eq(rs(p).mean, 4, "mean [2,4,6]");
    eq(rs(p).std, 2, "std [2,4,6]");
  });
});

// min_periods: outputs appear once minPeriods values are in, over the values so far
describe("rollingStats: minPeriods (pandas rolling(w, min_periods=m))", () => {
  it("w = 4, m = 2: [NaN, 2, 3, 3.5, 4.75] means for 1, 3, 5, 5, 6 (partial windows, then full)", () => {
    const p = make(4, 0.5, 2);
    rollingStatsPush(p, 1);
    expect(isNaN(rs(p).mean)).toBe(true, "one value < m");
    expect(isNaN(rollingStatsRank(p))).toBe(true, "rank below m");
    rollingStatsPush(p, 3);
    eq(rs(p).mean, 2, "mean of {1, 3}");
    eq(rs(p).std, Math.SQRT2, "std of {1, 3} = √2");
    eq(rs(p).min, 1, "min");
    eq(rs(p).max, 3, "max");
    eq(rollingStatsRank(p), 1, "3 is the largest of 2");
    rollingStatsPush(p, 5);
    eq(rs(p).mean, 3, "mean of {1, 3, 5}");
    rollingStatsPush(p, 5);
    eq(rs(p).mean, 3.5, "mean of {1, 3, 5, 5}");
    eq(rollingStatsRank(p), 3.5 / 4.0, "the two 5s share ranks 3 and 4");
    rollingStatsPush(p, 6);
    eq(rs(p).mean, 4.75, "mean of {3, 5, 5, 6}");
    eq(rs(p).min, 3, "1 has left");
  });

  it("m = 1: std is NaN with one value (ddof 1) while mean, min and max are defined", () => {
    const p = make(3, 0.5, 1);
    rollingStatsPush(p, 7);
    eq(rs(p).mean, 7, "mean");
    expect(isNaN(rs(p).std)).toBe(true, "std");
    eq(rs(p).min, 7, "min");
  });

  it("batch with m = 2: rank over the partial window", () => {
    const p = make(3, 0.5, 2);
    const v = f64s([2, 1, 3, 3]);
    const mean = filled(4, 99), rank = filled(4, 99);
    expect(rollingStatsBatch(p, v, 4, mean, 0, 0, 0, 0, rank)).toBe(-1);
    expect(isNaN(at(mean, 0))).toBe(true, "mean[0]");
    eq(at(mean, 1), 1.5, "mean[1] of {2, 1}");
    eq(at(rank, 1), 0.5, "1 is the smaller of {2, 1}");
    eq(at(rank, 3), 2.5 / 3.0, "the two 3s of {1, 3, 3} share ranks 2 and 3");
  });
});

describe("rollingStats: without extrema", () => {
  it("min and max stay NaN; mean, std, zscore and rank are the same as with them", () => {
    const a = make(3, 0.5, 0, 0), b = make(3, 0.5);
    const v: f64[] = [4, 1, 7, 7, 2, 9, 3];
    for (let i = 0; i < v.length; i++) {
      rollingStatsPush(a, v[i]);
      rollingStatsPush(b, v[i]);
      expect(isNaN(rs(a).min) && isNaN(rs(a).max)).toBe(true, "no extrema");
      bits(rs(a).mean, rs(b).mean, "same mean");
      bits(rs(a).std, rs(b).std, "same std");
      bits(rs(a).zscore, rs(b).zscore, "same zscore");
      bits(rollingStatsRank(a), rollingStatsRank(b), "same rank");
    }
  });
});
