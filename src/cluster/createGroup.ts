/**
 * Creating a symbol's consumer group (and its input stream, if need be) at the stream's
 * start, and in the same atomic step forgetting any checkpoint a former group of that name
 * left (cf:ckpt:{S}:G and its cf:ckpts:{S} entry): a group is new when its stream was
 * deleted or Redis lost it, and a checkpoint of the old stream must never be restored into
 * the new one's history. An existing group is left as it is.
 */
import type { Cluster, Redis } from "ioredis";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";

const CREATE = new LuaScript(`
local r = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
if type(r) == 'table' and r.err then
  if string.sub(r.err, 1, 9) == 'BUSYGROUP' then return 0 end
  return r
end
redis.call('DEL', KEYS[2])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1`);

/** True when the group was created, false when it existed. */
export async function createGroup(redis: Redis | Cluster, keys: SymbolKeys, group: string): Promise<boolean> {
  return (await CREATE.run(redis, [keys.input, keys.checkpoint, keys.checkpoints], [group])) === 1;
}
