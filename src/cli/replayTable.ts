/**
 * What `confluence replay` prints by default: per symbol what a trader reads first (the
 * time covered, mid, spread, the score and what it means, the decision; traderView.ts),
 * a line saying how to read it, then the engine's own section — events, book state,
 * throughput and latency per event — and how the input went.
 */
import { DEFAULT_LATENCY_SAMPLE } from "../pipeline/engine.js";
import type { SymbolSummary } from "../pipeline/summary.js";
import type { SymbolSpans } from "./symbolSpans.js";
import { thresholdText, traderView } from "./traderView.js";

export interface ReplayTableInput {
  readonly symbols: Record<string, SymbolSummary>;
  readonly spans: SymbolSpans;
  /** Score updates per symbol. */
  readonly updates: (symbol: string) => number;
  /** The confidence a score needs to be actionable, and the configuration in words. */
  readonly threshold: number;
  readonly scoring: string;
  readonly backend: string;
  readonly wallSeconds: number;
  readonly events: number;
  /** How the input went, one line each. */
  readonly notes: readonly string[];
}

const ns = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(1)}ms` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}µs` : `${Math.round(x)}ns`);

/** Columns padded to their widest cell; the first left-aligned, those in `left` too, the rest right-aligned. */
export function columns(head: string[], rows: string[][], left: ReadonlySet<number>): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 || left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

export function replayTable(t: ReplayTableInput): string {
  const symbols = Object.keys(t.symbols);
  const views = symbols.map((s) => traderView(s, t.symbols[s]!, t.spans.get(s), t.threshold));
  const market = columns(
    ["symbol", "covered (UTC)", "span", "mid", "spread", "score", "reading", "confidence", "actionable", "decision"],
    views.map((v) => [v.symbol, v.covered, v.duration, v.mid, v.spread, v.score, v.reading, v.confidence, v.actionable, v.decision]),
    new Set([1, 6, 8, 9]),
  );
  const engine = columns(
    ["symbol", "events", "trades", "rejected", "dups", "book", "gaps", "updates", "events/s", "p50", "p99", "p99.9", "max"],
    symbols.map((symbol) => {
      const s = t.symbols[symbol]!;
      const e = s.events,
        l = s.perf.latencyNs;
      return [
        symbol,
        String(e.trade + e.depth + e.quote + e.snapshot),
        String(e.trade),
        String(e.rejected),
        String(e.duplicates),
        s.book.synced ? `synced ${s.book.bidLevels}×${s.book.askLevels}` : "unsynced",
        String(s.book.gaps),
        String(t.updates(symbol)),
        String(s.perf.eventsPerSec),
        ns(l.p50),
        ns(l.p99),
        ns(l.p999),
        ns(l.max),
      ];
    }),
    new Set([5]),
  );
  return [
    ...market,
    `score 0–100: above 50 bullish, below 50 bearish; actionable once its confidence reaches ${thresholdText(t.threshold)} (${t.scoring}).`,
    "decision: side and urgency of the latest score update, shown only when it is actionable; mid and spread: the final book.",
    "",
    `engine: ${t.backend}, ${t.events} events in ${t.wallSeconds.toFixed(2)} s (${Math.round(t.events / t.wallSeconds)} events/s, decoding included); latency per event (one event in ${DEFAULT_LATENCY_SAMPLE} timed per symbol):`,
    ...engine,
    ...t.notes,
  ].join("\n");
}
