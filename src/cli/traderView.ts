/**
 * A symbol's replay summary in a trader's words, as the replay table and the HTML report
 * show it: the time covered (UTC), the mid and the spread (in price units and basis
 * points) of the final book, the latest score with its reading — above 50 bullish,
 * below 50 bearish (score = 50 + 50·Σw·signal, README "Confluence scoring") — whether it
 * is actionable (its confidence reached the preset's threshold) and, only then, the
 * decision spelled out: "sell, low urgency".
 */
import type { SymbolSummary } from "../pipeline/summary.js";
import type { TimeSpan } from "./symbolSpans.js";

export interface TraderView {
  readonly symbol: string;
  /** `2024-08-08 23:54:13.402 → 23:59:59.998` (UTC), or "–". */
  readonly covered: string;
  /** `5m 46.6s`, or "". */
  readonly duration: string;
  readonly mid: string;
  /** `0.01 (0.0016 bp)`. */
  readonly spread: string;
  readonly score: string;
  readonly reading: "bullish" | "bearish" | "neutral" | "warming up";
  readonly confidence: string;
  /** `yes`, or `no (needs ≥ 0.8471)`: the confidence threshold, 4 significant digits. */
  readonly actionable: string;
  /** `sell, low urgency` when actionable; "–" otherwise. */
  readonly decision: string;
}

/** Digits after the point in the shortest form of a price as the exchange sent it (61837.63 → 2). */
function decimals(x: number): number {
  const text = String(x);
  const exp = /e-(\d+)$/.exec(text);
  if (exp) return Math.min(20, Number(exp[1]) + (text.split("e")[0]!.split(".")[1]?.length ?? 0));
  return text.split(".")[1]?.length ?? 0;
}

/** `2024-08-08 23:54:13.402` (UTC) from ms since the epoch; the date is left out when `sameDayAs` has it. */
function utcTime(ms: number, sameDayAs?: number): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 23)];
  return sameDayAs !== undefined && new Date(Math.floor(sameDayAs)).toISOString().slice(0, 10) === date ? time : `${date} ${time}`;
}

function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${(s - m * 60).toFixed(1)}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** The actionable threshold as people read it: 4 significant digits (a fitted one has 16). */
export function thresholdText(threshold: number): string {
  return String(Number(threshold.toPrecision(4)));
}

/** Mid and spread of a best bid and ask as a trader reads them: `61685.995`, `0.01 (0.0016 bp)`; – without both. */
export function midAndSpread(bid: number | null, ask: number | null): { mid: string; spread: string } {
  if (bid === null || ask === null) return { mid: "–", spread: "–" };
  const d = decimals(bid) > decimals(ask) ? decimals(bid) : decimals(ask);
  const m = (bid + ask) / 2;
  return {
    // one digit more than the prices have (a mid can fall between two ticks), without a trailing zero
    mid: m
      .toFixed(d + 1)
      .replace(/0$/, "")
      .replace(/\.$/, ""),
    spread: `${(ask - bid).toFixed(d)} (${(((ask - bid) / m) * 1e4).toPrecision(2)} bp)`,
  };
}

export function traderView(symbol: string, s: SymbolSummary, span: TimeSpan | null, threshold: number): TraderView {
  const bid = s.book.bestBid ?? null,
    ask = s.book.bestAsk ?? null;
  const { mid, spread } = s.book.synced ? midAndSpread(bid, ask) : { mid: "–", spread: "–" };
  const u = s.score;
  const score = u ? u.score.toFixed(1) : "–";
  const reading = !u ? "warming up" : score === "50.0" ? "neutral" : u.score > 50 ? "bullish" : "bearish";
  const decision =
    u?.actionable && u.decision
      ? u.decision.side === "none"
        ? `no side, ${u.decision.urgency} urgency`
        : `${u.decision.side}, ${u.decision.urgency} urgency`
      : "–";
  return {
    symbol,
    covered: span ? `${utcTime(span.first)} → ${utcTime(span.last, span.first)}` : "–",
    duration: span ? duration(span.last - span.first) : "",
    mid,
    spread,
    score,
    reading,
    confidence: u ? u.confidence.toFixed(2) : "–",
    actionable: !u ? "–" : u.actionable ? "yes" : `no (needs ≥ ${thresholdText(threshold)})`,
    decision,
  };
}
