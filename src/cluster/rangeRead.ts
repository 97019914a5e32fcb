/**
 * Reading a range of a symbol's input stream (XRANGE) for a take-over — the acknowledged
 * history to rebuild the engine from, and the pending entries to claim — with every
 * entry size-bounded exactly as on delivery (entryBounds.ts) and carrying its done mark
 * (cf:done:{S}: the outputs written for it, "bad", "dead", or "" when not done yet), so
 * a rebuild can check that each entry runs as it did the first time. One script, one
 * round trip per batch.
 */
import type { Cluster, Redis } from "ioredis";
import { BOUND_LUA } from "./entryBounds.js";
import type { StreamEntry } from "./fencedRead.js";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";

const RANGE = new LuaScript(`${BOUND_LUA}
local entries = bound(redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[2], 'COUNT', ARGV[3]), tonumber(ARGV[4]))
for _, entry in ipairs(entries) do entry[3] = redis.call('HGET', KEYS[2], entry[1]) or '' end
return entries`);

/** Up to `count` entries from `start` to `end` (XRANGE bounds: ids, "(" exclusive, "-"). */
export async function readRange(
  redis: Redis | Cluster,
  keys: SymbolKeys,
  start: string,
  end: string,
  count: number,
  maxEntryBytes: number,
): Promise<StreamEntry[]> {
  return (await RANGE.run(redis, [keys.input, keys.done], [start, end, count, maxEntryBytes])) as StreamEntry[];
}
