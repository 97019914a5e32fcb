/**
 * Taking delivery of a symbol's new input entries, for the lease holder only: one script
 * checks the lease token and runs `XREADGROUP … STREAMS cf:in:{S} >` atomically. Once a
 * worker has taken a lease, no other consumer of the group can receive new entries of that
 * symbol, so the entries a previous owner left pending are a fixed set the new owner can
 * claim (symbolProcessor.ts). Non-blocking (scripts cannot block); the caller polls.
 * Entries come back size-bounded (entryBounds.ts). A stream or group that no longer exists
 * (deleted, or Redis lost its data) is "vanished", not an error: the worker reacts to it.
 */
import type { Cluster, Redis } from "ioredis";
import { BOUND_LUA } from "./entryBounds.js";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";

/** A stream entry as the scripts return it: its id, its flat field/value list and (ranges only) its done mark, "" when none. */
export type StreamEntry = [id: string, fields: string[], mark?: string];

const READ = new LuaScript(`${BOUND_LUA}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local r = redis.pcall('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', ARGV[4], 'STREAMS', KEYS[2], '>')
if type(r) == 'table' and r.err then
  if string.sub(r.err, 1, 7) == 'NOGROUP' then return -2 end
  return r
end
if not r then return {} end
return bound(r[1][2], tonumber(ARGV[5]))`);

/**
 * Up to `count` new entries delivered to `consumer`; "lost" when `token` no longer holds
 * the lease, "vanished" when the input stream or the group is gone.
 */
export async function readNewEntries(
  redis: Redis | Cluster,
  keys: SymbolKeys,
  token: string,
  group: string,
  consumer: string,
  count: number,
  maxEntryBytes: number,
): Promise<StreamEntry[] | "lost" | "vanished"> {
  const reply = (await READ.run(redis, [keys.lease, keys.input], [token, group, consumer, count, maxEntryBytes])) as
    | -1
    | -2
    | StreamEntry[];
  return reply === -1 ? "lost" : reply === -2 ? "vanished" : reply;
}
