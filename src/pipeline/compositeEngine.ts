/**
 * The composite scoring engine (the seed's HFTScoringEngine): per symbol, it combines
 * the confluence update with microstructure (spread, depth, order-flow imbalance,
 * microprice), inventory (position against its limit) and risk (volatility,
 * correlation with a reference) into the four numbers a trading loop acts on, plus the
 * execution decision and market-making parameters that follow from them.
 *
 *   bias b, strength s, reliability r     = extractComponents(update)
 *   microstructure m  = (micropriceOffset + orderFlowImbalance)/2                 ∈ [−1, 1]
 *   inventoryImpact   = −clamp(position/maxPosition, −1, 1)                          ∈ [−1, 1]
 *                       (a long book pushes toward selling; 0 without inventory)
 *   directionalBias   = clamp(0.6·b + 0.25·m + 0.15·inventoryImpact, −1, 1)
 *   liquidity         = min(2, 1/spreadRatio) (the spread's average over its current value, 1 =
 *                       normal; 2 for a spread at half its average or a locked book)
 *   stability         = r·(1 − min(1, 2·σ)), σ = std of the last 20 directional biases
 *                       (r/2 until two are known): a steady, trusted signal is stable
 *   executionUrgency  = s·(0.5 + 0.5·stability)·(0.5 + 0.5·min(liquidity, 1))      ∈ [0, 1]
 *   riskAdjustedOpportunity = the risk module's opportunity (volatility = the
 *                       analyzer's price volatility, correlation from the tracker)   ∈ [0, 1]
 *   normalized        = ScoreNormalizer (z-score over 1,000 scores → tanh(z/2); percentile
 *                       over 100) and volatilityAdaptive(score, volatility); null with
 *                       `normalize: false` (the streaming engine's: its updates carry none,
 *                       and the windows cost ~18 KB and a rank per update a symbol)
 *
 * The correlation tracker exists from the first call with a `referencePrice` on (until then
 * the correlation is 0 and a symbol without a reference pays nothing for it). The execution
 * decision is a DecisionTracker's: the side held (hysteresis on the directional bias, at the
 * update's time) and the plan for it.
 */
import { InvalidConfigError } from "../errors.js";
import type { Kernels, RollingStatsWindow } from "../kernels/types.js";
import { requireOutputSlots, type ConfluenceFeatures, type ConfluenceUpdate } from "../confluence/analyzer.js";
import { checkReading, extractComponents, type Components } from "../score/extract.js";
import * as O from "../kernels/coreLayout.js";
import { ScoreNormalizer, volatilityAdaptive, type NormalizedScore } from "../score/normalizer.js";
import { checkCorrelationWindow, riskAdjustedOpportunity, CorrelationTracker, type RiskAdjustedOpportunity } from "../strategy/risk.js";
import type { ExecutionDecision } from "../strategy/execution.js";
import { DecisionTracker } from "../strategy/decisionTracker.js";
import type { DecisionConfigInput } from "../confluence/decisionConfig.js";
import { marketMakingParameters, type Inventory, type MarketMakingParameters } from "../strategy/marketMaking.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

export interface CompositeEngineOptions {
  /** Position limit for the inventory term (omit to ignore inventory). */
  readonly maxPosition?: number;
  /** Returns in the correlation window against the reference series. Default 100. */
  readonly correlationWindow?: number;
  /** Normalize with the tanh lookup table (the analyzer's `approximations` flag). Default false. */
  readonly approximate?: boolean;
  /** Keep the score normalizer and report `normalized` (false: `normalized` is null). Default true. */
  readonly normalize?: boolean;
  /** The decision keys (hysteresis, horizon, urgency), over the default preset's; the streaming engine passes its configuration's. */
  readonly decision?: DecisionConfigInput;
}

export interface CompositeContext {
  /** Current signed position (with maxPosition set). */
  readonly position?: number;
  /** The reference series' price now (a market index, BTC for alts), for the correlation. */
  readonly referencePrice?: number;
}

export interface CompositeOutput {
  readonly directionalBias: number;
  readonly executionUrgency: number;
  readonly riskAdjustedOpportunity: number;
  readonly inventoryImpact: number;
  readonly stability: number;
  readonly components: Components;
  /** The score normalized against its own history (ScoreNormalizer) and for the volatility regime; null with `normalize: false`. */
  readonly normalized: (NormalizedScore & { readonly volatilityAdaptive: number }) | null;
  readonly microstructure: {
    readonly signal: number;
    readonly spread: number | null;
    readonly micropriceOffset: number;
    readonly orderFlowImbalance: number;
    readonly liquidity: number;
  };
  readonly risk: RiskAdjustedOpportunity & { readonly volatility: number; readonly correlation: number };
  /** The decision held after this update (DecisionTracker); null when no price is known yet (no book, quote or trade). */
  readonly execution: ExecutionDecision | null;
  readonly marketMaking: MarketMakingParameters;
}

/** The numbers a streaming score update carries of one evaluation (`ScoreUpdate.composite`). */
export interface CompositeSummary {
  readonly directionalBias: number;
  readonly executionUrgency: number;
  readonly riskAdjustedOpportunity: number;
  readonly stability: number;
  /** The combined signal's strength, 0–1: with `stability` it grades the decision's urgency. */
  readonly signalStrength: number;
}

/** The values of one evaluation that `evaluate` and `summarize` build their outputs from. */
interface Reading {
  readonly c: Components;
  readonly f: ConfluenceFeatures;
  readonly inventory: Inventory | undefined;
  readonly inventoryImpact: number;
  readonly micro: number;
  readonly liquidity: number;
  readonly correlation: number;
  readonly risk: RiskAdjustedOpportunity;
  readonly summary: CompositeSummary;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
/** The microstructure signal: the mean of the microprice offset and the order-flow imbalance. */
const microOf = (micropriceOffset: number, orderFlowImbalance: number): number => (micropriceOffset + orderFlowImbalance) / 2;
/** Liquidity from the spread against its mean: 1/ratio, at most 2 (and 2 without a ratio). */
const liquidityOf = (spreadRatio: number): number => (spreadRatio > 0 ? Math.min(2, 1 / spreadRatio) : 2);
/** No reference price: the correlation tracker is not fed. */
const NO_REFERENCE = null;

export class CompositeEngine {
  private readonly biases: RollingStatsWindow;
  private correlation: CorrelationTracker | null = null;
  private readonly correlationWindow: number;
  private readonly normalizer: ScoreNormalizer | null;
  private readonly maxPosition: number | undefined;
  private readonly decisions: DecisionTracker;
  private execution: ExecutionDecision | null = null;

  constructor(
    private readonly kernels: Kernels,
    options: CompositeEngineOptions = {},
  ) {
    if (options.maxPosition !== undefined && !(options.maxPosition > 0 && options.maxPosition < Infinity)) {
      throw new InvalidConfigError("maxPosition", options.maxPosition, "a finite number > 0");
    }
    this.maxPosition = options.maxPosition;
    this.biases = kernels.rollingStats(20, { minPeriods: 2 });
    this.correlationWindow = checkCorrelationWindow(options.correlationWindow ?? 100);
    const normalize = options.normalize ?? true;
    if (typeof normalize !== "boolean") throw new InvalidConfigError("normalize", normalize, "true or false");
    this.normalizer = normalize ? new ScoreNormalizer(kernels, { approximate: options.approximate ?? false }) : null;
    this.decisions = new DecisionTracker(options.decision);
  }

  evaluate(update: ConfluenceUpdate, context: CompositeContext = {}): CompositeOutput {
    const r = this.read(update, context);
    const { c, f, summary, liquidity, correlation, risk } = r;
    const normalized = this.normalizer?.onScore(update.score);
    return {
      normalized: normalized
        ? {
            zscore: normalized.zscore,
            percentile: normalized.percentile,
            volatilityAdaptive: volatilityAdaptive(update.score, f.volatility),
          }
        : null,
      directionalBias: summary.directionalBias,
      executionUrgency: summary.executionUrgency,
      riskAdjustedOpportunity: risk.opportunity,
      inventoryImpact: r.inventoryImpact,
      stability: summary.stability,
      components: c,
      microstructure: {
        signal: r.micro,
        spread: f.spread,
        micropriceOffset: f.micropriceOffset,
        orderFlowImbalance: f.orderFlowImbalance,
        liquidity,
      },
      risk: {
        opportunity: risk.opportunity,
        volatilityPenalty: risk.volatilityPenalty,
        liquidityBonus: risk.liquidityBonus,
        correlationPenalty: risk.correlationPenalty,
        volatility: f.volatility,
        correlation,
      },
      execution: this.execution,
      marketMaking: marketMakingParameters(
        { directionalBias: summary.directionalBias, signalStrength: c.signalStrength, reliability: c.reliability },
        r.inventory,
      ),
    };
  }

  /**
   * What a streaming score update carries of an evaluation (`ScoreUpdate.composite`; the decision
   * is `decision`): the same state change and the same numbers as `evaluate`, without building the
   * rest of its output (microstructure, risk breakdown, market making), which a replay discards.
   */
  summarize(update: ConfluenceUpdate, context: CompositeContext = {}): CompositeSummary {
    const summary = this.read(update, context).summary;
    this.normalizer?.onScore(update.score);
    return summary;
  }

  /**
   * `summarize` from the analyzer's output slots (`ConfluenceAnalyzer.computeInto`, coreLayout.ts)
   * and the update's confidence and time, without a context (no inventory, no reference price): the
   * same state change and the same bits as `summarize` on the update those slots make, without the
   * update, features and components objects (what the streaming engine does on every score).
   */
  summarizeOutputs(out: Float64Array, confidence: number, time: number): CompositeSummary {
    // a shorter array would read undefined past its end, after the bias window has moved
    requireOutputSlots(out);
    const score = out[O.SCORE]!;
    checkReading(score, confidence, out[O.MOMENTUM]!, out[O.MEAN_REVERSION]!);
    const mid = out[O.F_MID]!,
      lastPrice = out[O.F_LAST_PRICE]!;
    const summary = this.advance(
      (score - 50) / 50,
      confidence,
      out[O.F_MICROPRICE_OFFSET]!,
      out[O.F_ORDER_FLOW_IMBALANCE]!,
      out[O.F_SPREAD_RATIO]!,
      out[O.F_VOLATILITY]!,
      // the features' nullable slots are NaN where the update has null
      mid === mid ? mid : lastPrice === lastPrice ? lastPrice : null,
      out[O.F_SPREAD]!,
      0,
      time,
      NO_REFERENCE,
    );
    this.normalizer?.onScore(score);
    return summary;
  }

  /** The decision held after the last `evaluate` or `summarize`; null before one, or when no price was known. */
  get decision(): ExecutionDecision | null {
    return this.execution;
  }

  /** One evaluation's state change (bias window, correlation, decision) and the values both outputs are built from. */
  private read(update: ConfluenceUpdate, context: CompositeContext): Reading {
    const c = extractComponents(update);
    const f = update.features;
    const inventory: Inventory | undefined =
      this.maxPosition !== undefined && context.position !== undefined
        ? { position: context.position, maxPosition: this.maxPosition }
        : undefined;
    const inventoryImpact = inventory ? -clamp(inventory.position / inventory.maxPosition, -1, 1) || 0 : 0;
    const summary = this.advance(
      c.directionalBias,
      c.reliability,
      f.micropriceOffset,
      f.orderFlowImbalance,
      f.spreadRatio,
      f.volatility,
      f.mid ?? f.lastPrice,
      f.spread ?? Number.NaN,
      inventoryImpact,
      update.time,
      context.referencePrice !== undefined && f.lastPrice !== null ? [f.lastPrice, context.referencePrice] : NO_REFERENCE,
    );
    // what only evaluate reports, from the same pure functions advance used (the tracker as advance left it)
    const liquidity = liquidityOf(f.spreadRatio),
      correlation = this.correlationNow();
    const risk = riskAdjustedOpportunity({
      signalStrength: c.signalStrength,
      reliability: c.reliability,
      volatility: f.volatility,
      liquidity,
      correlation,
    });
    return {
      c,
      f,
      inventory,
      inventoryImpact,
      micro: microOf(f.micropriceOffset, f.orderFlowImbalance),
      liquidity,
      correlation,
      risk,
      summary,
    };
  }

  /** The correlation with the reference: 0 (no penalty) until the tracker's window is full. */
  private correlationNow(): number {
    return this.correlation?.latest?.correlation ?? 0;
  }

  /**
   * The state change of one reading from plain numbers (NaN spread: none; null mid: no price; the
   * last trade price and the reference price for the correlation tracker, or NO_REFERENCE) and its
   * summary. The one definition behind `evaluate`, `summarize` and `summarizeOutputs`.
   */
  private advance(
    centred: number,
    reliability: number,
    micropriceOffset: number,
    orderFlowImbalance: number,
    spreadRatio: number,
    volatility: number,
    mid: number | null,
    spread: number,
    inventoryImpact: number,
    time: number,
    prices: readonly [last: number, reference: number] | null,
  ): CompositeSummary {
    const signalStrength = Math.abs(centred);
    const directionalBias = clamp(0.6 * centred + 0.25 * microOf(micropriceOffset, orderFlowImbalance) + 0.15 * inventoryImpact, -1, 1);
    this.biases.push(directionalBias);
    const sigma = this.biases.std;
    const stability = Number.isNaN(sigma) ? reliability / 2 : reliability * (1 - Math.min(1, 2 * sigma));
    const liquidity = liquidityOf(spreadRatio);
    if (prices !== NO_REFERENCE) {
      (this.correlation ??= new CorrelationTracker(this.kernels, this.correlationWindow)).onPrice(prices[0], prices[1]);
    }
    const risk = riskAdjustedOpportunity({ signalStrength, reliability, volatility, liquidity, correlation: this.correlationNow() });
    const executionUrgency = clamp(signalStrength * (0.5 + 0.5 * stability) * (0.5 + 0.5 * Math.min(liquidity, 1)), 0, 1);
    this.execution =
      mid === null
        ? null
        : this.decisions.onSignal({ directionalBias, signalStrength, stability, mid, spread: spread > 0 ? spread : 0, volatility }, time);
    return { directionalBias, executionUrgency, riskAdjustedOpportunity: risk.opportunity, stability, signalStrength };
  }

  /**
   * Appends the engine's complete state — the bias window, the correlation tracker once there is
   * one, the normalizer, the decision held and the last decision (a checkpoint part,
   * src/checkpoint/stateCodec.ts).
   */
  writeState(w: StateWriter): void {
    w.tag("COMP");
    this.biases.writeState(w);
    w.bool(this.normalizer !== null);
    this.normalizer?.writeState(w);
    w.bool(this.correlation !== null);
    this.correlation?.writeState(w);
    this.decisions.writeState(w);
    w.bool(this.execution !== null);
  }

  /** Restores what writeState wrote into this engine (same options, freshly made); a CheckpointError when the bytes do not fit. */
  readState(r: StateReader): void {
    r.tag("COMP");
    this.biases.readState(r);
    if (r.bool() !== (this.normalizer !== null)) throw r.fail("a composite engine written with the other `normalize` option");
    this.normalizer?.readState(r);
    if (r.bool()) (this.correlation ??= new CorrelationTracker(this.kernels, this.correlationWindow)).readState(r);
    this.decisions.readState(r);
    // the decision held is the tracker's last one, or none when the last reading had no price
    this.execution = r.bool() ? this.decisions.latest : null;
  }

  reset(): void {
    this.biases.reset();
    this.correlation?.reset();
    this.normalizer?.reset();
    this.decisions.reset();
    this.execution = null;
  }

  dispose(): void {
    this.biases.dispose();
    this.correlation?.dispose();
    this.normalizer?.dispose();
    this.decisions.dispose();
  }
}
