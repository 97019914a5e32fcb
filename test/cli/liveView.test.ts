/**
 * The live view's cells come from the engine's state and score updates, row by row: mid and
 * spread of the synced book (– when it is not), the score's reading, the decision only when
 * the update is actionable, the book state with gaps and resyncs, the latency and the header
 * (server offset with its sign, reconnects, garbage).
 */
import { describe, expect, test } from "vitest";
import { jsKernels } from "../../src/kernels/index.js";
import type { ScoreUpdate } from "../../src/pipeline/engine.js";
import { liveView, type LiveHeader, type LiveRow } from "../../src/cli/liveView.js";
import { BTCUSDT } from "../support/capture.js";
import { runEngine } from "../support/engineRun.js";

const header: LiveHeader = {
  market: "spot",
  endpoint: "ws://127.0.0.1:1",
  uptimeMs: 125_000,
  serverOffsetMs: -1312.4,
  reconnects: 2,
  garbage: 3,
  threshold: 0.8471104650946056,
  scoring: "preset default",
};

/** The cells of the table's data rows (columns are separated by two or more spaces). */
function rowsOf(text: string): string[][] {
  const lines = text.split("\n");
  expect(lines[1]!.split(/ {2,}/)).toEqual([
    "symbol",
    "mid",
    "spread",
    "score",
    "reading",
    "confidence",
    "decision",
    "events/s",
    "book",
    "gaps",
    "resyncs",
    "latency p50 / p99",
  ]);
  return lines.slice(2, -2).map((l) => l.split(/ {2,}/));
}

describe("liveView", () => {
  test("a row from a real score update, one warming up, one out of sync", async () => {
    const { updates, engine } = await runEngine(jsKernels(), [BTCUSDT]);
    engine.dispose();
    const last = updates.at(-1)!;
    const actionable: ScoreUpdate = updates.find((u) => u.actionable && u.decision && u.decision.side !== "none")!;
    expect(actionable, "the capture has an actionable update with a side").toBeDefined();
    const base: LiveRow = {
      symbol: "BTCUSDT",
      bestBid: 61685.99,
      bestAsk: 61686,
      book: "synced",
      gaps: 1,
      resyncs: 1,
      score: last,
      eventsPerSecond: 118.4,
      latencyP50Ms: 41.2,
      latencyP99Ms: 230.7,
    };
    const text = liveView(header, [
      base,
      { ...base, symbol: "ACTION", score: actionable },
      { ...base, symbol: "ETHUSDT", score: null, bestBid: null, bestAsk: null, book: "waiting", latencyP50Ms: null, latencyP99Ms: null },
    ]);
    expect(text.split("\n")[0]).toBe(
      "confluence live: spot via ws://127.0.0.1:1, up 2m 5s; server clock −1312 ms from local; 2 reconnects; 3 garbage frames",
    );
    const [btc, action, eth] = rowsOf(text);
    expect(btc).toEqual([
      "BTCUSDT",
      "61685.995",
      "0.01 (0.0016 bp)",
      last.score.toFixed(1),
      last.score > 50 ? "bullish" : "bearish",
      last.confidence.toFixed(2),
      last.actionable ? `${last.decision!.side === "none" ? "no side" : last.decision!.side}, ${last.decision!.urgency}` : "–",
      "118",
      "synced",
      "1",
      "1",
      "41 / 231 ms",
    ]);
    expect(action![6], "an actionable update shows its decision").toBe(`${actionable.decision!.side}, ${actionable.decision!.urgency}`);
    expect(eth).toEqual(["ETHUSDT", "–", "–", "–", "warming up", "–", "–", "118", "waiting", "1", "1", "–"]);
    expect(text).toContain("a decision shows once confidence reaches 0.8471 (preset default).");
  });

  test("a latency at the histogram's cap reads as beyond it", () => {
    const row: LiveRow = {
      symbol: "X",
      bestBid: null,
      bestAsk: null,
      book: "gap",
      gaps: 2,
      resyncs: 1,
      score: null,
      eventsPerSecond: 0,
      latencyP50Ms: 12,
      latencyP99Ms: (2 ** 31 - 1) / 1e6,
    };
    expect(rowsOf(liveView(header, [row]))[0]!.at(-1)).toBe("12 / > 2147 ms");
  });

  test("the server offset before it is measured, and a positive one", () => {
    expect(liveView({ ...header, serverOffsetMs: null }, []).split("\n")[0]).toContain("server clock not measured yet");
    expect(liveView({ ...header, serverOffsetMs: 12.6 }, []).split("\n")[0]).toContain("server clock +13 ms from local");
  });
});
