/**
 * The replay report: one self-contained HTML file (the lightweight-charts standalone
 * script and the data are inlined; it opens offline) with, per symbol, the mid price,
 * the confluence score with its confidence, the book imbalance and the cumulative
 * volume delta over time. Node-only (reads the charting library's file).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface SymbolSeries {
  /** Seconds since the epoch (lightweight-charts' time unit), ascending. */
  readonly time: number[];
  readonly mid: (number | null)[];
  readonly score: number[];
  readonly confidence: number[];
  readonly imbalance: (number | null)[];
  readonly volumeDelta: number[];
}

export interface ReportData {
  readonly title: string;
  readonly generated: string;
  readonly symbols: Readonly<Record<string, SymbolSeries>>;
  /** Per-symbol summary lines shown above the charts. */
  readonly notes: Readonly<Record<string, string>>;
}

function chartsScript(): string {
  const entry = fileURLToPath(import.meta.resolve("lightweight-charts"));
  return readFileSync(join(dirname(entry), "lightweight-charts.standalone.production.js"), "utf8");
}

/** Keeps at most `max` points, evenly spaced, always including the last. */
export function downsample(series: SymbolSeries, max: number): SymbolSeries {
  const n = series.time.length;
  if (n <= max) return series;
  const keep: number[] = [];
  for (let i = 0; i < max - 1; i++) keep.push(Math.floor((i * n) / (max - 1)));
  keep.push(n - 1);
  const pick = <T>(a: readonly T[]): T[] => keep.map((i) => a[i]!);
  return {
    time: pick(series.time), mid: pick(series.mid), score: pick(series.score), confidence: pick(series.confidence),
    imbalance: pick(series.imbalance), volumeDelta: pick(series.volumeDelta),
  };
}

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

export function renderReport(data: ReportData): string {
  // the JSON goes inside a <script>: neutralise "</script>" and friends
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(data.title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #0f1419; color: #d6dde5; }
  header { padding: 16px 24px; border-bottom: 1px solid #26303a; }
  h1 { font-size: 18px; margin: 0; } h2 { font-size: 16px; margin: 24px 24px 4px; }
  .note { margin: 0 24px 8px; color: #8b98a5; font-variant-numeric: tabular-nums; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin: 0 24px; }
  .panel { background: #151c23; border: 1px solid #26303a; border-radius: 6px; padding: 8px; }
  .panel h3 { font-size: 12px; font-weight: 600; margin: 0 0 4px; color: #8b98a5; text-transform: uppercase; letter-spacing: .04em; }
  .chart { height: 240px; }
</style>
</head>
<body>
<header><h1>${escapeHtml(data.title)}</h1><div class="note">generated ${escapeHtml(data.generated)}</div></header>
<main id="symbols"></main>
<script>${chartsScript()}</script>
<script>
const data = ${json};
const LC = LightweightCharts;
const base = { layout: { background: { color: "#151c23" }, textColor: "#8b98a5" }, grid: { vertLines: { color: "#1e2730" }, horzLines: { color: "#1e2730" } },
  timeScale: { timeVisible: true, secondsVisible: true, minBarSpacing: 0.01 }, rightPriceScale: { borderColor: "#26303a" }, autoSize: true };
const points = (s, values) => s.time.map((t, i) => ({ time: t, value: values[i] })).filter((p) => p.value !== null);
const main = document.getElementById("symbols");
for (const [symbol, s] of Object.entries(data.symbols)) {
  const section = document.createElement("section");
  section.innerHTML = '<h2></h2><div class="note"></div><div class="grid">' +
    ["mid price", "confluence score (0–100) and confidence", "book imbalance (top 5 levels)", "cumulative volume delta"]
      .map((t) => '<div class="panel"><h3>' + t + '</h3><div class="chart"></div></div>').join("") + "</div>";
  section.querySelector("h2").textContent = symbol;
  section.querySelector(".note").textContent = data.notes[symbol] || "";
  main.appendChild(section);
  const [c1, c2, c3, c4] = [...section.querySelectorAll(".chart")].map((el) => LC.createChart(el, base));
  c1.addSeries(LC.LineSeries, { color: "#4aa3ff", lineWidth: 1 }).setData(points(s, s.mid));
  c2.addSeries(LC.LineSeries, { color: "#f5c451", lineWidth: 1, priceScaleId: "right" }).setData(points(s, s.score));
  c2.addSeries(LC.AreaSeries, { lineColor: "#3ddc97", topColor: "rgba(61,220,151,.25)", bottomColor: "rgba(61,220,151,0)", lineWidth: 1, priceScaleId: "left" })
    .setData(points(s, s.confidence));
  c2.applyOptions({ leftPriceScale: { visible: true, borderColor: "#26303a" } });
  c3.addSeries(LC.HistogramSeries, { color: "#8f7cf7" }).setData(points(s, s.imbalance));
  c4.addSeries(LC.LineSeries, { color: "#ff7a59", lineWidth: 1 }).setData(points(s, s.volumeDelta));
  for (const c of [c1, c2, c3, c4]) c.timeScale().fitContent();
}
</script>
</body>
</html>
`;
}
