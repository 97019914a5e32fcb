/**
 * Score normalizer: turns one symbol's stream of 0–100 confluence scores into two
 * readings in [−1, 1] that say how unusual the latest score is for that symbol.
 *
 * To a trader: 60 is loud on a symbol that idles at 50 ± 2 and noise on one that swings
 * 20–80. `zscore` measures the latest score in recent standard deviations, squashed by
 * tanh(z/2) so that ±1σ reads ±0.46 and ±4σ ±0.96; `percentile` says how many of the
 * recent scores it beats: (count below − count above)/n, which is pandas'
 * rank(pct=True)·n = avgRank mapped by 2·(avgRank − 0.5)/n − 1 — the highest of n reads
 * 1 − 1/n, the lowest −(1 − 1/n), the median and a window of equal scores 0. Until
 * `minSamples` scores are in both fall back to the raw bias (score − 50)/50.
 *
 * Both statistics come from the rolling kernels (pandas rolling z-score and rank,
 * ddof 1) and tanh is the library's own (Kernels.tanh; never the host's Math.tanh), so
 * results are identical on every backend and JavaScript engine. `volatilityAdaptive` is
 * the stateless variant: tanh of the raw bias (the same tanh, from
 * kernels/js/common/transcendental.ts), sharpened in calm markets (k = 1.3 below 0.5 %
 * volatility) and damped in wild ones (k = 0.7 above 2 %).
 *
 * Streaming contract (../streamingComponent.ts): every score in (`onScore`) gives a
 * reading, so warm-up ends with the first score; `isStable` turns true when the
 * statistics replace the fallback.
 */
import { DisposedError, InvalidParameterError, UnknownConfigKeyError, WarmupError } from "../errors.js";
import type { StreamingComponent } from "../streamingComponent.js";
import type { Kernels, RollingStatsWindow } from "../kernels/types.js";
import { MAX_WINDOW } from "../kernels/validate.js";
import { requireInRange } from "../checks.js";
import { tanhApprox } from "./tanhTable.js";
import { tanh } from "../kernels/js/common/transcendental.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

export interface ScoreNormalizerOptions {
  /** Scores in the z-score window, 2 … MAX_WINDOW. Default 1000. */
  readonly zWindow?: number;
  /** Scores needed before the statistics replace the fallback, 1 … min(zWindow, percentileWindow). Default 30. */
  readonly minSamples?: number;
  /** Scores in the percentile window, 2 … MAX_WINDOW. Default 100. */
  readonly percentileWindow?: number;
  /** Squash with tanhApprox (table, error ≤ TANH_APPROX_MAX_ERROR) instead of the exact tanh (Kernels.tanh). Default false. */
  readonly approximate?: boolean;
}

export interface NormalizedScore {
  /** −1 … 1: tanh(z/2) of the latest score in its zWindow. */
  readonly zscore: number;
  /** −(1 − 1/n) … 1 − 1/n: (count below − count above)/n in the percentileWindow of n scores. */
  readonly percentile: number;
}

const OPTION_KEYS = ["zWindow", "minSamples", "percentileWindow", "approximate"];

/** Signed percentile (count below − count above)/n recovered exactly from pandas' rank(pct=True) of n values. */
export function signedPercentile(rank: number, n: number): number {
  // 2·rank·n = 2·below + equal + 1 is an integer; rounding removes the division's error
  return (Math.round(2 * rank * n) - 1 - n) / n;
}

/** tanh(bias·k), k = 0.7 when volatility > 0.02, 1.3 when < 0.005, else 1; in [−tanh 1.3, tanh 1.3] ≈ ±0.862. */
export function volatilityAdaptive(score: number, volatility: number): number {
  requireInRange("score", score, 0, 100);
  requireInRange("volatility", volatility, 0, Infinity);
  const k = volatility > 0.02 ? 0.7 : volatility < 0.005 ? 1.3 : 1;
  return tanh(((score - 50) / 50) * k);
}

function windowOption(name: string, value: number): number {
  if (Number.isInteger(value) && value >= 2 && value <= MAX_WINDOW) return value;
  throw new InvalidParameterError(name, value, `an integer from 2 to ${MAX_WINDOW}`);
}

export class ScoreNormalizer implements StreamingComponent<NormalizedScore> {
  private readonly zStats: RollingStatsWindow;
  private readonly pStats: RollingStatsWindow;
  private readonly tanh: (x: number) => number;
  private last: NormalizedScore | null = null;
  private disposed = false;

  constructor(kernels: Kernels, options: ScoreNormalizerOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) throw new UnknownConfigKeyError(key, OPTION_KEYS);
    }
    const zWindow = windowOption("zWindow", options.zWindow ?? 1000);
    const percentileWindow = windowOption("percentileWindow", options.percentileWindow ?? 100);
    const minSamples = options.minSamples ?? 30;
    const most = Math.min(zWindow, percentileWindow);
    if (!(Number.isInteger(minSamples) && minSamples >= 1 && minSamples <= most)) {
      throw new InvalidParameterError("minSamples", minSamples, `an integer from 1 to min(zWindow, percentileWindow) = ${most}`);
    }
    const approximate = options.approximate ?? false;
    if (typeof approximate !== "boolean") throw new InvalidParameterError("approximate", approximate, "true or false");
    this.tanh = approximate ? tanhApprox : (x) => kernels.tanh(x);
    this.zStats = kernels.rollingStats(zWindow, { minPeriods: minSamples });
    this.pStats = kernels.rollingStats(percentileWindow, { minPeriods: minSamples });
  }

  /** True once minSamples scores are in and the statistics replace the fallback. */
  get isStable(): boolean {
    this.requireLive();
    return this.pStats.count >= this.pStats.minPeriods;
  }

  /** Takes the next 0–100 score; returns its reading (the raw bias until minSamples scores are in). */
  onScore(score: number): NormalizedScore {
    this.requireLive();
    requireInRange("score", score, 0, 100);
    this.zStats.push(score);
    this.pStats.push(score);
    this.last = this.reading(score);
    return this.last;
  }

  /** The reading of the last score; null before the first. */
  get latest(): NormalizedScore | null {
    this.requireLive();
    return this.last;
  }

  /** The reading of the last score; throws WarmupError before the first. */
  get result(): NormalizedScore {
    this.requireLive();
    if (!this.last) throw new WarmupError("ScoreNormalizer", "a first score (call onScore() first)");
    return this.last;
  }

  reset(): void {
    this.requireLive();
    this.zStats.reset();
    this.pStats.reset();
    this.last = null;
  }

  /** Appends both windows and the last reading (a checkpoint part, src/checkpoint/stateCodec.ts). */
  writeState(w: StateWriter): void {
    this.requireLive();
    w.tag("NORM");
    this.zStats.writeState(w);
    this.pStats.writeState(w);
    w.bool(this.last !== null);
    if (this.last) {
      w.f64(this.last.zscore);
      w.f64(this.last.percentile);
    }
  }

  /** Restores what writeState wrote into this normalizer (same windows); a CheckpointError when the bytes do not fit. */
  readState(r: StateReader): void {
    this.requireLive();
    r.tag("NORM");
    this.zStats.readState(r);
    this.pStats.readState(r);
    if (r.bool()) {
      const zscore = r.f64(),
        percentile = r.f64();
      if (!(Math.abs(zscore) <= 1 && Math.abs(percentile) <= 1))
        throw r.fail(`a normalized reading ${zscore}, ${percentile} outside [−1, 1]`);
      this.last = { zscore, percentile };
    } else this.last = null;
  }

  /** Releases the kernel windows; any later use throws DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.zStats.dispose();
    this.pStats.dispose();
  }

  private reading(score: number): NormalizedScore {
    const rank = this.pStats.rank();
    if (rank !== rank) {
      const bias = (score - 50) / 50;
      return { zscore: bias, percentile: bias };
    }
    const z = this.zStats.zscore;
    return {
      zscore: z === z ? this.tanh(z / 2) : 0,
      percentile: signedPercentile(rank, this.pStats.count),
    };
  }

  private requireLive(): void {
    if (this.disposed) throw new DisposedError("ScoreNormalizer");
  }
}
