/**
 * A consumer group of a symbol's input stream as Redis reports it (XINFO GROUPS): the last
 * entry id it delivered, or null when the stream or the group does not exist — deleted,
 * or lost with the rest of Redis's data (a restart without persistence, FLUSHALL).
 */
import type { Cluster, Redis } from "ioredis";

export async function groupInfo(redis: Redis | Cluster, input: string, group: string): Promise<{ lastDelivered: string } | null> {
  let groups: (string | number)[][];
  try {
    groups = (await redis.xinfo("GROUPS", input)) as (string | number)[][];
  } catch (e) {
    if (e instanceof Error && e.message.includes("no such key")) return null;
    throw e;
  }
  for (const g of groups) {
    const info = new Map<unknown, unknown>();
    for (let i = 0; i + 1 < g.length; i += 2) info.set(g[i], g[i + 1]);
    if (info.get("name") === group) return { lastDelivered: String(info.get("last-delivered-id")) };
  }
  return null;
}
