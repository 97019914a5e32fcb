/**
 * The commit of a batch of processed input entries: one atomic script that, for the lease
 * holder only, records each entry id in `cf:done:{S}` with HSETNX and — only when that id
 * was not recorded before — appends the score updates it caused to `cf:out:{S}` (tagged
 * with the id) or, for a poison entry, its dead letter to `cf:dead:{S}` (the id, the kind
 * and reason of the failure, then the entry's original fields, copied from the input
 * stream inside the script); then sets `cf:score:{S}` to the latest update (with a TTL) and
 * XACKs the batch. So an input entry is acknowledged only together with its outputs or its
 * dead letter, and however often an entry is processed (a crash before its commit, a
 * takeover), its outputs are written exactly once.
 *
 * Arguments, after token, group, TTL and the entry count: per entry its id and a code —
 * k ≥ 0 followed by its k outputs; BAD (not an event of this symbol, recorded as "bad");
 * DEAD followed by the failure's kind and reason (recorded as "dead").
 */
import type { Cluster, Redis } from "ioredis";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";

/** The code of an entry that is not an event of the symbol. */
export const BAD = -1;
/** The code of an entry whose processing failed (a poison message). */
export const DEAD = -2;

const COMMIT = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local group, ttl, n = ARGV[2], ARGV[3], tonumber(ARGV[4])
local i, written, skipped, latest = 5, 0, 0, nil
local ids, recorded = {}, {}
for e = 1, n do
  local id, k = ARGV[i], tonumber(ARGV[i + 1])
  i = i + 2
  ids[#ids + 1] = id
  local new = redis.call('HSETNX', KEYS[3], id, k == ${BAD} and 'bad' or k == ${DEAD} and 'dead' or tostring(k)) == 1
  recorded[e] = new and '1' or '0'
  if k == ${DEAD} then
    if new then
      local letter = {'in', id, 'kind', ARGV[i], 'reason', ARGV[i + 1]}
      local source = redis.call('XRANGE', KEYS[5], id, id)[1]
      if source then
        for _, v in ipairs(source[2]) do letter[#letter + 1] = v end
      end
      redis.call('XADD', KEYS[6], '*', unpack(letter))
    end
    i = i + 2
  elseif k > 0 then
    if new then
      for j = 0, k - 1 do
        redis.call('XADD', KEYS[2], '*', 'in', id, 'u', ARGV[i + j])
        latest = ARGV[i + j]
      end
      written = written + k
    else
      skipped = skipped + k
    end
    i = i + k
  end
  if #ids == 500 then
    redis.call('XACK', KEYS[5], group, unpack(ids))
    ids = {}
  end
end
if #ids > 0 then redis.call('XACK', KEYS[5], group, unpack(ids)) end
if latest then redis.call('SET', KEYS[4], latest, 'PX', ttl) end
return {written, skipped, table.concat(recorded)}`);

export interface CommitResult {
  /** Outputs appended to the output stream. */
  readonly written: number;
  /** Outputs not appended because their input entry was already done (processed again). */
  readonly skipped: number;
  /** Per entry, in order: "1" when this commit recorded it in cf:done, "0" when it was already done. */
  readonly recorded: string;
}

/**
 * Commits a batch built as [id, code, …] per entry (`entries` of them); null when `token`
 * no longer holds the lease (nothing was written or acknowledged).
 */
export async function commitBatch(
  redis: Redis | Cluster,
  keys: SymbolKeys,
  token: string,
  group: string,
  scoreTtlMs: number,
  entries: number,
  batch: readonly string[],
): Promise<CommitResult | null> {
  const reply = (await COMMIT.run(
    redis,
    [keys.lease, keys.output, keys.done, keys.score, keys.input, keys.dead],
    [token, group, scoreTtlMs, entries, ...batch],
  )) as -1 | [number, number, string];
  return reply === -1 ? null : { written: reply[0], skipped: reply[1], recorded: reply[2] };
}
