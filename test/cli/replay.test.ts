/**
 * The `confluence replay` command, run as a process from the built bundle (npm test
 * builds first): --json is one object that validates against docs/replay-summary.schema.json
 * and equals across backends except perf; --out and --report write their files; bad
 * invocations exit non-zero with one line and no stack trace.
 */
import { describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Ajv } from "ajv";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";

const run = promisify(execFile);
const cli = new URL("../../dist/cli.js", import.meta.url).pathname;
const schema = JSON.parse(readFileSync(new URL("../../docs/replay-summary.schema.json", import.meta.url), "utf8"));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const tmp = mkdtempSync(join(tmpdir(), "confluence-cli-"));

async function confluence(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("confluence replay", () => {
  test("--json prints exactly one object, valid against the schema, identical on both backends except perf", async () => {
    const [w, j] = await Promise.all([
      confluence("replay", BTCUSDT, ETHUSDT, "--json"), confluence("replay", BTCUSDT, ETHUSDT, "--json", "--backend", "js"),
    ]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout.trim().split("\n")).toHaveLength(1);
    const [a, b] = [JSON.parse(w.stdout), JSON.parse(j.stdout)];
    expect(validate(a), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(a)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(a.BTCUSDT.events).toEqual({ trade: 9757, depth: 3451, quote: 28040, snapshot: 1, rejected: 0 });
    expect(a.BTCUSDT.book.synced).toBe(true);
    for (const s of Object.keys(a)) {
      delete a[s].perf;
      delete b[s].perf;
    }
    expect(b).toEqual(a);
  });

  test("--out writes one JSON line per score update; --report one self-contained HTML file", async () => {
    const out = join(tmp, "scores.jsonl"), report = join(tmp, "report.html");
    const r = await confluence("replay", ETHUSDT, "--out", out, "--report", report);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ETHUSDT\s+\d+/);
    const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(1000);
    expect(lines[0]).toMatchObject({ symbol: "ETHUSDT", trigger: expect.stringMatching(/book|trade/) });
    expect(validate({ ETHUSDT: { events: { trade: 0, depth: 0, quote: 0, snapshot: 0, rejected: 0 }, trades: { count: 0, buyVolume: 0, sellVolume: 0 }, book: { synced: false, gaps: 0, applied: 0 }, score: lines[lines.length - 1], perf: { eventsPerSec: 0, latencyNs: { p50: 0, p99: 0, p999: 0, max: 0 } } } }), JSON.stringify(validate.errors)).toBe(true);
    const html = readFileSync(report, "utf8");
    expect(html).toContain("LightweightCharts");
    expect(html).toContain("ETHUSDT");
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  test.each([
    ["a missing file", ["replay", "/nonexistent/capture.gz"], /no such file: \/nonexistent\/capture\.gz/],
    ["an unknown flag", ["replay", "--fast", BTCUSDT], /unknown flag '--fast'/],
    ["no file", ["replay"], /needs at least one capture file/],
    ["a bad backend", ["replay", BTCUSDT, "--backend", "gpu"], /--backend gpu: expected wasm or js/],
    ["an unknown command", ["replya"], /unknown command 'replya'/],
  ])("%s: non-zero exit, one line, no stack trace", async (_, args, message) => {
    const r = await confluence(...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("an unreadable gzip: non-zero exit, one line naming the file", async () => {
    const truncated = join(tmp, "truncated.jsonl.gz");
    const full = gzipSync("1 {}\n".repeat(20000));
    writeFileSync(truncated, full.subarray(0, full.length >> 1));
    const r = await confluence("replay", truncated, "--json");
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/truncated\.jsonl\.gz/);
    expect(r.stderr).toMatch(/gzip/i);
  });
});
