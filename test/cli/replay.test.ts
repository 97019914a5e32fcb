/**
 * The `confluence replay` command, run as a process from the built bundle (npm test
 * builds first): --json is one object that validates against docs/replay-summary.schema.json
 * and equals across backends except perf; --out and --report write their files; bad
 * invocations exit non-zero with one line and no stack trace.
 */
import { describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Ajv } from "ajv";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { captureLines, writeCapture } from "../support/engineRun.js";
import { CLI, confluence, type CliRun } from "./runCli.js";

const run = promisify(execFile);
const schema = JSON.parse(readFileSync(new URL("../../docs/replay-summary.schema.json", import.meta.url), "utf8"));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const tmp = mkdtempSync(join(tmpdir(), "confluence-cli-"));

/** The command with these arguments, standard input closed. */
const cli = (...args: string[]): Promise<CliRun> => confluence(args);

describe("confluence replay", () => {
  test("--json prints exactly one object, valid against the schema, identical on both backends except perf", async () => {
    const [w, j] = await Promise.all([
      cli("replay", BTCUSDT, ETHUSDT, "--json"),
      cli("replay", BTCUSDT, ETHUSDT, "--json", "--backend", "js"),
    ]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout.trim().split("\n")).toHaveLength(1);
    const [a, b] = [JSON.parse(w.stdout), JSON.parse(j.stdout)];
    expect(validate(a), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(a.symbols)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(a.symbols.BTCUSDT.events).toEqual({ trade: 9757, depth: 3451, quote: 28040, snapshot: 1, rejected: 0, duplicates: 0 });
    expect(a.symbols.BTCUSDT.book.synced).toBe(true);
    expect(a.input).toEqual({
      files: [
        { file: BTCUSDT, format: "capture", clock: "receive", lines: 41249, events: 41249, rejected: 0, rejectedBy: {} },
        { file: ETHUSDT, format: "capture", clock: "receive", lines: 33618, events: 33618, rejected: 0, rejectedBy: {} },
      ],
      dropped: { unroutable: 0, symbolLimit: 0 },
    });
    for (const s of Object.keys(a.symbols)) {
      delete a.symbols[s].perf;
      delete b.symbols[s].perf;
    }
    expect(b).toEqual(a);
  });

  test("--out writes one JSON line per score update; --report one self-contained HTML file", async () => {
    const out = join(tmp, "scores.jsonl"),
      report = join(tmp, "report.html");
    const r = await cli("replay", ETHUSDT, "--out", out, "--report", report);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ETHUSDT\s+\d+/);
    const lines = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines[0]).toMatchObject({ symbol: "ETHUSDT", trigger: expect.stringMatching(/book|trade/) });
    const symbol = {
      events: { trade: 0, depth: 0, quote: 0, snapshot: 0, rejected: 0, duplicates: 0 },
      rejectedBy: {},
      trades: { count: 0, buyVolume: 0, sellVolume: 0 },
      book: { synced: false, gaps: 0, applied: 0, staleSnapshots: 0, trimmed: 0 },
      score: lines[lines.length - 1],
      perf: { eventsPerSec: 0, latencyNs: { p50: 0, p99: 0, p999: 0, max: 0 } },
    };
    expect(
      validate({ symbols: { ETHUSDT: symbol }, input: { files: [], dropped: { unroutable: 0, symbolLimit: 0 } } }),
      JSON.stringify(validate.errors),
    ).toBe(true);
    const html = readFileSync(report, "utf8");
    expect(html).toContain("LightweightCharts");
    expect(html).toContain("ETHUSDT");
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  test.each([
    ["a missing file", ["replay", "/nonexistent/capture.gz"], /no such file: \/nonexistent\/capture\.gz/],
    ["a directory", ["replay", tmpdir()], /: is a directory: expected a capture file/],
    ["an unknown flag", ["replay", "--fast", BTCUSDT], /unknown option '--fast'/],
    ["no file", ["replay"], /missing required argument 'captures'/],
    ["a bad backend", ["replay", BTCUSDT, "--backend", "gpu"], /--backend gpu: expected wasm or js/],
    ["an unknown command", ["replya"], /unknown command 'replya'/],
  ])("%s: exit 2 (usage), one line, no stack trace, nothing on stdout", async (_, args, message) => {
    const r = await cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("an unreadable gzip: exit 1, one line naming the file", async () => {
    const truncated = join(tmp, "truncated.jsonl.gz");
    const full = gzipSync("1 {}\n".repeat(20000));
    writeFileSync(truncated, full.subarray(0, full.length >> 1));
    const r = await cli("replay", truncated, "--json");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/truncated\.jsonl\.gz/);
    expect(r.stderr).toMatch(/gzip/i);
  });
});

describe("confluence replay on bad input: a clear reason, visible counts, no partial files", () => {
  const eth = captureLines(ETHUSDT);

  test.each([
    ["random bytes", Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256))],
    ["a CSV", Buffer.from("time,price,qty\n1723161254087,61837.63,0.02\n1723161254088,61837.64,0.1\n")],
    ["a README", readFileSync(new URL("../../README.md", import.meta.url))],
    ["an empty file", Buffer.alloc(0)],
  ])("a file in no known format (%s): exit 1 with the reason, nothing on stdout", async (name, bytes) => {
    const file = join(tmp, `${name.replace(/ /g, "-")}.txt`);
    writeFileSync(file, bytes);
    const r = await cli("replay", file, "--json");
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(`^confluence: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*: expected a format confluence reads`),
    );
  });

  test("lines the capture reader rejects show in --json per file, by reason; a line over the length limit too", async () => {
    const bad = [
      ...Array.from({ length: 200 }, (_, i) => `x${i} not a line`),
      `${"1".repeat(19)} ${"{".repeat(2 << 20)}`,
      "1723161254087896568 [1,2,3]",
    ];
    const file = writeCapture([...eth.slice(0, 1000), ...bad, ...eth.slice(1000)]);
    const r = await cli("replay", file, "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    expect(out.input.files).toEqual([
      {
        file,
        format: "capture",
        clock: "receive",
        lines: eth.length + bad.length,
        events: eth.length,
        rejected: bad.length,
        rejectedBy: { "bad-timestamp": 200, "line-too-long": 1, "unknown-kind": 1 },
      },
    ]);
    expect(out.symbols.ETHUSDT.events.trade).toBe(6106);
  });

  test("a symbol named __proto__ is a symbol like any other; no number in the output is null or non-finite", async () => {
    const lines = eth.map((l) => l.replaceAll("ETHUSDT", "__proto__").replaceAll("ethusdt", "__proto__"));
    const r = await cli("replay", writeCapture(lines), "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.symbols)).toEqual(["__proto__"]);
    // biome-ignore lint/suspicious/noProto: the symbol is named __proto__ (an own key of the parsed JSON), no prototype is touched
    expect(out.symbols.__proto__.events.trade).toBe(6106);
    expect(validate(out), `the schema admits no null where a number belongs: ${JSON.stringify(validate.errors)}`).toBe(true);
  });

  test("a truncated gzip leaves no --out or --report file (and an earlier one of that name intact)", async () => {
    const full = readFileSync(ETHUSDT);
    const truncated = join(tmp, "half.jsonl.gz");
    writeFileSync(truncated, full.subarray(0, full.length >> 1));
    const dir = mkdtempSync(join(tmpdir(), "confluence-out-"));
    const out = join(dir, "scores.jsonl"),
      report = join(dir, "report.html");
    writeFileSync(out, "an earlier run's output\n");
    const r = await cli("replay", truncated, "--out", out, "--report", report);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/half\.jsonl\.gz: unreadable gzip/);
    expect(readFileSync(out, "utf8")).toBe("an earlier run's output\n");
    expect(existsSync(report)).toBe(false);
    expect(readdirSync(dir), "no temporary file left behind").toEqual(["scores.jsonl"]);
  });

  test.each([
    [
      "--out in a directory that does not exist",
      ["--out", "/nonexistent/dir/scores.jsonl"],
      /--out \/nonexistent\/dir\/scores\.jsonl: cannot write there/,
    ],
    ["--report that is a directory", ["--report", tmpdir()], /--report .*: is a directory/],
  ])("%s: exit 2 with one line, before any replay", async (_, flags, message) => {
    const r = await cli("replay", BTCUSDT, ...flags);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  test("10,000 symbols that trade once replay in under 1 GB peak RSS; the 10,001st symbol is dropped and counted", async () => {
    const trade = eth.find((l) => l.includes("@trade"))!;
    const lines = Array.from({ length: 10_001 }, (_, i) => trade.replaceAll("ETHUSDT", `S${i}`).replaceAll("ethusdt", `s${i}`));
    const peak = join(tmp, "peak-rss");
    const { stdout } = await run(
      process.execPath,
      ["--import", new URL("../support/peakRss.mjs", import.meta.url).pathname, CLI, "replay", writeCapture(lines), "--json"],
      {
        maxBuffer: 64 << 20,
        env: { ...process.env, PEAK_RSS_FILE: peak },
      },
    );
    const out = JSON.parse(stdout);
    expect(Object.keys(out.symbols)).toHaveLength(10_000);
    expect(out.input.dropped).toEqual({ unroutable: 0, symbolLimit: 1 });
    const rss = Number(readFileSync(peak, "utf8"));
    expect(rss, `peak RSS ${(rss / 2 ** 20).toFixed(0)} MB`).toBeLessThan(2 ** 30);
  });
});
