/**
 * The commit of a batch of processed input entries: one atomic script that, for the lease
 * holder only, records each entry id in `cf:done:{S}` with HSETNX and — only when that id
 * was not recorded before — appends the score updates it caused to `cf:out:{S}` (tagged
 * with the id; trimmed to about `outMaxlen` entries with `MAXLEN ~`, 0 = unbounded) or, for
 * a poison entry, its dead letter to `cf:dead:{S}` (the id, the kind and reason of the
 * failure, then the entry's original fields, copied from the input stream inside the
 * script); then sets `cf:score:{S}` to the latest update (with a TTL) and XACKs the batch.
 * So an input entry is acknowledged only together with its outputs or its dead letter, and
 * however often an entry is processed (a crash before its commit, a takeover), its outputs
 * are written exactly once.
 *
 * A batch may carry the engine's checkpoint taken right after its last entry: the script
 * then stores it as the group's (`cf:ckpt:{S}:G`: `id` = that last entry, `state` = the
 * bytes) and in `cf:ckpts:{S}` (group → id), in the same atomic step as the batch — so a
 * checkpoint never covers an entry whose outputs are not committed, nor misses one that is.
 * Then the input stream is trimmed: every entry older than the oldest checkpoint of the
 * stream's consumer groups goes (`XTRIM MINID`, exact), together with its done mark (HDEL);
 * a group without a checkpoint holds trimming back.
 *
 * Why deleting those done marks keeps exactly-once: a done mark is only consulted when an
 * entry is processed again — a pending entry claimed at a take-over, or the re-run after a
 * restored checkpoint. Both concern entries after the group's checkpoint. An entry older
 * than every group's checkpoint is acknowledged in every group (a checkpoint commits with
 * the XACK of everything it covers, and commits apply in order), so no group delivers or
 * re-runs it again, and nothing can write its outputs a second time. Its mark and its
 * input go in the same script, so `cf:done:{S}` always holds exactly the marks of the
 * entries still in `cf:in:{S}`, and both stay bounded by about the checkpoint interval.
 *
 * Arguments, after token, group, TTL, entry count, outMaxlen and the checkpoint (its id, or
 * "" for none, and its bytes): per entry its id and a code — k ≥ 0 followed by its k
 * outputs; BAD (not an event of this symbol, recorded as "bad"); DEAD followed by the
 * failure's kind and reason (recorded as "dead").
 */
import type { Cluster, Redis } from "ioredis";
import type { SymbolKeys } from "./keys.js";
import { LuaScript } from "./luaScript.js";
import { OLDER_LUA } from "./streamId.js";

/** The code of an entry that is not an event of the symbol. */
export const BAD = -1;
/** The code of an entry whose processing failed (a poison message). */
export const DEAD = -2;

const COMMIT = new LuaScript(`${OLDER_LUA}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local group, ttl, n, maxlen = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local i, written, skipped, latest = 8, 0, 0, nil
local ids, recorded = {}, {}
local function append(id, u)
  if maxlen > 0 then
    redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, '*', 'in', id, 'u', u)
  else
    redis.call('XADD', KEYS[2], '*', 'in', id, 'u', u)
  end
end
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
        append(id, ARGV[i + j])
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
local trimmed = 0
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[7], 'id', ARGV[6], 'state', ARGV[7])
  redis.call('HSET', KEYS[8], group, ARGV[6])
  local oldest, held = nil, false
  for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[5])) do
    local name
    for j = 1, #g, 2 do if g[j] == 'name' then name = g[j + 1] end end
    local id = redis.call('HGET', KEYS[8], name)
    if not id then held = true break end
    if oldest == nil or older(id, oldest) then oldest = id end
  end
  if oldest and not held then
    local start = '-'
    repeat
      local old = redis.call('XRANGE', KEYS[5], start, '(' .. oldest, 'COUNT', 1000)
      if #old > 0 then
        local gone = {}
        for _, entry in ipairs(old) do gone[#gone + 1] = entry[1] end
        redis.call('HDEL', KEYS[3], unpack(gone))
        start = '(' .. gone[#gone]
      end
    until #old < 1000
    trimmed = redis.call('XTRIM', KEYS[5], 'MINID', oldest)
  end
end
return {written, skipped, table.concat(recorded), trimmed}`);

export interface CommitResult {
  /** Outputs appended to the output stream. */
  readonly written: number;
  /** Outputs not appended because their input entry was already done (processed again). */
  readonly skipped: number;
  /** Per entry, in order: "1" when this commit recorded it in cf:done, "0" when it was already done. */
  readonly recorded: string;
  /** Input entries trimmed (with their done marks) after the batch's checkpoint; 0 without one. */
  readonly trimmed: number;
}

/** An engine checkpoint taken right after a batch's last entry, `id`. */
export interface BatchCheckpoint {
  readonly id: string;
  readonly state: Uint8Array;
}

/** What a commit does besides the batch: the output stream's retention and the checkpoint to store (null: none). */
export interface CommitExtras {
  readonly outMaxlen: number;
  readonly checkpoint: BatchCheckpoint | null;
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
  extras: CommitExtras,
): Promise<CommitResult | null> {
  const c = extras.checkpoint;
  const state = c ? Buffer.from(c.state.buffer, c.state.byteOffset, c.state.byteLength) : "";
  const reply = (await COMMIT.run(
    redis,
    [keys.lease, keys.output, keys.done, keys.score, keys.input, keys.dead, keys.checkpoint, keys.checkpoints],
    [token, group, scoreTtlMs, entries, extras.outMaxlen, c ? c.id : "", state, ...batch],
  )) as -1 | [number, number, string, number];
  return reply === -1 ? null : { written: reply[0], skipped: reply[1], recorded: reply[2], trimmed: reply[3] };
}
