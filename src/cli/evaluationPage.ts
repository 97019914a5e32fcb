/**
 * The evaluation report (`confluence evaluate --report FILE`): one self-contained HTML file (the
 * lightweight-charts script and the report inlined; it opens offline), in the replay report's
 * look (report.ts: its style, chart helpers and script). A summary table per capture and horizon;
 * a turnover chart (side changes a minute per capture); and per capture, and pooled, three charts
 * — the IC by horizon of the score, the bias and each baseline (the partial IC dashed), the hit
 * rate by confidence decile for each horizon (calibration: observed per decile against the decile's
 * mean confidence, dashed; 50% is a coin),
 * and the score's persistence by horizon (its rank correlation with itself one horizon later).
 * What Alphalens' tear sheet shows a factor researcher: IC by horizon, returns by quantile,
 * turnover. Node-only (report.ts reads the charting library's file).
 */
import type { CaptureReport, EvaluationReport } from "../evaluate/evaluationReport.js";
import { horizonLabel } from "./evaluateTable.js";
import { CHART_HELPERS, chartsScript, escapeHtml, pageHead } from "./report.js";

export interface EvaluationPageData {
  readonly title: string;
  /** ISO time the report was written. */
  readonly generated: string;
  /** The configuration in words. */
  readonly scoring: string;
  readonly report: EvaluationReport;
}

const f3 = (x: number | null): string => (x === null ? "–" : x.toFixed(3));
const ci = (c: readonly [number, number] | null): string => (c === null ? "" : ` [${c[0].toFixed(3)}, ${c[1].toFixed(3)}]`);

function summaryRows(sections: readonly CaptureReport[]): string[] {
  return sections.flatMap((c) =>
    c.horizons.map((h) => {
      const cells = [
        c.capture,
        c.symbol,
        horizonLabel(h.horizonMs),
        String(h.labelled),
        `${f3(h.score.ic)}${ci(h.score.ci)}`,
        `${f3(h.baselines.topOfBook.ic)}${ci(h.baselines.topOfBook.ci)}`,
        h.partial.baseline === null ? "–" : `${f3(h.partial.ic)}${ci(h.partial.ci)} (${h.partial.baseline})`,
        h.hitRates.overall.rate === null ? "–" : `${(h.hitRates.overall.rate * 100).toFixed(1)}%`,
        c.decisions.sideChangesPerMinute === null ? "–" : c.decisions.sideChangesPerMinute.toFixed(1),
      ];
      return `<tr>${cells.map((x) => `<td>${escapeHtml(x)}</td>`).join("")}</tr>`;
    }),
  );
}

export function renderEvaluationPage(data: EvaluationPageData): string {
  const r = data.report;
  const sections = [...r.captures, ...(r.captures.length > 1 ? [r.pooled] : [])];
  const horizons = r.horizonsMs.map(horizonLabel);
  // the JSON goes inside a <script>: neutralise "</script>" and friends
  const json = JSON.stringify({ sections, horizons }).replace(/</g, "\\u003c");
  const b = r.method.bootstrap;
  const head = [
    "capture",
    "symbol",
    "horizon",
    "labelled",
    "score IC [95% CI]",
    "top-of-book IC [95% CI]",
    "partial IC [95% CI] (given)",
    "hit rate",
    "side changes/min",
  ];
  return `${pageHead(data.title)}<body>
<header><h1>${escapeHtml(data.title)}</h1>
<div class="note">generated ${escapeHtml(data.generated)}; ${escapeHtml(data.scoring)}. IC: Spearman rank correlation of a signal with the forward mid move — the first best quote
at or after t + horizon against the one at or before t, on the local receive clock. Intervals: ${b.level * 100}% block bootstrap (${b.replicates} replicates, blocks of at least
${b.minBlockMs / 1000} s and one horizon). A six-minute capture holds a few hundred independent 1 s moves but only a dozen 30 s ones: read the 5 s and 30 s figures with their intervals.</div></header>
<div class="table"><table id="summary"><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${summaryRows(sections).join("")}</tbody></table></div>
<h2>turnover</h2>
<div class="single"><div class="panel" id="turnover"><h3>side changes a minute, per capture</h3><div class="legend"></div><div class="chart"></div></div></div>
<main id="sections"></main>
<script>${chartsScript()}</script>
<script>
const data = ${json};
const LC = LightweightCharts;
${CHART_HELPERS}
const C = { score: "#f5c451", bias: "#ff7a59", multiTimeframe: "#c9d1d9", topOfBook: "#4aa3ff", top5: "#8f7cf7", ofi10: "#3ddc97", volumeDelta50: "#ff5c8a", partial: "#f5c451", neutral: "#8b98a5" };
const HORIZON_COLOURS = ["#4aa3ff", "#3ddc97", "#f5c451", "#ff7a59", "#8f7cf7", "#ff5c8a"];
const BASELINES = [["topOfBook", "top of book (Bq − Aq)/(Bq + Aq)"], ["top5", "top-5 levels"], ["ofi10", "OFI, 10 quotes"], ["volumeDelta50", "volume delta, 50 trades"]];
// a numeric horizontal axis (lightweight-charts' options chart) counting 1, 2, 3…: the note under the legend names each number
const chart = (el) => LC.createOptionsChart(el, { ...base, localization: { precision: 0 },
  rightPriceScale: { borderColor: "#26303a", scaleMargins: { top: 0.08, bottom: 0.08 } } });
const axis = (names) => '<div class="axis note">x: ' + names.map((n, i) => (i + 1) + " " + n).join(" · ") + "</div>";
const line = (c, colour, values, dashed) => {
  const s = c.addSeries(LC.LineSeries, { color: colour, lineWidth: 2, lineStyle: dashed ? LC.LineStyle.Dashed : LC.LineStyle.Solid,
    pointMarkersVisible: true, lastValueVisible: false, priceLineVisible: false });
  s.setData(values.map((value, x) => ({ time: x + 1, value })).filter((p) => p.value !== null));
  return s;
};
window.__evaluation = { ready: false, charts: 0, sections: [] };
const turnover = document.getElementById("turnover");
turnover.querySelector(".legend").outerHTML = legend([[C.bias, "changes of the decision's side per minute of the capture"]]) +
  axis(data.sections.map((s) => s.symbol + " " + s.capture));
const tc = chart(turnover.querySelector(".chart"));
tc.addSeries(LC.HistogramSeries, { color: C.bias, priceLineVisible: false })
  .setData(data.sections.map((s, x) => ({ time: x + 1, value: s.decisions.sideChangesPerMinute ?? 0 })));
tc.timeScale().fitContent();
window.__evaluation.charts++;
const main = document.getElementById("sections");
for (const s of data.sections) {
  const section = document.createElement("section");
  section.className = "capture";
  section.dataset.capture = s.capture;
  section.dataset.symbol = s.symbol;
  const deciles = Math.max(0, ...s.horizons.map((h) => h.hitRates.byConfidence.length));
  const mtf = s.horizons.some((h) => h.multiTimeframe !== null);
  const panels = [
    ["IC by horizon", legend([[C.score, "score"], [C.bias, "composite bias"], ...(mtf ? [[C.multiTimeframe, "multi-timeframe composite"]] : []), ...BASELINES.map(([k, t]) => [C[k], t]),
      [C.partial, "partial IC of the score given the best baseline", "dashed"]]) + axis(data.horizons)],
    ["hit rate by confidence decile", legend([...data.horizons.map((h, i) => [HORIZON_COLOURS[i % 6], h]),
      [C.neutral, "dashed in a horizon's colour: the decile's mean confidence (predicted)", "dashed"], [C.neutral, "50%: a coin", "dashed"]]) +
      '<div class="axis note">x: confidence decile, lowest first</div>'],
    ["persistence by horizon", legend([[C.score, "rank correlation of the score with itself one horizon later"]]) + axis(data.horizons)],
  ];
  section.innerHTML = "<h2></h2><div class=\\"note\\"></div><div class=\\"grid3\\">" +
    panels.map(([t, l]) => "<div class=\\"panel\\"><h3>" + t + "</h3>" + l + "<div class=\\"chart\\"></div></div>").join("") + "</div>";
  section.querySelector("h2").textContent = s.symbol + " — " + s.capture;
  section.querySelector(".note").textContent = s.samples + " score updates; confidence vs |score − 50|: " +
    (s.confidenceVsStrength === null ? "–" : s.confidenceVsStrength.toFixed(3)) + "; actionable " +
    (s.decisions.actionableShare === null ? "–" : (s.decisions.actionableShare * 100).toFixed(1) + "%");
  main.appendChild(section);
  const [icEl, hitEl, persistEl] = section.querySelectorAll(".chart");
  const ic = chart(icEl);
  const exposed = { capture: s.capture, symbol: s.symbol, ic: {}, hit: {}, predicted: {}, persistence: null };
  exposed.ic.score = line(ic, C.score, s.horizons.map((h) => h.score.ic)).data().map((p) => p.value);
  exposed.ic.bias = line(ic, C.bias, s.horizons.map((h) => h.bias.ic)).data().map((p) => p.value);
  if (mtf) exposed.ic.multiTimeframe = line(ic, C.multiTimeframe, s.horizons.map((h) => h.multiTimeframe && h.multiTimeframe.ic)).data().map((p) => p.value);
  for (const [k] of BASELINES) exposed.ic[k] = line(ic, C[k], s.horizons.map((h) => h.baselines[k].ic)).data().map((p) => p.value);
  exposed.ic.partial = line(ic, C.partial, s.horizons.map((h) => h.partial.ic), true).data().map((p) => p.value);
  const hit = chart(hitEl);
  s.horizons.forEach((h, i) => {
    exposed.hit[data.horizons[i]] = line(hit, HORIZON_COLOURS[i % 6], h.hitRates.byConfidence.map((d) => d.rate)).data().map((p) => p.value);
    exposed.predicted[data.horizons[i]] = line(hit, HORIZON_COLOURS[i % 6], h.hitRates.byConfidence.map((d) => d.confidenceMean), true).data().map((p) => p.value);
  });
  if (deciles > 0) line(hit, C.neutral, Array(deciles).fill(0.5), true);
  const persist = chart(persistEl);
  exposed.persistence = line(persist, C.score, s.horizons.map((h) => h.scoreAutocorrelation.ic)).data().map((p) => p.value);
  for (const c of [ic, hit, persist]) c.timeScale().fitContent();
  window.__evaluation.charts += 3;
  window.__evaluation.sections.push(exposed);
}
window.__evaluation.ready = true;
</script>
</body>
</html>
`;
}
