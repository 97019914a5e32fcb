/**
 * Start-up: a command loads only what it uses. Each run records, through an ESM loader
 * hook (loadedModules.mjs), every module the process resolves; the packages among them
 * are compared with what the command needs. `replay` and `--help` load commander and
 * nothing else from node_modules — not ioredis, piscina, cli-progress or the
 * AssemblyScript loader — and never touch the global Response (Node would load undici
 * for it); `--workers` loads piscina and `publish` ioredis, which shows the hook sees
 * what a command does load.
 */
import { describe, expect, test } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BTCUSDT } from "../support/capture.js";
import { confluence } from "./runCli.js";

const tmp = mkdtempSync(join(tmpdir(), "confluence-startup-"));
let runs = 0;

/** The packages (node_modules/NAME) and Node internals a run of the command loaded, sorted. */
async function loaded(args: string[]): Promise<{ packages: string[]; internals: string[]; code: number | null }> {
  const file = join(tmp, `loaded-${runs++}.txt`);
  const r = await confluence(args, {
    preload: new URL("./loadedModules.mjs", import.meta.url).pathname,
    env: { LOADED_MODULES_FILE: file },
  });
  const lines = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.length > 0);
  const packages = new Set(
    lines.map((l) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(l)?.[1]).filter((p): p is string => p !== undefined),
  );
  return { packages: [...packages].sort(), internals: lines.filter((l) => l.startsWith("internal:")), code: r.code };
}

describe("a command loads only what it uses", () => {
  test.each([
    [["replay", BTCUSDT], ["commander"]],
    [["replay", BTCUSDT, "--json", "--backend", "js"], ["commander"]],
    [["--help"], ["commander"]],
    [["replay", "--help"], ["commander"]],
    [
      ["replay", BTCUSDT, "--workers", "1"],
      ["commander", "piscina"],
    ],
    [
      ["publish", "--redis", "redis://127.0.0.1:1", BTCUSDT],
      ["commander", "ioredis"],
    ],
  ])("confluence %j loads %j from node_modules and not undici", async (args, expected) => {
    const run = await loaded(args);
    expect(run.code, "the command ran (publish to a closed port fails: exit 1)").toBe(args[0] === "publish" ? 1 : 0);
    expect(run.packages).toEqual(expected);
    expect(run.internals, "the global Response was never touched").toEqual([]);
  });
});
