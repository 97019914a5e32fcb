/**
 * The library in real Chromium: the browser bundle picks SIMD or scalar by itself (and
 * falls back when the engine rejects SIMD modules), and a replay of the BTCUSDT capture
 * in the page gives the same summary as `confluence replay --json` in Node (except
 * perf) and score updates bit-identical to Node's — which holds on any Chromium version
 * because no result depends on the engine's Math.exp/log/tanh: the library's own exp,
 * log and tanh (src/kernels/js/common/transcendental.ts and the module's exports), its
 * tanh table and level weights give the same bits in the page as in Node.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { jsKernels, loadKernels } from "../../src/index.js";
import { BTCUSDT } from "../support/capture.js";
import { runEngine } from "../support/engineRun.js";
import { launch, serve, skipBrowser } from "../support/browser.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";
import { transcendentalBits } from "../support/transcendentalBits.js";
import type { HarnessGlobal } from "./harness.js";

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
    expect(await page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.backend("wasm"))).toBe("wasm-simd");
    expect(await page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.backend("wasm", true))).toBe("wasm");
    expect(await page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.backend("js"))).toBe("js");
    await page.close();
    expect(errors).toEqual([]);
  });

  test("with WebAssembly SIMD unavailable it falls back to the scalar build by itself", async () => {
    // an engine without SIMD answers false when asked to validate a SIMD module; the
    // library asks exactly that once (simdSupported) and instantiates the build it picked
    const page = await open("WebAssembly.validate = () => false;");
    expect(await page.evaluate(() => (globalThis as unknown as HarnessGlobal).harness.backend("wasm"))).toBe("wasm");
    await page.close();
    expect(errors).toEqual([]);
  });

  test("the library's exp, log, tanh, tanh table and level weights: the same bits in Chromium as in Node, on every backend", async () => {
    const xs = [
      ...Array.from({ length: 20_001 }, (_, i) => -745 + (1455 * i) / 20_000),
      ...Array.from({ length: 20_001 }, (_, i) => -20 + (40 * i) / 20_000),
      ...Array.from({ length: 2_001 }, (_, i) => 10 ** (-300 + (600 * i) / 2_000)),
      NaN,
      Infinity,
      -Infinity,
      0,
      -0,
      Number.MIN_VALUE,
      Number.MAX_VALUE,
    ];
    const node = transcendentalBits(jsKernels(), xs);
    const page = await open();
    for (const [backend, scalar] of [
      ["wasm", false],
      ["wasm", true],
      ["js", false],
    ] as const) {
      const got: string[] = await page.evaluate(([b, s, v]) => (globalThis as unknown as HarnessGlobal).harness.transcendentals(b, s, v), [
        backend,
        scalar,
        xs,
      ] as const);
      expectSameUpdates(
        got,
        node,
        `${backend}${scalar ? " (scalar)" : ""} in Chromium vs the JS port in Node: [4·i + 0..3] = exp, log, tanh, tanhApprox of xs[i], then levelWeights(64)`,
      );
    }
    await page.close();
    expect(errors).toEqual([]);
  });

  test("replaying BTCUSDT in the page: the summary of confluence replay --json (except perf), score updates bit-identical", async () => {
    const page = await open();
    const bytes = [...readFileSync(BTCUSDT)];
    const result = await page.evaluate(async (b) => {
      const buffer = new Uint8Array(b).buffer;
      return (globalThis as unknown as HarnessGlobal).harness.replay([{ name: "btcusdt.jsonl.gz", bytes: buffer }], "wasm");
    }, bytes);
    await page.close();
    const { stdout } = await promisify(execFile)(process.execPath, [`${root}dist/cli.js`, "replay", BTCUSDT, "--json"], {
      maxBuffer: 64 << 20,
    });
    const cli = JSON.parse(stdout).symbols;
    for (const s of Object.values(cli)) delete (s as { perf?: unknown }).perf;
    expect(JSON.parse(result.summary)).toEqual(cli);
    const node = await runEngine(await loadKernels(), [BTCUSDT]);
    expect(result.updates.length).toBeGreaterThan(1_000_000);
    expectSameUpdates(result.updates, node.updates, "score updates of the page vs Node, as JSON");
    node.engine.dispose();
    expect(errors).toEqual([]);
  });
});
