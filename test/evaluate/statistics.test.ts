/**
 * The statistics of src/evaluate/ three ways: reference values from scipy and numpy
 * (test/fixtures/scipy-rank-stats.json, made by make_scipy_rank_fixture.py beside it), property
 * tests (fast-check) against naive references — O(n²) average ranks, forward moves by linear scan,
 * a bootstrap replicate materialised sample by sample —, and small cases worked by hand.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { MIN_BLOCKS, BlockBootstrap, quantile } from "../../src/evaluate/blockBootstrap.js";
import { decisionStats } from "../../src/evaluate/decisionStats.js";
import { forwardMoves } from "../../src/evaluate/forwardMoves.js";
import { hitRates } from "../../src/evaluate/hitRates.js";
import { nonOverlapping, tStatistic } from "../../src/evaluate/nonOverlapping.js";
import { partialCorrelation, partialSpearman } from "../../src/evaluate/partialSpearman.js";
import type { SampleSet } from "../../src/evaluate/sampleSet.js";
import { averageRanks, pearson, spearman } from "../../src/evaluate/spearman.js";
import { expectClose } from "../support/close.js";

interface Fixture {
  source: string;
  x: number[];
  y: number[];
  z: number[];
  ranks: Record<"x" | "y" | "z", number[]>;
  spearman: Record<"xy" | "xz" | "yz", number>;
  partialXYgivenZ: number;
  tXY: number;
  percentile: { input: number[]; "p2.5": number; p50: number; "p97.5": number };
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/scipy-rank-stats.json", import.meta.url), "utf8")) as Fixture;
const f64 = (a: readonly number[]) => Float64Array.from(a);
const [x, y, z] = [f64(fixture.x), f64(fixture.y), f64(fixture.z)];

/** Average ranks the slow way: 1 + the values below + half the other values equal to it. */
function naiveRanks(v: Float64Array): Float64Array {
  return v.map((a) => {
    let below = 0,
      equal = 0;
    for (const b of v) {
      if (b < a) below++;
      else if (b === a) equal++;
    }
    return 1 + below + (equal - 1) / 2;
  });
}

/** Pearson's correlation from the textbook sums, for comparison. */
function naivePearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const ma = a.reduce((s, v) => s + v, 0) / n,
    mb = b.reduce((s, v) => s + v, 0) / n;
  let ab = 0,
    aa = 0,
    bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Values with plenty of ties: small integers scaled. */
const tied = (n: number) => fc.array(fc.integer({ min: -6, max: 6 }), { minLength: n, maxLength: n }).map((a) => f64(a.map((v) => v / 4)));
const pairs = fc
  .integer({ min: 3, max: 60 })
  .chain((n) => fc.tuple(tied(n), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: n, maxLength: n }).map(f64)));

describe(`reference values: ${fixture.source}`, () => {
  test("average ranks equal scipy.stats.rankdata(method='average') (pandas .rank())", () => {
    for (const [name, v] of [
      ["x", x],
      ["y", y],
      ["z", z],
    ] as const) {
      expect([...averageRanks(v)], `ranks of ${name}`).toEqual(fixture.ranks[name]);
    }
  });

  test("Spearman's rho with ties equals scipy.stats.spearmanr", () => {
    expectClose(spearman(x, y), fixture.spearman.xy, 1e-14, 1e-15, "rho(x, y)");
    expectClose(spearman(x, z), fixture.spearman.xz, 1e-14, 1e-15, "rho(x, z)");
    expectClose(spearman(y, z), fixture.spearman.yz, 1e-14, 1e-15, "rho(y, z)");
  });

  test("the partial Spearman correlation equals the correlation of rank residuals after a least-squares fit (numpy)", () => {
    expectClose(partialSpearman(x, y, z), fixture.partialXYgivenZ, 1e-12, 1e-14, "rho(x, y | z)");
  });

  test("the t-statistic equals the one behind scipy.stats.spearmanr's p-value", () => {
    expectClose(tStatistic(spearman(x, y), x.length), fixture.tXY, 1e-9, 0, "t(rho(x, y), n = 20)");
  });

  test("quantiles equal numpy.percentile (linear interpolation)", () => {
    const sorted = f64(fixture.percentile.input).sort();
    expectClose(quantile(sorted, 0.025), fixture.percentile["p2.5"], 1e-14, 1e-15, "2.5%");
    expectClose(quantile(sorted, 0.5), fixture.percentile.p50, 1e-14, 1e-15, "50%");
    expectClose(quantile(sorted, 0.975), fixture.percentile["p97.5"], 1e-14, 1e-15, "97.5%");
  });
});

describe("against naive references (fast-check)", () => {
  test("average ranks equal the O(n²) count; Spearman equals Pearson of those ranks", () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        expect([...averageRanks(a)]).toEqual([...naiveRanks(a)]);
        expectClose(spearman(a, b), naivePearson(naiveRanks(a), naiveRanks(b)), 1e-12, 1e-12, "spearman vs naive");
      }),
      { numRuns: 300 },
    );
  });

  test("Spearman is unchanged by a strictly increasing transform and flips sign under a decreasing one", () => {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const r = spearman(a, b);
        expectClose(
          spearman(
            a.map((v) => v * v * v + 7),
            b,
          ),
          r,
          1e-12,
          1e-12,
          "cubed",
        );
        expectClose(
          spearman(
            a.map((v) => -2 * v),
            b,
          ),
          -r,
          1e-12,
          1e-12,
          "negated",
        );
      }),
      { numRuns: 200 },
    );
  });

  test("a constant series has no correlation (NaN, as scipy), and pearson agrees with the textbook sums", () => {
    expect(spearman(f64([1, 1, 1, 1]), f64([1, 2, 3, 4]))).toBeNaN();
    expect(pearson(f64([1]), f64([2]))).toBeNaN();
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        const expected = naivePearson(a, b);
        if (Number.isFinite(expected)) expectClose(pearson(a, b), expected, 1e-10, 1e-12, "pearson");
      }),
    );
  });

  test("partial correlation: 0 when x and y are each z plus unrelated noise; the formula's value when z is independent", () => {
    expect(partialCorrelation(0.25, 0.5, 0.5), "r_xy = r_xz·r_yz: nothing left").toBe(0);
    expect(partialCorrelation(0.3, 0, 0), "z unrelated: the plain correlation").toBeCloseTo(0.3, 15);
    expect(partialCorrelation(0.5, 1, 0.2), "z explains x entirely").toBeNaN();
  });

  test("forward moves equal a linear scan for the first quote at or after t + h", () => {
    const sorted = (n: number) =>
      fc.array(fc.integer({ min: 0, max: 50 }), { minLength: n, maxLength: n }).map((a) => f64(a.sort((p, q) => p - q)));
    const input = fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 40 })).chain(([samples, quotes]) =>
      fc.record({
        times: sorted(samples),
        quoteTimes: sorted(quotes),
        mids: fc.array(fc.integer({ min: 99, max: 101 }), { minLength: quotes, maxLength: quotes }).map(f64),
        horizon: fc.integer({ min: 1, max: 20 }),
      }),
    );
    fc.assert(
      fc.property(input, ({ times, quoteTimes, mids, horizon }) => {
        // each sample's quote: the last one at or before it
        const quoteIndex = Int32Array.from(times, (t) => {
          let q = -1;
          for (let j = 0; j < quoteTimes.length; j++) if (quoteTimes[j]! <= t) q = j;
          return q;
        });
        const got = forwardMoves(
          { length: times.length, receiveTime: times, quoteIndex, quotes: { receiveTime: quoteTimes, mid: mids } },
          horizon,
        );
        let labelled = 0;
        times.forEach((t, i) => {
          const q = quoteIndex[i]!;
          const j = quoteTimes.findIndex((qt) => qt >= t + horizon);
          if (q < 0 || j < 0) {
            expect(got.move[i], `sample ${i}: no label`).toBeNaN();
            return;
          }
          labelled++;
          expect(got.move[i], `sample ${i}`).toBe(((mids[j]! - mids[q]!) / mids[q]!) * 10_000);
        });
        expect(got.labelled).toBe(labelled);
        expect(got.labelled + got.pastEnd + got.noQuote, "every sample counted once").toBe(times.length);
      }),
      { numRuns: 500 },
    );
  });

  test("non-overlapping samples: the first, then each first one at or after the quote the last kept one's move ended at", () => {
    // moves end at the first quote at or after t + 100: quotes at 0, 130, 260, 500
    const quotes = f64([0, 130, 260, 500]);
    const times = f64([0, 50, 100, 120, 199, 200, 260, 450]);
    const ends = Float64Array.from(times, (t) => quotes.find((q) => q >= t + 100) ?? Number.NaN);
    // 0 ends at 130: 199 is the first at or after it (100 and 120 are a horizon on but share the move 0 → 130); 199 ends at 500
    expect([...nonOverlapping(times, ends)]).toEqual([0, 4]);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 })),
        fc.array(fc.integer({ min: 0, max: 1400 })),
        fc.integer({ min: 1, max: 300 }),
        (raw, rawQuotes, h) => {
          const t = f64(raw.sort((p, q) => p - q));
          const q = f64(rawQuotes.sort((a, b) => a - b));
          const end = Float64Array.from(t, (x) => q.find((y) => y >= x + h) ?? Number.NaN);
          const kept = [...nonOverlapping(t, end)];
          for (let k = 1; k < kept.length; k++) {
            const previous = kept[k - 1]!;
            expect(t[kept[k]!]!, "a kept sample starts at or after the previous one's move ended").toBeGreaterThanOrEqual(end[previous]!);
            expect(t[kept[k]!]! - t[previous]!, "so kept samples are at least a horizon apart").toBeGreaterThanOrEqual(h);
            for (let i = previous + 1; i < kept[k]!; i++) expect(t[i]!, "none skipped that qualified").toBeLessThan(end[previous]!);
          }
          if (t.length > 0) expect(kept[0]).toBe(0);
          // a sample whose move has no end (past the last quote) keeps every later one out
          const open = kept.findIndex((i) => end[i] !== end[i]);
          if (open >= 0) expect(open).toBe(kept.length - 1);
        },
      ),
    );
    // walked in a given order (samples of several captures merged by time), the same rule on that order
    expect([...nonOverlapping(f64([300, 0, 150]), f64([400, 100, 250]), [1, 2, 0])]).toEqual([1, 2, 0]);
    expect([...nonOverlapping(f64([300, 0, 50]), f64([400, 100, 150]), [1, 2, 0])]).toEqual([1, 0]);
  });

  test("a bootstrap replicate's statistic equals Spearman (and partial Spearman) of the resample written out sample by sample", () => {
    const input = fc.integer({ min: 4, max: 40 }).chain((n) =>
      fc.record({
        a: tied(n),
        b: tied(n),
        c: tied(n),
        blockOf: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }).map((v) => Int32Array.from(v)),
        seed: fc.integer({ min: 0, max: 1000 }),
      }),
    );
    fc.assert(
      fc.property(input, ({ a, b, c, blockOf, seed }) => {
        const boot = new BlockBootstrap(6, 8, seed);
        const rho = boot.values(blockOf, [a, b], (corr) => corr(0, 1));
        const partial = boot.values(blockOf, [a, b, c], (corr) => partialCorrelation(corr(0, 1), corr(0, 2), corr(1, 2)));
        for (let r = 0; r < 8; r++) {
          const draws = boot.draws(r);
          const pick: number[] = [];
          blockOf.forEach((blk, i) => {
            for (let k = 0; k < draws[blk]!; k++) pick.push(i);
          });
          const at = (v: Float64Array) => Float64Array.from(pick, (i) => v[i]!);
          const expected = pick.length >= 2 ? spearman(at(a), at(b)) : NaN;
          expectClose(rho[r]!, expected, 1e-9, 1e-12, `replicate ${r} Spearman`);
          const expectedPartial = pick.length >= 2 ? partialSpearman(at(a), at(b), at(c)) : NaN;
          expectClose(partial[r]!, expectedPartial, 1e-9, 1e-9, `replicate ${r} partial Spearman`);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the bootstrap plan", () => {
  test("each replicate draws as many blocks as there are, with replacement; the same seed gives the same plan", () => {
    const a = new BlockBootstrap(7, 50, 42),
      b = new BlockBootstrap(7, 50, 42),
      c = new BlockBootstrap(7, 50, 43);
    let differs = false;
    for (let r = 0; r < 50; r++) {
      expect(
        a.draws(r).reduce((s, v) => s + v, 0),
        `replicate ${r}: 7 draws`,
      ).toBe(7);
      expect([...a.draws(r)]).toEqual([...b.draws(r)]);
      if (a.draws(r).some((v, i) => v !== c.draws(r)[i])) differs = true;
    }
    expect(differs, "another seed, another plan").toBe(true);
  });

  test("the interval of a strong rank correlation lies around it, and a perfect one is exactly [1, 1]", () => {
    const n = 200;
    const blockOf = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10));
    const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7) + i / 50);
    const b = a.map((v, i) => v + 0.3 * Math.cos(i * 1.3));
    const boot = new BlockBootstrap(20, 500, 1);
    const [lo, hi] = boot.interval(blockOf, [a, b], (corr) => corr(0, 1))!;
    const rho = spearman(a, b);
    expect(lo, `lower end below rho ${rho}`).toBeLessThan(rho);
    expect(hi, `upper end above rho ${rho}`).toBeGreaterThan(rho);
    expect(boot.interval(blockOf, [a, a], (corr) => corr(0, 1))).toEqual([1, 1]);
  });

  test(`no interval from fewer than ${MIN_BLOCKS} blocks: one block would give a single point, a few a handful of values`, () => {
    const a = Float64Array.from({ length: 90 }, (_, i) => Math.sin(i)),
      b = a.map((v, i) => v + Math.cos(3 * i));
    const boot = new BlockBootstrap(MIN_BLOCKS, 200, 1);
    for (const held of [1, 2, MIN_BLOCKS - 1])
      expect(
        boot.interval(
          Int32Array.from(a, (_, i) => i % held),
          [a, b],
          (corr) => corr(0, 1),
        ),
        `${held} blocks`,
      ).toBeNull();
    const [lo, hi] = boot.interval(
      Int32Array.from(a, (_, i) => i % MIN_BLOCKS),
      [a, b],
      (corr) => corr(0, 1),
    )!;
    expect(lo).toBeLessThan(hi);
  });

  test("several statistics in one pass are, bit for bit, each one bootstrapped on its own", () => {
    const input = fc.integer({ min: 4, max: 40 }).chain((n) =>
      fc.record({
        series: fc.array(tied(n), { minLength: 2, maxLength: 5 }),
        blockOf: fc.array(fc.integer({ min: 0, max: 11 }), { minLength: n, maxLength: n }).map((v) => Int32Array.from(v)),
        picks: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.boolean()), { minLength: 1, maxLength: 6 }),
        seed: fc.integer({ min: 0, max: 1000 }),
      }),
    );
    fc.assert(
      fc.property(input, ({ series, blockOf, picks, seed }) => {
        const k = series.length;
        const boot = new BlockBootstrap(12, 20, seed);
        // Spearman of two series, or a partial correlation of three (a series may appear twice)
        const requests = picks.map(([a, b, c, partial]) =>
          partial
            ? {
                series: [a % k, b % k, c % k],
                statistic: (corr: (i: number, j: number) => number) => partialCorrelation(corr(0, 1), corr(0, 2), corr(1, 2)),
              }
            : { series: [a % k, b % k], statistic: (corr: (i: number, j: number) => number) => corr(0, 1) },
        );
        const together = boot.valuesOfEach(blockOf, series, requests);
        const intervals = boot.intervals(blockOf, series, requests);
        requests.forEach((q, i) => {
          const own = q.series.map((s) => series[s]!);
          const alone = boot.values(blockOf, own, q.statistic);
          for (let r = 0; r < 20; r++)
            expect(Object.is(together[i]![r], alone[r]), `request ${i} replicate ${r}: ${together[i]![r]} vs ${alone[r]}`).toBe(true);
          expect(intervals[i]).toEqual(boot.interval(blockOf, own, q.statistic));
        });
      }),
      { numRuns: 200 },
    );
  });

  test("bad plans and bad blocks are typed errors", () => {
    expect(() => new BlockBootstrap(0, 10, 1)).toThrow(/blocks = 0: expected an integer ≥ 1/);
    expect(() => new BlockBootstrap(3, 0, 1)).toThrow(/replicates = 0/);
    expect(() => new BlockBootstrap(3, 10, -1)).toThrow(/seed = -1/);
    const boot = new BlockBootstrap(3, 10, 1);
    expect(() => boot.values(Int32Array.of(0, 3), [f64([1, 2]), f64([1, 2])], (c) => c(0, 1))).toThrow(/blockOf\[1\] = 3/);
    expect(() => boot.values(Int32Array.of(0, 1), [f64([1, 2]), f64([1])], (c) => c(0, 1))).toThrow(/length 1, expected 2/);
    const two = [f64([1, 2, 3]), f64([3, 1, 2])];
    expect(() => boot.valuesOfEach(Int32Array.of(0, 1, 2), two, [{ series: [0, 2], statistic: (c) => c(0, 1) }])).toThrow(
      /request series = 2: expected an index from 0 to 1/,
    );
    // a statistic reading a series its request does not name
    expect(() => boot.values(Int32Array.of(0, 1, 2), two, (c) => c(0, 2))).toThrow(
      /statistic corr = \(0, 2\): expected series indices from 0 to 1/,
    );
  });
});

describe("hit rates and decisions, by hand", () => {
  test("zero moves and neutral scores are left out; deciles and strength halves split by count", () => {
    const score = f64([60, 40, 55, 50, 70, 45, 65, 30]);
    const move = f64([1, -2, -1, 3, 0, 1, 2, -1]);
    const confidence = f64([0.9, 0.8, 0.1, 0.5, 0.5, 0.2, 0.7, 0.6]);
    const actionable = Uint8Array.of(1, 1, 0, 1, 1, 0, 1, 1);
    const h = hitRates({ score, move, confidence, actionable }, 2);
    // scored: 0 hit, 1 hit, 2 miss, 5 miss, 6 hit, 7 hit (3 neutral, 4 zero move)
    expect(h.overall).toEqual({ n: 6, hits: 4, rate: 4 / 6 });
    expect(h.actionable).toEqual({ n: 4, hits: 4, rate: 1 });
    expect([h.zeroMoves, h.neutralScores]).toEqual([1, 1]);
    expect(h.byConfidence.map((b) => [b.n, b.hits, b.confidenceMin, b.confidenceMax])).toEqual([
      [3, 1, 0.1, 0.6],
      [3, 3, 0.7, 0.9],
    ]);
    // mean confidence 0.3 against 1/3, 0.8 against 1: the largest gap 0.2
    expect(h.calibrationGap).toBeCloseTo(0.2, 15);
    expect(hitRates({ score: f64([50]), move: f64([1]), confidence: f64([0.5]), actionable: Uint8Array.of(0) }).calibrationGap).toBeNull();
    // a score or a confidence that is not a number has no side: left out and counted, never a "down" call
    const odd = hitRates({
      score: f64([Number.NaN, 70, 70, Number.POSITIVE_INFINITY]),
      move: f64([1, 1, 1, 1]),
      confidence: f64([0.6, 0.6, Number.NaN, 0.6]),
      actionable: Uint8Array.of(1, 1, 1, 1),
    });
    expect([odd.overall, odd.invalid]).toEqual([{ n: 1, hits: 1, rate: 1 }, 3]);
    // strength |score − 50|: 2 (5), 5 (2), 10 (0, 1), 15 (6), 20 (7): weak = 5, 2, 0; strong = 1, 6, 7
    expect(h.byConfidenceWithinStrength.weak.map((b) => b.n)).toEqual([1, 2]);
    expect(h.byConfidenceWithinStrength.strong.map((b) => b.hits)).toEqual([1, 2]);
  });

  test("side changes, holds and the spread of urgencies and algorithms", () => {
    const set = {
      length: 6,
      receiveTime: f64([0, 1000, 2000, 5000, 6000, 60_000]),
      actionable: Uint8Array.of(1, 0, 1, 1, 0, 0),
      side: Int8Array.of(1, 1, -1, -1, 0, 1),
      urgency: Int8Array.of(2, 2, 1, -1, 2, 0),
      algorithm: Int8Array.of(2, 2, 1, -1, 2, 0),
    } as unknown as SampleSet;
    const d = decisionStats([set]);
    // decisions at 0 buy, 1000 buy, 2000 sell, (5000 none: no decision), 6000 none, 60000 buy
    expect(d.decisions).toBe(5);
    expect(d.sideChanges).toBe(3);
    expect(d.minutes).toBe(1);
    expect(d.sideChangesPerMinute).toBe(3);
    // holds: buy 0→2000, sell 2000→6000, none 6000→60000 (the last buy is still open)
    expect(d.completedHolds).toBe(3);
    expect(d.medianHoldMs).toBe(4000);
    expect(d.sides).toEqual({ buy: 3, sell: 1, none: 1 });
    expect(d.urgency).toEqual({ high: 1, medium: 1, low: 3 });
    expect(d.algorithm).toEqual({ aggressive_twap: 1, adaptive_vwap: 1, passive_participation: 3 });
    expect(d.actionableShare).toBe(0.5);
  });
});
