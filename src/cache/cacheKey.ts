/**
 * Cache keys, the same in every process that shares a cache:
 *   score:{SYMBOL}                        a symbol's latest score update (mutable: each
 *                                         update overwrites it), the braces literal: a
 *                                         Redis Cluster hash tag, and the key `confluence
 *                                         worker` writes under its `cf:` prefix (read them
 *                                         with a RedisStore whose keyPrefix is "cf:")
 *   {namespace}:{SYMBOL}:{fingerprint}    the result of a computation over exactly these
 *                                         inputs (immutable: other inputs, another key)
 * The namespace names the computation and its version (e.g. "window1"): bump it when the
 * computation's output changes for the same inputs, and old entries are never read again.
 * Symbols are taken verbatim (ccxt's "BTC/USDT:USDT" included): the namespace has no ':'
 * and the fingerprint is always 16 hex digits, so a key still reads back unambiguously.
 */
import { InvalidParameterError } from "../errors.js";
import { fingerprint } from "./fingerprint.js";

/** `score:{SYMBOL}` (braces included): where a symbol's latest score update lives. */
export function scoreKey(symbol: string): string {
  return `score:{${symbol}}`;
}

/** `{namespace}:{symbol}:{fingerprint(inputs)}`: where a result computed from `inputs` lives. */
export function cacheKey(namespace: string, symbol: string, inputs: unknown): string {
  if (typeof namespace !== "string" || !/^[\w.-]+$/.test(namespace)) {
    throw new InvalidParameterError("namespace", namespace, "letters, digits, '_', '.' or '-' (no ':')");
  }
  if (typeof symbol !== "string" || symbol.length === 0) throw new InvalidParameterError("symbol", symbol, "a non-empty string");
  return `${namespace}:${symbol}:${fingerprint(inputs)}`;
}
