/**
 * The live workers of a consumer group, for sharing symbols out: each worker heartbeats
 * into `cf:workers:G` (a sorted set of consumer → expiry), and a worker's fair share is
 * ⌈symbols / live workers⌉. Expiry times come from the Redis server's clock (TIME inside
 * the script), so workers on machines with skewed clocks still agree on who is alive.
 */
import type { Cluster, Redis } from "ioredis";
import { workersKey } from "./keys.js";
import { LuaScript } from "./luaScript.js";

const HEARTBEAT = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return redis.call('ZCARD', KEYS[1])`);

/** Marks `consumer` alive for `ttlMs`; resolves to the number of live workers, itself included. */
export async function heartbeat(redis: Redis | Cluster, group: string, consumer: string, ttlMs: number): Promise<number> {
  return (await HEARTBEAT.run(redis, [workersKey(group)], [consumer, ttlMs])) as number;
}

/** Removes `consumer` from the live workers (a graceful exit). */
export async function leave(redis: Redis | Cluster, group: string, consumer: string): Promise<void> {
  await redis.zrem(workersKey(group), consumer);
}

/** The number of symbols a worker should own: ⌈symbols / live workers⌉. */
export const fairShare = (symbols: number, workers: number): number => Math.ceil(symbols / Math.max(1, workers));
