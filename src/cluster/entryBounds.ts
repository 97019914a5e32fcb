/**
 * The size bound on input entries a worker takes delivery of. Any producer can append to
 * an input stream, and an entry of hundreds of megabytes (or of a million fields) would
 * reach the worker whole: past V8's largest string it fails every read of its batch, and
 * the symbol would be let go and taken over forever. So every script that returns entries
 * (fencedRead.ts, rangeRead.ts) passes them through `bound` inside Redis first: an entry
 * larger than `maxEntryBytes` (field names and values together) or with more than
 * MAX_ENTRY_FIELDS field/value pairs comes back as one field `oversize` saying how large
 * it was. It is not an event, so the worker acknowledges it, marks it "bad" and counts it
 * as malformed, like any entry that is not an event of its symbol.
 *
 * Every worker of a group must use the same bound (like the same engine configuration):
 * a rebuild decides as the first run did.
 */

/** Default bound on an entry's bytes: 1 MiB, far above any encoded event (the BTCUSDT capture's 1,000-level snapshot is 33 KB). */
export const DEFAULT_MAX_ENTRY_BYTES = 1 << 20;

/** Field/value pairs an entry may have (an event has one, `e`); also keeps a dead-letter copy within Lua's stack. */
const MAX_ENTRY_FIELDS = 256;

/** The field an over-size entry is replaced by. */
const OVERSIZE_FIELD = "oversize";

/** Lua: `bound(entries, maxBytes)` replaces the fields of over-size entries in place (see above). */
export const BOUND_LUA = `
local function bound(entries, maxBytes)
  for _, entry in ipairs(entries) do
    local f = entry[2]
    if type(f) == 'table' then
      local bytes = 0
      for i = 1, #f do bytes = bytes + #f[i] end
      if #f > ${2 * MAX_ENTRY_FIELDS} or bytes > maxBytes then
        entry[2] = {'${OVERSIZE_FIELD}', math.floor(#f / 2) .. ' fields, ' .. bytes .. ' bytes'}
      end
    end
  end
  return entries
end`;
