/**
 * The live connection recovering from what a real exchange and network do, against the
 * fake exchange in step mode (each misbehaviour at a known point of the BTCUSDT capture):
 * a dropped diff, a dropped connection, 429 with Retry-After, slow snapshots (one request
 * in flight per symbol), a snapshot older than the diffs, garbage frames, pings, a
 * planned reconnect, a connection gone silent. After each, the engine's book is synced again, and the scores still
 * equal a replay of the recording. No timing assertions: every wait is for a condition.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { MarketEvent } from "../../src/feeds/events.js";
import { loadKernels } from "../../src/kernels/index.js";
import { BTCUSDT } from "../support/capture.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";
import { FakeBinance } from "../support/fakeBinance.js";
import { replayLines, settled, startLive, stepUntil, until, type Live } from "../support/liveClient.js";

const kernels = await loadKernels();
const SYMBOL = "BTCUSDT";
let fake: FakeBinance | null = null;
let live: Live | null = null;

afterEach(async () => {
  await live?.client.close();
  live?.engine.dispose();
  await fake?.close();
  fake = live = null;
});

async function synced(options: Parameters<typeof startLive>[2] = { symbols: [SYMBOL] }): Promise<{ f: FakeBinance; l: Live }> {
  const f = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "step", serverTimeOffsetMs: 5000 });
  fake = f;
  const l = startLive(kernels, f, { reconnect: { initialMs: 10, maxMs: 50 }, ...options });
  live = l;
  await until(() => f.connections.length === 1, "the connection");
  await stepUntil(f, l.client, () => l.client.stats.symbols[SYMBOL]!.synced, "the first sync");
  // past the analyzer's warm-up: scores are being produced
  await f.step(3000);
  await until(() => settled(f, l.client), "3000 lines delivered");
  return { f, l };
}

const stats = (l: Live) => l.client.stats.symbols[SYMBOL]!;

/** The first snapshot request answered `status` with Retry-After 1 s: the retry waits it out and syncs the book. */
async function rejectedOnce(status: number): Promise<{ f: FakeBinance; l: Live }> {
  const f = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "step" });
  fake = f;
  f.rejectSnapshots(1, status, 1);
  const l = startLive(kernels, f, { symbols: [SYMBOL], reconnect: { initialMs: 10, maxMs: 50 } });
  live = l;
  await until(() => f.connections.length === 1, "the connection");
  await f.step(3);
  await until(() => f.snapshotRequests.length === 2 && f.snapshotRequests[1]!.status === 200, "the retried snapshot", 120_000);
  await until(() => stats(l).synced, "the sync");
  const [first, second] = f.snapshotRequests;
  expect(first!.status).toBe(status);
  // Node's timers may fire up to a millisecond before their nominal time on a performance.now() clock
  expect(second!.arrivedAt - first!.answeredAt, "the second request waited the Retry-After second").toBeGreaterThanOrEqual(999);
  return { f, l };
}
const engineSynced = (l: Live): boolean => l.engine.symbolState(SYMBOL)!.book().synced;

/** The recording replays to the scores seen live. */
function expectRecordingReplays(l: Live, label: string): void {
  expect(l.updates.length, `${label}: scores were produced`).toBeGreaterThan(10);
  expectSameUpdates(replayLines(kernels, l.recording), l.updates, `${label}: replay of the recording`);
}

/** Whether an event was delivered twice (same symbol, kind and exchange id). */
function repeated(events: readonly MarketEvent[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const e of events) {
    const id = e.type === "trade" ? e.tradeId : e.type === "quote" ? e.updateId : e.type === "depth" ? e.lastUpdateId : NaN;
    if (id !== id) continue;
    const key = `${e.symbol} ${e.type} ${id}`;
    if (seen.has(key)) twice.push(key);
    seen.add(key);
  }
  return twice;
}

describe("connectBinance recovers", () => {
  test("a dropped diff: a gap, one new snapshot, and the book resynced within that snapshot's round trip", async () => {
    const { f, l } = await synced();
    expect(engineSynced(l), "synced before").toBe(true);
    f.dropDepth(SYMBOL, 1);
    // step until the gap shows (the diff after the dropped one), then no further line until the snapshot is in
    await stepUntil(f, l.client, () => stats(l).gaps === 1, "the gap");
    const frames = l.client.stats.messages;
    await until(() => stats(l).synced, "the resync");
    expect(l.client.stats.messages, "resynced with no further stream frame: within one snapshot round trip").toBe(frames);
    expect(stats(l)).toMatchObject({ gaps: 1, snapshotsRequested: 2, snapshotsReceived: 2, resyncs: 1, staleSnapshots: 0 });
    expect(engineSynced(l), "the engine's book is synced again").toBe(true);
    expect(l.engine.symbolState(SYMBOL)!.sync!.counters.gaps, "the engine saw the same one gap").toBe(1);
    await f.step(300);
    await until(() => settled(f, l.client), "more lines");
    expect(engineSynced(l), "and stays synced").toBe(true);
    expectRecordingReplays(l, "gap");
  });

  test("a dropped connection: reconnect with backoff, resnapshot, synced", async () => {
    const { f, l } = await synced();
    f.closeConnections();
    await until(() => f.connections.length === 2, "the reconnection");
    await stepUntil(f, l.client, () => stats(l).synced, "the resync after reconnecting");
    expect(l.client.stats.reconnects).toEqual({ unplanned: 1, planned: 0 });
    expect(stats(l)).toMatchObject({ snapshotsRequested: 2, resyncs: 1 });
    expect(
      l.statuses.some((s) => s.type === "reconnecting"),
      "a reconnecting status",
    ).toBe(true);
    await f.step(200);
    await until(() => settled(f, l.client), "more lines");
    expect(engineSynced(l), "the engine's book is synced").toBe(true);
    expectRecordingReplays(l, "reconnect");
  });

  test("429 with Retry-After: no request before it has passed; one request in flight per symbol", async () => {
    const { f, l } = await rejectedOnce(429);
    expect(l.client.stats.rateLimited).toBe(1);
    expect(stats(l).snapshotRetries).toBe(1);
    await f.step(3000);
    await until(() => settled(f, l.client), "3000 lines delivered");

    // slow snapshots: while one request is held, gaps ask for no second one
    f.holdSnapshots();
    f.dropDepth(SYMBOL, 1);
    await until(() => settled(f, l.client), "settled");
    for (let k = 0; k < 40 && f.snapshotRequests.length < 3; k++) await f.step(10);
    await until(() => f.snapshotRequests.length === 3, "the request after the gap");
    f.dropDepth(SYMBOL, 1);
    while (stats(l).gaps < 2 && !f.done) {
      await f.step(1);
      await until(() => l.client.stats.messages === f.framesSent, "frames delivered");
    }
    expect(stats(l).gaps, "two gaps while the snapshot is held").toBe(2);
    expect(f.snapshotRequests.length, "no second request while one is in flight").toBe(3);
    expect(f.maxInFlight.get(SYMBOL)).toBe(1);
    f.releaseSnapshots();
    await until(() => stats(l).synced, "the resync");
    expect(engineSynced(l)).toBe(true);
    expectRecordingReplays(l, "429 and slow");
  });

  test("a snapshot older than the buffered diffs is counted, not delivered, and fetched again", async () => {
    const { f, l } = await synced();
    f.staleSnapshotNext(SYMBOL);
    f.dropDepth(SYMBOL, 1);
    await stepUntil(f, l.client, () => stats(l).gaps === 1, "the gap");
    await until(() => stats(l).synced, "the resync");
    expect(stats(l)).toMatchObject({ gaps: 1, staleSnapshots: 1, snapshotsRequested: 3, snapshotsReceived: 3, resyncs: 1 });
    const snapshots = l.events.filter((e) => e.type === "snapshot");
    expect(snapshots.length, "the stale one was not delivered").toBe(2);
    expect(engineSynced(l)).toBe(true);
    expect(l.engine.symbolState(SYMBOL)!.sync!.counters.staleSnapshots, "the engine never saw it").toBe(0);
    expectRecordingReplays(l, "stale snapshot");
  });

  test("garbage frames are counted by reason and never fatal; pings are answered; the server-time offset is measured", async () => {
    const { f, l } = await synced();
    f.sendGarbage([
      "not json",
      Buffer.from([1, 2, 3]),
      '{"stream":"btcusdt@weird","data":{"e":"weird","s":"BTCUSDT"}}',
      '{"stream":"xrpusdt@trade","data":{"e":"trade","E":1,"s":"XRPUSDT","t":1,"p":"1.0","q":"1.0","T":1,"m":true}}',
      '{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"-1.0","q":"1.0","T":1,"m":true}}',
      '{"lastUpdateId":1,"bids":[],"asks":[]}',
    ]);
    f.ping();
    await until(() => l.client.stats.garbage === 6 && f.pongs === 1, "the garbage counted and the pong");
    expect(l.client.stats.garbageBy).toEqual({
      "not-json": 1,
      binary: 1,
      "unknown-kind": 1,
      "unknown-symbol": 1,
      "non-positive-price": 1,
      "unknown-snapshot-symbol": 1,
    });
    await f.step(300);
    await until(() => settled(f, l.client), "more lines");
    expect(stats(l)).toMatchObject({ synced: true, gaps: 0 });
    expect(engineSynced(l)).toBe(true);
    expectRecordingReplays(l, "garbage");
    // server time = local time + 5 s, taken between the request and the answer
    const { serverTimeOffsetMs, serverTimeRoundTripMs } = l.client.stats;
    expect(Math.abs(serverTimeOffsetMs - 5000), "offset within half the round trip").toBeLessThanOrEqual(serverTimeRoundTripMs / 2 + 1);
  });

  test("a planned reconnect opens the new connection first: no gap, nothing delivered twice", async () => {
    const { f, l } = await synced({ symbols: [SYMBOL], maxConnectionMs: 50 });
    await until(() => f.connections.length === 2, "the planned connection");
    // both connections receive the same lines; the switch happens once they overlap
    for (let k = 0; k < 100 && l.client.stats.reconnects.planned === 0; k++) {
      await f.step(1);
      await until(() => l.raws.at(-1)!.receiveTimeNs === f.lines[f.position - 1]!.ns || l.client.stats.reconnects.planned > 0, "the line");
    }
    expect(l.client.stats.reconnects.planned, "switched once the streams overlapped").toBe(1);
    await f.step(300);
    // the old connection is closed: what the new one received is what counts
    await until(() => l.raws.at(-1)!.receiveTimeNs === f.lines[f.position - 1]!.ns, "more lines");
    expect(l.client.stats.reconnects.unplanned).toBe(0);
    expect(stats(l)).toMatchObject({ gaps: 0, snapshotsRequested: 1, resyncs: 0 });
    expect(stats(l).duplicatesSkipped, "what both connections delivered was skipped").toBeGreaterThan(0);
    expect(repeated(l.events), "no event delivered twice").toEqual([]);
    expect(engineSynced(l)).toBe(true);
    expect(l.engine.symbolState(SYMBOL)!.events.duplicates, "the engine saw no duplicate").toBe(0);
    expectRecordingReplays(l, "planned reconnect");
  });

  test("418 (banned) with Retry-After: counted apart from 429, and no request before it has passed", async () => {
    const { l } = await rejectedOnce(418);
    expect([l.client.stats.banned, l.client.stats.rateLimited]).toEqual([1, 0]);
  });

  test("a snapshot answer too big to take (12 MiB, no Content-Length) is refused while it streams, counted and fetched again", async () => {
    const { f, l } = await synced();
    f.hugeSnapshotNext(SYMBOL, 12 << 20);
    f.dropDepth(SYMBOL, 1);
    await stepUntil(f, l.client, () => stats(l).gaps === 1, "the gap");
    await until(() => stats(l).synced, "the resync after the refused answer");
    expect(stats(l)).toMatchObject({ snapshotsRequested: 3, snapshotsReceived: 2, snapshotRetries: 1, resyncs: 1 });
    expect(l.statuses.some((s) => s.type === "error" && /more than 8388608 bytes/.test(s.message))).toBe(true);
    expect(l.events.filter((e) => e.type === "snapshot").length, "the engine never saw the refused answer").toBe(2);
    expect(engineSynced(l)).toBe(true);
  });

  test("a connection silent for staleMs is taken for dropped: reopened, resnapshotted, synced", async () => {
    const { f, l } = await synced({ symbols: [SYMBOL], staleMs: 2000 });
    const before = l.client.stats.staleConnections;
    // the fake sends nothing (step mode, no steps): the silence is the connection's only news
    await until(() => l.client.stats.staleConnections > before, "the stale timer");
    await until(() => f.connections.length >= 2, "the new connection");
    expect(l.client.stats.reconnects.unplanned, "a stale connection is reopened like a dropped one").toBeGreaterThanOrEqual(1);
    await stepUntil(f, l.client, () => stats(l).synced, "the resync");
    expect(stats(l).resyncs).toBeGreaterThanOrEqual(1);
    await f.step(300);
    await until(() => settled(f, l.client), "more lines");
    expect(engineSynced(l), "the engine's book is synced again").toBe(true);
    expectRecordingReplays(l, "stale connection");
  });
});
