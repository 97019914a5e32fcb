/**
 * Every ```ts example in README.md, compiled and run against the package as npm ships it
 * (packed and installed into a fresh project, with `data/` beside it as in the repo). An
 * HTML comment on the line before a block says what it needs:
 *   <!-- example: redis -->                  run against a real redis-server (its URL put in
 *                                            place of redis://127.0.0.1:6379); it must write
 *                                            to Redis and exit by itself
 *   <!-- example: browser -->                run in Chromium (bundled by esbuild)
 *   <!-- example: live-network — reason -->  compiled, not run (the reason is required)
 * Anything else runs in Node and must exit by itself, with status 0, within a minute. A
 * broken example fails with its line in README.md: tsc's errors and the stack of an
 * exception point at README.md:LINE.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { Redis } from "ioredis";
import { consumerProject, packPackage, repo, typeCheck } from "./support/packedPackage.js";
import { launch, serve, skipBrowser } from "./support/browser.js";
import { RedisServer, skipRedis } from "./support/redis.js";

type Kind = "node" | "redis" | "browser" | "live-network";

interface Example {
  /** README.md line of the block's first line of code. */
  readonly line: number;
  readonly kind: Kind;
  /** Why a live-network example is not run. */
  readonly reason: string;
  readonly code: string;
  /** The file the example becomes in the consumer project. */
  readonly file: string;
}

const README_URL = "redis://127.0.0.1:6379";
const RUN_TIMEOUT_MS = 60_000;

/** The ```ts blocks of `text`, with the kind their marker comment gives. */
function examples(text: string): Example[] {
  const lines = text.split("\n");
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```ts") continue;
    const end = lines.indexOf("```", i + 1);
    if (end < 0) throw new Error(`README.md:${i + 1}: a \`\`\`ts block without its closing fence`);
    const marker = /^<!-- example: ([a-z-]+)(?: — (.+))? -->$/.exec(lines[i - 1] ?? "");
    const kind = (marker?.[1] ?? "node") as Kind;
    if (!["node", "redis", "browser", "live-network"].includes(kind)) throw new Error(`README.md:${i}: unknown example kind '${kind}'`);
    if (kind === "live-network" && !marker?.[2]) throw new Error(`README.md:${i}: a live-network example must say why it is not run`);
    const line = i + 2;
    found.push({ line, kind, reason: marker?.[2] ?? "", code: lines.slice(i + 1, end).join("\n"), file: `readme-${line}.ts` });
    i = end;
  }
  return found;
}

/** Rewrites the example files' positions (readme-L.ts:l[:c] or (l,c)) into README.md lines. */
function inReadme(text: string): string {
  return text
    .replace(/(?:[^\s(]*\/)?readme-(\d+)\.ts:(\d+)/g, (_, start: string, l: string) => `README.md:${Number(start) + Number(l) - 1}`)
    .replace(
      /readme-(\d+)\.ts\((\d+),(\d+)\)/g,
      (_, start: string, l: string, c: string) => `README.md:${Number(start) + Number(l) - 1}:${c}`,
    );
}

/** Runs `file` with Node in `cwd`; resolves with its exit status and output (a timeout counts as a failure). */
function runNode(cwd: string, file: string): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--enable-source-maps", file],
      { cwd, timeout: RUN_TIMEOUT_MS, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const e = error as (Error & { code?: number; signal?: string }) | null;
        resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, signal: e?.signal ?? null, output: `${stdout}${stderr}` });
      },
    );
  });
}

const all = examples(readFileSync(join(repo, "README.md"), "utf8"));
const pkg = packPackage();
const app = consumerProject(pkg, ["@types/node"]);
symlinkSync(join(app, "node_modules/confluence-hft/data"), join(app, "data"), "dir");
for (const ex of all) writeFileSync(join(app, ex.file), ex.code);

/** Transpiles an example to JavaScript with a source map back to its file (so stacks name README lines). */
async function toModule(ex: Example, code = ex.code): Promise<string> {
  const out = await esbuild.transform(code, { loader: "ts", format: "esm", target: "es2022", sourcemap: "inline", sourcefile: ex.file });
  const file = ex.file.replace(/\.ts$/, ".mjs");
  writeFileSync(join(app, file), out.code);
  return file;
}

async function runInNode(ex: Example, code = ex.code): Promise<void> {
  const run = await runNode(app, await toModule(ex, code));
  const why =
    run.signal === "SIGKILL"
      ? `did not exit within ${RUN_TIMEOUT_MS / 1000} s (an open handle: a connection, a timer)`
      : `exited with ${run.code}`;
  expect(run.code, `README.md:${ex.line}: the example ${why}:\n${inReadme(run.output)}`).toBe(0);
}

describe("README.md examples", () => {
  test("there are examples, and every kind of them", () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(new Set(all.map((e) => e.kind))).toEqual(new Set(["node", "redis", "browser", "live-network"]));
  });

  test("all compile against the packed package (strict, Node's types and the DOM library)", () => {
    try {
      typeCheck(
        app,
        "readme",
        {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          lib: ["ES2022", "DOM"],
          types: ["node"],
        },
        all.map((e) => e.file),
      );
    } catch (e) {
      expect.fail(inReadme((e as Error).message));
    }
  });

  for (const ex of all.filter((e) => e.kind === "node")) {
    test(`README.md:${ex.line} runs in Node`, () => runInNode(ex), RUN_TIMEOUT_MS + 10_000);
  }

  // live-network examples (they connect to Binance) are compiled above and not run: no network here

  describe.skipIf(skipRedis)("with Redis", () => {
    let server: RedisServer;
    beforeAll(async () => {
      server = await RedisServer.start();
    });
    afterAll(async () => {
      await server?.stop();
    });

    for (const ex of all.filter((e) => e.kind === "redis")) {
      test(
        `README.md:${ex.line} runs against a real redis-server, writes to it and exits by itself`,
        async () => {
          const client = new Redis(server.url, { lazyConnect: true });
          await client.connect();
          try {
            await client.flushall();
            await runInNode(ex, ex.code.replaceAll(README_URL, server.url));
            expect(await client.dbsize(), `README.md:${ex.line}: the example wrote nothing to Redis`).toBeGreaterThan(0);
          } finally {
            client.disconnect();
          }
        },
        RUN_TIMEOUT_MS + 10_000,
      );
    }
  });

  describe.skipIf(skipBrowser)("in Chromium", () => {
    for (const ex of all.filter((e) => e.kind === "browser")) {
      test(`README.md:${ex.line} runs in a page`, async () => {
        const dir = join(app, `page-${ex.line}`);
        mkdirSync(dir, { recursive: true });
        // a last line marks the end; an exception before it is a page error
        writeFileSync(join(app, `${ex.file}.page.ts`), `${ex.code}\ndocument.body.dataset.done = "1";\n`);
        await esbuild.build({
          entryPoints: [join(app, `${ex.file}.page.ts`)],
          absWorkingDir: app,
          bundle: true,
          platform: "browser",
          format: "esm",
          target: "es2022",
          outfile: join(dir, "main.js"),
          logLevel: "silent",
        });
        writeFileSync(
          join(dir, "index.html"),
          `<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>`,
        );
        const server = await serve(dir);
        const context = await launch();
        try {
          const page = await context.newPage();
          const errors: string[] = [];
          page.on("pageerror", (e) => errors.push(String(e)));
          await page.goto(`${server.url}/index.html`);
          await page.waitForFunction(() => document.body.dataset.done === "1" || false, null, { timeout: 20_000 }).catch(() => undefined);
          expect(errors, `README.md:${ex.line}: errors in the page`).toEqual([]);
          expect(await page.evaluate(() => document.body.dataset.done), `README.md:${ex.line}: the example ran to its end`).toBe("1");
        } finally {
          await context.close();
          await server.close();
        }
      }, 60_000);
    }
  });
});
