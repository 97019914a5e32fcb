/**
 * Differential property tests (fast-check): every kernel on the WASM SIMD, WASM
 * scalar and JS backends against a naive O(n·w) reference (test/support/reference.ts,
 * exact-rounded sums). The backends must agree bit for bit with each other (they
 * share one accumulation order); the reference within 1e-9 relative, plus an
 * absolute floor set by the quantity's conditioning (the inputs' magnitude times
 * 1e-13) where cancellation makes relative error meaningless.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { backends } from "../support/backends.js";
import { expectClose, expectIdentical, maxAbs } from "../support/close.js";
import { fsum, refCorr, refEwm, refImbalance, refOfi, refRolling, refRollingSum, refVolumeDelta } from "../support/reference.js";
import { levelWeights } from "../../src/index.js";

const RUNS = { numRuns: 1000 };
const REL = 1e-9;
/** The square of a double's machine epsilon (2^-52)², as the compensated sums' error budget counts it. */
const EPS2 = 2 ** -104;
const FLOOR = 1e-13;
/** Below this magnitude squares are subnormal and carry no relative precision (std, cov, corr). */
const SQUARE_UNDERFLOW = 1e-150;

/** Values with ties, zeros, huge and tiny magnitudes and price-like levels. */
const value = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, -1, 2, 0.5, 100, 61837.63, 61837.64) },
  // below SQUARE_UNDERFLOW a value's square is subnormal and a z-score on it is noise on every side: 0 instead
  { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => (Math.abs(x) < SQUARE_UNDERFLOW ? 0 : x)) },
  { weight: 1, arbitrary: fc.double({ min: 1e-150, max: 1e-6, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: 1e100, max: 1e150, noNaN: true }).map((x) => -x) },
  { weight: 1, arbitrary: fc.double({ min: 1e100, max: 1e150, noNaN: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -20, max: 20 }).map((k) => 60000 + k * 0.01) },
);
const quantity = fc.oneof(
  fc.constantFrom(0, 0.5, 1, 0.02),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.double({ min: 1e-150, max: 1e-6, noNaN: true }),
  fc.double({ min: 1e100, max: 1e150, noNaN: true }),
);
const series = fc.array(value, { minLength: 0, maxLength: 60 }).map((a) => Float64Array.from(a));
/** A random walk near 60,000 with tick-sized steps: the shape of real trade prices. */
const walk = fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 80 }).map((steps) => {
  let p = 60000;
  return Float64Array.from(steps, (s) => (p += s * 0.01));
});

const [simd, ...others] = backends;

describe("rolling statistics", () => {
  test.each([
    ["mixed magnitudes", series],
    ["price-like walk", walk],
  ] as const)("%s: mean/std/zscore/min/max/rank", (_, gen) => {
    const windowAndMin = fc.integer({ min: 1, max: 12 }).chain((w) => fc.tuple(fc.constant(w), fc.integer({ min: 1, max: w })));
    fc.assert(
      fc.property(gen, windowAndMin, (v, [w, m]) => {
        const results = backends.map((k) => k.rolling(v, w, { minPeriods: m }));
        for (const [i, r] of results.entries()) {
          if (i === 0) continue;
          for (const key of ["mean", "std", "zscore", "min", "max", "rank"] as const) {
            expectIdentical(r[key], results[0]![key], `${backends[i]!.backend} ${key} vs wasm-simd`);
          }
        }
        const ref = refRolling(v, w, m);
        const r = results[0]!;
        for (let i = 0; i < v.length; i++) {
          const scale = maxAbs(v, Math.max(0, i - w + 1), i + 1);
          expectClose(r.mean[i]!, ref.mean[i]!, REL, FLOOR * scale, `mean[${i}]`);
          expectClose(r.std[i]!, ref.std[i]!, REL, FLOOR * scale + SQUARE_UNDERFLOW, `std[${i}]`);
          const z = ref.zscore[i]!;
          expectClose(r.zscore[i]!, z, REL, ((1 + Math.abs(z)) * (FLOOR * scale + SQUARE_UNDERFLOW)) / ref.std[i]!, `zscore[${i}]`);
          expectClose(r.min[i]!, ref.min[i]!, 0, 0, `min[${i}]`); // numerically equal (−0 and +0 tie)
          expectClose(r.max[i]!, ref.max[i]!, 0, 0, `max[${i}]`);
          expectClose(r.rank[i]!, ref.rank[i]!, 1e-15, 0, `rank[${i}]`);
        }
      }),
      RUNS,
    );
  });

  test("streaming pushes give exactly the batch results", () => {
    const windowAndMin = fc.integer({ min: 1, max: 12 }).chain((w) => fc.tuple(fc.constant(w), fc.integer({ min: 1, max: w })));
    fc.assert(
      fc.property(series, windowAndMin, (v, [w, m]) => {
        for (const k of backends) {
          const batch = k.rolling(v, w, { minPeriods: m });
          const win = k.rollingStats(w, { minPeriods: m });
          v.forEach((x, i) => {
            win.push(x);
            expectIdentical(
              [win.mean, win.std, win.zscore, win.min, win.max, win.rank()],
              [batch.mean[i]!, batch.std[i]!, batch.zscore[i]!, batch.min[i]!, batch.max[i]!, batch.rank[i]!],
              `${k.backend} push ${i}`,
            );
          });
          win.dispose();
        }
      }),
      { numRuns: 300 },
    );
  });
});

test("ewm(alpha, adjust=False) matches the closed form", () => {
  const alpha = fc.oneof(fc.constantFrom(1, 0.5, 0.1), fc.double({ min: 1e-3, max: 1, noNaN: true }));
  fc.assert(
    fc.property(series, alpha, (v, a) => {
      const results = backends.map((k) => k.ewm(v, a));
      for (const [i, r] of results.slice(1).entries()) expectIdentical(r, results[0]!, `${others[i]!.backend} ewm`);
      const ref = refEwm(v, a);
      for (const [i, y] of ref.entries()) expectClose(results[0]![i]!, y, REL, 1e-12 * maxAbs(v, 0, i + 1), `ewm[${i}]`);
    }),
    RUNS,
  );
});

test("rolling cov and corr", () => {
  const pairs = fc.array(fc.tuple(value, value), { minLength: 0, maxLength: 50 });
  fc.assert(
    fc.property(pairs, fc.integer({ min: 1, max: 10 }), (ps, w) => {
      const x = Float64Array.from(ps, (p) => p[0]),
        y = Float64Array.from(ps, (p) => p[1]);
      const results = backends.map((k) => [k.rollingCov(x, y, w), k.rollingCorr(x, y, w)] as const);
      results.slice(1).forEach(([c, r], i) => {
        expectIdentical(c, results[0]![0], `${others[i]!.backend} cov`);
        expectIdentical(r, results[0]![1], `${others[i]!.backend} corr`);
      });
      const ref = refCorr(x, y, w);
      for (let i = 0; i < x.length; i++) {
        const from = Math.max(0, i - w + 1);
        const sx = maxAbs(x, from, i + 1),
          sy = maxAbs(y, from, i + 1);
        const wx = Array.from(x.subarray(from, i + 1)),
          wy = Array.from(y.subarray(from, i + 1));
        const mx = fsum(wx) / wx.length,
          my = fsum(wy) / wy.length;
        const spreadX = Math.sqrt(fsum(wx.map((a) => (a - mx) ** 2))),
          spreadY = Math.sqrt(fsum(wy.map((b) => (b - my) ** 2)));
        const cov = results[0]![0][i]!,
          corr = results[0]![1][i]!;
        if (Number.isNaN(ref.cov[i]!)) expect(cov, `cov[${i}] NaN`).toBeNaN();
        if (Number.isNaN(ref.corr[i]!)) {
          expect(corr, `corr[${i}] NaN`).toBeNaN();
          if (!Number.isNaN(ref.cov[i]!)) expectClose(cov, ref.cov[i]!, 0, 0, `cov[${i}] where corr is undefined`);
          continue;
        }
        expect(Math.abs(corr), `corr[${i}] within [-1, 1]`).toBeLessThanOrEqual(1);
        // where a spread is so small that its square is subnormal, cov and corr have no precision to check
        if (!(spreadX > SQUARE_UNDERFLOW && spreadY > SQUARE_UNDERFLOW)) continue;
        expectClose(cov, ref.cov[i]!, REL, FLOOR * sx * sy, `cov[${i}]`);
        // corr's conditioning: rounding of size eps·|x|·|y| relative to the spread product
        expectClose(corr, ref.corr[i]!, REL, (FLOOR * w * sx * sy) / (spreadX * spreadY), `corr[${i}]`);
      }
    }),
    RUNS,
  );
});

test("volume delta", () => {
  const trades = fc.array(fc.tuple(quantity, fc.boolean()), { minLength: 0, maxLength: 70 });
  fc.assert(
    fc.property(trades, (ts) => {
      const q = Float64Array.from(ts, (t) => t[0]);
      const b = Uint8Array.from(ts, (t) => (t[1] ? 1 : 0));
      const results = backends.map((k) => k.volumeDelta(q, b));
      for (const [i, r] of results.slice(1).entries())
        expectIdentical(Object.values(r), Object.values(results[0]!), `${others[i]!.backend} volumeDelta`);
      const ref = refVolumeDelta(q, b);
      const r = results[0]!;
      expectClose(r.buyVolume, ref.buyVolume, REL, 0, "buy");
      expectClose(r.sellVolume, ref.sellVolume, REL, 0, "sell");
      const total = ref.buyVolume + ref.sellVolume;
      expectClose(r.delta, ref.delta, REL, REL * total, "delta");
      expectClose(r.imbalance, ref.imbalance, REL, REL, "imbalance");
    }),
    RUNS,
  );
});

test("book imbalance, plain and depth-weighted, batch and single", () => {
  const shape = fc.record({ m: fc.integer({ min: 1, max: 9 }), levels: fc.integer({ min: 1, max: 6 }) });
  const input = shape.chain(({ m, levels }) =>
    fc.record({
      m: fc.constant(m),
      levels: fc.constant(levels),
      depth: fc.integer({ min: 1, max: levels }),
      decay: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 3, noNaN: true })),
      bid: fc.array(quantity, { minLength: m * levels, maxLength: m * levels }),
      ask: fc.array(quantity, { minLength: m * levels, maxLength: m * levels }),
    }),
  );
  fc.assert(
    fc.property(input, ({ m, depth, decay, bid, ask }) => {
      const b = Float64Array.from(bid),
        a = Float64Array.from(ask);
      const weights = Array.from(levelWeights(depth, decay));
      const plain = backends.map((k) => k.bookImbalanceBatch(b, a, m, depth));
      const weighted = backends.map((k) => k.depthWeightedImbalanceBatch(b, a, m, depth, decay));
      for (let i = 1; i < backends.length; i++) {
        expectIdentical(plain[i]!, plain[0]!, `${backends[i]!.backend} plain`);
        expectIdentical(weighted[i]!, weighted[0]!, `${backends[i]!.backend} weighted`);
      }
      const refPlain = refImbalance(b, a, m, depth),
        refWeighted = refImbalance(b, a, m, depth, weights);
      for (let j = 0; j < m; j++) {
        expectClose(plain[0]![j]!, refPlain[j]!, REL, 1e-12, `plain[${j}]`);
        expectClose(weighted[0]![j]!, refWeighted[j]!, REL, 1e-12, `weighted[${j}]`);
      }
      // a single book is snapshot 0 of a batch of one: its levels are contiguous
      const bid0 = Float64Array.from({ length: depth }, (_, i) => b[i * m]!);
      const ask0 = Float64Array.from({ length: depth }, (_, i) => a[i * m]!);
      for (const k of backends) {
        expectIdentical(
          [k.bookImbalance(bid0, ask0, depth), k.depthWeightedImbalance(bid0, ask0, depth, decay)],
          [plain[0]![0]!, weighted[0]![0]!],
          `${k.backend} single book`,
        );
      }
    }),
    RUNS,
  );
});

const quotes = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 }), quantity, fc.integer({ min: 0, max: 4 }), quantity), { minLength: 0, maxLength: 60 })
  .map((qs) => ({
    pb: Float64Array.from(qs, (q) => 100 + q[0] * 0.5),
    qb: Float64Array.from(qs, (q) => q[1]),
    pa: Float64Array.from(qs, (q) => 103 + q[2] * 0.5),
    qa: Float64Array.from(qs, (q) => q[3]),
  }));

test("microprice batch equals the formula per quote", () => {
  fc.assert(
    fc.property(quotes, ({ pb, qb, pa, qa }) => {
      const results = backends.map((k) => k.micropriceBatch(pb, qb, pa, qa));
      for (const [i, r] of results.slice(1).entries()) expectIdentical(r, results[0]!, `${others[i]!.backend} microprice`);
      results[0]!.forEach((mp, j) => {
        expectIdentical([mp], [simd!.microprice(pb[j]!, qb[j]!, pa[j]!, qa[j]!)], `microprice[${j}] vs single`);
        expectClose(mp, (pb[j]! * qa[j]! + pa[j]! * qb[j]!) / (qb[j]! + qa[j]!), REL, 0, `microprice[${j}]`);
      });
    }),
    RUNS,
  );
});

test("order-flow imbalance: e[n] and its rolling sum, batch and streaming", () => {
  fc.assert(
    fc.property(quotes, fc.integer({ min: 1, max: 10 }), ({ pb, qb, pa, qa }, w) => {
      const e = backends.map((k) => k.orderFlowImbalance(pb, qb, pa, qa));
      const sums = backends.map((k) => k.rollingOrderFlowImbalance(pb, qb, pa, qa, w));
      for (let i = 1; i < backends.length; i++) {
        expectIdentical(e[i]!, e[0]!, `${backends[i]!.backend} e`);
        expectIdentical(sums[i]!, sums[0]!, `${backends[i]!.backend} rolling sum`);
      }
      const refE = refOfi(pb, qb, pa, qa);
      for (const [i, x] of refE.entries()) expectClose(e[0]![i]!, x, 0, 0, `e[${i}]`);
      const refSum = refRollingSum(refE, w);
      refSum.forEach((s, i) => {
        const scale = fsum(refE.slice(Math.max(1, i - w + 1), i + 1).map(Math.abs));
        // a compensated sliding sum's error: first order in the window's magnitude, plus Neumaier's
        // second-order residue of everything added and subtracted since the last rebuild (at most every
        // value so far, twice) — which matters only when a value far larger than the window's has passed
        // through it (1e135 leaving a window of 1e117s leaves ~1e103)
        const history = 2 * fsum(refE.slice(1, i + 1).map(Math.abs));
        expectClose(sums[0]![i]!, s, REL, 1e-15 * w * scale + 4 * (2 * i) * history * EPS2, `rolling sum[${i}]`);
      });
      for (const k of backends) {
        const win = k.orderFlowWindow(w);
        pb.forEach((_, i) => {
          win.push(pb[i]!, qb[i]!, pa[i]!, qa[i]!);
          expectIdentical([win.last, win.sum], [e[0]![i]!, sums[0]![i]!], `${k.backend} streaming ${i}`);
        });
        win.dispose();
      }
    }),
    RUNS,
  );
});

test("volume delta windows by count and by time match a naive recount", () => {
  const trades = fc.array(fc.tuple(quantity, fc.boolean(), fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 80 });
  fc.assert(
    fc.property(trades, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 1500 }), (ts, count, span) => {
      let t = 0;
      const timed = ts.map(([q, buy, dt]) => ({ q, buy, t: (t += dt) }));
      for (const k of backends) {
        const byCount = k.volumeDeltaWindow({ count });
        const bySpan = k.volumeDeltaWindow({ spanMs: span, capacity: 128 });
        timed.forEach((tr, i) => {
          byCount.push(tr.q, tr.buy, tr.t);
          bySpan.push(tr.q, tr.buy, tr.t);
          const lastN = timed.slice(Math.max(0, i + 1 - count), i + 1);
          const inSpan = timed.slice(0, i + 1).filter((x) => x.t > tr.t - span);
          for (const [win, sel, what] of [
            [byCount, lastN, "count"],
            [bySpan, inSpan, "span"],
          ] as const) {
            const ref = refVolumeDelta(
              sel.map((x) => x.q),
              sel.map((x) => (x.buy ? 1 : 0)),
            );
            expect(win.count, `${k.backend} ${what} count at ${i}`).toBe(sel.length);
            expectClose(win.buyVolume, ref.buyVolume, REL, 1e-15 * count * maxAbs(sel.map((x) => x.q)), `${k.backend} ${what} buy at ${i}`);
            expectClose(
              win.sellVolume,
              ref.sellVolume,
              REL,
              1e-15 * count * maxAbs(sel.map((x) => x.q)),
              `${k.backend} ${what} sell at ${i}`,
            );
          }
        });
        byCount.dispose();
        bySpan.dispose();
      }
    }),
    RUNS,
  );
});
