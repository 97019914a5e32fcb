/**
 * The replay report (`--report`) in real Chromium, written by a replay of both real spot
 * captures with `--out`: the page renders without an error; it says the time zone and
 * the actionable threshold; every panel has its legend, with units; the summary table has
 * a row per symbol with the replay table's cells; the buy/sell markers on the mid price
 * sit exactly where the score updates in `--out` show an actionable decision taking a
 * side (worked out here from those updates); the score, confidence and imbalance axes
 * show 0–100, 0–1 and −1…+1. A screenshot goes to test-output/cli/report.png. And the
 * series are thinned for the page without losing a marker's point (a marker sits on one).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { ScoreUpdate } from "../../src/pipeline/engine.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { launch, openPage, skipBrowser } from "../support/browser.js";
import { downsample, type SymbolSeries } from "../../src/cli/report.js";
import { PRESETS } from "../../src/confluence/config.js";
import { confluence } from "./runCli.js";

const root = new URL("../..", import.meta.url).pathname;
const TIMEOUT = 60_000;
const tmp = mkdtempSync(join(tmpdir(), "confluence-report-"));
const report = join(tmp, "report.html"),
  out = join(tmp, "scores.jsonl");

interface Marker {
  time: number;
  position: string;
  shape: string;
  color: string;
}
interface Range {
  from: number;
  to: number;
}
interface Exposed {
  ready: boolean;
  panels: number;
  markers: Record<string, Marker[]>;
  ranges: () => Record<string, Record<"score" | "confidence" | "imbalance", Range | null>>;
}

/** Per symbol, where an actionable decision took a side it did not have on the update before: [chart time (s), side]. */
function expectedMarkers(updates: ScoreUpdate[]): Map<string, [number, "buy" | "sell"][]> {
  const bySymbol = new Map<string, { marks: [number, "buy" | "sell"][]; side: string | null; time: number }>();
  for (const u of updates) {
    const s = bySymbol.get(u.symbol) ?? { marks: [], side: null, time: -Infinity };
    bySymbol.set(u.symbol, s);
    // the chart's times never go back: an update at or before the last point shares its time
    s.time = Math.max(s.time, u.time / 1000);
    const side = u.actionable && u.decision && u.decision.side !== "none" ? u.decision.side : null;
    if (side !== null && side !== s.side) s.marks.push([s.time, side]);
    s.side = side;
  }
  return new Map([...bySymbol].map(([symbol, s]) => [symbol, s.marks]));
}

describe("downsample", () => {
  test("keeps at most max points evenly spaced, plus the last and every marked point, in order", () => {
    const n = 10_000;
    const time = Array.from({ length: n }, (_, i) => 1_723_161_254 + i / 10);
    const markers = [3, 4, 5, 4_999, 9_998].map((i) => ({ time: time[i]!, side: "buy" as const, urgency: "low", score: 60 }));
    const series: SymbolSeries = {
      time,
      mid: time.map((t) => t * 2),
      score: time.map(() => 50),
      confidence: time.map(() => 0.5),
      imbalance: time.map(() => 0),
      volumeDelta: time.map((_, i) => i),
      markers,
      markersDropped: 0,
      actionableUpdates: 5,
    };
    const d = downsample(series, 1500);
    const marked = markers.map((m) => m.time);
    expect(d.time.length, "1,500 evenly spaced, the last, and the 5 marked (none of which is on the grid)").toBeLessThanOrEqual(
      1500 + marked.length,
    );
    expect(d.time.length).toBeGreaterThan(1490);
    for (const t of marked) expect(d.time, `marker at ${t} keeps its point`).toContain(t);
    expect(d.time.at(-1)).toBe(time.at(-1));
    expect(
      d.time.every((t, i) => i === 0 || t > d.time[i - 1]!),
      "strictly increasing",
    ).toBe(true);
    expect(
      d.volumeDelta.map((i) => time[i]),
      "every column picked at the same indices",
    ).toEqual(d.time);
    const gaps = d.volumeDelta
      .filter((i) => !marked.includes(time[i]!))
      .map((i, k, a) => (k === 0 ? 0 : i - a[k - 1]!))
      .slice(1, -1);
    expect(Math.max(...gaps) - Math.min(...gaps), "evenly spaced elsewhere").toBeLessThanOrEqual(1);
  });
});

describe.skipIf(skipBrowser)("the replay report in Chromium", () => {
  let context: BrowserContext;
  let page: Page;
  let table: string;
  const errors: string[] = [];

  beforeAll(async () => {
    const r = await confluence(["replay", BTCUSDT, ETHUSDT, "--report", report, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    table = r.stdout;
    context = await launch();
    page = await openPage(
      context,
      `file://${report}`,
      () => (window as unknown as { __report?: Exposed }).__report?.ready === true,
      errors,
      TIMEOUT,
    );
  }, TIMEOUT);
  afterAll(async () => {
    await context?.close();
  });

  test("renders without an error; says the time zone and the threshold; four panels per symbol, each with its legend and units", async () => {
    const header = (await page.locator("header .note").textContent()) ?? "";
    const threshold = String(Number(PRESETS.default.confidenceThreshold.toPrecision(4)));
    expect(header).toContain(`preset default; a score is actionable once its confidence reaches ${threshold}.`);
    expect(header).toMatch(/All times are UTC/);
    expect(await page.evaluate(() => (window as unknown as { __report: Exposed }).__report.panels)).toBe(8);
    for (const [symbol, base] of [
      ["BTCUSDT", "BTC"],
      ["ETHUSDT", "ETH"],
    ] as const) {
      const panels = page.locator(`.symbol[data-symbol="${symbol}"] .panel`);
      expect(await panels.count()).toBe(4);
      const titles = await panels.locator("h3").allTextContents();
      for (const t of titles) expect(t, "every chart names its time zone").toMatch(/\(time: UTC\)$/);
      const legends = await panels.locator(".legend").allTextContents();
      expect(legends[0]).toMatch(/mid price, USDT.*buy: an actionable decision turned to buy.*sell: an actionable decision turned to sell/);
      expect(legends[1]).toMatch(/score 0–100 \(right axis\).*neutral 50.*confidence 0–1 \(left axis\)/);
      expect(legends[1]).toContain(`actionable threshold ${threshold} (left axis)`);
      expect(legends[2]).toMatch(/top 5 levels: \(bid − ask\) \/ \(bid \+ ask\) quantity, −1 to \+1/);
      expect(legends[3]).toMatch(new RegExp(`buyer- minus seller-initiated volume, ${base}$`));
      expect(await page.locator(`.symbol[data-symbol="${symbol}"] canvas`).count(), `${symbol}: charts drawn`).toBeGreaterThan(8);
    }
    mkdirSync(`${root}test-output/cli`, { recursive: true });
    await page.screenshot({ path: `${root}test-output/cli/report.png` });
    expect(errors).toEqual([]);
  });

  test("the summary table: a row per symbol with the replay table's cells", async () => {
    const head = await page.locator("#summary thead th").allTextContents();
    expect(head.slice(0, 10)).toEqual([
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
    ]);
    const printed = new Map(
      table
        .split("\n")
        .slice(1, 3)
        .map((l) => [l.split(/ {2,}/)[0]!, l.split(/ {2,}/)]),
    );
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const cells = await page.locator(`#summary tr[data-symbol="${symbol}"] td`).allTextContents();
      expect(cells.slice(0, 10), symbol).toEqual(printed.get(symbol));
    }
  });

  test("markers exactly where an actionable decision took a side, per the score updates in --out", async () => {
    const updates = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as ScoreUpdate);
    const expected = expectedMarkers(updates);
    const shown = await page.evaluate(() => (window as unknown as { __report: Exposed }).__report.markers);
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const want = expected.get(symbol)!;
      expect(want.length, `${symbol}: the replay has decisions to mark`).toBeGreaterThan(10);
      expect(
        shown[symbol]!.map((m) => [m.time, m.shape === "arrowUp" ? "buy" : "sell"]),
        symbol,
      ).toEqual(want);
      for (const m of shown[symbol]!) expect(m.position).toBe(m.shape === "arrowUp" ? "belowBar" : "aboveBar");
      const cells = await page.locator(`#summary tr[data-symbol="${symbol}"] td`).allTextContents();
      expect(cells.slice(12).map(Number), `${symbol}: buy and sell markers counted in the table`).toEqual([
        want.filter(([, side]) => side === "buy").length,
        want.filter(([, side]) => side === "sell").length,
      ]);
    }
  });

  test("fixed axes: score 0–100, confidence 0–1, imbalance within −1…+1", async () => {
    const ranges = await page.evaluate(() => (window as unknown as { __report: Exposed }).__report.ranges());
    for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
      const r = ranges[symbol]!;
      const within = (range: Range | null, lo: number, hi: number, what: string): void => {
        expect(range, `${symbol} ${what}`).not.toBeNull();
        const span = hi - lo;
        expect(range!.from, `${symbol} ${what} from`).toBeGreaterThan(lo - 0.1 * span);
        expect(range!.from, `${symbol} ${what} from`).toBeLessThanOrEqual(lo);
        expect(range!.to, `${symbol} ${what} to`).toBeLessThan(hi + 0.1 * span);
        expect(range!.to, `${symbol} ${what} to`).toBeGreaterThanOrEqual(hi);
      };
      within(r.score, 0, 100, "score axis");
      within(r.confidence, 0, 1, "confidence axis");
      within(r.imbalance, -1, 1, "imbalance axis");
    }
  });
});
