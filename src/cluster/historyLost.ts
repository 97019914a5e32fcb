/**
 * Whether Redis lost a symbol's history under a worker: the last input entry the worker
 * recorded as done is no longer both in the input stream and in `cf:done:{S}`. Neither is
 * ever trimmed by the protocol (the rebuild needs the whole history), so its absence means
 * the data is gone — a restart without persistence, FLUSHALL, the keys deleted, or a
 * restore of an older snapshot — and the worker's counters for the symbol describe streams
 * that no longer exist. Checked at every take-over, so it holds whichever worker saw the
 * loss first and however long the symbol was owned by others meanwhile.
 */
import type { Cluster, Redis } from "ioredis";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";

const LOST = new LuaScript(`
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 1 end
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then return 1 end
return 0`);

export async function historyLost(redis: Redis | Cluster, keys: SymbolKeys, recordedId: string): Promise<boolean> {
  return (await LOST.run(redis, [keys.input, keys.done], [recordedId])) === 1;
}
