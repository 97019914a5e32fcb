/**
 * scoreUniverse: per-symbol summaries equal to a single engine's (from capture files
 * read in the workers, and from events given), failures isolated to their symbol as
 * error entries, the concurrency limit honoured (from the workers' own start and end
 * times), and whole-call errors for what is wrong with the call itself. Worker threads
 * run the built dist/parallel/engineThread.js (build first; `npm test` does).
 */
import { beforeAll, expect, test } from "vitest";
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { DuplicateSymbolError, InvalidParameterError, loadKernels, type MarketEvent } from "../../src/index.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { scoreUniverse, type UniverseResult, type UniverseScore } from "../../src/parallel/scoreUniverse.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { runEngine, writeCapture } from "../support/engineRun.js";

const eth: MarketEvent[] = [];
beforeAll(async () => {
  await replayCaptureFiles([ETHUSDT], (e) => eth.push(e));
});

const ok = (r: UniverseResult | undefined): UniverseScore => {
  if (!r || "error" in r) expect.fail(`expected a score, got ${JSON.stringify(r)}`);
  return r;
};

test("files read in the workers and events given: each symbol's summary (but perf), last score and update count equal a single engine's", async () => {
  const [btc, ethRef] = await Promise.all([runEngine(await loadKernels(), [BTCUSDT]), runEngine(await loadKernels(), [ETHUSDT])]);
  const copy = eth.map((e) => ({ ...e, symbol: "ETHCOPY" }));
  const results = await scoreUniverse(
    [
      { symbol: "BTCUSDT", files: [BTCUSDT] },
      { symbol: "ETHUSDT", files: [ETHUSDT] },
      { symbol: "ETHCOPY", events: copy },
    ],
    { workers: 2 },
  );
  expect(
    results.map((r) => r.symbol),
    "in input order",
  ).toEqual(["BTCUSDT", "ETHUSDT", "ETHCOPY"]);
  const [b, e, c] = results.map(ok);
  const { perf, ...bSummary } = b!.summary;
  expect(bSummary).toEqual(btc.summary.BTCUSDT);
  expect(perf.eventsPerSec).toBeGreaterThan(0);
  expect(b!.score).toEqual(btc.updates[btc.updates.length - 1]);
  expect(b!.scoreUpdates).toBe(btc.updates.length);
  expect(e!.scoreUpdates).toBe(ethRef.updates.length);
  const { perf: _p, ...cSummary } = c!.summary;
  expect({ ...cSummary, score: { ...cSummary.score!, symbol: "ETHUSDT" } }).toEqual(ethRef.summary.ETHUSDT);
  btc.engine.dispose();
  ethRef.engine.dispose();
});

test("a failing symbol gets an error entry and the others complete", async () => {
  const truncated = writeCapture(["1 {}"], "truncated.jsonl.gz");
  const full = gzipSync("1 {}\n".repeat(20_000));
  writeFileSync(truncated, full.subarray(0, full.length >> 1));
  const sample = eth.slice(0, 3000);
  const results = await scoreUniverse(
    [
      { symbol: "BROKEN", files: [truncated] },
      { symbol: "ETHUSDT", events: sample },
      { symbol: "POISONED", events: [...sample.map((e) => ({ ...e, symbol: "POISONED" })), null as unknown as MarketEvent] },
      { symbol: "MIXED", events: [{ ...sample[0]!, symbol: "MIXED" }, sample[1]!] },
      { symbol: "EMPTY", events: [] },
      { symbol: "MISSING", files: ["/nonexistent/capture.jsonl.gz"] },
    ],
    { workers: 2, backend: "js" },
  );
  const errors = Object.fromEntries(
    results.filter((r) => "error" in r).map((r) => [r.symbol, (r as { error: { name: string; message: string } }).error]),
  );
  expect(Object.keys(errors)).toEqual(["BROKEN", "POISONED", "MIXED", "EMPTY", "MISSING"]);
  expect(errors.BROKEN).toMatchObject({ name: "CaptureFileError", message: expect.stringMatching(/truncated\.jsonl\.gz.*gzip/) });
  expect(errors.POISONED).toMatchObject({ name: "InvalidParameterError", message: expect.stringMatching(/POISONED.s events\[3000\]/) });
  expect(errors.MIXED).toMatchObject({ name: "InvalidParameterError", message: expect.stringMatching(/ETHUSDT.*expected 'MIXED'/) });
  expect(errors.EMPTY!.name).toBe("EmptyInputError");
  expect(errors.MISSING!.name).toBe("CaptureFileError");
  const good = ok(results[1]);
  expect(good.summary.events.quote + good.summary.events.trade + good.summary.events.depth + good.summary.events.snapshot).toBe(3000);
});

/** The most symbols being worked on at one moment, from the workers' start and end times. */
function maxOverlap(results: readonly UniverseResult[]): number {
  const edges = results.map(ok).flatMap(
    (r) =>
      [
        [r.startedAt, 1],
        [r.finishedAt, -1],
      ] as const,
  );
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0,
    max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

test.each([
  [1, 2],
  [2, 2],
  [2, 4],
])("concurrency %i with %i workers: never more symbols in flight", async (concurrency, workers) => {
  const sample = eth.slice(0, 15_000);
  const inputs = ["A", "B", "C", "D", "E"].map((symbol) => ({ symbol, events: sample.map((e) => ({ ...e, symbol })) }));
  const results = await scoreUniverse(inputs, { workers, concurrency });
  expect(results.every((r) => !("error" in r))).toBe(true);
  expect(maxOverlap(results)).toBeLessThanOrEqual(concurrency);
  if (concurrency === 1) {
    const sorted = results.map(ok).sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.startedAt, "one after the other").toBeGreaterThanOrEqual(sorted[i - 1]!.finishedAt);
  }
});

test("a symbol listed twice or a bad option rejects the whole call, before any work", async () => {
  await expect(
    scoreUniverse([
      { symbol: "X", events: [] },
      { symbol: "X", files: [] },
    ]),
  ).rejects.toBeInstanceOf(DuplicateSymbolError);
  await expect(scoreUniverse([], { concurrency: 0 })).rejects.toBeInstanceOf(InvalidParameterError);
  await expect(scoreUniverse([], { workers: 1.5 })).rejects.toBeInstanceOf(InvalidParameterError);
  expect(await scoreUniverse([])).toEqual([]);
});
