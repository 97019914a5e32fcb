/**
 * The per-symbol replay summary — the object `confluence replay --json` prints and the
 * browser replay reproduces: event counts, trade volumes, the book (prices and levels only
 * while synced), the latest score update and performance. Browser-safe.
 */
import type { ScoreUpdate, StreamingEngine, SymbolView } from "./engine.js";

export interface SymbolSummary {
  events: { trade: number; depth: number; quote: number; snapshot: number; rejected: number };
  trades: { count: number; buyVolume: number; sellVolume: number };
  book: ReturnType<SymbolView["book"]>;
  score: ScoreUpdate | null;
  perf: { eventsPerSec: number; latencyNs: { p50: number; p99: number; p999: number; max: number } };
}

/** The summary keyed by symbol; eventsPerSec = the symbol's events / `wallSeconds`. */
export function summarize(engine: StreamingEngine, wallSeconds: number): Record<string, SymbolSummary> {
  const out: Record<string, SymbolSummary> = {};
  for (const symbol of engine.symbols) {
    const v = engine.symbolState(symbol)!;
    const e = v.events;
    const total = e.trade + e.depth + e.quote + e.snapshot;
    const h = v.latency;
    out[symbol] = {
      events: { trade: e.trade, depth: e.depth, quote: e.quote, snapshot: e.snapshot, rejected: e.rejected },
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

