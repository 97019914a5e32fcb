/**
 * The dashboard's live mode in real Chromium: the page (served by `confluence demo` as a
 * process) connects from its worker to the fake exchange on 127.0.0.1 (test/support/
 * fakeBinance.ts: the bundled spot captures with Binance's protocol) and shows the
 * symbols, their scores as they update and the connection's state. The fake is stepped,
 * so the test decides what the page has received at each check (no timing assumption).
 *
 * Equality: when the fake's stream has ended and the page has received every frame, the
 * page is stopped; its summary (per symbol: event counts, trades, book, the last score
 * update with every component, composite output and decision) and its score-update
 * counts equal those of a StreamingEngine in Node fed the page's own recording. The
 * recording is what makes "the same stream" exact: its stream messages are checked to be
 * the fake's served lines, text for text and in order, and it carries the receive times
 * the browser stamped and the point where each snapshot arrived, both of which the scores
 * depend on. Every update is not compared because the page does not keep them (it draws
 * one chart point per second); the count and the last, complete, are.
 *
 * A diff dropped by the fake shows on the page as a gap and a resync (the connection's
 * counters, the engine's book, both tables), and garbage frames are counted, not fatal.
 * Relies on dist/ being built (`npm test` builds first).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { CaptureParser } from "../../src/feeds/capture.js";
import { loadKernels } from "../../src/kernels/index.js";
import type { ConnectionStats } from "../../src/live/binanceConnection.js";
import { StreamingEngine } from "../../src/pipeline/engine.js";
import { summarize } from "../../src/pipeline/summary.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { launch, openPage, skipBrowser } from "../support/browser.js";
import { FakeBinance } from "../support/fakeBinance.js";
import { until } from "../support/liveClient.js";
import { startDemo, type DemoProcess } from "../cli/demoProcess.js";

const TIMEOUT = 120_000;
const kernels = await loadKernels();

/** What the page exposes on window.__confluence (the parts these tests read). */
interface Exposed {
  state: string;
  error: string | null;
  events: number;
  summary: Record<string, { perf?: unknown }> | null;
  scoreUpdates: Record<string, number>;
  live: { state: string; stats: ConnectionStats } | null;
  recording: string | null;
}

const withoutPerf = (summary: Record<string, { perf?: unknown }>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(summary).map(([symbol, { perf: _perf, ...rest }]) => [symbol, rest]));

/** A StreamingEngine in Node (the page's configuration: the default preset) fed a recording: its summary and update counts. */
function replayRecording(recording: string): { summary: Record<string, unknown>; scoreUpdates: Record<string, number> } {
  const scoreUpdates: Record<string, number> = {};
  const engine = new StreamingEngine(kernels, { onScore: (u) => (scoreUpdates[u.symbol] = (scoreUpdates[u.symbol] ?? 0) + 1) });
  const parser = new CaptureParser((e) => engine.process(e));
  parser.startFile("recording");
  parser.push(new TextEncoder().encode(recording));
  parser.end();
  expect(parser.rejected, `the page's recording replays without a rejected line: ${JSON.stringify(parser.rejections[0])}`).toBe(0);
  const summary = JSON.parse(JSON.stringify(withoutPerf(summarize(engine, 1)))) as Record<string, unknown>;
  engine.dispose();
  return { summary, scoreUpdates };
}

/** The recording's stream messages (snapshots left out), as served. */
function streamMessages(recording: string): string[] {
  return recording
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.slice(line.indexOf(" ") + 1))
    .filter((text) => !/^\{"stream":"[^"]*@depthSnapshot"/.test(text));
}

describe.skipIf(skipBrowser)("the dashboard live against the fake exchange, in Chromium", () => {
  let context: BrowserContext;
  let server: DemoProcess;
  let fake: FakeBinance | null = null;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startDemo();
    context = await launch();
  }, TIMEOUT);
  afterAll(async () => {
    await context?.close();
    await server?.close();
  });
  afterEach(async () => {
    await fake?.close();
    fake = null;
  });

  /** The page live against `f` (recording on), once its worker has connected. */
  async function open(f: FakeBinance, symbols: string): Promise<Page> {
    errors.length = 0;
    const q = new URLSearchParams({ live: symbols, market: "spot", endpoint: f.wsUrl, rest: f.restUrl, record: "1" });
    const page = await openPage(context, `${server.url}?${q}`, () => document.body.dataset.state !== "idle", errors, TIMEOUT);
    await until(() => f.connections.length === 1, "the page's worker to connect to the fake", TIMEOUT);
    return page;
  }

  const exposed = (page: Page): Promise<Exposed> => page.evaluate(() => (window as unknown as { __confluence: Exposed }).__confluence);

  /** Waits until the page has received `frames` frames and every snapshot it asked for. */
  async function received(page: Page, frames: number): Promise<Exposed> {
    await page.waitForFunction(
      (n) => {
        const s = (window as unknown as { __confluence: Exposed }).__confluence.live?.stats;
        return (
          s !== undefined &&
          s.messages === n &&
          Object.values(s.symbols).every((x) => x.snapshotsReceived + x.snapshotRetries === x.snapshotsRequested)
        );
      },
      frames,
      { timeout: TIMEOUT },
    );
    return exposed(page);
  }

  /** Steps the fake until every symbol's book is synced and scored on the page. */
  async function stepUntilScored(page: Page, f: FakeBinance, symbols: readonly string[]): Promise<Exposed> {
    for (;;) {
      expect(f.done, "the capture ended before every symbol was scored").toBe(false);
      await f.step(100);
      const x = await received(page, f.framesSent);
      if (symbols.every((s) => x.live!.stats.symbols[s]?.synced && (x.scoreUpdates[s] ?? 0) > 0)) return x;
    }
  }

  async function stop(page: Page): Promise<Exposed> {
    await page.locator("#stop").click();
    await page.waitForSelector("body[data-state=done], body[data-state=error]", { state: "attached", timeout: TIMEOUT });
    return exposed(page);
  }

  const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).textContent()) ?? "";

  test(
    "two spot symbols: shown, scored as the stream advances, and at the end the summary of a Node engine fed the same stream",
    async () => {
      fake = await FakeBinance.start({ captures: [BTCUSDT, ETHUSDT], market: "spot", pace: "step" });
      const page = await open(fake, "BTCUSDT,ETHUSDT");
      const symbols = ["BTCUSDT", "ETHUSDT"];
      const first = await stepUntilScored(page, fake, symbols);
      expect(first.state).toBe("running");
      expect(first.live!.state).toBe("open");
      expect(await text(page, "#state")).toBe("live");
      expect(await page.locator("#watchlist tbody tr").count()).toBe(2);
      expect(await page.locator(".symbol").count(), "a chart per symbol").toBe(2);
      for (const s of symbols) {
        expect(await text(page, `#watchlist tbody tr[data-symbol="${s}"] td:nth-child(4)`), `${s}: a score in the watchlist`).toMatch(
          /^\d+\.\d$/,
        );
        expect(await text(page, `#link-symbols tbody tr[data-symbol="${s}"] td:nth-child(2)`)).toBe("synced");
      }
      expect(await text(page, "#connection [data-f=state]")).toBe("open");
      expect(await text(page, "#connection [data-f=offset]"), "the server-time offset was measured").toMatch(/^[+−]\d+ ms ± \d+$/);

      await fake.step(3000);
      const later = await received(page, fake.framesSent);
      for (const s of symbols)
        expect(later.scoreUpdates[s]!, `${s}: the score updated as 3,000 more lines arrived`).toBeGreaterThan(first.scoreUpdates[s]!);
      const points = await page.evaluate(
        () => (window as unknown as { __confluence: { points: Record<string, Record<string, number>> } }).__confluence.points,
      );
      for (const s of symbols) {
        expect(points[s]!.mid, `${s}: the mid price charted`).toBeGreaterThan(0);
        expect(points[s]!.score, `${s}: the score charted`).toBeGreaterThan(0);
      }

      await fake.run();
      const end = await received(page, fake.framesSent);
      expect(end.live!.stats.garbage).toBe(0);
      const x = await stop(page);
      expect(x.error, "no error").toBeNull();
      expect(x.state).toBe("done");
      expect(await text(page, "#connection [data-f=state]")).toBe("closed");
      expect(await page.locator("#save").isVisible(), "the recording is offered").toBe(true);

      const served = fake.lines.filter((l) => fake!.connections[0]!.streams.has(l.stream)).map((l) => l.text);
      const recorded = streamMessages(x.recording!);
      expect(recorded.length, "every served line reached the page").toBe(served.length);
      expect(recorded, "the page's recording holds the served lines, in order").toEqual(served);
      expect(x.events, "every served line and the two snapshots were scored").toBe(served.length + 2);

      const node = replayRecording(x.recording!);
      expect(withoutPerf(x.summary!), "the page's summary against a Node engine fed the same stream (perf aside)").toEqual(node.summary);
      expect(x.scoreUpdates, "score updates per symbol").toEqual(node.scoreUpdates);
      for (const s of symbols) expect((node.summary[s] as { score: unknown }).score, `${s}: scored`).not.toBeNull();
      await page.close();
      expect(errors).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    "a dropped diff shows as a gap and a resync, garbage frames are counted, and the scores still equal Node's",
    async () => {
      fake = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "step" });
      const page = await open(fake, "BTCUSDT");
      await stepUntilScored(page, fake, ["BTCUSDT"]);
      fake.dropDepth("BTCUSDT", 1);
      fake.sendGarbage(["not json", '{"stream":"btcusdt@trade","data":{"e":"trade"}}']);
      await fake.step(2000);
      const x = await received(page, fake.framesSent + 2);
      const stats = x.live!.stats;
      const btc = stats.symbols.BTCUSDT!;
      expect(btc.gaps, "one gap: the dropped diff").toBe(1);
      expect(btc.resyncs, "one resync: a new snapshot after the gap").toBe(1);
      expect(btc.synced).toBe(true);
      expect(stats.garbage, "both garbage frames counted").toBe(2);
      expect(x.state, "garbage is not fatal").toBe("running");

      expect(await text(page, '#link-symbols tbody tr[data-symbol="BTCUSDT"] td:nth-child(3)'), "gaps on the page").toBe("1");
      expect(await text(page, '#link-symbols tbody tr[data-symbol="BTCUSDT"] td:nth-child(4)'), "resyncs on the page").toBe("1");
      expect(await text(page, '#link-symbols tbody tr[data-symbol="BTCUSDT"] td:nth-child(2)')).toBe("synced");
      expect(await text(page, "#connection [data-f=garbage]")).toBe("2");
      expect(await text(page, '#watchlist tbody tr[data-symbol="BTCUSDT"] td:last-child'), "the engine's book saw the gap").toBe(
        "synced · 1 gaps",
      );
      expect(await text(page, "#link-issue"), "the last trouble reported").toMatch(/BTCUSDT: gap: U \d+ after u \d+/);

      const done = await stop(page);
      expect(done.error).toBeNull();
      const node = replayRecording(done.recording!);
      expect(withoutPerf(done.summary!)).toEqual(node.summary);
      expect(done.scoreUpdates).toEqual(node.scoreUpdates);
      expect((done.summary!.BTCUSDT as { events: { snapshot: number } }).events.snapshot, "two snapshots reached the engine").toBe(2);
      await page.close();
      expect(errors).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    "bad live parameters: one clear message from the connection's typed error, no uncaught error",
    async () => {
      errors.length = 0;
      const page = await openPage(
        context,
        `${server.url}?live=BTC$USDT&market=spot&endpoint=ws://127.0.0.1:9`,
        () => document.body.dataset.state === "error",
        errors,
        TIMEOUT,
      );
      const x = await exposed(page);
      expect(x.error).toMatch(/symbol.*BTC\$USDT.*letters, digits/);
      expect(await text(page, "#message")).toBe(x.error);
      await page.close();
      expect(errors).toEqual([]);
    },
    TIMEOUT,
  );
});
