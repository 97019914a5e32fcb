/**
 * `evaluate`: the score against the market. From labelled sample sets (sampleCollector.ts; one
 * per capture and symbol) it measures, per set and pooled over all of them, at each horizon:
 * the Spearman IC of the score, the composite bias, each component, each baseline and (when the
 * sets carry it) the multi-timeframe composite with the forward mid move (forwardMoves.ts), each with a block-bootstrap interval (blockBootstrap.ts)
 * and its IC on non-overlapping samples with a t-statistic (nonOverlapping.ts); the partial IC
 * of the score given the best baseline (partialSpearman.ts); hit rates (hitRates.ts); the
 * score's own autocorrelation one horizon apart; and how the decisions behave
 * (decisionStats.ts). What a factor researcher reads in an Alphalens tear sheet — IC by
 * horizon, its significance, turnover — for a single-instrument, event-time signal, with the
 * one-line baselines beside it as the honest yardstick.
 *
 * Pooled means the samples of every set together, each labelled within its own set (a capture's
 * end never labels another's start), with bootstrap blocks and non-overlapping steps on the
 * shared receive clock (captures of the same minutes are not independent evidence).
 * Deterministic: the same sets give the same report in any order, on every engine (seeded
 * bootstrap over blocks numbered in time order; + − × ÷ √ only).
 */
import { InvalidParameterError } from "../errors.js";
import { COMPONENT_NAMES } from "../kernels/coreLayout.js";
import { BlockBootstrap, DEFAULT_MIN_BLOCK_MS, DEFAULT_REPLICATES, DEFAULT_SEED, denseIds, type RankStatistic } from "./blockBootstrap.js";
import { decisionStats } from "./decisionStats.js";
import type { CaptureReport, EvaluationReport, HorizonReport, IcEstimate, PartialIc } from "./evaluationReport.js";
import { firstAtOrAfter, forwardMoves } from "./forwardMoves.js";
import { hitRates } from "./hitRates.js";
import { nonOverlapping, tStatistic } from "./nonOverlapping.js";
import { partialCorrelation, partialSpearman } from "./partialSpearman.js";
import { BASELINE_NAMES, type BaselineName, type SampleSet } from "./sampleSet.js";
import { spearman } from "./spearman.js";

export interface EvaluateOptions {
  /** Forward horizons, ms. Default 100 ms, 1 s, 5 s, 30 s. */
  readonly horizonsMs?: readonly number[];
  /** Bootstrap replicates. Default 1000. */
  readonly replicates?: number;
  /** Seed of the bootstrap's generator. Default 1. */
  readonly seed?: number;
  /** Shortest bootstrap block (ms); a block is never shorter than the horizon either. Default 10 s. */
  readonly minBlockMs?: number;
  /** Buckets of the hit rates by confidence. Default 10 (deciles). */
  readonly buckets?: number;
}

export const DEFAULT_HORIZONS_MS: readonly number[] = [100, 1000, 5000, 30_000];
const LEVEL = 0.95;

/** The labelled samples of some sets at one horizon, side by side in compact columns. */
interface Labelled {
  readonly n: number;
  readonly move: Float64Array;
  readonly score: Float64Array;
  readonly bias: Float64Array;
  readonly confidence: Float64Array;
  readonly actionable: Uint8Array;
  readonly components: readonly Float64Array[];
  readonly baselines: readonly Float64Array[];
  /** The multi-timeframe composite's reading, when every set carries one. */
  readonly multiTimeframe: Float64Array | null;
  /** Each sample's receive time (ms). */
  readonly time: Float64Array;
  /** Each sample's bootstrap block (dense ids 0 … blocks − 1, in time order) and whether it is a non-overlapping step. */
  readonly block: Int32Array;
  readonly blocks: number;
  readonly step: Uint8Array;
  readonly pastEnd: number;
  readonly noQuote: number;
}

function label(sets: readonly SampleSet[], horizonMs: number, blockMs: number): Labelled {
  const moves = sets.map((s) => forwardMoves(s, horizonMs));
  const n = moves.reduce((sum, m) => sum + m.labelled, 0);
  const out = {
    move: new Float64Array(n),
    score: new Float64Array(n),
    bias: new Float64Array(n),
    confidence: new Float64Array(n),
    actionable: new Uint8Array(n),
    components: COMPONENT_NAMES.map(() => new Float64Array(n)),
    baselines: BASELINE_NAMES.map(() => new Float64Array(n)),
    multiTimeframe: sets.every((s) => s.multiTimeframe !== undefined) ? new Float64Array(n) : null,
    step: new Uint8Array(n),
  };
  // bootstrap blocks are slots of the shared receive clock: captures that ran at the same time share them, so a
  // resample draws whole stretches of time across every market (their moves are correlated, not independent)
  const slots = new Float64Array(n),
    times = new Float64Array(n),
    ends = new Float64Array(n);
  let k = 0;
  sets.forEach((s, si) => {
    const { move, end } = moves[si]!;
    for (let i = 0; i < s.length; i++) {
      if (move[i] !== move[i]) continue;
      const t = s.receiveTime[i]!;
      out.move[k] = move[i]!;
      out.score[k] = s.score[i]!;
      out.bias[k] = s.bias[i]!;
      out.confidence[k] = s.confidence[i]!;
      out.actionable[k] = s.actionable[i]!;
      COMPONENT_NAMES.forEach((name, c) => {
        out.components[c]![k] = s.components[name][i]!;
      });
      BASELINE_NAMES.forEach((name, b) => {
        out.baselines[b]![k] = s.baselines[name][i]!;
      });
      if (out.multiTimeframe !== null) out.multiTimeframe[k] = s.multiTimeframe![i]!;
      slots[k] = Math.floor(t / blockMs);
      times[k] = t;
      ends[k] = end[i]!;
      k++;
    }
  });
  const { ids, blocks } = denseIds(slots);
  // non-overlapping steps in time order across every set (one set: its own order)
  const order = sets.length > 1 ? Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b) : undefined;
  for (const p of nonOverlapping(times, ends, order)) out.step[p] = 1;
  return {
    ...out,
    time: times,
    block: ids,
    n,
    blocks,
    pastEnd: moves.reduce((sum, m) => sum + m.pastEnd, 0),
    noQuote: moves.reduce((sum, m) => sum + m.noQuote, 0),
  };
}

const orNull = (x: number): number | null => (x === x ? x : null);

/** The entries of `columns` at the samples where all of them are finite (and, with `only`, where only[i] is 1). */
function complete(columns: readonly Float64Array[], only?: Uint8Array): { columns: Float64Array[]; keep: Int32Array } {
  const n = columns[0]!.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (only && only[i] !== 1) continue;
    if (columns.every((c) => c[i]! - c[i]! === 0)) keep.push(i);
  }
  return { columns: columns.map((c) => Float64Array.from(keep, (i) => c[i]!)), keep: Int32Array.from(keep) };
}

const blocksOf = (l: Labelled, keep: Int32Array): Int32Array => Int32Array.from(keep, (i) => l.block[i]!);

type Interval = [number, number] | null;

/**
 * An interval still to be bootstrapped: the samples it keeps, the full columns it reads (by
 * reference: two intervals reading l.move read the same column), its statistic on their
 * correlations, and where its result goes.
 */
interface Pending {
  readonly keep: Int32Array;
  readonly columns: readonly Float64Array[];
  readonly statistic: RankStatistic;
  readonly done: (ci: Interval) => void;
}

/** The IC of `signal`; with `pending`, its bootstrap interval is queued there and filled in by bootstrapAll. */
function icEstimate(l: Labelled, signal: Float64Array, pending: Pending[] | null): IcEstimate {
  const { columns, keep } = complete([signal, l.move]);
  const [x, y] = columns as [Float64Array, Float64Array];
  const ic = x.length >= 3 ? spearman(x, y) : NaN;
  const steps = complete([signal, l.move], l.step).columns as [Float64Array, Float64Array];
  const m = steps[0].length;
  const stepIc = m >= 3 ? spearman(steps[0], steps[1]) : NaN;
  const estimate: { -readonly [K in keyof IcEstimate]: IcEstimate[K] } = {
    n: x.length,
    ic: orNull(ic),
    ci: null,
    nonOverlapping: { n: m, ic: orNull(stepIc), t: orNull(tStatistic(stepIc, m)) },
  };
  if (pending && ic === ic)
    pending.push({
      keep,
      columns: [signal, l.move],
      statistic: (corr) => corr(0, 1),
      done: (ci) => {
        estimate.ci = ci;
      },
    });
  return estimate;
}

function partialIc(l: Labelled, baseline: BaselineName | null, pending: Pending[]): PartialIc {
  if (baseline === null) return { baseline, n: 0, ic: null, ci: null };
  const z = l.baselines[BASELINE_NAMES.indexOf(baseline)]!;
  const { columns, keep } = complete([l.score, l.move, z]);
  const [xs, ys, zs] = columns as [Float64Array, Float64Array, Float64Array];
  const ic = xs.length >= 4 ? partialSpearman(xs, ys, zs) : NaN;
  const estimate: { -readonly [K in keyof PartialIc]: PartialIc[K] } = { baseline, n: xs.length, ic: orNull(ic), ci: null };
  if (ic === ic) {
    pending.push({
      keep,
      columns: [l.score, l.move, z],
      statistic: (corr) => partialCorrelation(corr(0, 1), corr(0, 2), corr(1, 2)),
      done: (ci) => {
        estimate.ci = ci;
      },
    });
  }
  return estimate;
}

/** Whether two intervals keep the same samples. */
function sameSamples(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Bootstraps every queued interval: those that keep the same samples in one pass, so each column
 * is ranked once a replicate however many of them read it (the move once for each set of kept
 * samples: on the bundled captures two a horizon, volumeDelta50 waiting for 50 trades). Each
 * interval is the one `boot.interval` gives on its own.
 */
function bootstrapAll(l: Labelled, boot: BlockBootstrap, pending: readonly Pending[]): void {
  const groups: Pending[][] = [];
  for (const p of pending) {
    const group = groups.find((g) => sameSamples(g[0]!.keep, p.keep));
    if (group) group.push(p);
    else groups.push([p]);
  }
  for (const group of groups) {
    const keep = group[0]!.keep;
    const columns: Float64Array[] = [];
    const requests = group.map((p) => ({
      series: p.columns.map((c) => {
        const at = columns.indexOf(c);
        return at >= 0 ? at : columns.push(c) - 1;
      }),
      statistic: p.statistic,
    }));
    const series = columns.map((c) => Float64Array.from(keep, (i) => c[i]!));
    const intervals = boot.intervals(blocksOf(l, keep), series, requests, LEVEL);
    for (let q = 0; q < group.length; q++) group[q]!.done(intervals[q]!);
  }
}

/** Spearman correlation of each sample's score with the score of the first update at least `horizonMs` later, within each set. */
function scoreAutocorrelation(sets: readonly SampleSet[], horizonMs: number): { n: number; ic: number | null } {
  const now: number[] = [],
    later: number[] = [];
  for (const s of sets) {
    for (let i = 0; i < s.length; i++) {
      const j = firstAtOrAfter(s.receiveTime, s.receiveTime[i]! + horizonMs);
      if (j === s.length) break;
      now.push(s.score[i]!);
      later.push(s.score[j]!);
    }
  }
  const ic = now.length >= 3 ? spearman(Float64Array.from(now), Float64Array.from(later)) : NaN;
  return { n: now.length, ic: orNull(ic) };
}

/** Options with every default filled in: plain data (own properties only), what a worker thread is sent. */
export interface ResolvedEvaluateOptions {
  readonly horizonsMs: readonly number[];
  readonly replicates: number;
  readonly seed: number;
  readonly minBlockMs: number;
  readonly buckets: number;
}

function horizonReport(sets: readonly SampleSet[], horizonMs: number, o: ResolvedEvaluateOptions): HorizonReport {
  const blockMs = Math.max(o.minBlockMs, horizonMs);
  const l = label(sets, horizonMs, blockMs);
  const pending: Pending[] = [];
  const baselines = Object.fromEntries(BASELINE_NAMES.map((name, b) => [name, icEstimate(l, l.baselines[b]!, pending)])) as Record<
    BaselineName,
    IcEstimate
  >;
  let best: BaselineName | null = null;
  for (const name of BASELINE_NAMES) {
    const ic = baselines[name].ic;
    if (ic !== null && (best === null || ic > baselines[best].ic!)) best = name;
  }
  const score = icEstimate(l, l.score, pending),
    bias = icEstimate(l, l.bias, pending),
    multiTimeframe = l.multiTimeframe === null ? null : icEstimate(l, l.multiTimeframe, pending),
    partial = partialIc(l, best, pending);
  bootstrapAll(l, new BlockBootstrap(Math.max(l.blocks, 1), o.replicates, o.seed), pending);
  return {
    horizonMs,
    labelled: l.n,
    pastEnd: l.pastEnd,
    noQuote: l.noQuote,
    blocks: l.blocks,
    blockMs,
    score,
    bias,
    // the components without intervals: the bootstrap is most of the work, and a component's place is judged by the partial ICs of a fit
    components: Object.fromEntries(COMPONENT_NAMES.map((name, c) => [name, icEstimate(l, l.components[c]!, null)])),
    baselines,
    multiTimeframe,
    partial,
    hitRates: hitRates({ score: l.score, move: l.move, confidence: l.confidence, actionable: l.actionable, time: l.time }, o.buckets),
    scoreAutocorrelation: scoreAutocorrelation(sets, horizonMs),
  };
}

function captureReport(capture: string, symbol: string, sets: readonly SampleSet[], o: ResolvedEvaluateOptions): CaptureReport {
  const samples = sets.reduce((sum, s) => sum + s.length, 0);
  const confidence: number[] = [],
    strength: number[] = [];
  let first = Infinity,
    last = -Infinity;
  for (const s of sets) {
    for (let i = 0; i < s.length; i++) {
      confidence.push(s.confidence[i]!);
      strength.push(Math.abs(s.score[i]! - 50));
    }
    if (s.length > 0) {
      first = Math.min(first, s.receiveTime[0]!);
      last = Math.max(last, s.receiveTime[s.length - 1]!);
    }
  }
  const echo = samples >= 3 ? spearman(Float64Array.from(confidence), Float64Array.from(strength)) : NaN;
  return {
    capture,
    symbol,
    samples,
    updatesDropped: sets.reduce((sum, s) => sum + s.counts.updatesDropped, 0),
    quotesDropped: sets.reduce((sum, s) => sum + s.counts.quotesDropped, 0),
    firstTime: samples > 0 ? first : null,
    lastTime: samples > 0 ? last : null,
    confidenceVsStrength: orNull(echo),
    horizons: o.horizonsMs.map((h) => horizonReport(sets, h, o)),
    decisions: decisionStats(sets),
  };
}

function integer(name: string, value: number | undefined, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isSafeInteger(value) && value >= min && value <= max))
    throw new InvalidParameterError(name, value, `an integer from ${min} to ${max}`);
  return value;
}

/** The options checked (typed errors) and completed with the defaults, as a plain object. */
export function resolveEvaluateOptions(options: EvaluateOptions = {}): ResolvedEvaluateOptions {
  const horizonsMs = options.horizonsMs ?? DEFAULT_HORIZONS_MS;
  if (!Array.isArray(horizonsMs) || horizonsMs.length === 0)
    throw new InvalidParameterError("horizonsMs", horizonsMs, "a non-empty array of horizons in ms");
  for (const h of horizonsMs) {
    if (!(typeof h === "number" && h > 0 && h <= 86_400_000))
      throw new InvalidParameterError("horizonsMs", h, "a horizon in ms, > 0 and at most a day");
  }
  const minBlockMs = options.minBlockMs ?? DEFAULT_MIN_BLOCK_MS;
  if (!(typeof minBlockMs === "number" && minBlockMs > 0 && minBlockMs < Infinity))
    throw new InvalidParameterError("minBlockMs", minBlockMs, "a finite number of ms > 0");
  return {
    horizonsMs: [...horizonsMs],
    replicates: integer("replicates", options.replicates, 1, 100_000, DEFAULT_REPLICATES),
    seed: integer("seed", options.seed, 0, 0xffffffff, DEFAULT_SEED),
    minBlockMs,
    buckets: integer("buckets", options.buckets, 1, 1000, 10),
  };
}

/**
 * The parts of `evaluate`'s report by job: job i < sets.length is set i's own report, job
 * sets.length the pooled one. Each part depends on the sets and options alone, so threads can
 * share them out (src/parallel/evaluateOnWorkers.ts) and `evaluateReport` puts them together into
 * the very report `evaluate` gives. No jobs: just the options checked.
 */
export function evaluateParts(sets: readonly SampleSet[], options: EvaluateOptions, jobs: readonly number[]): CaptureReport[] {
  const o = resolveEvaluateOptions(options);
  for (const j of jobs) {
    if (!(Number.isSafeInteger(j) && j >= 0 && j <= sets.length))
      throw new InvalidParameterError("job", j, `an integer from 0 to ${sets.length}`);
  }
  return jobs.map((j) => (j < sets.length ? captureReport(sets[j]!.capture, sets[j]!.symbol, [sets[j]!], o) : pooledReport(sets, o)));
}

function pooledReport(sets: readonly SampleSet[], o: ResolvedEvaluateOptions): CaptureReport {
  return captureReport("pooled", [...new Set(sets.map((s) => s.symbol))].join("+"), sets, o);
}

/** The report from its parts: `parts[j]` is what evaluateParts made for job j, for every job 0 … sets.length. */
export function evaluateReport(sets: readonly SampleSet[], options: EvaluateOptions, parts: readonly CaptureReport[]): EvaluationReport {
  const o = resolveEvaluateOptions(options);
  if (parts.length !== sets.length + 1)
    throw new InvalidParameterError("parts", parts.length, `one a set and the pooled one: ${sets.length + 1}`);
  return {
    horizonsMs: o.horizonsMs,
    method: {
      clock: "local receive time",
      move: "mid of the first best quote at or after t + h against the mid at or before t, in basis points",
      bootstrap: { replicates: o.replicates, seed: o.seed, level: LEVEL, minBlockMs: o.minBlockMs },
      buckets: o.buckets,
    },
    captures: parts.slice(0, sets.length),
    pooled: parts[sets.length]!,
  };
}

/** Evaluates each sample set on its own and all of them pooled. */
export function evaluate(sets: readonly SampleSet[], options: EvaluateOptions = {}): EvaluationReport {
  return evaluateReport(
    sets,
    options,
    evaluateParts(
      sets,
      options,
      Array.from({ length: sets.length + 1 }, (_, j) => j),
    ),
  );
}
