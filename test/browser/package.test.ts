/**
 * The package as a consumer gets it: `npm pack` ships the library, its types, the CLI,
 * the bundled captures and the dashboard and nothing else (no benchmarks, tests or source
 * maps), within a size bound; installed from the tarball into a fresh project, both
 * entries type-check with `skipLibCheck: false` — a Node project (Node's types, no DOM
 * library) and a browser project (the DOM library, no Node types) — and run: the kernels,
 * the engine on a worker thread and the CLI on the bundled capture; the root entry
 * bundles for the browser with esbuild and with Vite and no configuration (no node:
 * imports, the wasm bytes inlined — no fs, no fetch), and the Vite-built page runs in
 * Chromium on the SIMD build.
 */
import { afterAll, describe, expect, test } from "vitest";
import { readFileSync, writeFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { launch, serve, skipBrowser } from "../support/browser.js";
import { consumerProject, packPackage, typeCheck } from "../support/packedPackage.js";

const pkg = packPackage();
const paths = pkg.files.map((f) => f.path);

/** What the package may ship: anything else (a benchmark, a test page, a source map) fails. */
const ALLOWED: readonly RegExp[] = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  // the spot pair `npm start` and the dashboard replay; the futures captures are the tests' (5.3 MB nothing shipped reads)
  /^data\/binance-spot-[a-z]+-\d{4}-\d\d-\d\d\.jsonl\.gz$/,
  /^data\/README\.md$/,
  /^dist\/(index|node|cli)\.js$/,
  /^dist\/chunk-[A-Z0-9]+\.js$/,
  /^dist\/parallel\/(engineThread|evaluateThread)\.js$/,
  /^dist\/browser\/confluence\.min\.js$/,
  /^dist\/demo\/(index\.html|main\.js|replayWorker\.js|styles\.css)$/,
  /^dist\/types\/.+\.d\.ts$/,
];
/** What it must ship: every entry point package.json names, the worker threads and the dashboard. */
const REQUIRED = [
  "dist/index.js",
  "dist/node.js",
  "dist/cli.js",
  "dist/browser/confluence.min.js",
  "dist/parallel/engineThread.js",
  "dist/parallel/evaluateThread.js",
  "dist/types/index.d.ts",
  "dist/types/node/index.d.ts",
  "dist/demo/index.html",
  "dist/demo/main.js",
  "dist/demo/replayWorker.js",
  "data/binance-spot-btcusdt-2024-08-08.jsonl.gz",
  "data/binance-spot-ethusdt-2024-08-08.jsonl.gz",
  "data/README.md",
];
/**
 * Bytes unpacked outside data/ (the library, types, CLI, dashboard, README): 1.91 MB before the input formats of
 * issue 13, 2.00 MB with them (+92 KB: the readers in the chunks, the worker thread and the dashboard, fflate in the
 * dashboard, their types); 2.21 MB with the L2 book in WebAssembly (issue 14: +13 KB a build, inlined as base64 in
 * every bundle that carried the module), 1.85 MB once the worker thread imports the shared chunks instead of carrying
 * its own copy of the library; benchmarks alone were 6 MB. 2.00 MB after issue 14; 2.20 MB with issue 15's engine
 * checkpoints (+~40 KB in each bundle that carries the engine: the Node chunk, the browser bundle, the dashboard's
 * replay worker, and +43 KB of their types) and the Redis Cluster client code; 2.32 MB with the engine's batches
 * (issue 14, +18 KB); 2.21 MB once the build ships only the declarations the two type entries reach (−107 KB:
 * the internals' declarations, no type a user can name).
 */
const MAX_CODE_BYTES = 2_300_000;

describe("npm pack", () => {
  test("ships the library, its types, the CLI, the bundled captures and the dashboard, and nothing else", () => {
    const unexpected = paths.filter((p) => !ALLOWED.some((re) => re.test(p)));
    expect(unexpected, "files outside the allowed patterns").toEqual([]);
    expect(
      REQUIRED.filter((p) => !paths.includes(p)),
      "required files missing",
    ).toEqual([]);
    const m = pkg.manifest as {
      main: string;
      types: string;
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, string>>;
    };
    const named = [
      m.main,
      m.types,
      ...Object.values(m.bin),
      ...Object.values(m.exports).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e))),
    ];
    expect(
      named.map((p) => p.replace(/^\.\//, "")).filter((p) => !paths.includes(p)),
      "entry points package.json names but the package lacks",
    ).toEqual([]);
    const code = pkg.files.filter((f) => !f.path.startsWith("data/")).reduce((s, f) => s + f.size, 0);
    expect(code, `bytes outside data/ (packed ${pkg.size}, unpacked ${pkg.unpackedSize})`).toBeLessThan(MAX_CODE_BYTES);
  });

  test("every relative import in the shipped JavaScript names a shipped file", () => {
    const missing: string[] = [];
    for (const file of paths.filter((p) => p.startsWith("dist/") && p.endsWith(".js"))) {
      const text = readFileSync(join(pkg.root, file), "utf8");
      for (const [, spec] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = join(file, "..", spec!);
        if (!paths.includes(target)) missing.push(`${file} → ${spec}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("installed from the tarball", () => {
  const node = consumerProject(pkg, ["@types/node"]);
  const browser = consumerProject(pkg);

  test("a Node project type-checks both entries with skipLibCheck false (Node's types, no DOM library)", () => {
    writeFileSync(
      join(node, "check.ts"),
      `
import * as root from "confluence-hft";
import * as node from "confluence-hft/node";
const k: root.Kernels = await root.loadKernels();
const engine = new root.StreamingEngine(k, { onScore: (u: root.ScoreUpdate) => void u.score });
const stats = await node.replayCaptureFiles(["x.gz"], (e) => engine.process(e));
const store = new node.RedisStore({ url: "redis://127.0.0.1:6379" });
const parallel = new node.ParallelEngine({ workers: 1 });
export { stats, store, parallel };
`,
    );
    typeCheck(
      node,
      "node",
      { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, lib: ["ES2022"], types: ["node"] },
      ["check.ts"],
    );
  });

  test("a browser project type-checks the root and the prebuilt entry with skipLibCheck false (the DOM library, no Node types)", () => {
    writeFileSync(
      join(browser, "check.ts"),
      `
import { loadKernels, ConfluenceAnalyzer, type ConfluenceUpdate, type StreamingComponent } from "confluence-hft";
import { simdSupported } from "confluence-hft/browser";
const a: StreamingComponent<ConfluenceUpdate> = new ConfluenceAnalyzer(await loadKernels());
export const ok: boolean = simdSupported() && a.latest === null;
`,
    );
    const options = { target: "ES2022", strict: true, lib: ["ES2022", "DOM"], types: [] };
    typeCheck(browser, "nodenext", { ...options, module: "NodeNext", moduleResolution: "NodeNext" }, ["check.ts"]);
    typeCheck(browser, "bundler", { ...options, module: "ESNext", moduleResolution: "Bundler" }, ["check.ts"]);
  });

  test("runs in Node: both entries, the engine on a worker thread, and the CLI on the bundled capture", () => {
    const capture = "node_modules/confluence-hft/data/binance-spot-btcusdt-2024-08-08.jsonl.gz";
    writeFileSync(
      join(node, "run.mjs"),
      `
import { loadKernels } from "confluence-hft";
import { ParallelEngine, replayCaptureFiles } from "confluence-hft/node";
const k = await loadKernels();
let updates = 0;
const engine = new ParallelEngine({ workers: 1, onScore: () => updates++ });
await replayCaptureFiles([${JSON.stringify(capture)}], (e) => engine.process(e));
await engine.flush();
await engine.close();
console.log(JSON.stringify({ backend: k.backend, updates }));
`,
    );
    const run = JSON.parse(execFileSync(process.execPath, ["run.mjs"], { cwd: node, encoding: "utf8" })) as {
      backend: string;
      updates: number;
    };
    expect(run.backend).toBe("wasm-simd");
    expect(run.updates, "score updates from the worker thread").toBeGreaterThan(1000);
    const cli = execFileSync(process.execPath, ["node_modules/confluence-hft/dist/cli.js", "replay", capture, "--json"], {
      cwd: node,
      encoding: "utf8",
    });
    const summary = JSON.parse(cli) as { symbols: Record<string, { score: { score: number } | null }> };
    expect(summary.symbols.BTCUSDT?.score?.score, "the CLI scored the bundled capture").toBeGreaterThan(0);
  });

  test("esbuild bundles the root entry for the browser with no configuration; no node: imports, no fs or fetch", async () => {
    writeFileSync(
      join(browser, "bundled.js"),
      `import { loadKernels } from "confluence-hft";\nconsole.log((await loadKernels()).backend);\n`,
    );
    const result = await esbuild.build({
      entryPoints: [join(browser, "bundled.js")],
      absWorkingDir: browser,
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s+["']node:|require\(["'](fs|node:)/);
    expect(code).not.toMatch(/\bfetch\(/);
    expect(code).toContain("SIMD_WASM_BASE64");
  });

  test("confluence-hft/browser is the prebuilt minified bundle, and it resolves and bundles like the root", async () => {
    writeFileSync(
      join(browser, "prebuilt.js"),
      `import { loadKernels, simdSupported } from "confluence-hft/browser";\nconsole.log(await loadKernels(), simdSupported());\n`,
    );
    const result = await esbuild.build({
      entryPoints: [join(browser, "prebuilt.js")],
      absWorkingDir: browser,
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      metafile: true,
    });
    expect(Object.keys(result.metafile!.inputs).some((f) => f.endsWith("dist/browser/confluence.min.js"))).toBe(true);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s+["']node:/);
  });

  describe.skipIf(skipBrowser)("Vite", () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanup) await c();
    });

    test("builds the consumer page with no configuration, and it runs in Chromium on the SIMD build", async () => {
      writeFileSync(
        join(browser, "main.js"),
        `
import { loadKernels, ConfluenceAnalyzer } from "confluence-hft";
const k = await loadKernels();
const a = new ConfluenceAnalyzer(k, { weights: { orderbook: 1, orderflow: 0, volume: 0, price_structure: 0, technical: 0, sentiment: 0 } });
a.onBook([[100, 2], [99.5, 1]], [[100.5, 1], [101, 1]]);
document.body.dataset.backend = k.backend;
document.body.dataset.score = String(a.compute(0)?.score);
`,
      );
      writeFileSync(
        join(browser, "index.html"),
        `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>`,
      );
      const { build } = await import("vite");
      await build({
        root: browser,
        logLevel: "silent",
        configFile: false,
        build: { outDir: join(browser, "dist"), emptyOutDir: true, target: "es2022" },
      });
      const assets = readdirSync(join(browser, "dist/assets"));
      const js = assets
        .filter((f) => f.endsWith(".js"))
        .map((f) => readFileSync(join(browser, "dist/assets", f), "utf8"))
        .join("");
      expect(js).not.toMatch(/from\s*["']node:/);
      const server = await serve(join(browser, "dist"));
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
