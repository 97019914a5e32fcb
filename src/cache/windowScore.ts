/**
 * Batch scoring of a window of events, plain and cached: a fresh streaming engine
 * processes the events in order and the symbol's last score update is the result
 * (null when the window produced none: no snapshot to sync the book, still warming up).
 * It costs milliseconds for ~1,000 events (engine set-up plus the replay), which is what
 * makes caching it pay.
 *
 * To a trader: "what did the model say at the end of this stretch of tape, with these
 * settings" — asked again from any process, answered from the cache.
 *
 * The cache key is window3:{symbol}:{fingerprint of the resolved config and the events};
 * the keys that cannot change a score (caching; trainedOn, metadata) are left out of it. Both
 * backends give the same bits, so the key does not name one. Pass only the symbol's
 * events: every event is part of the key. Hashing a window's events costs about as much
 * as scoring it (its snapshot alone is thousands of levels), so where the window has a
 * small identity — a capture and an event range, a stream and its first and last update
 * ids — pass it as `windowId`: the key is then built from it instead of the events, and
 * an L1 hit costs well under a microsecond. The id must name exactly these events.
 */
import type { Kernels } from "../kernels/types.js";
import { resolveConfig, type ConfluenceConfigInput } from "../confluence/config.js";
import type { MarketEvent } from "../feeds/events.js";
import { StreamingEngine, type ScoreUpdate } from "../pipeline/engine.js";
import { cachedScore } from "./cachedScore.js";
import type { TieredCache } from "./tieredCache.js";

/** The namespace of window scores; bump the digit when scoring changes for the same inputs. */
export const WINDOW_NAMESPACE = "window3";

/** The last score update of `symbol` after a fresh engine processes `events`; null when there is none. */
export function scoreWindow(
  kernels: Kernels,
  symbol: string,
  events: readonly MarketEvent[],
  config: ConfluenceConfigInput = {},
): ScoreUpdate | null {
  const engine = new StreamingEngine(kernels, { config });
  try {
    for (const e of events) engine.process(e);
    return engine.symbolState(symbol)?.lastScore ?? null;
  } finally {
    engine.dispose();
  }
}

export interface CachedWindowOptions {
  /** A small value that identifies the events (e.g. { capture, from, to }); keys the entry instead of the events. */
  readonly windowId?: unknown;
  /** Default: the cache's TTL. */
  readonly ttlMs?: number;
}

/** scoreWindow through the tiered cache (key above). */
export function cachedWindowScore(
  cache: TieredCache,
  kernels: Kernels,
  symbol: string,
  events: readonly MarketEvent[],
  config: ConfluenceConfigInput = {},
  options: CachedWindowOptions = {},
): Promise<ScoreUpdate | null> {
  const { caching: _caching, trainedOn: _trainedOn, ...scoring } = resolveConfig(config);
  const inputs = options.windowId === undefined ? { config: scoring, events } : { config: scoring, windowId: options.windowId };
  const compute = (): ScoreUpdate | null => scoreWindow(kernels, symbol, events, config);
  return cachedScore(cache, symbol, inputs, compute, { namespace: WINDOW_NAMESPACE, ttlMs: options.ttlMs });
}
