/**
 * Each symbol's latest score update, shared between processes: the streaming engine
 * publishes it (with `config.caching` on and a LatestScores as `EngineOptions.cache`) on
 * every recalculation, and any process reads it with `read(symbol)` without running an
 * engine. It lives in the tiered cache under `score:{SYMBOL}`: L1, and L2 for the others.
 *
 * To a trader: a dashboard, a risk process or an order router sees the score the engine
 * last produced, one Redis round trip old, without replaying the feed itself.
 *
 * The engine's per-event path only records the update (one Map write); the updates of a
 * turn of the event loop are written to the cache once it ends (a microtask), the latest
 * per symbol — one JSON.stringify and one queued L2 write per symbol per turn, however
 * many updates a burst or a synchronous replay produced. Nothing on the per-event path
 * reads or waits for L2. `read` asks L2 first, since another process overwrites the key,
 * and falls back to L1 when L2 is down; in the writing process an update not yet written
 * is returned as is.
 */
import type { ScoreCache, ScoreUpdate } from "../pipeline/engine.js";
import { InvalidParameterError } from "../errors.js";
import { scoreKey } from "./cacheKey.js";
import type { TieredCache } from "./tieredCache.js";

export class LatestScores implements ScoreCache {
  private readonly ttlMs: number;
  private readonly pending = new Map<string, ScoreUpdate>();
  private scheduled = false;

  /** `ttlMs`: how long a latest score stays readable after its last update. Default 60,000. */
  constructor(
    readonly cache: TieredCache,
    options: { readonly ttlMs?: number } = {},
  ) {
    const ttl = options.ttlMs ?? 60_000;
    if (!(Number.isSafeInteger(ttl) && ttl >= 1)) throw new InvalidParameterError("ttlMs", ttl, "an integer ≥ 1");
    this.ttlMs = ttl;
  }

  putLatestScore(update: ScoreUpdate): void {
    this.pending.set(update.symbol, update);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.publish);
    }
  }

  /** The latest score update of `symbol` any process published (undefined: none within its TTL). */
  async read(symbol: string): Promise<ScoreUpdate | undefined> {
    return this.pending.get(symbol) ?? this.cache.getFresh<ScoreUpdate>(scoreKey(symbol));
  }

  /** Writes what is pending now and resolves once L2 has it (or failed: counted in the cache). */
  flush(): Promise<void> {
    this.publish();
    return this.cache.flush();
  }

  private readonly publish = (): void => {
    this.scheduled = false;
    for (const [symbol, update] of this.pending) {
      try {
        void this.cache.set(scoreKey(symbol), update, this.ttlMs);
      } catch {
        // an update the caller changed into what JSON cannot hold: counted by the cache (`unstorable`), the others still go
      }
    }
    this.pending.clear();
  };
}
