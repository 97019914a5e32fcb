/**
 * stats/rollingCorr.ts: pandas rolling(w).cov / rolling(w).corr of two series:
 * NaN until the window is full, cov 0 and corr NaN when either series is constant
 * over the window, corr clamped to [−1, 1]; bivariate Welford with exact rebuilds
 * (counted in `rebuilds`). No SIMD path.
 */
import {
  RollingCorr, rollingCorrSize, rollingCorrInit, rollingCorrReset, rollingCorrPush, rollingCorrBatch,
} from "../stats/rollingCorr";
import { alloc } from "../memory";
import { f64s, filled, at, eq, eqAll, bits, close } from "./helpers";

function make(window: i32): usize {
  const p = alloc(rollingCorrSize(window));
  rollingCorrInit(p, window);
  return p;
}

function rc(p: usize): RollingCorr {
  return changetype<RollingCorr>(p);
}

function pushAll(p: usize, xs: f64[], ys: f64[]): void {
  for (let i = 0; i < xs.length; i++) rollingCorrPush(p, xs[i], ys[i]);
}

// Output layout read by src/kernels/wasm/stats/rollingCorr.ts.
describe("rollingCorr: layout", () => {
  it("cov, corr, count, rebuilds at f64 slots 0..3", () => {
    expect<usize>(offsetof<RollingCorr>("cov")).toBe(0);
    expect<usize>(offsetof<RollingCorr>("corr")).toBe(8);
    expect<usize>(offsetof<RollingCorr>("count")).toBe(16);
    expect<usize>(offsetof<RollingCorr>("rebuilds")).toBe(24);
  });
});

// Warm-up and a worked example, window 3.
describe("rollingCorr: warm-up and worked example (window 3)", () => {
  it("(1,2), (2,4): NaN while filling; count 1, 2", () => {
    const p = make(3);
    eq(rc(p).cov, NaN, "fresh cov");
    eq(rc(p).corr, NaN, "fresh corr");
    rollingCorrPush(p, 1, 2);
    eq(rc(p).cov, NaN, "cov n=1");
    eq(rc(p).count, 1, "count");
    rollingCorrPush(p, 2, 4);
    eq(rc(p).cov, NaN, "cov n=2");
    eq(rc(p).corr, NaN, "corr n=2");
    eq(rc(p).count, 2, "count");
  });

  it("x [1,2,3], y [2,4,6]: cov ((−1)(−2) + 0 + (1)(2))/2 = 2, corr 1", () => {
    const p = make(3);
    pushAll(p, [1, 2, 3], [2, 4, 6]);
    close(rc(p).cov, 2, 1e-15, "cov");
    close(rc(p).corr, 1, 1e-15, "corr");
    expect<f64>(rc(p).corr).toBeLessThanOrEqual(1, "clamped");
    eq(rc(p).count, 3, "count");
  });

  it("→ (4,2): x [2,3,4], y [4,6,2]: Σdx·dy = −2 → cov −1; corr −2/√(2·8) = −0.5", () => {
    const p = make(3);
    pushAll(p, [1, 2, 3, 4], [2, 4, 6, 2]);
    close(rc(p).cov, -1, 1e-14, "cov");
    close(rc(p).corr, -0.5, 1e-14, "corr");
  });

  it("→ (5,0): x [3,4,5], y [6,2,0]: Σdx·dy = −6 → cov −3; Σdy² = 56/3 → corr −6/√(2·56/3) = −0.9819805060619655", () => {
    const p = make(3);
    pushAll(p, [1, 2, 3, 4, 5], [2, 4, 6, 2, 0]);
    close(rc(p).cov, -3, 1e-14, "cov");
    close(rc(p).corr, -6 / sqrt(2 * 56.0 / 3.0), 1e-14, "corr");
    eq(rc(p).count, 3, "count");
  });

  it("window 2: (1,1), (3,2) → cov (−1)(−0.5) + (1)(0.5) = 1, corr 1; y = −2x + 1 → corr −1", () => {
    const p = make(2);
    pushAll(p, [1, 3], [1, 2]);
    close(rc(p).cov, 1, 1e-15, "cov");
    close(rc(p).corr, 1, 1e-15, "corr");
    const q = make(4);
    pushAll(q, [1, 2, 3, 4], [-1, -3, -5, -7]);
    close(rc(q).corr, -1, 1e-15, "corr −1");
    expect<f64>(rc(q).corr).toBeGreaterThanOrEqual(-1, "clamped");
  });

  it("clamp: y = 3x + 0.3 on x = 3.3 + 0.001·i, window 5 — r rounds to 1.0000000000000002, corr is exactly 1", () => {
    const p = make(5);
    pushAll(p,
      [3.3, 3.3009999999999997, 3.3019999999999996, 3.303, 3.304, 3.3049999999999997, 3.3059999999999996],
      [10.2, 10.203, 10.206, 10.209, 10.212, 10.215, 10.218]);
    eq(rc(p).corr, 1, "corr");
  });

  it("window 1: always NaN (n < 2)", () => {
    const p = make(1);
    pushAll(p, [1, 2, 3], [3, 1, 2]);
    eq(rc(p).cov, NaN, "cov");
    eq(rc(p).corr, NaN, "corr");
  });
});

// Zero variance over the window: cov exactly 0, corr NaN; then recovery.
describe("rollingCorr: constant series", () => {
  it("x [5,5,5], y [1,2,3]: cov 0, corr NaN; y constant too: same", () => {
    const p = make(3);
    pushAll(p, [5, 5, 5], [1, 2, 3]);
    bits(rc(p).cov, 0, "cov");
    eq(rc(p).corr, NaN, "corr");
    const q = make(3);
    pushAll(q, [1, 2, 3], [7, 7, 7]);
    bits(rc(q).cov, 0, "cov, y constant");
    eq(rc(q).corr, NaN, "corr, y constant");
  });

  it("constant x leaves: → (6,4): x [5,5,6], y [2,3,4]: cov 1/2, corr 1/√(2/3·2) = √3/2", () => {
    const p = make(3);
    pushAll(p, [5, 5, 5, 6], [1, 2, 3, 4]);
    close(rc(p).cov, 0.5, 1e-14, "cov");
    close(rc(p).corr, sqrt(3.0) / 2, 1e-14, "corr = 0.8660254037844386");
  });

  it("x [0.2, 12.34, 0.001, 0.001, 0.001] window 3: cov exactly 0 (the running co-moment alone is −2.2e-16), corr NaN", () => {
    const p = make(3);
    pushAll(p, [0.2, 12.34, 0.001, 0.001, 0.001], [0.3, 0.1, 0.2, 0.3, 0.3]);
    bits(rc(p).cov, 0, "cov");
    eq(rc(p).corr, NaN, "corr");
  });

  it("x becomes constant after varying: x [1,2,9,9,9] window 3 → cov 0 exactly, corr NaN", () => {
    const p = make(3);
    pushAll(p, [1, 2, 9, 9, 9], [4, 1, 3, 8, 2]);
    bits(rc(p).cov, 0, "cov");
    eq(rc(p).corr, NaN, "corr");
  });
});

// Rebuilds and accuracy at price level.
describe("rollingCorr: rebuilds and accuracy", () => {
  it("x [1e12,1,2,3,4], y [1e12,2,1,4,3] window 3: rebuilds increments; [2,3,4]/[1,4,3] → cov 1, corr 2/√(28/3)", () => {
    const p = make(3);
    pushAll(p, [1e12, 1, 2, 3], [1e12, 2, 1, 4]);
    expect<f64>(rc(p).rebuilds).toBeGreaterThanOrEqual(1, "rebuilt after 1e12 left");
    close(rc(p).cov, 1, 1e-11, "cov [1,2,3]/[2,1,4]");
    close(rc(p).corr, 2 / sqrt(28.0 / 3.0), 1e-11, "corr [1,2,3]/[2,1,4]");
    rollingCorrPush(p, 4, 3);
    close(rc(p).cov, 1, 1e-11, "cov [2,3,4]/[1,4,3]");
    close(rc(p).corr, 2 / sqrt(28.0 / 3.0), 1e-11, "corr = 0.654653670707977");
  });

  it("prices near 61,800 and 3,400 (window 20, 300 ticks): cov and corr match a two-pass reference; |corr| ≤ 1", () => {
    const w = 20, total = 300;
    const p = make(w);
    const xs = new StaticArray<f64>(total), ys = new StaticArray<f64>(total);
    for (let i = 0; i < total; i++) {
      xs[i] = 61800 + <f64>((i * 37) % 23) * 0.01 + <f64>(i / 40);
      ys[i] = 3400 + <f64>((i * 11) % 17) * 0.01 + 0.5 * <f64>((i * 37) % 23) * 0.01;
      rollingCorrPush(p, xs[i], ys[i]);
      const r = rc(p).corr;
      if (i >= w - 1) expect<bool>(r >= -1 && r <= 1).toBe(true, "corr in [−1, 1]");
      if (i < w - 1 || (i % 5 != 0 && i < total - 3)) continue;
      let mx: f64 = 0, my: f64 = 0;
      for (let j = i - w + 1; j <= i; j++) { mx += xs[j]; my += ys[j]; }
      mx /= <f64>w;
      my /= <f64>w;
      let sxy: f64 = 0, sxx: f64 = 0, syy: f64 = 0;
      for (let j = i - w + 1; j <= i; j++) {
        sxy += (xs[j] - mx) * (ys[j] - my);
        sxx += (xs[j] - mx) * (xs[j] - mx);
        syy += (ys[j] - my) * (ys[j] - my);
      }
      close(rc(p).cov, sxy / <f64>(w - 1), 1e-9, "cov at " + i.toString());
      expect<f64>(abs(r - sxy / sqrt(sxx) / sqrt(syy))).toBeLessThanOrEqual(1e-9, "corr at " + i.toString());
    }
  });
});

// Batch: same as pushing; stops at the first non-finite x or y.
describe("rollingCorrBatch", () => {
  it("writes cov and corr equal to push-by-push; returns −1", () => {
    const xs: f64[] = [1, 2, 3, 4, 5, 5, 5, 5];
    const ys: f64[] = [2, 4, 6, 2, 0, 1, 2, 3];
    const n = xs.length;
    const p = make(3), q = make(3);
    const cov = filled(n, 99), corr = filled(n, 99);
    expect<i32>(rollingCorrBatch(p, f64s(xs), f64s(ys), n, cov, corr)).toBe(-1);
    for (let i = 0; i < n; i++) {
      rollingCorrPush(q, xs[i], ys[i]);
      eq(at(cov, i), rc(q).cov, "cov at " + i.toString());
      eq(at(corr, i), rc(q).corr, "corr at " + i.toString());
    }
    eq(at(cov, 0), NaN, "warm-up");
    bits(at(cov, 7), 0, "x [5,5,5] → cov 0");
    eq(at(corr, 7), NaN, "x [5,5,5] → corr NaN");
  });

  it("NaN in y at index 2 → returns 2, outputs 0..1 written, 2.. untouched; null pointers skip outputs", () => {
    const p = make(2);
    const cov = filled(4, 99);
    expect<i32>(rollingCorrBatch(p, f64s([1, 2, 3, 4]), f64s([1, 3, NaN, 4]), 4, cov, 0)).toBe(2);
    close(at(cov, 1), 1, 1e-15, "cov of (1,1),(2,3) = (−0.5)(−1) + (0.5)(1) = 1");
    eqAll(cov, [NaN, at(cov, 1), 99, 99]);
  });

  it("+Infinity in x at index 0 → 0; −Infinity in y at index 1 → 1; n = 0 → −1", () => {
    expect<i32>(rollingCorrBatch(make(2), f64s([Infinity, 1]), f64s([1, 2]), 2, 0, 0)).toBe(0);
    expect<i32>(rollingCorrBatch(make(2), f64s([1, 2]), f64s([1, -Infinity]), 2, 0, 0)).toBe(1);
    expect<i32>(rollingCorrBatch(make(2), f64s([]), f64s([]), 0, 0, 0)).toBe(-1);
  });
});

// Reset: back to the fresh state, window kept.
describe("rollingCorr: reset", () => {
  it("clears outputs, count and rebuilds; warm-up again afterwards", () => {
    const p = make(3);
    pushAll(p, [1e12, 1, 2, 3, 4], [1e12, 2, 1, 4, 3]);
    rollingCorrReset(p);
    eq(rc(p).cov, NaN, "cov");
    eq(rc(p).corr, NaN, "corr");
    eq(rc(p).count, 0, "count");
    eq(rc(p).rebuilds, 0, "rebuilds");
    pushAll(p, [1, 2], [2, 4]);
    eq(rc(p).cov, NaN, "warm-up again");
    rollingCorrPush(p, 3, 6);
    close(rc(p).cov, 2, 1e-15, "cov [1,2,3]/[2,4,6]");
  });
});
