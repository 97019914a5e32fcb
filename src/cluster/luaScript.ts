/**
 * A server-side Lua script, run by its SHA1 (EVALSHA) and sent in full (EVAL) only when a
 * server does not know it yet (NOSCRIPT: a new, restarted or failed-over server). Scripts
 * run atomically, which is what makes the protocol's check-then-write steps safe.
 */
import { createHash } from "node:crypto";
import type { Cluster, Redis } from "ioredis";

export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Redis | Cluster, keys: readonly string[], args: readonly (string | number | Buffer)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (e) {
      if (!(e instanceof Error && e.message.startsWith("NOSCRIPT"))) throw e;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
