/**
 * The `confluence` command as a newcomer meets it, run as a process from the built bundle:
 * help on every command (`--help`, `-h`, `help [command]`) describing every flag with an
 * example, on stdout with exit 0; `--version`/`-V` from package.json; no command at all
 * is a usage error (help on stderr, exit 2); a mistyped command or flag gets a
 * did-you-mean; `--flag=value` and short flags work; every bad value is one line on
 * stderr naming the flag, exit 2, before any work; a bug is exit 1 with its own line.
 */
import { describe, expect, test } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BTCUSDT } from "../support/capture.js";
import { confluence, type CliRun } from "./runCli.js";

const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
const tmp = mkdtempSync(join(tmpdir(), "confluence-usage-"));

/** Every flag of every command, as its help must show it. */
const FLAGS: Record<string, string[]> = {
  replay: [
    "-j, --json",
    "-o, --out <file>",
    "-r, --report <file>",
    "-b, --backend <name>",
    "-w, --workers <n>",
    "-p, --preset <name>",
    "-c, --config <file>",
    "-h, --help",
  ],
  worker: [
    "-r, --redis <url>",
    "--redis-cluster <nodes>",
    "-g, --group <name>",
    "-b, --backend <name>",
    "-p, --preset <name>",
    "-c, --config <file>",
    "--lease-ms <ms>",
    "--claim-idle-ms <ms>",
    "--exit-when-idle-ms <ms>",
    "--batch <n>",
    "--score-ttl-ms <ms>",
    "--max-symbols <n>",
    "--max-entry-bytes <n>",
    "-h, --help",
  ],
  publish: ["-r, --redis <url>", "--redis-cluster <nodes>", "--batch <n>", "-h, --help"],
  kernels: ["-h, --help"],
  demo: ["--port <n>", "-h, --help"],
};

function usageError(r: CliRun, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout, "nothing on stdout").toBe("");
  expect(r.stderr.trim().split("\n"), `one line: ${r.stderr}`).toHaveLength(1);
  expect(r.stderr).toMatch(/^confluence: /);
  expect(r.stderr).toMatch(message);
}

describe("help and version", () => {
  test.each([[["--help"]], [["-h"]], [["help"]]])(
    "confluence %j: every command, examples and the exit codes on stdout, exit 0",
    async (args) => {
      const r = await confluence(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/^Usage: confluence \[options\] \[command\]/);
      for (const command of [...Object.keys(FLAGS), "help"]) expect(r.stdout, command).toMatch(new RegExp(`\\n  ${command} `));
      expect(r.stdout).toMatch(/Examples:\n {2}\$ confluence replay data\//);
      expect(r.stdout).toMatch(/Exit status: 0 done, 1 the work failed .*, 2 a usage error/);
    },
  );

  for (const command of Object.keys(FLAGS)) {
    test.each([[[command, "--help"]], [[command, "-h"]], [["help", command]]])(
      `confluence %j: every flag of ${command} described, with examples`,
      async (args) => {
        const r = await confluence(args);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`^Usage: confluence ${command} `));
        for (const flag of FLAGS[command]!) {
          const line = r.stdout.split("\n").find((l) => l.startsWith(`  ${flag} `));
          expect(line, `${command}: ${flag} is listed`).toBeDefined();
          expect(line!.slice(flag.length + 2).trim().length, `${command}: ${flag} is described`).toBeGreaterThan(5);
        }
        expect(r.stdout).toMatch(new RegExp(`Examples:\\n {2}\\$ confluence ${command}`));
      },
    );
  }

  test.each([[["--version"]], [["-V"]]])("confluence %j prints the package's version", async (args) => {
    const r = await confluence(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  test("no command: the help on stderr, nothing on stdout, exit 2", async () => {
    const r = await confluence([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Usage: confluence /);
  });
});

describe("did you mean", () => {
  test.each([
    [["replya", BTCUSDT], /unknown command 'replya' \(did you mean replay\?\); see 'confluence --help'/],
    [["help", "kernel"], /unknown command 'kernel' \(did you mean kernels\?\)/],
    [["replay", "--jsn", BTCUSDT], /unknown option '--jsn' \(did you mean --json\?\); see 'confluence replay --help'/],
    [["replay", BTCUSDT, "--reprot", "r.html"], /unknown option '--reprot' \(did you mean --report\?\)/],
    [
      ["worker", "--redis", "redis://127.0.0.1:1", "--group", "g", "--lease", "5000"],
      /unknown option '--lease' \(did you mean --lease-ms\?\)/,
    ],
  ])("confluence %j", async (args, message) => {
    usageError(await confluence(args), message);
  });
});

describe("bad invocations: one line naming what is wrong, exit 2, before any work", () => {
  const notJson = join(tmp, "not.json"),
    unknownKey = join(tmp, "unknown-key.json"),
    badWeights = join(tmp, "weights.json"),
    array = join(tmp, "array.json");
  writeFileSync(notJson, "{ preset: ultraFast }");
  writeFileSync(unknownKey, JSON.stringify({ preset: "ultraFast", dpeth: 5 }));
  writeFileSync(badWeights, JSON.stringify({ weights: { orderbook: 0.9, orderflow: 0.75 } }));
  writeFileSync(array, "[1, 2]");

  test.each([
    [["replay", BTCUSDT, "--workers", "0"], /--workers 0: expected an integer from 1 to 256/],
    [["replay", BTCUSDT, "-w", "two"], /--workers two: expected an integer from 1 to 256/],
    [["replay", BTCUSDT, "--workers=1.5"], /--workers 1\.5: expected an integer from 1 to 256/],
    [["replay", BTCUSDT, "-b", "gpu"], /--backend gpu: expected wasm or js/],
    [["replay", BTCUSDT, "--preset", "fast"], /--preset fast: expected default or ultraFast/],
    [["replay", BTCUSDT, "--out"], /option '-o, --out <file>' argument missing/],
    [["replay", BTCUSDT, "--config", join(tmp, "missing.json")], /--config .*missing\.json: no such file: expected a JSON object like/],
    [["replay", BTCUSDT, "--config", tmp], /--config .*: is a directory/],
    [["replay", BTCUSDT, "--config", notJson], /--config .*not\.json: not valid JSON \(.*\): expected a JSON object/],
    [["replay", BTCUSDT, "--config", array], /--config .*array\.json: holds an array: expected a JSON object/],
    [
      ["replay", BTCUSDT, "--config", unknownKey],
      /--config .*unknown-key\.json: unknown configuration key 'dpeth': expected one of preset, weights/,
    ],
    [["replay", BTCUSDT, "-c", badWeights], /--config .*weights\.json: weights: they sum to 1\.65: expected 1 within 1e-9/],
    [["replay", "-", "-"], /- \(standard input\) is given more than once/],
    [["kernels", BTCUSDT, BTCUSDT], /too many arguments for 'kernels'/],
    [["kernels", "/nonexistent.gz"], /no such file: \/nonexistent\.gz/],
    [["publish", "--redis", "redis://127.0.0.1:1", "--batch", "0", BTCUSDT], /--batch 0: expected an integer from 1 to 100000/],
    [["publish", BTCUSDT], /no Redis given: expected --redis redis:\/\/host\[:port\] \(one Redis server\) or --redis-cluster host:port,…/],
    [["demo", "--port", "70000"], /--port 70000: expected an integer from 0 to 65535/],
    // validated before Redis is contacted (port 1 refuses: that would be exit 1)
    [
      ["worker", "-r", "redis://127.0.0.1:1", "-g", "g", "--config", unknownKey],
      /--config .*unknown-key\.json: unknown configuration key 'dpeth'/,
    ],
    [["worker", "-r", "redis://127.0.0.1:1", "-g", "g", "--preset", "slow"], /--preset slow: expected default or ultraFast/],
  ])("confluence %j", async (args, message) => {
    usageError(await confluence(args), message);
  });

  test("--flag=value and short flags are the long flags", async () => {
    const out = join(tmp, "eq.jsonl"),
      short = join(tmp, "short.jsonl");
    const [a, b] = await Promise.all([
      confluence(["replay", BTCUSDT, `--out=${out}`, "--backend=js", "--json"]),
      confluence(["replay", BTCUSDT, "-o", short, "-b", "js", "-j"]),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(out, "utf8").length).toBeGreaterThan(1000);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(short, "utf8"));
  });
});

describe("exit status of a failure that is not the user's", () => {
  test("a bug (here: stdout that throws a TypeError) is exit 1 with one 'internal error (please report it)' line, no stack trace", async () => {
    const r = await confluence(["replay", BTCUSDT], { preload: new URL("./brokenStdout.mjs", import.meta.url).pathname });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^confluence: internal error \(please report it\): TypeError: Cannot read properties of undefined \(reading 'toFixed'\)$/m,
    );
  });

  test("bad input is exit 1 with the typed error's line", async () => {
    const r = await confluence(["replay", "-"], { input: "hello\n" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^confluence: <stdin>: no line in a known format \(first: "hello"\): expected a format confluence reads/);
  });
});
