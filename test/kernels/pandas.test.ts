/**
 * Reference values from pandas (test/fixtures/pandas-rolling.json, produced by
 * make_pandas_fixture.py beside it): rolling(w).mean/std/min/max/rank(pct=True)/
 * cov/corr and ewm(alpha, adjust=False).mean() on a small well-conditioned series,
 * on every backend. null in the fixture is pandas' NaN.
 *
 * One deliberate difference: over a window where a series is constant pandas returns
 * cov = rounding noise (e.g. −1.4e−12) and corr = ±inf, because it computes
 * E[xy] − E[x]E[y]; we return cov = 0 and corr = NaN (correlation is undefined when a
 * variance is zero). The test pins both sides of that difference.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { backends } from "../support/backends.js";
import { expectClose } from "../support/close.js";

interface Fixture {
  source: string;
  x: number[];
  y: number[];
  rolling: Record<string, Record<"mean" | "std" | "min" | "max" | "rank" | "cov" | "corr", Value[]>>;
  ewm: Record<string, Value[]>;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/pandas-rolling.json", import.meta.url), "utf8")) as Fixture;
const x = Float64Array.from(fixture.x),
  y = Float64Array.from(fixture.y);
type Value = number | null | "inf" | "-inf";
const nan = (v: Value): number => (v === null ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

describe.each(backends)("pandas semantics on $backend", (k) => {
  // keys are "w" or "w,min_periods"
  test.each(Object.keys(fixture.rolling))(`rolling(%s) matches ${fixture.source}`, (key) => {
    const ref = fixture.rolling[key]!;
    const [w, m] = key.split(",").map(Number) as [number, number | undefined];
    const r = k.rolling(x, w, { minPeriods: m ?? w });
    if (m !== undefined) {
      // cov/corr have no min_periods here: compare them only from the full window on
      ref.cov = ref.cov.map((v, i) => (i + 1 >= w ? v : null));
      ref.corr = ref.corr.map((v, i) => (i + 1 >= w ? v : null));
    }
    const cov = k.rollingCov(x, y, w),
      corr = k.rollingCorr(x, y, w);
    const got = { mean: r.mean, std: r.std, min: r.min, max: r.max, rank: r.rank, cov, corr };
    for (const [stat, values] of Object.entries(ref)) {
      values.forEach((v, i) => {
        if ((stat === "cov" || stat === "corr") && ref.std[i] === 0) return; // the constant-window difference, below
        // pandas' cov/corr carry its own E[xy] − E[x]E[y] cancellation, ~ε·|x|·|y| ≈ 1e-12 here
        const tol = stat === "cov" || stat === "corr" ? 1e-10 : 1e-12;
        expectClose(got[stat as keyof typeof got][i]!, nan(v), tol, tol, `rolling(${key}).${stat}[${i}]`);
      });
    }
    ref.std.forEach((s, i) => {
      if (s !== 0 || Number(w) < 2) return;
      expect(Number.isFinite(nan(ref.corr[i]!)), `pandas corr[${i}] over a constant window is not finite`).toBe(false);
      expect(cov[i], `cov[${i}] over a constant window`).toBe(0);
      expect(corr[i], `corr[${i}] over a constant window`).toBeNaN();
    });
  });

  test.each(Object.keys(fixture.ewm))("ewm(alpha=%s, adjust=False)", (a) => {
    const out = k.ewm(x, Number(a));
    for (const [i, v] of fixture.ewm[a]!.entries()) expectClose(out[i]!, nan(v), 1e-12, 0, `ewm[${i}]`);
  });

  test("a window of equal values has std exactly 0, as in pandas", () => {
    expect(fixture.rolling["3"]!.std[11], "pandas fixture").toBe(0);
    expect(k.rolling(x, 3).std[11]).toBe(0);
  });
});
