/**
 * Taking delivery of a symbol's new input entries, for the lease holder only: one script
 * checks the lease token and runs `XREADGROUP … STREAMS cf:in:{S} >` atomically. Once a
 * worker has taken a lease, no other consumer of the group can receive new entries of that
 * symbol, so the entries a previous owner left pending are a fixed set the new owner can
 * claim (symbolProcessor.ts). Non-blocking (scripts cannot block); the caller polls.
 */
import type { Redis } from "ioredis";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";

/** A stream entry as Redis returns it: its id and its flat field/value list. */
export type StreamEntry = [id: string, fields: string[]];

const READ = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
return redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', ARGV[4], 'STREAMS', KEYS[2], '>')`);

/** Up to `count` new entries delivered to `consumer`; null when `token` no longer holds the lease. */
export async function readNewEntries(
  redis: Redis, keys: SymbolKeys, token: string, group: string, consumer: string, count: number,
): Promise<StreamEntry[] | null> {
  const reply = (await READ.run(redis, [keys.lease, keys.input], [token, group, consumer, count])) as -1 | null | [string, StreamEntry[]][];
  if (reply === -1) return null;
  return reply?.[0]?.[1] ?? [];
}
