/**
 * The replay report (`confluence replay --report FILE`): one self-contained HTML file (the
 * lightweight-charts standalone script and the data inlined; it opens offline) with a
 * summary table per symbol — time covered, mid, spread, the final score and what it
 * means, whether it is actionable, the decision — and per symbol four charts with
 * legends and units: the mid price with a marker wherever an actionable decision took
 * a side (▲ buy, ▼ sell); the score (0–100, neutral 50) with its confidence (0–1) and the
 * actionable threshold; the top-5 book imbalance on a fixed −1…+1 axis; the cumulative
 * volume delta. Times are UTC. Node-only (reads the charting library's file).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { thresholdText, type TraderView } from "./traderView.js";

/** The pages' look (dark, tabular figures, panels of charts with legends): shared by the replay and the evaluation report. */
const PAGE_STYLE = `  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0f1419; color: #d6dde5; }
  header { padding: 16px 24px; border-bottom: 1px solid #26303a; }
  h1 { font-size: 18px; margin: 0; } h2 { font-size: 16px; margin: 24px 24px 4px; }
  .note { margin: 0 24px 8px; color: #8b98a5; font-variant-numeric: tabular-nums; }
  header .note { margin: 4px 0 0; }
  .table { overflow-x: auto; margin: 16px 24px 0; }
  table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { padding: 4px 8px; border-bottom: 1px solid #26303a; text-align: right; white-space: nowrap; }
  th { color: #8b98a5; font-weight: 600; } td:first-child, th:first-child { text-align: left; }
  .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; margin: 0 24px; }
  .panel { background: #151c23; border: 1px solid #26303a; border-radius: 6px; padding: 8px; }
  .panel h3 { font-size: 12px; font-weight: 600; margin: 0 0 4px; color: #8b98a5; text-transform: uppercase; letter-spacing: .04em; }
  .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin: 0 0 4px; }
  .legend span::before { content: ""; display: inline-block; width: 14px; height: 3px; margin: 0 5px 3px 0; background: var(--c); vertical-align: middle; }
  .legend span.dashed::before { background: repeating-linear-gradient(90deg, var(--c) 0 4px, transparent 4px 7px); }
  .legend span.mark::before { content: attr(data-glyph); width: auto; height: auto; background: none; color: var(--c); margin: 0 5px 0 0; }
  .chart { height: 240px; }
  .grid3 { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; margin: 0 24px; }
  .single { margin: 0 24px; }
  .panel .axis { margin: 0 0 4px; font-size: 12px; }
`;

/** The start of a report page, up to <body>: the doctype, the title and PAGE_STYLE. */
export function pageHead(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
${PAGE_STYLE}</style>
</head>
`;
}

/**
 * Page-script helpers shared by the reports: `base` chart options, `fixed(min, max)` for an
 * axis that must show exactly that range, `points(s, values)` (non-null values against
 * `s.time`) and `legend(items)` (colour swatches: [colour, text, class, glyph]).
 */
export const CHART_HELPERS = `const base = { layout: { background: { color: "#151c23" }, textColor: "#8b98a5" }, grid: { vertLines: { color: "#1e2730" }, horzLines: { color: "#1e2730" } },
  timeScale: { timeVisible: true, secondsVisible: true, minBarSpacing: 0.01 }, rightPriceScale: { borderColor: "#26303a" }, autoSize: true };
const fixed = (minValue, maxValue) => () => ({ priceRange: { minValue, maxValue } });
const points = (s, values) => s.time.map((t, i) => ({ time: t, value: values[i] })).filter((p) => p.value !== null);
const legend = (items) => '<div class="legend">' + items.map(([c, text, cls, glyph]) =>
  '<span class="' + (cls || "") + '" style="--c:' + c + '"' + (glyph ? ' data-glyph="' + glyph + '"' : "") + ">" + text + "</span>").join("") + "</div>";`;

/** Where an actionable decision took a side (seconds since the epoch, as the charts count). */
export interface DecisionMarker {
  readonly time: number;
  readonly side: "buy" | "sell";
  readonly urgency: string;
  readonly score: number;
}

export interface SymbolSeries {
  /** Seconds since the epoch (lightweight-charts' time unit), ascending. */
  readonly time: readonly number[];
  readonly mid: readonly (number | null)[];
  readonly score: readonly number[];
  readonly confidence: readonly number[];
  readonly imbalance: readonly (number | null)[];
  readonly volumeDelta: readonly number[];
  readonly markers: readonly DecisionMarker[];
  /** Markers beyond the kept ones (seriesCollector.ts MAX_MARKERS). */
  readonly markersDropped: number;
  readonly actionableUpdates: number;
}

/** A row of the summary table: the trader's view, the updates, and a line of engine notes. */
export interface ReportRow extends TraderView {
  readonly updates: number;
  readonly notes: string;
}

export interface ReportData {
  readonly title: string;
  /** ISO time the report was written. */
  readonly generated: string;
  /** The confidence a score needs to be actionable, and the configuration in words. */
  readonly threshold: number;
  readonly scoring: string;
  readonly symbols: Readonly<Record<string, SymbolSeries>>;
  readonly rows: Readonly<Record<string, ReportRow>>;
}

/** The lightweight-charts standalone script, to inline in a page that must open offline. */
export function chartsScript(): string {
  const entry = fileURLToPath(import.meta.resolve("lightweight-charts"));
  return readFileSync(join(dirname(entry), "lightweight-charts.standalone.production.js"), "utf8");
}

/** Keeps at most `max` points, evenly spaced, always the last and every marker's point (a marker sits on a data point). */
export function downsample(series: SymbolSeries, max: number): SymbolSeries {
  const n = series.time.length;
  if (n <= max) return series;
  const marked = new Set(series.markers.map((m) => m.time));
  const keep: number[] = [];
  // the k-th of max - 1 evenly spaced points is at floor(k·n / (max − 1))
  for (let i = 0, k = 0, even = 0; i < n; i++) {
    const isEven = i === even;
    if (isEven) even = Math.floor((++k * n) / (max - 1));
    if (isEven || i === n - 1 || marked.has(series.time[i]!)) keep.push(i);
  }
  const pick = <T>(a: readonly T[]): T[] => keep.map((i) => a[i]!);
  return {
    ...series,
    time: pick(series.time),
    mid: pick(series.mid),
    score: pick(series.score),
    confidence: pick(series.confidence),
    imbalance: pick(series.imbalance),
    volumeDelta: pick(series.volumeDelta),
  };
}

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

/** The quote currencies a Binance symbol may end with, longest first: BTCUSDT → BTC priced in USDT. */
const QUOTES = ["FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USD_PERP", "USD", "BTC", "ETH", "BNB", "EUR", "TRY"];

/** The base and quote asset of a symbol, or generic words when its quote is not one of QUOTES. */
function assets(symbol: string): { base: string; quote: string } {
  const quote = QUOTES.find((q) => symbol.length > q.length && symbol.endsWith(q));
  return quote
    ? { base: symbol.slice(0, -quote.length), quote: quote.replace("_PERP", "") }
    : { base: "base asset", quote: "quote currency" };
}

export function renderReport(data: ReportData): string {
  const units = Object.fromEntries(Object.keys(data.symbols).map((s) => [s, assets(s)]));
  // the JSON goes inside a <script>: neutralise "</script>" and friends
  const json = JSON.stringify({ ...data, units }).replace(/</g, "\\u003c");
  const head = [
    "symbol",
    "covered (UTC)",
    "span",
    "mid",
    "spread",
    "score",
    "reading",
    "confidence",
    "actionable",
    "decision",
    "updates",
    "actionable updates",
    "buy markers",
    "sell markers",
  ];
  const rows = Object.keys(data.rows).map((symbol) => {
    const r = data.rows[symbol]!,
      s = data.symbols[symbol];
    const buys = s ? s.markers.filter((m) => m.side === "buy").length : 0,
      sells = s ? s.markers.filter((m) => m.side === "sell").length : 0;
    const cells = [
      symbol,
      r.covered,
      r.duration,
      r.mid,
      r.spread,
      r.score,
      r.reading,
      r.confidence,
      r.actionable,
      r.decision,
      String(r.updates),
      String(s?.actionableUpdates ?? 0),
      String(buys),
      String(sells),
    ];
    return `<tr data-symbol="${escapeHtml(symbol)}">${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
  });
  return `${pageHead(data.title)}<body>
<header><h1>${escapeHtml(data.title)}</h1>
<div class="note">generated ${escapeHtml(data.generated)}; ${escapeHtml(data.scoring)}; a score is actionable once its confidence reaches ${thresholdText(data.threshold)}.
All times are UTC: the table's from the capture's receive clock, the charts' the event time of each score update.</div></header>
<div class="table"><table id="summary"><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>
<main id="symbols"></main>
<script>${chartsScript()}</script>
<script>
const data = ${json};
const LC = LightweightCharts;
const C = { mid: "#4aa3ff", score: "#f5c451", confidence: "#3ddc97", threshold: "#ff5c8a", neutral: "#8b98a5", imbalance: "#8f7cf7", cvd: "#ff7a59", buy: "#26d07c", sell: "#ff4d4f" };
${CHART_HELPERS}
// for the tests: the markers as the chart holds them, and the visible range of each fixed axis
const scales = {};
window.__report = { markers: {}, panels: 0, ready: false,
  ranges: () => Object.fromEntries(Object.entries(scales).map(([symbol, s]) => [symbol, Object.fromEntries(Object.entries(s).map(([k, f]) => [k, f()]))])) };
const main = document.getElementById("symbols");
for (const [symbol, s] of Object.entries(data.symbols)) {
  const u = data.units[symbol];
  const panels = [
    ["mid price", legend([[C.mid, "mid price, " + u.quote], [C.buy, "buy: an actionable decision turned to buy", "mark", "▲"], [C.sell, "sell: an actionable decision turned to sell", "mark", "▼"]])],
    ["confluence score and confidence", legend([[C.score, "score 0–100 (right axis)"], [C.neutral, "neutral 50", "dashed"], [C.confidence, "confidence 0–1 (left axis)"],
      [C.threshold, "actionable threshold " + ${JSON.stringify(thresholdText(data.threshold))} + " (left axis)", "dashed"]])],
    ["book imbalance", legend([[C.imbalance, "top 5 levels: (bid − ask) / (bid + ask) quantity, −1 to +1"]])],
    ["cumulative volume delta", legend([[C.cvd, "buyer- minus seller-initiated volume, " + u.base]])],
  ];
  const section = document.createElement("section");
  section.className = "symbol";
  section.dataset.symbol = symbol;
  section.innerHTML = '<h2></h2><div class="note"></div><div class="grid">' +
    panels.map(([t, l]) => '<div class="panel"><h3>' + t + " (time: UTC)</h3>" + l + '<div class="chart"></div></div>').join("") + "</div>";
  section.querySelector("h2").textContent = symbol;
  const row = data.rows[symbol];
  section.querySelector(".note").textContent = (row ? row.notes : "") +
    (s.markersDropped ? "; " + s.markersDropped + " further side changes not marked" : "");
  main.appendChild(section);
  const [c1, c2, c3, c4] = [...section.querySelectorAll(".chart")].map((el) => LC.createChart(el, base));
  const mid = c1.addSeries(LC.LineSeries, { color: C.mid, lineWidth: 1, title: u.quote });
  mid.setData(points(s, s.mid));
  const few = s.markers.length <= 40;
  const markers = LC.createSeriesMarkers(mid, s.markers.map((m) => ({
    time: m.time, position: m.side === "buy" ? "belowBar" : "aboveBar", shape: m.side === "buy" ? "arrowUp" : "arrowDown",
    color: m.side === "buy" ? C.buy : C.sell, text: few ? m.side + " (" + m.urgency + ")" : "",
  })));
  const score = c2.addSeries(LC.LineSeries, { color: C.score, lineWidth: 1, priceScaleId: "right", autoscaleInfoProvider: fixed(0, 100) });
  score.setData(points(s, s.score));
  score.createPriceLine({ price: 50, color: C.neutral, lineStyle: LC.LineStyle.Dashed, lineWidth: 1, title: "neutral" });
  const confidence = c2.addSeries(LC.AreaSeries, { lineColor: C.confidence, topColor: "rgba(61,220,151,.25)", bottomColor: "rgba(61,220,151,0)", lineWidth: 1,
    priceScaleId: "left", autoscaleInfoProvider: fixed(0, 1) });
  confidence.setData(points(s, s.confidence));
  confidence.createPriceLine({ price: data.threshold, color: C.threshold, lineStyle: LC.LineStyle.Dashed, lineWidth: 1, title: "actionable" });
  // fixed ranges fill the pane: 0–100, 0–1, −1…+1 and no more
  const tight = { scaleMargins: { top: 0.04, bottom: 0.04 } };
  c2.applyOptions({ leftPriceScale: { visible: true, borderColor: "#26303a", ...tight }, rightPriceScale: tight });
  c3.applyOptions({ rightPriceScale: tight });
  c3.addSeries(LC.HistogramSeries, { color: C.imbalance, autoscaleInfoProvider: fixed(-1, 1) }).setData(points(s, s.imbalance));
  c4.addSeries(LC.LineSeries, { color: C.cvd, lineWidth: 1, title: u.base }).setData(points(s, s.volumeDelta));
  for (const c of [c1, c2, c3, c4]) c.timeScale().fitContent();
  window.__report.markers[symbol] = markers.markers();
  scales[symbol] = { score: () => c2.priceScale("right").getVisibleRange(), confidence: () => c2.priceScale("left").getVisibleRange(),
    imbalance: () => c3.priceScale("right").getVisibleRange() };
  window.__report.panels += 4;
}
window.__report.ready = true;
</script>
</body>
</html>
`;
}
