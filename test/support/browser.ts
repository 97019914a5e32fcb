/**
 * Real Chromium for the browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core (flags from TOOLCHAIN.md: no sandbox as root, no background network —
 * this machine's network is closed), and a static server on 127.0.0.1 for dist/ and the
 * bundled captures. Without the browser the suites skip, except under CI=true, where a
 * missing browser is a failure.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type BrowserContext, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
/** describe.skipIf(skipBrowser): skip without a browser, but never under CI. */
export const skipBrowser = !hasChromium && process.env.CI !== "true";

export async function launch(args: string[] = []): Promise<BrowserContext> {
  if (!hasChromium) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (CI installs it)`);
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "chromium-")), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...args,
    ],
  });
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".css": "text/css; charset=utf-8",
  ".gz": "application/gzip",
  ".json": "application/json",
};

/** Serves `root` (read-only, no traversal outside it) on 127.0.0.1 and a free port. */
export async function serve(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const base = normalize(root).replace(/[\\/]+$/, "");
  const server: Server = createServer((req, res) => {
    const path = normalize(join(base, decodeURIComponent((req.url ?? "/").split("?")[0]!)));
    if (!path.startsWith(base + sep) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Opens `url` in a new 1500×1400 page of `context`, pushing its page errors and console errors
 * into `errors`, and waits until `ready` (run in the page) holds, then two animation frames
 * (lightweight-charts lays out on one).
 */
export async function openPage(
  context: BrowserContext,
  url: string,
  ready: () => boolean,
  errors: string[],
  timeout: number,
): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1500, height: 1400 });
  page.on("pageerror", (e) => errors.push(`pageerror: ${String(e)}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction(ready, undefined, { timeout });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  return page;
}
