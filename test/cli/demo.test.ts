/**
 * `confluence demo` as a user runs it: it prints the URL of the dashboard on 127.0.0.1,
 * serves the page, its bundles and the bundled spot captures from the package's own
 * dist/demo and data (test/browser/dashboard.test.ts drives the page in Chromium against
 * this same command), stops on SIGTERM with exit 0, and a port already taken is a
 * usage error in one line.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { BTCUSDT } from "../support/capture.js";
import { startDemo } from "./demoProcess.js";
import { confluence } from "./runCli.js";

describe("confluence demo", () => {
  test("serves the dashboard and the spot captures; SIGTERM stops it with exit 0", async () => {
    const demo = await startDemo();
    try {
      const page = await fetch(demo.url);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.headers.get("cross-origin-opener-policy"), "isolated: the worker gets the finest timer").toBe("same-origin");
      expect(await page.text()).toMatch(/<script[^>]+src="?\.?\/?main\.js/);
      const index = await (await fetch(new URL("data/index.json", demo.url))).json();
      expect(index).toEqual(["binance-spot-btcusdt-2024-08-08.jsonl.gz", "binance-spot-ethusdt-2024-08-08.jsonl.gz"]);
      const capture = await fetch(new URL("data/binance-spot-btcusdt-2024-08-08.jsonl.gz", demo.url));
      expect(Buffer.from(await capture.arrayBuffer()).equals(readFileSync(BTCUSDT)), "the capture as stored").toBe(true);
      expect((await fetch(new URL("replayWorker.js", demo.url))).status).toBe(200);
      expect((await fetch(new URL("data/README.md", demo.url))).status).toBe(404);
    } finally {
      expect(await demo.close()).toBe(0);
    }
  });

  test("a port already in use: exit 2, one line", async () => {
    const demo = await startDemo();
    try {
      const r = await confluence(["demo", "--port", new URL(demo.url).port]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^confluence: --port \d+: already in use on 127\.0\.0\.1: expected a free port, or 0 for any$/m);
    } finally {
      await demo.close();
    }
  });
});
