/**
 * What `confluence replay` prints for a trader, on the real captures, cross-checked: the
 * table's mid, spread, score, reading, confidence, actionable and decision against
 * `--json` of the same run; the time covered against the captures' own receive times;
 * the engine's counts and latency in a section of their own. And the scoring flags reach
 * the engine: `--preset` and `--config` (also with worker threads) give exactly what an
 * engine built with that configuration gives; `-` replays a capture piped in, gzip or
 * plain, as the file.
 */
import { describe, expect, test } from "vitest";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { loadKernels, PRESETS } from "../../src/index.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import type { ReplaySummary } from "../../src/cli/replay.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { runEngine } from "../support/engineRun.js";
import { confluence } from "./runCli.js";

const tmp = mkdtempSync(join(tmpdir(), "confluence-table-"));

/** The rows of the first table (up to the blank line) as cells: columns are separated by two or more spaces. */
function marketRows(table: string): Map<string, string[]> {
  const lines = table.split("\n");
  const end = lines.indexOf("");
  const head = lines[0]!.split(/ {2,}/);
  expect(head).toEqual(["symbol", "covered (UTC)", "span", "mid", "spread", "score", "reading", "confidence", "actionable", "decision"]);
  return new Map(
    lines
      .slice(1, end)
      .filter((l) => !/^(score 0–100|decision): /.test(l))
      .map((l) => {
        const cells = l.split(/ {2,}/);
        return [cells[0]!, cells];
      }),
  );
}

const withoutPerf = (s: ReplaySummary["symbols"]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(s).map(([symbol, { perf: _perf, ...rest }]) => [symbol, rest]));

describe("the replay table, for a trader", () => {
  test("the real captures: every cell from the same replay's --json; the time covered from the captures' receive times", async () => {
    // a threshold between the captures' last confidences (BTCUSDT 0.67, ETHUSDT 0.80 under the default preset's
    // calibration), so the table shows both an actionable row and one that is not
    const config = join(tmp, "threshold.json");
    writeFileSync(config, JSON.stringify({ confidenceThreshold: 0.75 }));
    const [t, j] = await Promise.all([
      confluence(["replay", BTCUSDT, ETHUSDT, "-c", config]),
      confluence(["replay", BTCUSDT, ETHUSDT, "-c", config, "--json"]),
    ]);
    expect(t.code, t.stderr).toBe(0);
    const json = JSON.parse(j.stdout) as ReplaySummary;
    const rows = marketRows(t.stdout);
    expect([...rows.keys()]).toEqual(["BTCUSDT", "ETHUSDT"]);

    const spans = new Map<string, [number, number]>();
    await replayCaptureFiles([BTCUSDT, ETHUSDT], (e) => {
      const s = spans.get(e.symbol) ?? [Infinity, -Infinity];
      spans.set(e.symbol, [Math.min(s[0], e.receiveTime), Math.max(s[1], e.receiveTime)]);
    });

    const shownThreshold = "0.75";
    let actionableSeen = 0;
    for (const [symbol, [, covered, span, mid, spread, score, reading, confidence, actionable, decision]] of rows) {
      const s = json.symbols[symbol]!;
      const bid = s.book.bestBid!,
        ask = s.book.bestAsk!;
      expect(Math.abs(Number(mid) - (bid + ask) / 2), `${symbol} mid ${mid}: the final book's (${bid} + ${ask}) / 2`).toBeLessThan(1e-9);
      const [spreadPrice, bp] = /^([\d.]+) \(([\d.]+) bp\)$/.exec(spread!)!.slice(1).map(Number);
      expect(Math.abs(spreadPrice! - (ask - bid)), `${symbol} spread ${spread}`).toBeLessThan(1e-9);
      expect(Math.abs(bp! - ((ask - bid) / ((bid + ask) / 2)) * 1e4) / bp!, `${symbol} spread in basis points`).toBeLessThan(0.05);
      const u = s.score!;
      expect(score).toBe(u.score.toFixed(1));
      expect(reading, `${symbol}: score ${u.score}`).toBe(u.score > 50 ? "bullish" : "bearish");
      expect(confidence).toBe(u.confidence.toFixed(2));
      expect(actionable).toBe(u.actionable ? "yes" : `no (needs ≥ ${shownThreshold})`);
      expect(u.actionable, "the configured threshold decides").toBe(u.confidence >= 0.75);
      if (u.actionable) {
        actionableSeen++;
        const { side, urgency } = u.decision!;
        expect(decision, `${symbol}: the decision spelled out`).toBe(`${side === "none" ? "no side" : side}, ${urgency} urgency`);
      } else
        expect(
          decision,
          `${symbol}: no decision shown when not actionable (the engine's was ${u.decision?.side} ${u.decision?.urgency})`,
        ).toBe("–");
      const [first, last] = spans.get(symbol)!;
      const iso = (ms: number): string => new Date(ms).toISOString().replace("T", " ").replace("Z", "");
      expect(covered).toBe(`${iso(first)} → ${iso(last).slice(11)}`);
      const seconds = (last - first) / 1000;
      expect(span).toBe(`${Math.floor(seconds / 60)}m ${(seconds % 60).toFixed(1)}s`);
    }
    expect(actionableSeen, "the captures end with one actionable and one not (ETHUSDT, BTCUSDT)").toBe(1);

    // the engine in its own section: events and latency there, not in the trader's table
    const [market, engine] = t.stdout.split("\n\n");
    expect(market).not.toMatch(/p99|events\/s/);
    expect(market).toContain(
      `\nscore 0–100: above 50 bullish, below 50 bearish; actionable once its confidence reaches ${shownThreshold} (preset default with ${config}).\n`,
    );
    expect(market).toMatch(
      /\ndecision: side and urgency of the latest score update, shown only when it is actionable; mid and spread: the final book\.$/,
    );
    expect(engine).toMatch(
      /^engine: wasm-simd, 74867 events in [\d.]+ s \(\d+ events\/s, decoding included\); latency per event \(one event in 16 timed per symbol\):\n/,
    );
    const engineHead = engine!.split("\n")[1]!.split(/ {2,}/);
    expect(engineHead).toEqual([
      "symbol",
      "events",
      "trades",
      "rejected",
      "dups",
      "book",
      "gaps",
      "updates",
      "events/s",
      "p50",
      "p99",
      "p99.9",
      "max",
    ]);
    for (const line of engine!.split("\n").slice(2, 4)) {
      const [symbol, events, trades, , , book] = line.split(/ {2,}/);
      const e = json.symbols[symbol!]!.events;
      expect(Number(events)).toBe(e.trade + e.depth + e.quote + e.snapshot);
      expect(Number(trades)).toBe(e.trade);
      expect(book).toBe(`synced ${json.symbols[symbol!]!.book.bidLevels}×${json.symbols[symbol!]!.book.askLevels}`);
    }
  });
});

describe("--preset and --config reach the engine", () => {
  const config = join(tmp, "config.json"),
    depthOnly = join(tmp, "depth.json");
  const input = { preset: "ultraFast", depth: 7, weights: { orderbook: 0.5, orderflow: 0.45, volume: 0.05 } } as const;
  writeFileSync(config, JSON.stringify(input));
  writeFileSync(depthOnly, JSON.stringify({ preset: "ultraFast", depth: 7 }));

  test.each([
    ["--preset ultraFast", ["--preset", "ultraFast"], { preset: "ultraFast" }],
    ["--config (a preset and overrides)", ["--config", config], input],
    ["--config on 2 worker threads", ["--config", config, "--workers", "2"], input],
    ["--preset replaces the file's preset", ["--config", depthOnly, "-p", "default"], { preset: "default", depth: 7 }],
  ] as const)("%s: the summary of an engine given that configuration", async (_, flags, expected) => {
    const r = await confluence(["replay", BTCUSDT, ETHUSDT, "--json", ...flags]);
    expect(r.code, r.stderr).toBe(0);
    const engine = await runEngine(await loadKernels(), [BTCUSDT, ETHUSDT], { config: expected });
    engine.engine.dispose();
    expect(withoutPerf((JSON.parse(r.stdout) as ReplaySummary).symbols)).toEqual(JSON.parse(JSON.stringify(engine.summary)));
  });

  test("the default and ultraFast differ on the real capture, and the table names the threshold it used", async () => {
    const [d, u] = await Promise.all([
      confluence(["replay", BTCUSDT, "--json"]),
      confluence(["replay", BTCUSDT, "--json", "-p", "ultraFast"]),
    ]);
    expect(JSON.parse(d.stdout).symbols.BTCUSDT.score.score).not.toBe(JSON.parse(u.stdout).symbols.BTCUSDT.score.score);
    const table = await confluence(["replay", BTCUSDT, "-p", "ultraFast"]);
    // the fitted threshold has 16 digits: the table shows 4 significant ones
    const shown = String(Number(PRESETS.ultraFast.confidenceThreshold.toPrecision(4)));
    expect(shown).toMatch(/^0\.\d{1,4}$/);
    expect(table.stdout).toContain(`actionable once its confidence reaches ${shown} (preset ultraFast)`);
  });
});

describe("- reads a capture from standard input", () => {
  const gz = readFileSync(BTCUSDT);
  test.each([
    ["gzip", gz],
    ["plain", gunzipSync(gz)],
  ])("%s piped in: the file's summary, input named <stdin>", async (_, bytes) => {
    const [piped, file] = await Promise.all([
      confluence(["replay", "-", "--json"], { input: bytes }),
      confluence(["replay", BTCUSDT, "--json"]),
    ]);
    expect(piped.code, piped.stderr).toBe(0);
    const [a, b] = [JSON.parse(piped.stdout) as ReplaySummary, JSON.parse(file.stdout) as ReplaySummary];
    expect(withoutPerf(a.symbols)).toEqual(withoutPerf(b.symbols));
    expect(a.input.files).toEqual([{ ...b.input.files[0], file: "<stdin>" }]);
  });

  test("a file, then the rest of the stream on stdin: one stream", async () => {
    const lines = gunzipSync(gz).toString("utf8").split("\n");
    const head = join(tmp, "head.jsonl");
    const cut = lines.findIndex((l) => l.includes("lastUpdateId")) + 50;
    writeFileSync(head, `${lines.slice(0, cut).join("\n")}\n`);
    const [split, whole] = await Promise.all([
      confluence(["replay", head, "-", "--json"], { input: lines.slice(cut).join("\n") }),
      confluence(["replay", BTCUSDT, "--json"]),
    ]);
    expect(split.code, split.stderr).toBe(0);
    expect(withoutPerf(JSON.parse(split.stdout).symbols)).toEqual(withoutPerf(JSON.parse(whole.stdout).symbols));
  });

  test("kernels -: the report of the piped capture, named <stdin>; a capture without trades or quotes is reported, not a crash", async () => {
    const r = await confluence(["kernels", "-"], { input: gz });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<stdin>: 41249 lines \(0 malformed\), 9757 trades, 28040 best quotes, snapshot 1000×1000 levels/);
    expect(r.stdout).not.toMatch(/ NO /);
    const depthOnly = gunzipSync(gz)
      .toString("utf8")
      .split("\n")
      .filter((l) => l.includes("@depth") || l.includes("lastUpdateId"))
      .join("\n");
    const d = await confluence(["kernels", "-"], { input: depthOnly });
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout).toMatch(/no trades, no best quotes in this capture: the kernels that need them are left out/);
    expect(d.stdout).toMatch(/snapshot: imbalance top 5 \/ 20 +[-\d.]+ \/ [-\d.]+/);
  });
});
