/**
 * Memoizes an expensive score computation by what it was computed from: the result is
 * stored under `{namespace}:{symbol}:{fingerprint(inputs)}` in the tiered cache, so the
 * same inputs are computed once across every process that shares the cache, and other
 * inputs can never be answered with it.
 *
 * To a trader: re-scoring the same window, the same book or the same parameter set —
 * from a backtest, a dashboard or a second worker — costs a lookup, not a replay.
 *
 * Worth it only where computing costs more than the lookup: an L1 hit costs well under a
 * microsecond plus the fingerprint of the inputs, an L2 hit a Redis round trip (tens of
 * µs locally); a kernel call or one confluence update costs less than either and is never
 * worth caching (bench/cache.bench.ts). Pass the smallest inputs that determine the
 * result: hashing them is part of every lookup.
 */
import { cacheKey } from "./cacheKey.js";
import type { TieredCache } from "./tieredCache.js";

export interface CachedScoreOptions {
  /** Names the computation and its version (letters, digits, '_', '.', '-'). Default "score". */
  readonly namespace?: string;
  /** Default: the cache's TTL. */
  readonly ttlMs?: number;
}

/** The cached result of `compute` for these inputs, else `compute()`'s (then cached). */
export function cachedScore<T>(
  cache: TieredCache,
  symbol: string,
  inputs: unknown,
  compute: () => T | Promise<T>,
  options: CachedScoreOptions = {},
): Promise<T> {
  return cache.getOrCompute(cacheKey(options.namespace ?? "score", symbol, inputs), compute, options.ttlMs);
}
