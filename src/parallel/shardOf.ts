/**
 * Which worker owns a symbol: the FNV-1a hash (32-bit; offset basis 2166136261, prime
 * 16777619) of the symbol's UTF-8 bytes, finished with MurmurHash3's 32-bit avalanche
 * (fmix32), modulo the number of workers. FNV-1a alone mixes poorly for this use: its
 * lowest bit is just the parity of the odd bytes, and a last byte barely moves the high
 * bits, so BTCUSDT-1, BTCUSDT-2, … would all land on one worker of two.
 *
 * A pure function of the name and the worker count — no registry, no arrival order — so
 * every engine with the same number of workers puts a symbol on the same worker, in
 * every process and run, and a symbol's state lives in exactly one place. (Fowler, Noll
 * & Vo; test vectors in draft-eastlake-fnv: fnv1a32("a") = 0xe40c292c,
 * fnv1a32("foobar") = 0xbf9cf968. fmix32: Appleby, MurmurHash3.)
 */
const utf8 = new TextEncoder();

/** FNV-1a 32-bit hash of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of utf8.encode(text)) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

/** MurmurHash3's finalizer: every input bit flips each output bit with probability ~1/2. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The worker (0 … workers − 1) that owns `symbol`. */
export function shardOf(symbol: string, workers: number): number {
  return fmix32(fnv1a32(symbol)) % workers;
}
