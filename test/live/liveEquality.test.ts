/**
 * The live connection against the fake exchange serving the real captures, on spot (two
 * symbols on one connection), USD-M and COIN-M message shapes: the scores of a
 * StreamingEngine fed by the client are bit-identical to (a) a replay of the recording
 * the client's messages make through captureLine, and (b) a replay of the capture itself
 * from the served position, with the snapshot an independent book (test/support/replay.ts)
 * computes for the position where the client fetched it.
 */
import { afterEach, describe, expect, test } from "vitest";
import { decodeBinanceMessage } from "../../src/feeds/binance.js";
import type { DepthDiffEvent, DepthSnapshotEvent } from "../../src/feeds/events.js";
import { loadKernels } from "../../src/kernels/index.js";
import type { BinanceMarket } from "../../src/live/binanceConnection.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { captureLines } from "../support/engineRun.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";
import { FakeBinance, type FakeLine } from "../support/fakeBinance.js";
import { replayLines, startLive, stepUntil, until, type Live } from "../support/liveClient.js";
import { SimpleBook } from "../support/replay.js";

const kernels = await loadKernels();
let fake: FakeBinance | null = null;
let live: Live | null = null;

afterEach(async () => {
  await live?.client.close();
  live?.engine.dispose();
  await fake?.close();
  fake = live = null;
});

/** The capture's own snapshot event and the depth diffs (JSON text) received before it. */
function captureStart(file: string, symbol: string): { snapshot: DepthSnapshotEvent; before: string[] } {
  const lines = captureLines(file).map((l) => l.slice(l.indexOf(" ") + 1));
  const at = lines.findIndex((l) => l.includes('"lastUpdateId"'));
  const snapshot = decodeBinanceMessage(lines[at]!, 0, symbol) as DepthSnapshotEvent;
  return { snapshot, before: lines.slice(0, at).filter((l) => l.includes('"depthUpdate"')) };
}

/**
 * The snapshot after the capture's own and the diffs before it and among `served` (in
 * order), by SimpleBook, as a capture line in the @depthSnapshot envelope.
 */
function expectedSnapshot(file: string, symbol: string, served: readonly FakeLine[], ns: bigint, futures: boolean, limit: number): string {
  const start = captureStart(file, symbol);
  const book = new SimpleBook();
  book.snapshot(start.snapshot);
  let first = true;
  let E = start.snapshot.exchangeTime;
  let T = Number(/"T":([0-9]+)/.exec(captureLines(file).find((l) => l.includes('"lastUpdateId"'))!)?.[1]);
  const diffs = [...start.before, ...served.filter((l) => l.kind === "depth" && l.symbol === symbol).map((l) => l.text)];
  for (const text of diffs) {
    const d = decodeBinanceMessage(text, 0, null) as DepthDiffEvent;
    if (!book.diff(d, first)) continue;
    first = false;
    E = d.exchangeTime;
    T = Number(/"T":([0-9]+)/.exec(text)?.[1]);
  }
  const top = book.top(limit);
  const levels = (xs: [number, number][]): string => JSON.stringify(xs.map(([p, q]) => [p.toFixed(8), q.toFixed(8)]));
  const times = futures ? `,"E":${E},"T":${T}` : "";
  return `${ns} {"stream":"${symbol.toLowerCase()}@depthSnapshot","data":{"lastUpdateId":${book.lastUpdateId}${times},"bids":${levels(top.bids)},"asks":${levels(top.asks)}}}`;
}

const cases: { market: BinanceMarket; files: Record<string, string>; depthSpeed: "100ms" | "0ms" }[] = [
  { market: "spot", files: { BTCUSDT, ETHUSDT }, depthSpeed: "100ms" },
  { market: "usdm", files: { ETHUSDT: USDM_ETHUSDT }, depthSpeed: "0ms" },
  { market: "coinm", files: { ETHUSD_PERP: COINM_ETHUSD }, depthSpeed: "0ms" },
];

describe("connectBinance against the fake exchange: live scores equal replays", () => {
  for (const { market, files, depthSpeed } of cases) {
    const symbols = Object.keys(files);
    test(`${market} ${symbols.join(", ")}: live = replay of the recording = replay of the capture from the served position`, async () => {
      fake = await FakeBinance.start({ captures: Object.values(files), market, pace: "step" });
      const f = fake;
      live = startLive(kernels, f, { symbols, market, depthSpeed });
      const l = live;
      await until(() => f.connections.length === 1, "the connection");
      // one line at a time until every symbol is synced (each snapshot answered before the next line), then the rest
      await stepUntil(f, l.client, () => symbols.every((s) => l.client.stats.symbols[s]!.synced), "every symbol synced");
      await f.run();
      await until(() => l.client.stats.messages === f.framesSent, "every frame delivered");

      const stats = l.client.stats;
      expect(stats.garbage, "no garbage from a well-behaved exchange").toBe(0);
      for (const s of symbols) {
        expect(stats.symbols[s], `${s}: one snapshot, no gap, no resync`).toMatchObject({
          synced: true,
          gaps: 0,
          snapshotsRequested: 1,
          snapshotsReceived: 1,
          staleSnapshots: 0,
          resyncs: 0,
        });
        expect(l.engine.symbolState(s)!.book().synced, `${s}: the engine's book is synced`).toBe(true);
      }
      expect(stats.events, "every frame and one snapshot a symbol delivered").toBe(f.framesSent + symbols.length);
      expect(l.updates.length, "the engine scored the live stream").toBeGreaterThan(1000);

      // (a) the recording replays to the same scores, bit for bit
      expectSameUpdates(replayLines(kernels, l.recording), l.updates, `${market}: replay of the recording`);

      // (b) the capture from the served position, each snapshot where the client fetched it, computed independently
      const lines = f.lines.map((line) => `${line.ns} ${line.text}`);
      const inserts = symbols
        .map((s) => ({ s, at: l.syncedAt.get(s)! }))
        .sort((a, b) => b.at - a.at)
        .map(({ s, at }) => ({
          at,
          line: expectedSnapshot(files[s]!, s, f.lines.slice(0, at), f.lines[at - 1]!.ns, market !== "spot", 1000),
        }));
      for (const { at, line } of inserts) lines.splice(at, 0, line);
      expectSameUpdates(replayLines(kernels, lines), l.updates, `${market}: replay of the capture from the served position`);
    });
  }
});
