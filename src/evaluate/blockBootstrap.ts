/**
 * Block bootstrap of rank statistics: confidence intervals for an IC that respect the
 * dependence between neighbouring updates. Consecutive score updates share most of their
 * inputs and their forward moves overlap, so resampling single updates would make an IC look
 * far more certain than six minutes of data allow. Instead the samples are cut into blocks of
 * time (at least 10 s; evaluate.ts), whole blocks are drawn with replacement as many times as
 * there are blocks (Künsch 1989; Efron & Tibshirani, An Introduction to the Bootstrap, §8.6),
 * the statistic is recomputed on each resample and the interval is read off the percentiles
 * of the replicates (numpy's default linear interpolation).
 *
 * Exact and fast: a resample is the original samples with multiplicities (a block drawn
 * twice counts its samples twice), so it keeps their order. Its average ranks follow from one
 * pass over each series' sort order — a tie group of total multiplicity M after C smaller
 * samples ranks C + (M + 1)/2 — and Spearman's correlation is the multiplicity-weighted Pearson
 * correlation of those ranks: no sort per replicate. Statistics of the same samples share a pass
 * (valuesOfEach): each series ranked once a replicate, each correlation computed once. Seeded
 * (mulberry32), so the same data give the same interval on every run and every engine (integer
 * arithmetic and + − × ÷ √ only).
 */
import { InvalidParameterError, LengthMismatchError } from "../errors.js";
import { mulberry32 } from "./mulberry32.js";
import { sortedOrder, tieGroupEnds } from "./spearman.js";

/** The `p`-quantile (0–1) of ascending `sorted`, interpolated linearly between order statistics (numpy's default, type 7). */
export function quantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = lo + 1 < n ? lo + 1 : lo;
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The central `level` percentile interval of bootstrap `replicates` (NaN ones left out), or null when none has a value. */
export function percentileInterval(replicates: Float64Array, level = 0.95): [number, number] | null {
  const sorted = replicates.filter((v) => v === v).sort();
  if (sorted.length === 0) return null;
  const tail = (1 - level) / 2;
  return [quantile(sorted, tail), quantile(sorted, 1 - tail)];
}

/**
 * Blocks a percentile interval needs at least: a resample of fewer whole blocks can take only a
 * handful of distinct values (one block: a single point), so its percentiles would claim a
 * precision the data do not have. With fewer, the interval is null (shown as none).
 */
export const MIN_BLOCKS = 10;

/** The bootstrap's defaults, for `evaluate` and the fit's calibration deciles alike: blocks of at least 10 s, 1000 replicates, seed 1. */
export const DEFAULT_MIN_BLOCK_MS = 10_000;
export const DEFAULT_REPLICATES = 1000;
export const DEFAULT_SEED = 1;

/** How many distinct blocks `blockOf` holds samples in. */
function blocksHeld(blockOf: Iterable<number>): number {
  return new Set(blockOf).size;
}

/**
 * Each key's block id (0 … blocks − 1) in ascending order of the keys (slots of the clock: time
 * order), so that the seeded resamples do not depend on the order the samples were gathered in.
 */
export function denseIds(keys: ArrayLike<number> & Iterable<number>): { readonly ids: Int32Array; readonly blocks: number } {
  const idOf = new Map<number, number>();
  for (const k of [...new Set(keys)].sort((a, b) => a - b)) idOf.set(k, idOf.size);
  return { ids: Int32Array.from(keys, (k) => idOf.get(k)!), blocks: idOf.size };
}

/** A rank statistic computed from the pairwise (weighted) correlations of the ranks of its series. */
export type RankStatistic = (corr: (a: number, b: number) => number) => number;

/** One statistic of a shared pass: the series it reads (its index 0 is series[0] of the pass, …) and the statistic on their correlations. */
export interface BootstrapRequest {
  readonly series: readonly number[];
  readonly statistic: RankStatistic;
}

/** A series prepared once: its sort order, the block of each sample in that order, and where each group of equal values ends. */
interface Prepared {
  readonly order: Int32Array;
  readonly blockInOrder: Int32Array;
  /** For each position of `order`, the position just past its tie group (only read at group starts). */
  readonly groupEnd: Int32Array;
}

function prepare(values: Float64Array, blockOf: Int32Array): Prepared {
  const order = sortedOrder(values);
  return { order, blockInOrder: Int32Array.from(order, (i) => blockOf[i]!), groupEnd: tieGroupEnds(values, order) };
}

/** The average ranks of a resample into `rank`: a tie group of total multiplicity M after C smaller samples ranks C + (M + 1)/2. */
function resampledRanks(p: Prepared, counts: Float64Array, base: number, rank: Float64Array): void {
  const { order, blockInOrder, groupEnd } = p;
  const n = order.length;
  let before = 0;
  for (let start = 0; start < n; ) {
    const end = groupEnd[start]!;
    if (end === start + 1) {
      // a value of its own (most of them): no group to sum
      const w = counts[base + blockInOrder[start]!]!;
      rank[order[start]!] = before + (w + 1) / 2;
      before += w;
      start = end;
      continue;
    }
    let weight = 0;
    for (let q = start; q < end; q++) weight += counts[base + blockInOrder[q]!]!;
    const value = before + (weight + 1) / 2;
    for (let q = start; q < end; q++) rank[order[q]!] = value;
    before += weight;
    start = end;
  }
}

/**
 * The Pearson correlation of ranks `a` and `b` weighted by the multiplicities of a resample (sample
 * i counts counts[base + blockOf[i]] times), whose total is `total` (so the ranks' weighted mean
 * is (total + 1)/2).
 */
function weightedRankCorrelation(
  a: Float64Array,
  b: Float64Array,
  blockOf: Int32Array,
  counts: Float64Array,
  base: number,
  total: number,
): number {
  const mean = (total + 1) / 2;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < blockOf.length; i++) {
    const w = counts[base + blockOf[i]!]!;
    const da = a[i]! - mean,
      db = b[i]! - mean;
    sab += w * da * db;
    saa += w * da * da;
    sbb += w * db * db;
  }
  if (saa === 0 || sbb === 0) return NaN;
  const r = sab / Math.sqrt(saa * sbb);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * A resampling plan: for each of `replicates` replicates, how many times each of `blocks`
 * blocks was drawn. Fixed by the seed; every statistic of one sample set is bootstrapped with
 * the same plan, so their intervals are comparable.
 */
export class BlockBootstrap {
  /** counts[r · blocks + b]: the times block b is drawn in replicate r. */
  private readonly counts: Float64Array;

  constructor(
    readonly blocks: number,
    readonly replicates: number,
    readonly seed: number,
  ) {
    if (!(Number.isSafeInteger(blocks) && blocks >= 1)) throw new InvalidParameterError("blocks", blocks, "an integer ≥ 1");
    if (!(Number.isSafeInteger(replicates) && replicates >= 1 && replicates <= 100_000))
      throw new InvalidParameterError("replicates", replicates, "an integer from 1 to 100000");
    if (!(Number.isSafeInteger(seed) && seed >= 0 && seed <= 0xffffffff))
      throw new InvalidParameterError("seed", seed, "an integer from 0 to 4294967295");
    this.counts = new Float64Array(blocks * replicates);
    const next = mulberry32(seed);
    for (let r = 0; r < replicates; r++) {
      // each draw picks one of the blocks uniformly: floor(u · blocks / 2³²), exact in doubles
      for (let d = 0; d < blocks; d++) this.counts[r * blocks + Math.floor((next() * blocks) / 4294967296)]!++;
    }
  }

  /** How many times each block was drawn in replicate `r` (a copy). */
  draws(r: number): Float64Array {
    if (!(Number.isSafeInteger(r) && r >= 0 && r < this.replicates))
      throw new InvalidParameterError("replicate", r, `an integer from 0 to ${this.replicates - 1}`);
    return this.counts.slice(r * this.blocks, (r + 1) * this.blocks);
  }

  /**
   * `statistic` on every replicate (NaN where a resample leaves it undefined, e.g. a constant
   * series). `series` are equally long, finite; `blockOf[i]` is sample i's block (0 … blocks − 1).
   * `statistic` receives the weighted Pearson correlation of the resampled average ranks of two
   * series, by index: corr(0, 1) is the resample's Spearman correlation of series 0 and 1.
   */
  values(blockOf: Int32Array, series: readonly Float64Array[], statistic: RankStatistic): Float64Array {
    return this.valuesOfEach(blockOf, series, [{ series: series.map((_, i) => i), statistic }])[0]!;
  }

  /**
   * Several statistics of the same samples in one pass: each request reads some of `series`
   * (its corr(0, 1) is the correlation of series request.series[0] and request.series[1]).
   * Every series is ranked once a replicate and every correlation computed once, however many
   * requests read it, and each request's replicates are the very values `values(blockOf, its
   * series, its statistic)` gives: the same ranks, the same sums, the same bits.
   */
  valuesOfEach(blockOf: Int32Array, series: readonly Float64Array[], requests: readonly BootstrapRequest[]): Float64Array[] {
    const n = blockOf.length;
    for (const s of series) if (s.length !== n) throw new LengthMismatchError("bootstrap series", n, s.length);
    for (let i = 0; i < n; i++) {
      const b = blockOf[i]!;
      if (!(b >= 0 && b < this.blocks)) throw new InvalidParameterError(`blockOf[${i}]`, b, `a block from 0 to ${this.blocks - 1}`);
    }
    const k = series.length;
    for (const q of requests) {
      for (const s of q.series) {
        if (!(Number.isSafeInteger(s) && s >= 0 && s < k))
          throw new InvalidParameterError("request series", s, `an index from 0 to ${k - 1}`);
      }
    }
    const prepared = series.map((values) => prepare(values, blockOf));
    const ranks = series.map(() => new Float64Array(n));
    // samples a block holds: a resample's total multiplicity is Σ count × size, an integer sum (exact in any order)
    const sizes = new Float64Array(this.blocks);
    for (let i = 0; i < n; i++) sizes[blockOf[i]!]!++;
    const outs = requests.map(() => new Float64Array(this.replicates));
    const counts = this.counts;
    // each pair's correlation in this replicate, computed at its first use (stamped with the replicate)
    const pairValue = new Float64Array(k * k),
      pairStamp = new Int32Array(k * k).fill(-1);
    let total = 0,
      base = 0,
      replicate = 0;
    const corr = (a: number, b: number): number => {
      const at = a * k + b;
      if (pairStamp[at] !== replicate) {
        pairValue[at] = weightedRankCorrelation(ranks[a]!, ranks[b]!, blockOf, counts, base, total);
        pairStamp[at] = replicate;
      }
      return pairValue[at]!;
    };
    const views = requests.map((q) => (a: number, b: number) => {
      const sa = q.series[a],
        sb = q.series[b];
      if (sa === undefined || sb === undefined)
        throw new InvalidParameterError("statistic corr", `(${a}, ${b})`, `series indices from 0 to ${q.series.length - 1}`);
      return corr(sa, sb);
    });
    for (let r = 0; r < this.replicates; r++) {
      base = r * this.blocks;
      replicate = r;
      total = 0;
      for (let b = 0; b < this.blocks; b++) total += counts[base + b]! * sizes[b]!;
      if (total < 2) {
        for (const out of outs) out[r] = NaN;
        continue;
      }
      for (let s = 0; s < k; s++) resampledRanks(prepared[s]!, counts, base, ranks[s]!);
      for (let q = 0; q < requests.length; q++) outs[q]![r] = requests[q]!.statistic(views[q]!);
    }
    return outs;
  }

  /** The central `level` percentile interval of `statistic` over the replicates (see `values`), or null when no replicate gives a value. */
  interval(blockOf: Int32Array, series: readonly Float64Array[], statistic: RankStatistic, level = 0.95): [number, number] | null {
    return this.intervals(blockOf, series, [{ series: series.map((_, i) => i), statistic }], level)[0]!;
  }

  /** `interval` of each request, from one pass over the replicates (see `valuesOfEach`); all null from fewer than MIN_BLOCKS blocks. */
  intervals(
    blockOf: Int32Array,
    series: readonly Float64Array[],
    requests: readonly BootstrapRequest[],
    level = 0.95,
  ): ([number, number] | null)[] {
    if (blocksHeld(blockOf) < MIN_BLOCKS) return requests.map(() => null);
    return this.valuesOfEach(blockOf, series, requests).map((values) => percentileInterval(values, level));
  }
}
