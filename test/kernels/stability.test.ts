/**
 * Numerical stability of the rolling windows over long runs: the check (rolling
 * std over 1e6 prices near 60,000 with tiny variance matches a two-pass reference
 * within 1e-9 relative) and the same for the slid sums of the volume window.
 */
import { describe, expect, test } from "vitest";
import { backends } from "../support/backends.js";

/** Deterministic prices: 60,000 + uniform noise of ±0.005 (std ≈ 0.0029), mulberry32. */
function prices(n: number, seed: number): Float64Array {
  let a = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = 60000 + (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) * 0.01;
  }
  return out;
}

/** Two-pass sample std of v[from, from + w), with a compensated first pass. */
function twoPassStd(v: Float64Array, from: number, w: number): number {
  let s = 0,
    c = 0;
  for (let i = from; i < from + w; i++) {
    const t = s + v[i]!;
    c += Math.abs(s) >= Math.abs(v[i]!) ? s - t + v[i]! : v[i]! - t + s;
    s = t;
  }
  const mean = (s + c) / w;
  let q = 0;
  for (let i = from; i < from + w; i++) q += (v[i]! - mean) ** 2;
  return Math.sqrt(q / (w - 1));
}

const N = 1_000_000;
const data = prices(N, 42);

describe.each(backends)("stability on $backend", (k) => {
  test.each([20, 1000])("rolling std, window %i, over 1e6 prices near 60,000 within 1e-9 of two-pass", (w) => {
    const std = k.rolling(data, w, { rank: false }).std;
    let worst = 0;
    // every 37th window plus the last 1,000 (drift, if any, would be largest there)
    for (let end = w - 1; end < N; end += end > N - 1000 ? 1 : 37) {
      const ref = twoPassStd(data, end - w + 1, w);
      worst = Math.max(worst, Math.abs(std[end]! - ref) / ref);
    }
    expect(worst, `worst relative error of rolling std (window ${w})`).toBeLessThan(1e-9);
  });

  test("a plain running sum of squares fails the same check (why the budgeted Welford exists)", () => {
    const w = 1000;
    let s = 0,
      q = 0,
      worst = 0;
    for (let i = 0; i < N; i++) {
      s += data[i]!;
      q += data[i]! * data[i]!;
      if (i >= w) {
        s -= data[i - w]!;
        q -= data[i - w]! * data[i - w]!;
      }
      if (i >= w - 1 && i % 997 === 0) {
        const naive = Math.sqrt(Math.max(0, (q - (s * s) / w) / (w - 1)));
        const ref = twoPassStd(data, i - w + 1, w);
        worst = Math.max(worst, Math.abs(naive - ref) / ref);
      }
    }
    expect(worst, "naive sum-of-squares relative error").toBeGreaterThan(1e-3);
  });

  test("volume window sums over 1e6 trades stay within 1e-12 of a recount", () => {
    const win = k.volumeDeltaWindow({ count: 500 });
    const qty = prices(N, 7).map((p) => (p - 59999.99) * 100); // 0.5–1.5, two decimals of noise
    let worst = 0;
    for (let i = 0; i < N; i++) {
      win.push(qty[i]!, (i & 1) === 0, i);
      if (i % 9973 === 0 && i >= 500) {
        let b = 0,
          s = 0;
        for (let j = i - 499; j <= i; j++) (j & 1) === 0 ? (b += qty[j]!) : (s += qty[j]!);
        worst = Math.max(worst, Math.abs(win.buyVolume - b) / b, Math.abs(win.sellVolume - s) / s);
      }
    }
    win.dispose();
    expect(worst, "worst relative error of the slid sums").toBeLessThan(1e-12);
  });
});
