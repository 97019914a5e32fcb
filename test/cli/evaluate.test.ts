/**
 * `confluence evaluate` end to end (the built dist/cli.js; npm test builds first): its help,
 * usage errors (a bad horizon, a missing file: exit 2 as for every command) and a file that is
 * not a capture (exit 1), the table, `--json` against docs/evaluate-report.schema.json (ajv) and
 * equal to the library's report, `-` for standard input, and the `--report` page in real
 * Chromium: it renders without an error and its charts hold the report's figures. A screenshot
 * goes to test-output/cli/evaluate.png.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { EvaluateOutput } from "../../src/cli/evaluateCommand.js";
import { evaluate } from "../../src/evaluate/evaluate.js";
import { loadKernels } from "../../src/kernels/index.js";
import { captureSamples } from "../../src/node/captureSamples.js";
import { launch, openPage, skipBrowser } from "../support/browser.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { confluence } from "./runCli.js";

const root = new URL("../..", import.meta.url).pathname;
const schema = JSON.parse(readFileSync(new URL("../../docs/evaluate-report.schema.json", import.meta.url), "utf8"));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const tmp = mkdtempSync(join(tmpdir(), "confluence-evaluate-"));
const TIMEOUT = 120_000;
/** Few replicates: the intervals are the library's business (test/evaluate/); here they only need to be there. */
const FAST = ["--horizons", "100ms,1s", "--replicates", "40"];

describe("confluence evaluate", () => {
  test("--help names the flags, with examples; help evaluate says the same", async () => {
    const r = await confluence(["evaluate", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--horizons",
      "--json",
      "--report",
      "--preset",
      "--config",
      "--replicates",
      "--multi-timeframe",
      "--workers",
      "Examples:",
    ])
      expect(r.stdout).toContain(flag);
    expect((await confluence(["help", "evaluate"])).stdout).toBe(r.stdout);
  });

  test.each([
    [["--horizons", "0s"], /--horizons 0s: '0s' is out of range: expected durations like 100ms,1s,5s,30s/],
    [["--horizons", "1 s"], /'1 s' is not a duration/],
    [["--horizons", "1s,1000ms"], /a horizon is given twice/],
    [["--replicates", "0"], /--replicates 0: expected an integer from 1 to 100000/],
  ])("a bad flag %j is a usage error: exit 2, one line", async (flags, message) => {
    const r = await confluence(["evaluate", BTCUSDT, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("a missing file is a usage error (exit 2, as for every command); a file in no known format fails the work (exit 1)", async () => {
    const missing = await confluence(["evaluate", join(tmp, "nope.jsonl.gz")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^confluence: no such file: .*nope\.jsonl\.gz\n$/);
    const notCapture = await confluence(["evaluate", join(root, "README.md")]);
    expect(notCapture.code).toBe(1);
    expect(notCapture.stderr).toMatch(/^confluence: .*README\.md: no line in a known format .*: expected a format confluence reads/);
  });

  test("the table: per capture and pooled, a row per horizon with the score's IC, the baselines and the partial IC, then the decisions", async () => {
    const r = await confluence(["evaluate", BTCUSDT, ETHUSDT, ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    for (const head of [
      "BTCUSDT  binance-spot-btcusdt-2024-08-08.jsonl.gz",
      "ETHUSDT  binance-spot-ethusdt-2024-08-08.jsonl.gz",
      "BTCUSDT+ETHUSDT  pooled",
    ]) {
      const at = lines.findIndex((l) => l.startsWith(head));
      expect(at, `a block for ${head}`).toBeGreaterThanOrEqual(0);
      expect(lines[at + 1]).toMatch(/^horizon\s+labelled\s+score IC \[95% CI\]/);
      expect(lines[at + 2]).toMatch(/^100ms\s+\d+\s+ ?−?0\.\d{3} \[/);
      expect(lines[at + 3]).toMatch(/^1s\s+\d+/);
      expect(lines[at + 4]).toMatch(/^decisions: \d+\.\d side changes a minute, median hold/);
      // the preset is calibrated: mean confidence and hit rate per decile, ten pairs
      for (const [k, h] of ["100ms", "1s"].entries()) {
        expect(lines[at + 5 + k]).toMatch(
          new RegExp(`^calibration ${h} \\(largest gap 0\\.\\d{3}\\): (0\\.\\d\\d/[01]\\.\\d\\d {0,2}){10}$`),
        );
      }
    }
    expect(r.stdout).toMatch(/preset default\. IC: Spearman rank correlation/);
  });

  test(
    "--multi-timeframe: a column of the multi-timeframe composite's IC in the table, and in the JSON (valid against the schema)",
    async () => {
      const table = await confluence(["evaluate", BTCUSDT, "--multi-timeframe", "--horizons", "1s,5s", "--replicates", "40"]);
      expect(table.code, table.stderr).toBe(0);
      const lines = table.stdout.split("\n");
      expect(lines[1]).toMatch(
        /^horizon\s+labelled\s+score IC \[95% CI\]\s+non-overlapping IC \(t, n\)\s+multi-timeframe IC \[95% CI\]\s+top-of-book/,
      );
      expect(lines[2]).toMatch(/^1s\s+\d+\s+ ?−?0\.\d{3} \[.*\]\s+ ?−?0\.\d{3} \(.*\)\s+ ?−?0\.\d{3} \[/);
      expect(table.stdout).toMatch(/multi-timeframe: the directional reading of the 1 s \/ 5 s \/ 30 s \/ 5 min bar analyzers' composite/);
      const json = await confluence(["evaluate", BTCUSDT, "--multi-timeframe", "--json", ...FAST]);
      expect(json.code, json.stderr).toBe(0);
      const out = JSON.parse(json.stdout) as EvaluateOutput;
      expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
      for (const h of out.captures[0]!.horizons) expect(h.multiTimeframe?.ic, `${h.horizonMs} ms`).toEqual(expect.any(Number));
      const plain = JSON.parse((await confluence(["evaluate", BTCUSDT, "--json", ...FAST])).stdout) as EvaluateOutput;
      expect(plain.captures[0]!.horizons.map((h) => h.multiTimeframe)).toEqual([null, null]);
    },
    TIMEOUT,
  );

  test(
    "--json: one object valid against the schema, equal to the library's report; - reads standard input",
    async () => {
      const r = await confluence(["evaluate", BTCUSDT, "--json", ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as EvaluateOutput;
      expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
      expect(out.scoring).toBe("preset default");
      expect(out.input.files[0]).toMatchObject({ file: BTCUSDT, lines: 41_249, rejected: 0 });
      const { sets } = await captureSamples([BTCUSDT], await loadKernels());
      const { scoring: _s, input: _i, inSample: _n, ...report } = out;
      expect(report).toEqual(evaluate(sets, { horizonsMs: [100, 1000], replicates: 40 }));
      const piped = await confluence(["evaluate", "-", "--json", ...FAST], { input: readFileSync(BTCUSDT) });
      expect(piped.code, piped.stderr).toBe(0);
      const fromStdin = JSON.parse(piped.stdout) as EvaluateOutput;
      expect(fromStdin.captures[0]!.capture).toBe("<stdin>");
      expect(fromStdin.captures[0]!.horizons).toEqual(out.captures[0]!.horizons);
      expect(fromStdin.inSample, "standard input is never taken for a training capture").toEqual([]);
    },
    TIMEOUT,
  );

  test(
    "--workers 2: the same JSON as in one thread, byte for byte; a bad count is a usage error",
    async () => {
      const one = await confluence(["evaluate", BTCUSDT, ETHUSDT, "--json", ...FAST]);
      const two = await confluence(["evaluate", BTCUSDT, ETHUSDT, "--json", "--workers", "2", ...FAST]);
      expect(two.code, two.stderr).toBe(0);
      expect(two.stdout).toBe(one.stdout);
      const bad = await confluence(["evaluate", BTCUSDT, "--workers", "0"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--workers 0: expected an integer from 1 to 256/);
    },
    TIMEOUT,
  );

  test(
    "a preset on a capture it was fitted on: said in the table and the JSON (by the file's bytes, not its name); a --config file inherits its preset's training captures unless it names its own",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "confluence-insample-"));
      // the same capture under another name is still in sample; the same events decompressed (other bytes) are not
      const renamed = join(dir, "renamed.jsonl.gz");
      writeFileSync(renamed, readFileSync(BTCUSDT));
      const plain = join(dir, "binance-spot-btcusdt-2024-08-08.jsonl");
      writeFileSync(plain, gunzipSync(readFileSync(BTCUSDT)));
      const json = await confluence(["evaluate", renamed, plain, "--json", ...FAST]);
      expect(json.code, json.stderr).toBe(0);
      const out = JSON.parse(json.stdout) as EvaluateOutput;
      expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
      expect(out.inSample).toEqual([renamed]);
      const table = await confluence(["evaluate", BTCUSDT, "--preset", "ultraFast", ...FAST]);
      expect(table.stdout).toContain(`in sample: preset ultraFast was fitted on ${BTCUSDT}`);
      // a file on top of a preset keeps the preset's fitted calibration and threshold: still in sample
      const config = join(dir, "mine.json");
      writeFileSync(config, JSON.stringify({ preset: "default", depth: 5 }));
      const configured = await confluence(["evaluate", BTCUSDT, "--config", config, ...FAST]);
      expect(configured.stdout).toContain(`in sample: preset default with ${config} was fitted on ${BTCUSDT}`);
      writeFileSync(config, JSON.stringify({ preset: "default", trainedOn: [{ file: "elsewhere.jsonl.gz", sha256: "ab".repeat(32) }] }));
      const elsewhere = await confluence(["evaluate", BTCUSDT, "--config", config, ...FAST]);
      expect(elsewhere.code, elsewhere.stderr).toBe(0);
      expect(elsewhere.stdout).not.toContain("in sample");
    },
    TIMEOUT,
  );
});

interface Exposed {
  ready: boolean;
  charts: number;
  sections: {
    capture: string;
    symbol: string;
    ic: Record<string, number[]>;
    hit: Record<string, number[]>;
    predicted: Record<string, number[]>;
    persistence: number[];
  }[];
}

describe.skipIf(skipBrowser)("the evaluation report in Chromium", () => {
  let context: BrowserContext;
  let page: Page;
  let json: EvaluateOutput;
  const report = join(tmp, "eval.html");
  const errors: string[] = [];

  beforeAll(async () => {
    // with the multi-timeframe composite: its series is drawn beside the score's
    const r = await confluence(["evaluate", BTCUSDT, ETHUSDT, ...FAST, "--multi-timeframe", "--report", report]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`report written to ${report}`);
    json = JSON.parse((await confluence(["evaluate", BTCUSDT, ETHUSDT, ...FAST, "--multi-timeframe", "--json"])).stdout) as EvaluateOutput;
    context = await launch();
    page = await openPage(
      context,
      `file://${report}`,
      () => (window as unknown as { __evaluation?: Exposed }).__evaluation?.ready === true,
      errors,
      TIMEOUT,
    );
  }, TIMEOUT);
  afterAll(async () => {
    await context?.close();
  });

  test("renders without an error: a turnover chart and, per capture and pooled, IC by horizon, hit rate by confidence, persistence", async () => {
    const exposed = await page.evaluate(() => (window as unknown as { __evaluation: Exposed }).__evaluation);
    expect(errors).toEqual([]);
    expect(exposed.charts, "1 turnover chart + 3 per section (2 captures and pooled)").toBe(10);
    expect(exposed.sections.map((s) => s.symbol)).toEqual(["BTCUSDT", "ETHUSDT", "BTCUSDT+ETHUSDT"]);
    expect(await page.locator("#summary tbody tr").count(), "a summary row per section and horizon").toBe(6);
    expect(await page.locator("header .note").textContent()).toMatch(
      /preset default\. IC: Spearman rank correlation.*local receive clock/s,
    );
    mkdirSync(join(root, "test-output/cli"), { recursive: true });
    await page.screenshot({ path: join(root, "test-output/cli/evaluate.png"), fullPage: true });
  });

  test("the charts hold the report's figures: the ICs by horizon and the hit rates by confidence decile", async () => {
    const exposed = await page.evaluate(() => (window as unknown as { __evaluation: Exposed }).__evaluation);
    const sections = [...json.captures, json.pooled];
    exposed.sections.forEach((s, k) => {
      const c = sections[k]!;
      expect(s.ic.score, `${s.symbol}: score IC by horizon`).toEqual(c.horizons.map((h) => h.score.ic));
      expect(s.ic.topOfBook, `${s.symbol}: top-of-book IC`).toEqual(c.horizons.map((h) => h.baselines.topOfBook.ic));
      expect(s.ic.multiTimeframe, `${s.symbol}: multi-timeframe IC`).toEqual(c.horizons.map((h) => h.multiTimeframe!.ic));
      expect(s.ic.partial, `${s.symbol}: partial IC`).toEqual(c.horizons.map((h) => h.partial.ic));
      expect(s.hit["1s"], `${s.symbol}: hit rate by decile at 1 s`).toEqual(c.horizons[1]!.hitRates.byConfidence.map((b) => b.rate));
      expect(s.predicted["1s"], `${s.symbol}: mean confidence by decile at 1 s`).toEqual(
        c.horizons[1]!.hitRates.byConfidence.map((b) => b.confidenceMean),
      );
      expect(s.persistence).toEqual(c.horizons.map((h) => h.scoreAutocorrelation.ic));
    });
  });
});
