/**
 * The library in real Chromium: the browser bundle picks SIMD or scalar by itself (and
 * falls back when the engine rejects SIMD modules), and a replay of the BTCUSDT capture
 * in the page gives the same summary as `confluence replay --json` in Node (except
 * perf) and score updates bit-identical to Node's.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { loadKernels } from "../../src/index.js";
import { BTCUSDT } from "../support/capture.js";
import { runEngine } from "../support/engineRun.js";
import { launch, serve, skipBrowser } from "../support/browser.js";

const root = new URL("../..", import.meta.url).pathname;

describe.skipIf(skipBrowser)("in Chromium", () => {
  let context: BrowserContext;
  let server: { url: string; close: () => Promise<void> };
  const errors: string[] = [];

  beforeAll(async () => {
    server = await serve(root);
    context = await launch();
  });
  afterAll(async () => {
    await context?.close();
    await server?.close();
  });

  async function open(initScript?: string): Promise<Page> {
    errors.length = 0;
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    if (initScript) await page.addInitScript(initScript);
    await page.goto(`${server.url}/dist/test/harness.html`);
    await page.waitForSelector("body[data-ready=true]", { state: "attached" });
    return page;
  }

  test("the bundle loads and reports wasm-simd; forced scalar reports wasm", async () => {
    const page = await open();
    expect(await page.evaluate(() => (globalThis as any).harness.backend("wasm"))).toBe("wasm-simd");
    expect(await page.evaluate(() => (globalThis as any).harness.backend("wasm", true))).toBe("wasm");
    expect(await page.evaluate(() => (globalThis as any).harness.backend("js"))).toBe("js");
    await page.close();
    expect(errors).toEqual([]);
  });

  test("with WebAssembly SIMD unavailable it falls back to the scalar build by itself", async () => {
    // an engine without SIMD answers false when asked to validate a SIMD module; the
    // library asks exactly that once (simdSupported) and instantiates the build it picked
    const page = await open("WebAssembly.validate = () => false;");
    expect(await page.evaluate(() => (globalThis as any).harness.backend("wasm"))).toBe("wasm");
    await page.close();
    expect(errors).toEqual([]);
  });

  test("replaying BTCUSDT in the page: the summary of confluence replay --json (except perf), score updates bit-identical", async () => {
    const page = await open();
    const bytes = [...readFileSync(BTCUSDT)];
    const result = await page.evaluate(async (b) => {
      const buffer = new Uint8Array(b).buffer;
      return (globalThis as any).harness.replay([{ name: "btcusdt.jsonl.gz", bytes: buffer }], "wasm");
    }, bytes);
    await page.close();
    const { stdout } = await promisify(execFile)(process.execPath, [`${root}dist/cli.js`, "replay", BTCUSDT, "--json"], { maxBuffer: 64 << 20 });
    const cli = JSON.parse(stdout);
    for (const s of Object.values(cli)) delete (s as { perf?: unknown }).perf;
    expect(JSON.parse(result.summary)).toEqual(cli);
    const node = await runEngine(await loadKernels(), [BTCUSDT]);
    expect(result.updates.length).toBeGreaterThan(1_000_000);
    expect(result.updates, "score updates of the page vs Node, as JSON").toBe(JSON.stringify(node.updates));
    node.engine.dispose();
    expect(errors).toEqual([]);
  });
});
