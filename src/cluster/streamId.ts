/**
 * Ordering Redis stream entry ids (`<ms>-<seq>`, two unsigned 64-bit decimals) exactly,
 * without going through doubles (an id above 2^53, which a producer may choose, would
 * round). A worker uses it to notice a consumer group whose delivery went back: entries
 * delivered again that its engine has already seen mean Redis lost or restored state.
 */

/** Compares two decimal strings without leading zeros: −1, 0 or 1. */
function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** −1, 0 or 1 as stream id `a` comes before, is, or comes after `b`. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = "", aSeq = "0"] = a.split("-");
  const [bMs = "", bSeq = "0"] = b.split("-");
  return compareDecimal(aMs, bMs) || compareDecimal(aSeq, bSeq);
}

/** The same order inside the protocol's Lua scripts: `older(a, b)` is true when id `a` comes before `b`. */
export const OLDER_LUA = `
local function older(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if am ~= bm then return #am < #bm or (#am == #bm and am < bm) end
  return #as < #bs or (#as == #bs and as < bs)
end`;
