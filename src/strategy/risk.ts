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
import { DisposedError, InvalidParameterError, InvalidValueError } from "../errors.js";
import type { Kernels, RollingCorrelationWindow, RollingStatsWindow } from "../kernels/types.js";
import { MAX_WINDOW } from "../kernels/validate.js";
import { requireInRange, requirePositive } from "../checks.js";
import type { Components } from "../score/extract.js";

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

export function riskAdjustedOpportunity(input: Pick<Components, "signalStrength" | "reliability"> & MarketConditions): RiskAdjustedOpportunity {
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

/**
 * Rolling volatility of a symbol's simple returns and their correlation with a
 * reference series' returns, one price pair per update. Both read 0 until `window`
 * returns are in (window + 1 updates); the correlation also reads 0 while it is
 * undefined (a flat window in either series). A return above 1e150 (a price jump no
 * market makes, whose squares would overflow) is rejected with InvalidValueError.
 */
/** Throws InvalidParameterError unless `window` is a correlation window: an integer from 2 to MAX_WINDOW. */
export function checkCorrelationWindow(window: number): number {
  if (!(Number.isInteger(window) && window >= 2 && window <= MAX_WINDOW)) {
    throw new InvalidParameterError("window", window, `an integer from 2 to ${MAX_WINDOW}`);
  }
  return window;
}

export class CorrelationTracker {
  private readonly pair: RollingCorrelationWindow;
  private readonly returns: RollingStatsWindow;
  private price = NaN;
  private reference = NaN;
  private disposed = false;

  /** `window`: returns per statistic, 2 … MAX_WINDOW. */
  constructor(kernels: Kernels, readonly window = 100) {
    checkCorrelationWindow(window);
    this.pair = kernels.rollingCorrelation(window);
    this.returns = kernels.rollingStats(window);
  }

  /** Prices finite and > 0; the first call only records them. */
  update(price: number, referencePrice: number): void {
    this.requireLive();
    requirePositive("price", price);
    requirePositive("referencePrice", referencePrice);
    if (this.price !== this.price) {
      this.price = price;
      this.reference = referencePrice;
      return;
    }
    const r = price / this.price - 1;
    const rr = referencePrice / this.reference - 1;
    if (r > MAX_RETURN) throw new InvalidValueError("price", 0, price, `a price whose return from ${this.price} is at most ${MAX_RETURN}`);
    if (rr > MAX_RETURN) throw new InvalidValueError("referencePrice", 0, referencePrice, `a price whose return from ${this.reference} is at most ${MAX_RETURN}`);
    this.pair.push(r, rr);
    this.returns.push(r);
    this.price = price;
    this.reference = referencePrice;
  }

  /** −1 … 1: rolling correlation of the returns; 0 until the window is full or while undefined. */
  get correlation(): number {
    this.requireLive();
    const c = this.pair.corr;
    return c === c ? c : 0;
  }

  /** ≥ 0: rolling standard deviation (ddof 1) of the symbol's returns, a fraction; 0 until the window is full. */
  get volatility(): number {
    this.requireLive();
    const s = this.returns.std;
    return s === s ? s : 0;
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
