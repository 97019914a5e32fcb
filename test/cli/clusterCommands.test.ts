/**
 * The cluster commands against a real redis-server. `confluence publish -`: a capture
 * piped in (gzip) is published exactly as the file is — the same entries, in the same
 * order, in the symbol's input stream — and the command says what it published.
 * `confluence worker --preset`: the configuration reaches the worker's engines — its
 * outputs are a single-process replay's under that preset, and differ from the default's.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { inputKey } from "../../src/cluster/keys.js";
import { loadKernels } from "../../src/index.js";
import { runEngine } from "../support/engineRun.js";
import { readOutputs } from "../support/cluster.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";
import { RedisServer, skipRedis } from "../support/redis.js";
import { confluence } from "./runCli.js";

describe.skipIf(skipRedis)("confluence publish -", () => {
  let server: RedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  /** The `e` field of every entry of BTCUSDT's input stream, in order. */
  async function published(): Promise<string[]> {
    const entries = await redis.xrange(inputKey("BTCUSDT"), "-", "+");
    return entries.map(([, fields]) => fields[fields.indexOf("e") + 1]!);
  }

  test("a capture on stdin: the entries publishing the file gives, in order", async () => {
    const piped = await confluence(["publish", "-r", server.url, "-"], { input: readFileSync(BTCUSDT) });
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toMatch(
      /^BTCUSDT\s+41249 events → cf:in:\{BTCUSDT\}\npublished 41249 events for 1 symbols in [\d.]+ s \(\d+ events\/s\); 0 malformed capture lines, 0 events skipped/,
    );
    const fromStdin = await published();
    await redis.flushall();
    const file = await confluence(["publish", "--redis", server.url, BTCUSDT]);
    expect(file.code, file.stderr).toBe(0);
    const fromFile = await published();
    expect(fromStdin.length).toBe(41249);
    expect(fromStdin).toEqual(fromFile);
  });

  test("worker --preset ultraFast: the outputs of a single-process replay under ultraFast", async () => {
    await redis.flushall();
    expect((await confluence(["publish", "-r", server.url, ETHUSDT])).code).toBe(0);
    const w = await confluence(["worker", "-r", server.url, "-g", "scores", "--preset", "ultraFast", "--exit-when-idle-ms", "1500"]);
    expect(w.code, w.stderr).toBe(0);
    const kernels = await loadKernels();
    const [fast, standard] = await Promise.all([
      runEngine(kernels, [ETHUSDT], { config: { preset: "ultraFast" } }),
      runEngine(kernels, [ETHUSDT]),
    ]);
    fast.engine.dispose();
    standard.engine.dispose();
    const { updates } = await readOutputs(redis, "ETHUSDT");
    expect(updates.length).toBe(fast.updates.length);
    expect(updates, "same JSON, same order").toEqual(fast.updates.map((u) => JSON.stringify(u)));
    expect(updates, "and not the default preset's").not.toEqual(standard.updates.map((u) => JSON.stringify(u)));
  });
});
