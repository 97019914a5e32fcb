/**
 * Portfolio ranking: orders a universe of symbols by how much their signals are worth
 * acting on now, and sizes each relative to the best.
 *
 * To a trader: the execution queue. A clear, reliable, moving signal ranks high; the same
 * signal on a wild or index-hugging symbol ranks lower; the best gets full size and the
 * others their share of it.
 *
 * Formulas: rankScore = 0.4·|bias| + 0.4·reliability + 0.2·|momentum| (the scoring layer's
 * seed); riskAdjustedScore = rankScore·(1 − 0.3·min(vol/0.02, 1))·(1 − 0.2·|corr|) (the
 * riskDiscount of ./risk.ts; volatility and correlation default to 0);
 * positionSizeMultiplier = riskAdjustedScore / the universe's maximum (0 if all are 0).
 * Priority 1 is the highest riskAdjustedScore; equal scores go in symbol order (UTF-16
 * code units, locale-independent) so the ranking is deterministic.
 */
import { DuplicateSymbolError, InvalidParameterError } from "../errors.js";
import { requireInRange } from "../checks.js";
import type { Components } from "../score/extract.js";
import { riskDiscount } from "./risk.js";
import type { Side } from "./execution.js";

export interface PortfolioEntry extends Pick<Components, "directionalBias" | "reliability" | "momentum"> {
  readonly symbol: string;
  /** ≥ 0, a fraction; default 0. */
  readonly volatility?: number;
  /** −1 … 1; default 0. */
  readonly correlation?: number;
}

export interface RankedSymbol {
  readonly symbol: string;
  /** 0 … 1. */
  readonly rankScore: number;
  /** 0 … 1 (at least 0.56·rankScore). */
  readonly riskAdjustedScore: number;
  /** 1 … n, 1 = act first. */
  readonly executionPriority: number;
  /** 0 … 1, 1 for the best symbol. */
  readonly positionSizeMultiplier: number;
  readonly side: Side;
}

/** The universe ranked best first (executionPriority 1, 2, …); an empty universe gives []. */
export function rankPortfolio(entries: readonly PortfolioEntry[]): RankedSymbol[] {
  const firstIndex = new Map<string, number>();
  const scored = entries.map((e, i) => {
    if (typeof e.symbol !== "string" || e.symbol === "")
      throw new InvalidParameterError(`entries[${i}].symbol`, e.symbol, "a non-empty string");
    const seen = firstIndex.get(e.symbol);
    if (seen !== undefined) throw new DuplicateSymbolError(e.symbol, seen, i);
    firstIndex.set(e.symbol, i);
    requireInRange("directionalBias", e.directionalBias, -1, 1, i);
    requireInRange("reliability", e.reliability, 0, 1, i);
    requireInRange("momentum", e.momentum, -1, 1, i);
    const volatility = e.volatility ?? 0,
      correlation = e.correlation ?? 0;
    requireInRange("volatility", volatility, 0, Infinity, i);
    requireInRange("correlation", correlation, -1, 1, i);
    const rankScore = 0.4 * Math.abs(e.directionalBias) + 0.4 * e.reliability + 0.2 * Math.abs(e.momentum);
    const side: Side = e.directionalBias > 0 ? "buy" : e.directionalBias < 0 ? "sell" : "none";
    return { symbol: e.symbol, rankScore, riskAdjustedScore: rankScore * riskDiscount(volatility, correlation), side };
  });
  scored.sort((a, b) => b.riskAdjustedScore - a.riskAdjustedScore || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const best = scored.length > 0 ? scored[0]!.riskAdjustedScore : 0;
  return scored.map((s, i) => ({
    symbol: s.symbol,
    rankScore: s.rankScore,
    riskAdjustedScore: s.riskAdjustedScore,
    executionPriority: i + 1,
    positionSizeMultiplier: best > 0 ? s.riskAdjustedScore / best : 0,
    side: s.side,
  }));
}
