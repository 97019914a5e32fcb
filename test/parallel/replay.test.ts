/**
 * `confluence replay --workers N`, run as a process from the built bundle (npm test
 * builds first): the same --json summary as the single-threaded replay but for perf,
 * and the same --out lines per symbol, in the same order (symbols interleave
 * differently); --report still written.
 */
import { expect, test } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";

const run = promisify(execFile);
const cli = new URL("../../dist/cli.js", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "confluence-workers-"));

async function confluence(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [cli, ...args], { maxBuffer: 64 << 20 });
  return stdout;
}

/** The --json output with every symbol's perf removed (the one part that differs between runs). */
function withoutPerf(text: string): { symbols: Record<string, unknown>; input: unknown } {
  const { symbols, input } = JSON.parse(text) as { symbols: Record<string, { perf: unknown }>; input: unknown };
  return { symbols: Object.fromEntries(Object.entries(symbols).map(([s, { perf: _perf, ...rest }]) => [s, rest])), input };
}

function linesBySymbol(file: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of readFileSync(file, "utf8").trim().split("\n"))
    (out[(JSON.parse(line) as { symbol: string }).symbol] ??= []).push(line);
  return out;
}

test("--json with --workers 2 (and 1, and the js backend) equals the single-threaded --json except perf", async () => {
  const [single, two, one, twoJs] = await Promise.all([
    confluence("replay", BTCUSDT, ETHUSDT, "--json"),
    confluence("replay", BTCUSDT, ETHUSDT, "--json", "--workers", "2"),
    confluence("replay", BTCUSDT, ETHUSDT, "--json", "--workers", "1"),
    confluence("replay", BTCUSDT, ETHUSDT, "--json", "--workers", "2", "--backend", "js"),
  ]);
  const want = withoutPerf(single);
  expect(Object.keys(want.symbols)).toEqual(["BTCUSDT", "ETHUSDT"]);
  for (const got of [two, one, twoJs]) {
    expect(got.trim().split("\n")).toHaveLength(1);
    expect(JSON.stringify(withoutPerf(got)), "same text, same key order").toBe(JSON.stringify(want));
  }
});

test("--out with --workers 2: per symbol the same lines in the same order; --report and the table still work", async () => {
  const a = join(tmp, "single.jsonl"),
    b = join(tmp, "workers.jsonl"),
    report = join(tmp, "report.html");
  const [, table] = await Promise.all([
    confluence("replay", BTCUSDT, ETHUSDT, "--out", a),
    confluence("replay", BTCUSDT, ETHUSDT, "--out", b, "--report", report, "--workers", "2"),
  ]);
  const [want, got] = [linesBySymbol(a), linesBySymbol(b)];
  expect(Object.keys(got).sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
  for (const symbol of Object.keys(want)) {
    expect(got[symbol]!.length, symbol).toBe(want[symbol]!.length);
    expect(got[symbol], symbol).toEqual(want[symbol]);
  }
  expect(table).toMatch(/BTCUSDT\s+41249\s+9757\s+0\s+0\s+synced.*\s4668\s/);
  expect(table).toMatch(/on 2 worker threads/);
  expect(readFileSync(report, "utf8")).toContain("ETHUSDT");
});
