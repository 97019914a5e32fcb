/**
 * What `evaluate` returns (and `confluence evaluate --json` prints; docs/evaluate-report.schema.json):
 * per capture and symbol, and pooled over all of them, for each horizon the IC of the score, the
 * composite bias, each component and each baseline against the forward mid move — with a block-
 * bootstrap interval and the IC on non-overlapping samples with its t-statistic —, the partial IC
 * of the score given the best baseline, hit rates, and how the decisions behave. Plain data:
 * JSON.stringify gives all of it, and every number is finite (a value that cannot be computed is null).
 */
import type { DecisionStats } from "./decisionStats.js";
import type { HitRates } from "./hitRates.js";
import type { BaselineName } from "./sampleSet.js";

/** An IC (Spearman's rank correlation with the forward move) and how sure it is. */
export interface IcEstimate {
  /** Samples with both a value and a label. */
  readonly n: number;
  /** Null when it cannot be computed (fewer than 3 samples, or the signal or the moves constant). */
  readonly ic: number | null;
  /** The block-bootstrap percentile interval (EvaluationMethod.bootstrap.level); null without an IC or with samples in fewer than 10 blocks. */
  readonly ci: readonly [number, number] | null;
  /** The IC on samples whose moves do not overlap (each next one at or after the quote the last one's move ended at), and its t-statistic. */
  readonly nonOverlapping: { readonly n: number; readonly ic: number | null; readonly t: number | null };
}

export interface PartialIc {
  /** The baseline given (the one with the highest IC at this horizon), null when none has an IC. */
  readonly baseline: BaselineName | null;
  readonly n: number;
  /** Spearman partial correlation of the score and the move given the baseline. */
  readonly ic: number | null;
  readonly ci: readonly [number, number] | null;
}

export interface HorizonReport {
  readonly horizonMs: number;
  /** Samples with a label; without: horizon past the last quote, or no quote yet. */
  readonly labelled: number;
  readonly pastEnd: number;
  readonly noQuote: number;
  /** Time blocks the bootstrap drew (slots of the shared receive clock: captures of the same minutes share them), and their length (ms). */
  readonly blocks: number;
  readonly blockMs: number;
  readonly score: IcEstimate;
  /** The composite's directional bias. */
  readonly bias: IcEstimate;
  /** Each component's sub-score, by name (without bootstrap intervals: `ci` is null). */
  readonly components: Readonly<Record<string, IcEstimate>>;
  readonly baselines: Readonly<Record<BaselineName, IcEstimate>>;
  /** The multi-timeframe composite's directional reading (null unless the samples were collected with it). */
  readonly multiTimeframe: IcEstimate | null;
  readonly partial: PartialIc;
  readonly hitRates: HitRates;
  /** Spearman correlation of the score with the score one horizon later: near 1, the signal barely changes within a horizon. */
  readonly scoreAutocorrelation: { readonly n: number; readonly ic: number | null };
}

export interface CaptureReport {
  /** The capture file, or "pooled". */
  readonly capture: string;
  /** The symbol; pooled: the symbols joined by "+". */
  readonly symbol: string;
  readonly samples: number;
  /** Score updates not kept (limits, receive clock going backwards), and quotes left out of the mid timeline. */
  readonly updatesDropped: number;
  readonly quotesDropped: number;
  /** Local receive time (ms) of the first and last sample; null without samples. */
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  /** Spearman correlation of confidence with signal strength |score − 50| over all samples. */
  readonly confidenceVsStrength: number | null;
  readonly horizons: readonly HorizonReport[];
  readonly decisions: DecisionStats;
}

export interface EvaluationMethod {
  readonly clock: "local receive time";
  readonly move: "mid of the first best quote at or after t + h against the mid at or before t, in basis points";
  readonly bootstrap: { readonly replicates: number; readonly seed: number; readonly level: number; readonly minBlockMs: number };
  /** Buckets of the hit rates by confidence. */
  readonly buckets: number;
}

export interface EvaluationReport {
  readonly horizonsMs: readonly number[];
  readonly method: EvaluationMethod;
  readonly captures: readonly CaptureReport[];
  /**
   * Every capture's samples together: labels per capture; bootstrap blocks and non-overlapping steps on the
   * shared receive clock, so captures of the same minutes are not counted as independent evidence.
   */
  readonly pooled: CaptureReport;
}
