/**
 * `confluence live` as a process against the fake exchange on 127.0.0.1 serving the spot
 * captures (two symbols on one connection): it shows the view with both books synced, its
 * --json lines are its --out lines, its --record replays (`confluence replay --out`) to the
 * very same score updates, it stops on SIGINT with exit 0, and bad invocations are usage
 * errors before any connection.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { Redis } from "ioredis";
import { inputKey, SYMBOLS_KEY } from "../../src/cluster/keys.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { decodeEvent } from "../../src/feeds/wire.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { live } from "../../src/cli/live.js";
import { scoringConfig } from "../../src/cli/scoringConfig.js";
import { FakeBinance } from "../support/fakeBinance.js";
import { RedisServer, skipRedis } from "../support/redis.js";
import { until } from "../support/liveClient.js";
import { CLI, confluence } from "./runCli.js";

const tmp = mkdtempSync(join(tmpdir(), "confluence-live-"));
const TIMEOUT = 120_000;
let fake: FakeBinance | null = null;

afterEach(async () => {
  await fake?.close();
  fake = null;
});

const lines = (path: string): string[] =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.length > 0);

/** Starts `confluence live` against the fake; resolves with its output once it exits after SIGINT, sent when `ready` holds. */
async function runLive(args: readonly string[], ready: () => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const f = fake!;
  const child = spawn(process.execPath, [CLI, "live", ...args, "--endpoint", f.wsUrl, "--rest-endpoint", f.restUrl], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "",
    stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  try {
    await until(() => ready() || child.exitCode !== null, "the live run to take in the whole served stream", 90_000);
  } finally {
    child.kill("SIGINT");
  }
  return { code: await exited, stdout, stderr };
}

describe("confluence live against the fake exchange", () => {
  test(
    "the view, --out, --record: the recording replays to the same score updates; SIGINT stops it with exit 0",
    async () => {
      fake = await FakeBinance.start({ captures: [BTCUSDT, ETHUSDT], market: "spot", pace: "fast" });
      const f = fake;
      const out = join(tmp, "scores.jsonl"),
        record = join(tmp, "recording.jsonl");
      // done when every served frame is in the recording (the snapshots are lines of their own)
      const recorded = (): number => {
        try {
          return lines(record).filter((l) => !l.includes("@depthSnapshot")).length;
        } catch {
          return 0;
        }
      };
      const r = await runLive(
        ["BTCUSDT", "ETHUSDT", "--out", out, "--record", record, "--refresh", "200ms"],
        () => f.done && recorded() === f.framesSent,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
      // the last view: both symbols synced with a score
      const view = r.stdout.slice(r.stdout.lastIndexOf("confluence live: spot via"));
      for (const symbol of ["BTCUSDT", "ETHUSDT"]) {
        const row = view.split("\n").find((l) => l.startsWith(`${symbol} `));
        expect(row, `${symbol} in the view:\n${view}`).toBeDefined();
        expect(row!.split(/ {2,}/)[8], `${symbol}'s book`).toBe("synced");
        expect(row!.split(/ {2,}/)[3], `${symbol} has a score`).toMatch(/^\d+\.\d$/);
      }
      expect(view).toMatch(/server clock [+−]\d+ ms from local; 0 reconnects; 0 garbage frames/);
      const scores = lines(out);
      expect(scores.length, "score updates written").toBeGreaterThan(1000);
      expect(lines(record).filter((l) => l.includes("@depthSnapshot")).length, "a snapshot per symbol recorded").toBe(2);
      const replayed = join(tmp, "replayed.jsonl");
      const rr = await confluence(["replay", record, "--out", replayed]);
      expect(rr.code, rr.stderr).toBe(0);
      expect(lines(replayed), "the recording's replay: the same score updates, the same JSON").toEqual(scores);
    },
    TIMEOUT,
  );

  test(
    "--json prints the score updates as lines, nothing else, the same as --out",
    async () => {
      fake = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "fast" });
      const f = fake;
      const out = join(tmp, "json-scores.jsonl");
      let written = 0;
      const r = await runLive(["BTCUSDT", "--json", "--out", out], () => {
        if (!f.done) return false;
        // settled: the --out file has stopped growing between two looks
        const n = lines(out).length;
        const stable = n > 0 && n === written;
        written = n;
        return stable;
      });
      expect(r.code, r.stderr).toBe(0);
      const printed = r.stdout.split("\n").filter((l) => l.length > 0);
      for (const l of printed.slice(0, 5)) expect(JSON.parse(l)).toMatchObject({ symbol: "BTCUSDT" });
      expect(printed).toEqual(lines(out));
    },
    TIMEOUT,
  );

  test.skipIf(skipRedis)(
    "--redis publishes every event received to the symbol's input stream, as publish does: the recording's events, in order",
    async () => {
      const server = await RedisServer.start();
      const redis = new Redis(server.url);
      try {
        fake = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "fast" });
        const f = fake;
        const record = join(tmp, "published.jsonl");
        const recorded = (): number => {
          try {
            return lines(record).filter((l) => !l.includes("@depthSnapshot")).length;
          } catch {
            return 0;
          }
        };
        const r = await runLive(
          ["BTCUSDT", "--json", "--record", record, "--redis", server.url],
          () => f.done && recorded() === f.framesSent,
        );
        expect(r.code, r.stderr).toBe(0);
        const entries = await redis.xrange(inputKey("BTCUSDT"), "-", "+");
        const published = entries.map(([, fields]) => decodeEvent(fields[1]!));
        const events: MarketEvent[] = [];
        await replayCaptureFiles([record], (e) => events.push(e));
        expect(published.length, "every event, the snapshot included").toBe(events.length);
        expect(published).toEqual(events);
        expect(await redis.sismember(SYMBOLS_KEY, "BTCUSDT")).toBe(1);
      } finally {
        redis.disconnect();
        await server.stop();
      }
    },
    TIMEOUT,
  );

  test(
    "on a terminal the view is redrawn in place: each view after the first moves up over the one before and clears",
    async () => {
      fake = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "fast" });
      const f = fake;
      const written: string[] = [];
      const stop = new AbortController();
      const run = live(
        {
          symbols: ["BTCUSDT"],
          market: "spot",
          depthSpeed: "100ms",
          scoring: scoringConfig({}),
          backend: "js",
          json: false,
          refreshMs: 20,
          endpoint: f.wsUrl,
          restEndpoint: f.restUrl,
        },
        { stdout: (text) => written.push(text), tty: true, signal: stop.signal },
      );
      await until(() => written.length >= 3, "three views");
      stop.abort();
      await run;
      expect(written[0]!.startsWith("confluence live: spot via"), "the first view is drawn as is").toBe(true);
      for (let k = 1; k < written.length; k++) {
        // the view without the escape sequence that put it in place
        const previous = written[k - 1]!;
        const up = previous.slice(previous.indexOf("confluence live:")).split("\n").length;
        expect(written[k]!.startsWith(`\u001b[${up}F\u001b[J`), `view ${k}: up ${up} lines, then clear`).toBe(true);
      }
    },
    TIMEOUT,
  );

  test.skipIf(!existsSync("/dev/full"))(
    "a recording that cannot be written (a full disk: /dev/full) ends the run: exit 1, one line naming the file, no crash",
    async () => {
      fake = await FakeBinance.start({ captures: [BTCUSDT], market: "spot", pace: "fast" });
      const f = fake;
      const child = spawn(process.execPath, [
        CLI,
        "live",
        "BTCUSDT",
        "--record",
        "/dev/full",
        "--endpoint",
        f.wsUrl,
        "--rest-endpoint",
        f.restUrl,
      ]);
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(code, stderr).toBe(1);
      expect(stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/^confluence: cannot write \/dev\/full: .*ENOSPC.*: expected room for the whole file$/),
      ]);
    },
    TIMEOUT,
  );

  test.each([
    [["live"], /missing required argument 'symbols'/],
    [["live", "BTCUSDT", "--market", "margin"], /--market margin/],
    [["live", "BTCUSDT", "--depth-speed", "0ms"], /--depth-speed 0ms.*futures/],
    [["live", "BTCUSDT", "--duration", "soon"], /--duration soon: expected a duration/],
    [["live", "BTC USDT"], /symbol/i],
  ])("%j: exit 2, one line", async (args, message) => {
    const r = await confluence(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stdout).toBe("");
  });
});
