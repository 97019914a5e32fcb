/**
 * Risk adjustment: how much of a signal's opportunity survives the conditions it would
 * be traded in — volatility, liquidity and correlation with the rest of the book.
 *
 * To a trader: a strong, reliable signal is worth less when the market is wild (up to
 * −30 % at 2 % volatility and beyond), when the book is thin (liquidity below normal
 * scales it down, above normal earns nothing extra) and when the symbol just moves with
 * the reference (up to −20 % at |correlation| = 1: it adds exposure you already have).
 *
 * Formula (the scoring layer's seed): opportunity = strength·reliability
 * ·(1 − 0.3·min(vol/0.02, 1))·min(liquidity, 1)·(1 − 0.2·|corr|). `CorrelationTracker`
 * measures the volatility and correlation inputs from prices with the rolling kernels.
 */
import { DisposedError, InvalidParameterError, InvalidValueError, WarmupError } from "../errors.js";
import type { StreamingComponent } from "../streamingComponent.js";
import type { Kernels, RollingCorrelationWindow, RollingStatsWindow } from "../kernels/types.js";
import { MAX_WINDOW } from "../kernels/validate.js";
import { requireInRange, requirePositive } from "../checks.js";
import type { Components } from "../score/extract.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

export interface MarketConditions {
  /** ≥ 0, a fraction (0.02 = 2 %); the penalty saturates at 0.02. */
  readonly volatility: number;
  /** ≥ 0, 1 = normal depth. */
  readonly liquidity: number;
  /** −1 … 1, with the reference (market, portfolio). */
  readonly correlation: number;
}

export interface RiskAdjustedOpportunity {
  /** 0 … 1. */
  readonly opportunity: number;
  /** 0 … 1: min(volatility/0.02, 1). */
  readonly volatilityPenalty: number;
  /** 0 … 1: min(liquidity, 1). */
  readonly liquidityBonus: number;
  /** 0 … 1: |correlation|. */
  readonly correlationPenalty: number;
}

/** Volatility at and beyond which the volatility penalty is full. */
const FULL_PENALTY_VOLATILITY = 0.02;

const volatilityPenaltyOf = (volatility: number): number => Math.min(volatility / FULL_PENALTY_VOLATILITY, 1);

/** (1 − 0.3·min(vol/0.02, 1))·(1 − 0.2·|corr|), in [0.56, 1]: the share a signal keeps in these conditions. */
export function riskDiscount(volatility: number, correlation: number): number {
  requireInRange("volatility", volatility, 0, Infinity);
  requireInRange("correlation", correlation, -1, 1);
  return (1 - 0.3 * volatilityPenaltyOf(volatility)) * (1 - 0.2 * Math.abs(correlation));
}

export function riskAdjustedOpportunity(
  input: Pick<Components, "signalStrength" | "reliability"> & MarketConditions,
): RiskAdjustedOpportunity {
  const { signalStrength, reliability, volatility, liquidity, correlation } = input;
  requireInRange("signalStrength", signalStrength, 0, 1);
  requireInRange("reliability", reliability, 0, 1);
  requireInRange("liquidity", liquidity, 0, Infinity);
  const discount = riskDiscount(volatility, correlation);
  const liquidityBonus = Math.min(liquidity, 1);
  return {
    opportunity: signalStrength * reliability * liquidityBonus * discount,
    volatilityPenalty: volatilityPenaltyOf(volatility),
    liquidityBonus,
    correlationPenalty: Math.abs(correlation),
  };
}

/** Largest simple return accepted: a window of its squares still sums below the double range. */
const MAX_RETURN = 1e150;

/** Throws InvalidParameterError unless `window` is a correlation window: an integer from 2 to MAX_WINDOW. */
export function checkCorrelationWindow(window: number): number {
  if (!(Number.isInteger(window) && window >= 2 && window <= MAX_WINDOW)) {
    throw new InvalidParameterError("window", window, `an integer from 2 to ${MAX_WINDOW}`);
  }
  return window;
}

/** What a CorrelationTracker reads over its window. */
export interface CorrelationReading {
  /** −1 … 1: rolling correlation of the returns; 0 while undefined (a flat window in either series). */
  readonly correlation: number;
  /** ≥ 0: rolling standard deviation (ddof 1) of the symbol's returns, a fraction. */
  readonly volatility: number;
}

/**
 * Rolling volatility of a symbol's simple returns and their correlation with a
 * reference series' returns, one price pair per `onPrice`. Streaming contract
 * (../streamingComponent.ts): the reading is null until `window` returns are in
 * (window + 1 price pairs), and then the tracker is stable. A return above 1e150 (a price
 * jump no market makes, whose squares would overflow) is rejected with InvalidValueError.
 */
export class CorrelationTracker implements StreamingComponent<CorrelationReading> {
  private readonly pair: RollingCorrelationWindow;
  private readonly returns: RollingStatsWindow;
  private price = NaN;
  private reference = NaN;
  private last: CorrelationReading | null = null;
  private disposed = false;

  /** `window`: returns per statistic, 2 … MAX_WINDOW. */
  constructor(
    kernels: Kernels,
    readonly window = 100,
  ) {
    checkCorrelationWindow(window);
    this.pair = kernels.rollingCorrelation(window);
    this.returns = kernels.rollingStats(window);
  }

  /** The symbol's and the reference's prices now, finite and > 0 (the first pair is only recorded); returns the reading, null while warming up. */
  onPrice(price: number, referencePrice: number): CorrelationReading | null {
    this.requireLive();
    requirePositive("price", price);
    requirePositive("referencePrice", referencePrice);
    if (this.price !== this.price) {
      this.price = price;
      this.reference = referencePrice;
      return null;
    }
    const r = price / this.price - 1;
    const rr = referencePrice / this.reference - 1;
    if (r > MAX_RETURN) throw new InvalidValueError("price", 0, price, `a price whose return from ${this.price} is at most ${MAX_RETURN}`);
    if (rr > MAX_RETURN)
      throw new InvalidValueError(
        "referencePrice",
        0,
        referencePrice,
        `a price whose return from ${this.reference} is at most ${MAX_RETURN}`,
      );
    this.pair.push(r, rr);
    this.returns.push(r);
    this.price = price;
    this.reference = referencePrice;
    if (!this.pair.isStable) return null;
    const c = this.pair.corr;
    this.last = { correlation: c === c ? c : 0, volatility: this.returns.std };
    return this.last;
  }

  /** The reading after the last price pair; null while warming up. */
  get latest(): CorrelationReading | null {
    this.requireLive();
    return this.last;
  }

  /** The reading after the last price pair; throws WarmupError while warming up. */
  get result(): CorrelationReading {
    this.requireLive();
    if (!this.last)
      throw new WarmupError("CorrelationTracker", `${this.window - this.pair.count} more returns (${this.window} in the window)`);
    return this.last;
  }

  /** True once `window` returns are in. */
  get isStable(): boolean {
    this.requireLive();
    return this.pair.isStable;
  }

  reset(): void {
    this.requireLive();
    this.pair.reset();
    this.returns.reset();
    this.price = NaN;
    this.reference = NaN;
    this.last = null;
  }

  /** Appends both windows, the last prices and the last reading (a checkpoint part, src/checkpoint/stateCodec.ts). */
  writeState(w: StateWriter): void {
    this.requireLive();
    w.tag("CORR");
    this.pair.writeState(w);
    this.returns.writeState(w);
    w.f64(this.price);
    w.f64(this.reference);
    w.bool(this.last !== null);
    if (this.last) {
      w.f64(this.last.correlation);
      w.f64(this.last.volatility);
    }
  }

  /** Restores what writeState wrote into this tracker (same window); a CheckpointError when the bytes do not fit. */
  readState(r: StateReader): void {
    this.requireLive();
    r.tag("CORR");
    this.pair.readState(r);
    this.returns.readState(r);
    const price = r.f64(),
      reference = r.f64();
    // NaN before the first pair, else two prices the tracker accepted
    const fine = (p: number): boolean => p !== p || (p > 0 && p < Infinity);
    if (!fine(price) || !fine(reference) || (price !== price) !== (reference !== reference))
      throw r.fail(`last prices ${price}, ${reference}: expected both finite and > 0, or both unset`);
    let last: CorrelationReading | null = null;
    if (r.bool()) {
      const correlation = r.f64(),
        volatility = r.f64();
      if (!(Math.abs(correlation) <= 1 && volatility >= 0)) throw r.fail(`a correlation reading ${correlation}, ${volatility}`);
      last = { correlation, volatility };
    }
    this.price = price;
    this.reference = reference;
    this.last = last;
  }

  /** Releases the kernel windows; any later use throws DisposedError. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pair.dispose();
    this.returns.dispose();
  }

  private requireLive(): void {
    if (this.disposed) throw new DisposedError("CorrelationTracker");
  }
}
