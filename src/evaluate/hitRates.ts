/**
 * Hit rates: how often the side a score points to (above or below 50) is the side the mid
 * then moves to. Updates after which the mid did not move, and scores of exactly 50, say
 * nothing either way and are left out (counted). Reported overall, on actionable updates only,
 * by confidence decile (a confidence worth its name sorts these: the top decile hits more often
 * than the bottom one) and by confidence decile within each half of signal strength |score − 50|
 * (a confidence that only echoes strength sorts nothing within a half).
 */

export interface HitRate {
  readonly n: number;
  readonly hits: number;
  /** hits / n; null when n is 0. */
  readonly rate: number | null;
}

export interface ConfidenceBucket extends HitRate {
  readonly confidenceMin: number;
  readonly confidenceMax: number;
  readonly confidenceMean: number;
}

export interface HitRates {
  readonly overall: HitRate;
  readonly actionable: HitRate;
  /** Equal-count buckets of confidence, lowest first (ties split in time order). */
  readonly byConfidence: readonly ConfidenceBucket[];
  /**
   * The calibration: the largest |mean confidence − hit rate| over the confidence deciles (null
   * without one). Within a few hundredths when confidence is a calibrated probability of a hit
   * (a preset with a `calibration`); otherwise confidence is no probability and the gap says so.
   */
  readonly calibrationGap: number | null;
  /** The same within the weaker and the stronger half of |score − 50|. */
  readonly byConfidenceWithinStrength: { readonly weak: readonly ConfidenceBucket[]; readonly strong: readonly ConfidenceBucket[] };
  /** Left out: the mid did not move, or the score was exactly 50. */
  readonly zeroMoves: number;
  readonly neutralScores: number;
  /** Left out too: a score or a confidence that is not a finite number (no side to judge; the engine never gives one). */
  readonly invalid: number;
}

/** The inputs, one entry per labelled sample. */
export interface HitRateInput {
  readonly score: Float64Array;
  /** Forward moves (no NaN). */
  readonly move: Float64Array;
  readonly confidence: Float64Array;
  readonly actionable: Uint8Array;
  /** Receive times: equal confidences are split between buckets in time order (else in input order). */
  readonly time?: Float64Array;
}

const rate = (hits: number, n: number): HitRate => ({ n, hits, rate: n > 0 ? hits / n : null });

/** Equal-count buckets of `indices` ordered by confidence. */
function buckets(
  indices: readonly number[],
  hit: Uint8Array,
  confidence: Float64Array,
  tie: (a: number, b: number) => number,
  count: number,
): ConfidenceBucket[] {
  const sorted = [...indices].sort((a, b) => confidence[a]! - confidence[b]! || tie(a, b));
  const n = sorted.length;
  const out: ConfidenceBucket[] = [];
  for (let k = 0; k < count; k++) {
    const from = Math.floor((k * n) / count),
      to = Math.floor(((k + 1) * n) / count);
    if (to === from) continue;
    let hits = 0,
      sum = 0;
    for (let p = from; p < to; p++) {
      hits += hit[sorted[p]!]!;
      sum += confidence[sorted[p]!]!;
    }
    out.push({
      ...rate(hits, to - from),
      confidenceMin: confidence[sorted[from]!]!,
      confidenceMax: confidence[sorted[to - 1]!]!,
      confidenceMean: sum / (to - from),
    });
  }
  return out;
}

export function hitRates(input: HitRateInput, bucketCount = 10): HitRates {
  const { score, move, confidence, actionable, time } = input;
  const hit = new Uint8Array(score.length);
  const scored: number[] = [];
  let zeroMoves = 0,
    neutralScores = 0,
    invalid = 0,
    hits = 0,
    actionableN = 0,
    actionableHits = 0;
  for (let i = 0; i < score.length; i++) {
    if (!(Number.isFinite(score[i]) && Number.isFinite(confidence[i]))) {
      invalid++;
      continue;
    }
    if (move[i] === 0) {
      zeroMoves++;
      continue;
    }
    if (score[i] === 50) {
      neutralScores++;
      continue;
    }
    const h = score[i]! > 50 === move[i]! > 0 ? 1 : 0;
    hit[i] = h;
    scored.push(i);
    hits += h;
    if (actionable[i] === 1) {
      actionableN++;
      actionableHits += h;
    }
  }
  const strength = (i: number): number => Math.abs(score[i]! - 50);
  // equal keys in time order (input order without times)
  const tie = (a: number, b: number): number => (time ? time[a]! - time[b]! : 0) || a - b;
  const byStrength = [...scored].sort((a, b) => strength(a) - strength(b) || tie(a, b));
  const half = Math.floor(byStrength.length / 2);
  const byConfidence = buckets(scored, hit, confidence, tie, bucketCount);
  let calibrationGap: number | null = null;
  for (const b of byConfidence) calibrationGap = Math.max(calibrationGap ?? 0, Math.abs(b.confidenceMean - b.rate!));
  return {
    overall: rate(hits, scored.length),
    actionable: rate(actionableHits, actionableN),
    byConfidence,
    calibrationGap,
    byConfidenceWithinStrength: {
      weak: buckets(byStrength.slice(0, half), hit, confidence, tie, bucketCount),
      strong: buckets(byStrength.slice(half), hit, confidence, tie, bucketCount),
    },
    zeroMoves,
    neutralScores,
    invalid,
  };
}
