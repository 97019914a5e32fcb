/**
 * Whether Redis lost a symbol's history under a worker: the last input entry the worker
 * recorded as done is no longer both in the input stream and in `cf:done:{S}`, and the
 * group's checkpoint does not cover it. The protocol trims an entry (with its done mark)
 * only once every group's checkpoint covers it (commit.ts), so an entry gone without a
 * checkpoint at or after it means the data is gone — a restart without persistence, FLUSHALL, the keys deleted, or a
 * restore of an older snapshot — and the worker's counters for the symbol describe streams
 * that no longer exist. Checked at every take-over, so it holds whichever worker saw the
 * loss first and however long the symbol was owned by others meanwhile.
 */
import type { Cluster, Redis } from "ioredis";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";
import { OLDER_LUA } from "./streamId.js";

const LOST = new LuaScript(`${OLDER_LUA}
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 and #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 1 then return 0 end
local covered = redis.call('HGET', KEYS[3], 'id')
if covered and not older(covered, ARGV[1]) then return 0 end
return 1`);

export async function historyLost(redis: Redis | Cluster, keys: SymbolKeys, recordedId: string): Promise<boolean> {
  return (await LOST.run(redis, [keys.input, keys.done, keys.checkpoint], [recordedId])) === 1;
}
