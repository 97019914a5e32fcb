/**
 * The terminal view of `confluence live`: per symbol what a trader watches while the market
 * runs — mid and spread of the synced book, the latest score and what it means, its
 * confidence, the decision when it is actionable — and what says whether to trust it: events
 * a second, the book's state (synced, waiting for a snapshot, gap) with its gaps and resyncs,
 * and the latency from the exchange's event time to the score (exchange clock corrected by the
 * measured server-time offset). A pure function of its inputs: `live.ts` redraws it in place
 * on a terminal and prints it now and then otherwise.
 */
import { columns } from "./replayTable.js";
import { midAndSpread, thresholdText } from "./traderView.js";
import type { ScoreUpdate } from "../pipeline/engine.js";

export interface LiveRow {
  readonly symbol: string;
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
  /** "synced", "waiting" (for a snapshot) or "gap" (out of sync until the next snapshot). */
  readonly book: string;
  readonly gaps: number;
  readonly resyncs: number;
  readonly score: ScoreUpdate | null;
  /** Events of the symbol a second over the last refresh interval. */
  readonly eventsPerSecond: number;
  /** Exchange event time → score, ms: median and 99th percentile of the recent updates (null before one). */
  readonly latencyP50Ms: number | null;
  readonly latencyP99Ms: number | null;
}

export interface LiveHeader {
  readonly market: string;
  readonly endpoint: string;
  readonly uptimeMs: number;
  /** Exchange clock − local clock, ms (null before it was measured). */
  readonly serverOffsetMs: number | null;
  readonly reconnects: number;
  readonly garbage: number;
  readonly threshold: number;
  readonly scoring: string;
}

const LATENCY_CAP_MS = (2 ** 31 - 1) / 1e6;
const fixed = (x: number | null, digits: number): string => (x === null || !Number.isFinite(x) ? "–" : x.toFixed(digits));

/** The latency histogram holds up to 2³¹ ns: beyond, "> 2147" (a clock far off, or a recording served as live). */
function latencyText(ms: number | null): string {
  return ms !== null && ms >= LATENCY_CAP_MS ? `> ${LATENCY_CAP_MS.toFixed(0)}` : fixed(ms, 0);
}

function uptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s % 60}s` : `${s}s`;
}

/** One row of cells per symbol. */
function cells(r: LiveRow): string[] {
  const u = r.score;
  const { mid, spread } = midAndSpread(r.bestBid, r.bestAsk);
  const decision =
    !u?.actionable || !u.decision ? "–" : `${u.decision.side === "none" ? "no side" : u.decision.side}, ${u.decision.urgency}`;
  return [
    r.symbol,
    mid,
    spread,
    u ? u.score.toFixed(1) : "–",
    u ? (u.score > 50 ? "bullish" : u.score < 50 ? "bearish" : "neutral") : "warming up",
    u ? u.confidence.toFixed(2) : "–",
    decision,
    r.eventsPerSecond.toFixed(0),
    r.book,
    String(r.gaps),
    String(r.resyncs),
    r.latencyP50Ms === null ? "–" : `${latencyText(r.latencyP50Ms)} / ${latencyText(r.latencyP99Ms)} ms`,
  ];
}

/** The view as lines of text (no trailing newline). */
export function liveView(header: LiveHeader, rows: readonly LiveRow[]): string {
  const head = [
    `confluence live: ${header.market} via ${header.endpoint}, up ${uptime(header.uptimeMs)}; server clock ${
      header.serverOffsetMs === null
        ? "not measured yet"
        : `${header.serverOffsetMs >= 0 ? "+" : "−"}${fixed(Math.abs(header.serverOffsetMs), 0)} ms from local`
    }; ${header.reconnects} reconnects; ${header.garbage} garbage frames`,
  ];
  const table = columns(
    ["symbol", "mid", "spread", "score", "reading", "confidence", "decision", "events/s", "book", "gaps", "resyncs", "latency p50 / p99"],
    rows.map(cells),
    new Set([4, 6, 8]),
  );
  return [
    ...head,
    ...table,
    `score 0–100: above 50 bullish, below 50 bearish; a decision shows once confidence reaches ${thresholdText(header.threshold)} (${header.scoring}).`,
    "latency: exchange event time → score, on the exchange clock (local time corrected by the measured offset). Ctrl-C stops.",
  ].join("\n");
}
