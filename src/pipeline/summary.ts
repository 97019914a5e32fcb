/**
 * The per-symbol replay summary — what `confluence replay --json` prints under `symbols`
 * and the browser replay reproduces: event counts (rejected ones by reason), trade
 * volumes, the book (prices and levels only while synced), the latest score update and
 * performance. Keyed by symbol in a null-prototype object, so a symbol named `__proto__`
 * or `constructor` is a symbol like any other. Browser-safe.
 */
import type { RejectReason } from "../feeds/validate.js";
import type { EventCounts, ScoreUpdate, StreamingEngine, SymbolView } from "./engine.js";

export interface SymbolSummary {
  events: EventCounts;
  /** Rejected events by reason (the reasons that occurred). */
  rejectedBy: Partial<Record<RejectReason, number>>;
  trades: { count: number; buyVolume: number; sellVolume: number };
  book: ReturnType<SymbolView["book"]>;
  score: ScoreUpdate | null;
  perf: { eventsPerSec: number; latencyNs: { p50: number; p99: number; p999: number; max: number } };
}

/** The summary keyed by symbol (a null-prototype object); eventsPerSec = the symbol's events / `wallSeconds`. */
export function summarize(engine: StreamingEngine, wallSeconds: number): Record<string, SymbolSummary> {
  const out = Object.create(null) as Record<string, SymbolSummary>;
  for (const symbol of engine.symbols) {
    const v = engine.symbolState(symbol)!;
    const e = v.events;
    const total = e.trade + e.depth + e.quote + e.snapshot;
    const h = v.latency;
    const rejectedBy: Partial<Record<RejectReason, number>> = {};
    for (const [reason, n] of Object.entries(v.rejectedBy)) if (n > 0) rejectedBy[reason as RejectReason] = n;
    out[symbol] = {
      events: { trade: e.trade, depth: e.depth, quote: e.quote, snapshot: e.snapshot, rejected: e.rejected, duplicates: e.duplicates },
      rejectedBy,
      trades: v.trades,
      book: v.book(),
      score: v.lastScore,
      perf: {
        eventsPerSec: wallSeconds > 0 ? Math.round(total / wallSeconds) : 0,
        latencyNs: { p50: h.quantile(0.5), p99: h.quantile(0.99), p999: h.quantile(0.999), max: Math.round(h.max) },
      },
    };
  }
  return out;
}
