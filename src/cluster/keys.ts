/**
 * The Redis key names of the scale-out protocol. Every per-symbol key carries the symbol
 * as a Redis Cluster hash tag (`{BTCUSDT}`), so all of one symbol's keys hash to the same
 * slot and every command and script of the protocol touches a single slot:
 *
 *   cf:in:{S}            input stream: one entry per market event, field `e` = encodeEvent text
 *   cf:out:{S}           output stream: one entry per score update, fields `in` (the input
 *                        entry id that caused it) and `u` (the ScoreUpdate as JSON)
 *   cf:done:{S}          hash: input entry id → outputs written for it ("0", "1", …), "bad"
 *                        (an entry that is not an event of S) or "dead" (its processing
 *                        failed: a poison message); written once per id
 *   cf:dead:{S}          dead-letter stream: one entry per poison message, fields `in` (its
 *                        input entry id), `kind` ("data" or "bug"), `reason`, then the
 *                        entry's original fields
 *   cf:score:{S}         the latest score update (JSON), with a TTL: the L2 cache's
 *                        `scoreKey(S)` under the prefix `cf:` (LatestScores reads it)
 *   cf:lease:{S}:G       who owns S in consumer group G (value: the owner's fencing token)
 *   cf:ckpt:{S}:G        group G's latest engine checkpoint of S: a hash, `id` (the last input
 *                        entry it covers) and `state` (StreamingEngine.checkpoint's bytes)
 *   cf:ckpts:{S}         hash: consumer group → the `id` of its latest checkpoint; the oldest
 *                        over the stream's groups bounds the trimming of cf:in:{S} (commit.ts)
 *
 * Two keys span symbols and live in slots of their own: the symbol registry `cf:symbols`
 * (a set the publisher adds to and workers read) and `cf:workers:G`, the live workers of
 * group G (a sorted set of consumer → expiry time, used to compute each worker's share).
 */

import { scoreKey } from "../cache/cacheKey.js";

/** The set of symbols that have an input stream. */
export const SYMBOLS_KEY = "cf:symbols";

/** The sorted set of live workers of a consumer group. */
export const workersKey = (group: string): string => `cf:workers:${group}`;

/** A symbol's input stream. */
export const inputKey = (symbol: string): string => `cf:in:{${symbol}}`;

/** A symbol's output stream (shared by every group: outputs are a function of the input). */
export const outputKey = (symbol: string): string => `cf:out:{${symbol}}`;

export interface SymbolKeys {
  readonly input: string;
  readonly output: string;
  readonly done: string;
  readonly dead: string;
  readonly score: string;
  readonly lease: string;
  readonly checkpoint: string;
  readonly checkpoints: string;
}

/** One symbol's keys (the lease is per consumer group). */
export function symbolKeys(symbol: string, group: string): SymbolKeys {
  const tag = `{${symbol}}`;
  return {
    input: inputKey(symbol),
    output: outputKey(symbol),
    done: `cf:done:${tag}`,
    dead: `cf:dead:${tag}`,
    score: `cf:${scoreKey(symbol)}`,
    lease: `cf:lease:${tag}:${group}`,
    checkpoint: `cf:ckpt:${tag}:${group}`,
    checkpoints: `cf:ckpts:${tag}`,
  };
}

/** The longest symbol name the protocol accepts (UTF-16 code units); exchange symbols are a few dozen at most. */
export const MAX_SYMBOL_LENGTH = 128;

/**
 * A symbol that can be a hash tag: non-empty, without braces (which would end or nest the
 * tag), with no lone surrogate (Redis keys are UTF-8: two such symbols would become one key),
 * and at most MAX_SYMBOL_LENGTH long (a symbol is part of every key and log line of its own).
 */
export const taggableSymbol = (symbol: string): boolean =>
  symbol.length > 0 && symbol.length <= MAX_SYMBOL_LENGTH && !/[{}]|\p{Cs}/u.test(symbol);
