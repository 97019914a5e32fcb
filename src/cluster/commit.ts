/**
 * The commit of a batch of processed input entries: one atomic script that, for the lease
 * holder only, records each entry id in `cf:done:{S}` with HSETNX and — only when that id
 * was not recorded before — appends the score updates it caused to `cf:out:{S}` (tagged
 * with the id), then sets `cf:score:{S}` to the latest update (with a TTL) and XACKs the
 * batch. So an input entry is acknowledged only together with its outputs, and however
 * often an entry is processed (a crash before its commit, a takeover), its outputs are
 * written exactly once.
 *
 * Arguments, after token, group, TTL and the entry count: per entry its id, the number of
 * outputs k (−1: not an event of this symbol, recorded as "bad") and the k outputs.
 */
import type { Redis } from "ioredis";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";

const COMMIT = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local group, ttl, n = ARGV[2], ARGV[3], tonumber(ARGV[4])
local i, written, skipped, latest = 5, 0, 0, nil
local ids = {}
for e = 1, n do
  local id, k = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  ids[#ids + 1] = id
  if redis.call('HSETNX', KEYS[3], id, k < 0 and 'bad' or tostring(k)) == 1 then
    for j = 0, k - 1 do
      redis.call('XADD', KEYS[2], '*', 'in', id, 'u', ARGV[i + j])
      latest = ARGV[i + j]
    end
    if k > 0 then written = written + k end
  elseif k > 0 then
    skipped = skipped + k
  end
  if k > 0 then i = i + k end
  if #ids == 500 then
    redis.call('XACK', KEYS[5], group, unpack(ids))
    ids = {}
  end
end
if #ids > 0 then redis.call('XACK', KEYS[5], group, unpack(ids)) end
if latest then redis.call('SET', KEYS[4], latest, 'PX', ttl) end
return {written, skipped}`);

export interface CommitResult {
  /** Outputs appended to the output stream. */
  readonly written: number;
  /** Outputs not appended because their input entry was already done (processed again). */
  readonly skipped: number;
}

/**
 * Commits a batch built as [id, k, …outputs] per entry (`entries` of them); null when
 * `token` no longer holds the lease (nothing was written or acknowledged).
 */
export async function commitBatch(
  redis: Redis, keys: SymbolKeys, token: string, group: string, scoreTtlMs: number, entries: number, batch: readonly string[],
): Promise<CommitResult | null> {
  const reply = (await COMMIT.run(redis, [keys.lease, keys.output, keys.done, keys.score, keys.input], [token, group, scoreTtlMs, entries, ...batch])) as -1 | [number, number];
  return reply === -1 ? null : { written: reply[0], skipped: reply[1] };
}
