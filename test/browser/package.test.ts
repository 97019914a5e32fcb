/**
 * The package as a consumer sees it: the root entry bundles for the browser with esbuild
 * and with Vite and no configuration (no node: imports, the wasm bytes inlined — no fs,
 * no fetch), the Vite-built page runs in Chromium and picks the SIMD build, and a
 * TypeScript consumer type-checks against the exported declarations of both entries.
 */
import { afterAll, describe, expect, test } from "vitest";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { launch, serve, skipBrowser } from "../support/browser.js";

const repo = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const app = mkdtempSync(join(tmpdir(), "confluence-consumer-"));
mkdirSync(join(app, "node_modules"));
symlinkSync(repo, join(app, "node_modules/confluence-hft"), "dir");
writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", type: "module", private: true }));
writeFileSync(join(app, "main.js"), `
import { loadKernels, ConfluenceAnalyzer } from "confluence-hft";
const k = await loadKernels();
const a = new ConfluenceAnalyzer(k, { weights: { orderbook: 1, orderflow: 0, volume: 0, price_structure: 0, technical: 0, sentiment: 0 } });
a.onBook([[100, 2], [99.5, 1]], [[100.5, 1], [101, 1]]);
document.body.dataset.backend = k.backend;
document.body.dataset.score = String(a.compute(0)?.score);
`);
writeFileSync(join(app, "index.html"), `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>`);

describe("the package in a consumer's bundler", () => {
  test("esbuild bundles the root entry for the browser with no configuration; no node: imports, no fs or fetch", async () => {
    const result = await esbuild.build({
      entryPoints: [join(app, "main.js")], absWorkingDir: app, bundle: true, platform: "browser", format: "esm", target: "es2022", write: false,
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s+["']node:|require\(["'](fs|node:)/);
    expect(code).not.toMatch(/\bfetch\(/);
    expect(code).toContain("SIMD_WASM_BASE64");
  });

  test("confluence-hft/browser is the prebuilt minified bundle, and it resolves and bundles like the root", async () => {
    writeFileSync(join(app, "prebuilt.js"), `import { loadKernels, simdSupported } from "confluence-hft/browser";\nconsole.log(await loadKernels(), simdSupported());\n`);
    const result = await esbuild.build({
      entryPoints: [join(app, "prebuilt.js")], absWorkingDir: app, bundle: true, platform: "browser", format: "esm", target: "es2022", write: false, metafile: true,
    });
    expect(Object.keys(result.metafile!.inputs).some((f) => f.endsWith("dist/browser/confluence.min.js"))).toBe(true);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s+["']node:/);
  });

  test("a TypeScript consumer type-checks against both entries' declarations", () => {
    writeFileSync(join(app, "check.ts"), `
import { loadKernels, StreamingEngine, type ScoreUpdate, InvalidValueError } from "confluence-hft";
import { replayCaptureFiles } from "confluence-hft/node";
const k = await loadKernels();
const e = new StreamingEngine(k, { onScore: (u: ScoreUpdate) => void u.score });
const stats = await replayCaptureFiles(["x.gz"], (ev) => e.process(ev));
const n: number = stats.events;
export { n, InvalidValueError };
`);
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, lib: ["ES2022", "DOM"], types: [], skipLibCheck: false }, files: ["check.ts"] }));
    execFileSync(join(repo, "node_modules/.bin/tsc"), ["-p", join(app, "tsconfig.json")], { stdio: "pipe" });
  });

  describe.skipIf(skipBrowser)("Vite", () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanup) await c();
    });

    test("builds the consumer page with no configuration, and it runs in Chromium on the SIMD build", async () => {
      const { build } = await import("vite");
      await build({ root: app, logLevel: "silent", configFile: false, build: { outDir: join(app, "dist"), emptyOutDir: true, target: "es2022" } });
      const assets = readdirSync(join(app, "dist/assets"));
      const js = assets.filter((f) => f.endsWith(".js")).map((f) => readFileSync(join(app, "dist/assets", f), "utf8")).join("");
      expect(js).not.toMatch(/from\s*["']node:/);
      const server = await serve(join(app, "dist"));
      const context = await launch();
      cleanup.push(() => context.close(), server.close);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${server.url}/index.html`);
      await page.waitForSelector("body[data-backend]", { state: "attached" });
      expect(await page.evaluate(() => document.body.dataset.backend)).toBe("wasm-simd");
      expect(Number(await page.evaluate(() => document.body.dataset.score))).toBeGreaterThan(50);
      expect(errors).toEqual([]);
    });
  });
});
