/**
 * The live dashboard (`confluence demo`, which `npm run demo` runs) in real Chromium, served
 * by that command as a process: it replays both bundled captures
 * in its worker to the same per-symbol summary as a Node replay, draws every chart and
 * fills every panel without a console error; it paces at event time until asked for
 * full speed; it replays a capture dropped on the page; and a bad file (not a capture, a
 * truncated gzip) gives one clear message and replays nothing. The demo server serves
 * only its known files. Relies on dist/ being built (`npm test` builds first).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { request } from "node:http";
import { mkdirSync, readFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import type { BrowserContext, Page } from "playwright-core";
import { loadKernels } from "../../src/index.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { captureLines, runEngine, writeCapture } from "../support/engineRun.js";
import { launch, skipBrowser } from "../support/browser.js";
import { startDemo, type DemoProcess } from "../cli/demoProcess.js";

const root = new URL("../..", import.meta.url).pathname;
const SCREENSHOT = `${root}test-output/browser/dashboard.png`;
const TIMEOUT = 60_000;

type DemoServer = DemoProcess;
const startDemoServer = (): Promise<DemoProcess> => startDemo();

/** What the page exposes on window.__confluence. */
interface Exposed {
  done: boolean;
  state: string;
  events: number;
  eventsPerSec: number;
  summary: Record<string, { perf?: unknown }> | null;
  error: string | null;
  backend: string | null;
  points: Record<string, Record<string, number>>;
}

const withoutPerf = (summary: Record<string, { perf?: unknown }>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(summary).map(([symbol, { perf: _perf, ...rest }]) => [symbol, rest]));

describe("the demo server", () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer();
  });
  afterAll(() => server?.close());

  /** A raw GET (fetch would normalise the dots away before sending). */
  function get(path: string): Promise<{ status: number; type: string | undefined; length: number }> {
    const { port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (res) => {
        let length = 0;
        res.on("data", (d: Buffer) => (length += d.length));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], length }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  test("serves the page, its bundles and the captures with their types, and nothing else", async () => {
    expect((await get("/")).type).toMatch(/^text\/html/);
    expect((await get("/index.html")).type).toMatch(/^text\/html/);
    expect((await get("/main.js")).type).toMatch(/^text\/javascript/);
    expect((await get("/replayWorker.js")).type).toMatch(/^text\/javascript/);
    expect((await get("/styles.css")).type).toMatch(/^text\/css/);
    const capture = await get("/data/binance-spot-btcusdt-2024-08-08.jsonl.gz");
    expect(capture, "the capture as stored, gzip").toEqual({ status: 200, type: "application/gzip", length: readFileSync(BTCUSDT).length });
    expect((await get("/data/index.json")).status).toBe(200);
    for (const path of [
      "/../package.json",
      "/data/../package.json",
      "/data/%2e%2e/package.json",
      "/data/..%2fpackage.json",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/data/",
      "/data/README.md",
      "/nope.js",
    ]) {
      expect((await get(path)).status, `${path} must not be served`).toBe(404);
    }
  });
});

let bundledSummary: Record<string, unknown> | undefined;
/** Node's replay of both bundled captures, summarized (without perf), computed once. */
async function nodeSummary(): Promise<Record<string, unknown>> {
  if (!bundledSummary) {
    const node = await runEngine(await loadKernels(), [BTCUSDT, ETHUSDT]);
    node.engine.dispose();
    bundledSummary = JSON.parse(JSON.stringify(node.summary)) as Record<string, unknown>;
  }
  return bundledSummary;
}

describe.skipIf(skipBrowser)("the dashboard in Chromium", () => {
  let context: BrowserContext;
  let server: DemoServer;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startDemoServer();
    context = await launch();
  }, TIMEOUT);
  afterAll(async () => {
    await context?.close();
    await server?.close();
  });

  async function open(query: string): Promise<Page> {
    errors.length = 0;
    const page = await context.newPage();
    await page.setViewportSize({ width: 1600, height: 1000 });
    page.on("pageerror", (e) => errors.push(`pageerror: ${String(e)}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    await page.goto(`${server.url}${query}`);
    return page;
  }

  /** Waits for the replay to end one way or the other; returns the state. */
  async function settled(page: Page): Promise<Exposed> {
    await page.waitForSelector("body[data-state=done], body[data-state=error]", { state: "attached", timeout: TIMEOUT });
    return page.evaluate(() => (window as unknown as { __confluence: Exposed }).__confluence);
  }

  /** Per pane of a symbol's chart, the saturated pixels: series ink (background, grid and axis text are grey). */
  function inked(page: Page, symbol: string): Promise<number[]> {
    return page.evaluate((sym) => {
      const panes = [...document.querySelectorAll<HTMLCanvasElement>(`.symbol[data-symbol="${sym}"] canvas`)].filter(
        (c) => c.style.zIndex === "1" && c.width > 200 && c.height > 50,
      );
      return panes.map((canvas) => {
        const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
        let n = 0;
        for (let p = 0; p < data.length; p += 4) {
          const r = data[p]!,
            g = data[p + 1]!,
            b = data[p + 2]!;
          if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
        }
        return n;
      });
    }, symbol);
  }

  test(
    "replays both bundled captures at max speed: the summary of a Node replay, every chart drawn, every panel filled",
    async () => {
      const page = await open("?speed=max");
      const x = await settled(page);
      expect(x.error, "no error").toBeNull();
      expect(x.done).toBe(true);
      expect(x.backend).toBe("wasm-simd");
      expect(withoutPerf(x.summary!), "the page's summary against Node's replay of the same files (perf aside)").toEqual(
        await nodeSummary(),
      );
      expect(x.events, "every line of both captures is an event").toBe(41_249 + 33_618);
      expect(x.eventsPerSec).toBeGreaterThan(0);

      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        const counts = x.points[symbol]!;
        for (const [series, n] of Object.entries(counts))
          expect(n, `${symbol} ${series}: chart points (100 ms buckets over ~6 min)`).toBeGreaterThan(2_000);
      }
      // lightweight-charts paints on its own animation frame: wait until every pane has ink
      await page.waitForFunction(() => document.querySelectorAll(".symbol canvas").length > 0, undefined, { timeout: TIMEOUT });
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        let ink: number[] = [];
        for (let tries = 0; tries < 50; tries++) {
          ink = await inked(page, symbol);
          if (ink.length === 5 && ink.every((n) => n > 300)) break;
          await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
        }
        expect(ink, `${symbol}: series-coloured pixels per pane (mid, score, confidence, imbalance, cvd)`).toHaveLength(5);
        for (const n of ink) expect(n, `${symbol}: a pane drew its series (pixels ${ink.join(", ")})`).toBeGreaterThan(300);
      }

      const text = async (selector: string): Promise<string> => (await page.locator(selector).textContent()) ?? "";
      expect(await text("#decision [data-f=side]")).toMatch(/^(buy|sell|none)$/);
      expect(await text("#decision [data-f=urgency]")).toMatch(/^(high|medium|low)$/);
      expect(await text("#decision [data-f=algorithm]")).toMatch(/^(aggressive twap|adaptive vwap|passive participation)$/);
      expect(await text("#decision [data-f=participation]")).toMatch(/^(10|20|30)% of volume$/);
      expect(await text("#decision [data-f=horizon]")).toMatch(/^\d+(\.\d)?(s|m)$/);
      expect(await text("#decision [data-f=limit]")).toMatch(/\d/);
      expect(await page.locator("#components tbody tr").count()).toBe(6);
      expect(await page.locator("#composite tbody tr").count(), "directional bias, urgency, opportunity, stability").toBe(4);
      expect(await text("#sel-score")).toMatch(/^\d+\.\d$/);
      expect(await text("#perf-rate")).toMatch(/\/s$/);
      expect(await text("#perf-p99")).toMatch(/(ns|µs|ms)$/);
      expect(await text("#counts [data-f=events]")).toBe("74,867 / 74,867");
      expect(await text("#counts [data-f=synced]")).toBe("2 / 2");
      expect(await page.locator("#watchlist tbody tr").count()).toBe(2);
      expect(await text("#state")).toBe("done");

      // the other symbol's detail, by clicking its watchlist row
      await page.locator('#watchlist tbody tr[data-symbol="ETHUSDT"]').click();
      expect(await text("#sel-symbol")).toBe("ETHUSDT");

      mkdirSync(`${root}test-output/browser`, { recursive: true });
      await page.locator('#watchlist tbody tr[data-symbol="BTCUSDT"]').click();
      await page.mouse.move(0, 0);
      await page.screenshot({ path: SCREENSHOT });
      await page.close();
      expect(errors).toEqual([]);
    },
    TIMEOUT,
  );

  for (const [query, backend] of [
    ["backend=js", "js"],
    ["scalar=1", "wasm"],
  ] as const) {
    test(
      `?${query}: the ${backend} backend, the same summary`,
      async () => {
        const page = await open(`?speed=max&${query}`);
        const x = await settled(page);
        expect(x.error).toBeNull();
        expect(x.backend).toBe(backend);
        expect(await page.locator("#backend").textContent()).toBe(backend);
        expect(withoutPerf(x.summary!), "every backend gives the same summary (perf aside)").toEqual(await nodeSummary());
        await page.close();
        expect(errors).toEqual([]);
      },
      TIMEOUT,
    );
  }

  test(
    "paces at event time, then goes to full speed when asked",
    async () => {
      const page = await open("?speed=1");
      await page.waitForFunction(() => (window as unknown as { __confluence: Exposed }).__confluence.events > 0, undefined, {
        timeout: TIMEOUT,
      });
      const early = await page.evaluate(() => (window as unknown as { __confluence: Exposed }).__confluence);
      expect(early.state).toBe("running");
      expect(early.events, "at 1× six minutes of events are not replayed in a moment").toBeLessThan(74_867);
      expect(await page.locator("#state").textContent()).toBe("replay 1×");
      await page.locator('#speed button[data-speed="max"]').click();
      const x = await settled(page);
      expect(x.done).toBe(true);
      expect(x.events).toBe(74_867);
      await page.close();
      expect(errors).toEqual([]);
    },
    TIMEOUT,
  );

  test(
    "a capture dropped on the page is replayed (plain text, one symbol, a bad line skipped and named)",
    async () => {
      const lines = captureLines(ETHUSDT).slice(0, 4000);
      lines.splice(100, 0, "1723161254152322667 {not json");
      const node = await runEngine(await loadKernels(), [writeCapture(lines, "eth.jsonl", false)]);
      node.engine.dispose();
      const page = await open("?autoplay=0&speed=max");
      expect(await page.evaluate(() => document.body.dataset.state)).toBe("idle");
      const transfer = await page.evaluateHandle(
        (text) => {
          const dt = new DataTransfer();
          dt.items.add(new File([text], "eth.jsonl", { type: "text/plain" }));
          return dt;
        },
        `${lines.join("\n")}\n`,
      );
      await page.dispatchEvent("body", "drop", { dataTransfer: transfer });
      const x = await settled(page);
      expect(x.error).toBeNull();
      expect(x.events).toBe(4000);
      expect(withoutPerf(x.summary!)).toEqual(JSON.parse(JSON.stringify(node.summary)));
      expect(await page.locator("#source").textContent()).toBe("eth.jsonl");
      expect(await page.locator("#message").textContent()).toMatch(/^1 line skipped while decoding: eth\.jsonl:101: .*not-json/);
      await page.close();
      expect(errors).toEqual([]);
    },
    TIMEOUT,
  );

  for (const name of ["binance_incremental_book_L2_2024-08-08_BTCUSDT.csv.gz", "BTCUSDT-aggTrades-2024-08-08.zip"]) {
    test(
      `${name} given to the page is detected and replayed as the CLI replays it`,
      async () => {
        const file = new URL(`../fixtures/formats/${name}`, import.meta.url).pathname;
        const node = await runEngine(await loadKernels(), [file]);
        node.engine.dispose();
        const page = await open("?autoplay=0&speed=max");
        await page.setInputFiles("#file", { name, mimeType: "application/octet-stream", buffer: readFileSync(file) });
        const x = await settled(page);
        expect(x.error).toBeNull();
        expect(x.events).toBeGreaterThan(100);
        expect(withoutPerf(x.summary!)).toEqual(JSON.parse(JSON.stringify(node.summary)));
        await page.close();
        expect(errors).toEqual([]);
      },
      TIMEOUT,
    );
  }

  const truncated = readFileSync(BTCUSDT).subarray(0, 600_000);
  const bad: { name: string; buffer: Buffer; mimeType: string; message: RegExp }[] = [
    {
      name: "capture.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("hello, this is a shopping list\n- milk\n- bread\n"),
      message: /^capture\.txt: no line in a known format \(first: "hello, this is a shopping list"\): expected a format confluence reads/,
    },
    {
      name: "not-a-capture.json.gz",
      mimeType: "application/gzip",
      buffer: gzipSync('{"e":"trade","s":"BTCUSDT"}\n'),
      message:
        /^not-a-capture\.json\.gz: no valid lines in 1 line \(first error: line 1: .*\): expected lines of one Binance websocket message/,
    },
    // a real capture cut in the middle: its first half decodes, and still nothing may be replayed
    {
      name: "btcusdt-cut.jsonl.gz",
      mimeType: "application/gzip",
      buffer: Buffer.from(truncated),
      message: /^btcusdt-cut\.jsonl\.gz: truncated or corrupt gzip/,
    },
    { name: "empty.jsonl", mimeType: "text/plain", buffer: Buffer.alloc(0), message: /^empty\.jsonl: empty file/ },
    // two gzip members back to back (cat a.gz b.gz): valid for the CLI, beyond the browser's DecompressionStream
    {
      name: "two-members.jsonl.gz",
      mimeType: "application/gzip",
      buffer: Buffer.concat([gzipSync(gunzipSync(readFileSync(BTCUSDT)).subarray(0, 200_000)), gzipSync("1 {}\n")]),
      message: /^two-members\.jsonl\.gz: several gzip members \(concatenated \.gz files\): the browser decompresses only one/,
    },
  ];
  for (const file of bad) {
    test(
      `${file.name}: a clear message, nothing replayed, no uncaught error`,
      async () => {
        const page = await open("?autoplay=0");
        await page.setInputFiles("#file", { name: file.name, mimeType: file.mimeType, buffer: file.buffer });
        const x = await settled(page);
        expect(await page.evaluate(() => document.body.dataset.state)).toBe("error");
        expect(x.error).toMatch(file.message);
        const shown = await page.locator("#message").textContent();
        expect(shown, "the message on the page").toBe(x.error);
        expect(await page.locator("#message").isVisible()).toBe(true);
        expect(x.events, "nothing replayed").toBe(0);
        expect(x.summary).toBeNull();
        expect(await page.locator(".symbol").count(), "no chart").toBe(0);
        expect(await page.locator("#watchlist tbody tr").count(), "no symbol").toBe(0);
        expect(await page.locator("#state").textContent()).toBe("error");
        await page.close();
        expect(errors).toEqual([]);
      },
      TIMEOUT,
    );
  }

  test(
    "after an error the page replays again: the bundled captures, to done",
    async () => {
      const page = await open("?autoplay=0");
      await page.setInputFiles("#file", { name: "btcusdt-cut.jsonl.gz", mimeType: "application/gzip", buffer: Buffer.from(truncated) });
      expect((await settled(page)).state).toBe("error");
      await page.locator('#speed button[data-speed="max"]').click();
      await page.locator("#play-bundled").click();
      await page.waitForSelector("body[data-state=done]", { state: "attached", timeout: TIMEOUT });
      const x = await page.evaluate(() => (window as unknown as { __confluence: Exposed }).__confluence);
      expect(x.events).toBe(74_867);
      expect(x.error).toBeNull();
      expect(await page.locator("#message").textContent(), "the error message is gone").not.toMatch(/gzip/);
      await page.close();
      expect(errors).toEqual([]);
    },
    TIMEOUT,
  );
});
