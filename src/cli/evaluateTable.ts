/**
 * What `confluence evaluate` prints by default: per capture (file and symbol) and pooled, one
 * row per horizon with the score's IC and its 95% block-bootstrap interval, the IC on
 * non-overlapping samples with its t-statistic, the multi-timeframe composite's IC when it was
 * collected (`--multi-timeframe`), the baselines' ICs (top of book with its
 * interval), the partial IC of the score given the best baseline, and the hit rates; then a
 * line on the decisions (side changes a minute, median hold, urgencies and algorithms), a line
 * per horizon on the calibration (mean confidence against hit rate per confidence decile), and a
 * legend saying what each figure means.
 */
import type { CaptureReport, EvaluationReport, IcEstimate } from "../evaluate/evaluationReport.js";
import { columns } from "./replayTable.js";
import { MIN_BLOCKS } from "../evaluate/blockBootstrap.js";

/** A horizon in words: 100ms, 1s, 2.5s, 1m. */
export function horizonLabel(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}

const ic = (x: number | null): string => (x === null ? "–" : `${x < 0 ? "−" : " "}${Math.abs(x).toFixed(3)}`);
const ci = (c: readonly [number, number] | null): string => (c === null ? "" : `[${ic(c[0]).trim()}, ${ic(c[1]).trim()}]`);
const pct = (x: number | null): string => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
const withCi = (e: Pick<IcEstimate, "ic" | "ci">): string => `${ic(e.ic)} ${ci(e.ci)}`.trimEnd();

function duration(ms: number): string {
  const s = ms / 1000;
  return s >= 60 ? `${Math.floor(s / 60)}m ${(s % 60).toFixed(1)}s` : `${s.toFixed(1)}s`;
}

function captureBlock(c: CaptureReport): string[] {
  const mtf = c.horizons.some((h) => h.multiTimeframe !== null);
  const span = c.firstTime !== null && c.lastTime !== null ? `, ${duration(c.lastTime - c.firstTime)}` : "";
  const head = `${c.symbol}  ${c.capture}: ${c.samples} score updates${span}${c.updatesDropped ? ` (${c.updatesDropped} not kept)` : ""}`;
  const rows = c.horizons.map((h) => {
    const s = h.score.nonOverlapping;
    return [
      horizonLabel(h.horizonMs),
      String(h.labelled),
      withCi(h.score),
      `${ic(s.ic)} (${s.t === null ? "–" : s.t.toFixed(1)}, n ${s.n})`,
      ...(mtf ? [h.multiTimeframe === null ? "–" : withCi(h.multiTimeframe)] : []),
      withCi(h.baselines.topOfBook),
      ic(h.baselines.top5.ic),
      ic(h.baselines.ofi10.ic),
      ic(h.baselines.volumeDelta50.ic),
      h.partial.baseline === null ? "–" : `${withCi(h.partial)} ${h.partial.baseline}`,
      pct(h.hitRates.overall.rate),
      pct(h.hitRates.actionable.rate),
      ic(h.scoreAutocorrelation.ic),
    ];
  });
  const table = columns(
    [
      "horizon",
      "labelled",
      "score IC [95% CI]",
      "non-overlapping IC (t, n)",
      ...(mtf ? ["multi-timeframe IC [95% CI]"] : []),
      "top-of-book IC [95% CI]",
      "top-5",
      "OFI 10",
      "flow 50",
      "partial IC [95% CI] given",
      "hit",
      "hit actionable",
      "persistence",
    ],
    rows,
    new Set([mtf ? 9 : 8]),
  );
  const d = c.decisions;
  const counts = (o: Readonly<Record<string, number>>): string =>
    Object.entries(o)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
  const decisions =
    `decisions: ${d.sideChangesPerMinute === null ? "–" : d.sideChangesPerMinute.toFixed(1)} side changes a minute, median hold ` +
    `${d.medianHoldMs === null ? "–" : duration(d.medianHoldMs)}; actionable ${pct(d.actionableShare)}; urgency ${counts(d.urgency)}; ${counts(d.algorithm)}; ` +
    `confidence vs |score − 50| ${ic(c.confidenceVsStrength).trim()}`;
  const calibration = c.horizons.map(
    (h) =>
      `calibration ${horizonLabel(h.horizonMs)} (largest gap ${h.hitRates.calibrationGap === null ? "–" : h.hitRates.calibrationGap.toFixed(3)}): ` +
      h.hitRates.byConfidence.map((d) => `${d.confidenceMean.toFixed(2)}/${d.rate!.toFixed(2)}`).join("  "),
  );
  return [head, ...table, decisions, ...calibration];
}

export function evaluateTable(report: EvaluationReport, scoring: string): string {
  const b = report.method.bootstrap;
  const blocks = [...report.captures, ...(report.captures.length > 1 ? [report.pooled] : [])].map(captureBlock);
  return [
    ...blocks.flatMap((lines) => [...lines, ""]),
    `${scoring}. IC: Spearman rank correlation with the forward mid move (the first best quote at or after t + horizon against the one at or before t, local receive clock).`,
    `[95% CI]: block bootstrap (${b.replicates} replicates, blocks of max(${b.minBlockMs / 1000} s, horizon) on the shared receive clock, none from fewer than ${MIN_BLOCKS}, seed ${b.seed}); non-overlapping: each next update at or after the quote the last one's move ended at (pooled: across the captures in time order), t = IC·√((n − 2)/(1 − IC²)).`,
    "baselines: top-of-book (Bq − Aq)/(Bq + Aq) of the best quote, top-5 book levels, OFI over 10 quotes, trade volume delta over 50 trades. partial IC: the score's IC given the best baseline.",
    ...(report.pooled.horizons.some((h) => h.multiTimeframe !== null)
      ? [
          "multi-timeframe: the directional reading of the 1 s / 5 s / 30 s / 5 min bar analyzers' composite at each update (MultiTimeframeScorer; its slower components are judged at the longer horizons).",
        ]
      : []),
    "hit: share of updates whose side (score above or below 50) the mid then moved to, zero moves left out; persistence: rank correlation of the score with itself one horizon later.",
    "calibration: mean confidence / hit rate per confidence decile, lowest first; with a calibrated preset the two agree (confidence is then the probability of a hit).",
  ].join("\n");
}
