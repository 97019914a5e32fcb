/**
 * Where the cache lives in the package: L1, the tiered cache, keys and the score helpers
 * in the browser-safe root (bundled for the browser: no node: import, no ioredis), Redis
 * only behind confluence-hft/node.
 */
import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import * as esbuild from "esbuild";
import * as root from "../../src/index.js";
import { RedisStore } from "../../src/cache/redisStore.js";

describe("package entries", () => {
  test("the root exports the browser-safe cache pieces", () => {
    for (const name of [
      "TieredCache",
      "LatestScores",
      "cachedScore",
      "scoreWindow",
      "cachedWindowScore",
      "cacheKey",
      "scoreKey",
      "fingerprint",
      "fnv1a64",
      "UnhashableInputError",
      "tanhApprox",
    ]) {
      expect(root, name).toHaveProperty(name);
    }
    expect(root).not.toHaveProperty("RedisStore");
  });

  test("the node entry exports RedisStore", () => {
    expect(readFileSync("src/node/index.ts", "utf8")).toMatch(
      /export \{ RedisStore, type RedisStoreOptions \} from "\.\.\/cache\/redisStore\.js";/,
    );
    expect(typeof RedisStore).toBe("function");
  });

  test("the root bundled for a browser pulls in neither ioredis nor any node: module (lru-cache's browser build)", async () => {
    const result = await esbuild.build({
      entryPoints: ["src/index.ts"],
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain("var TieredCache = class");
    expect(code).not.toMatch(/ioredis|["']node:/);
  });
});
