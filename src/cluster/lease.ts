/**
 * Symbol leases: a symbol's engine state lives in one worker at a time, the holder of the
 * symbol's lease key. Taking it is `SET key token NX PX leaseMs`; the holder renews it
 * while alive (compare-and-set on its token) and deletes it when it lets go (same check),
 * so a worker can never extend or drop a lease another worker holds. A killed worker
 * simply stops renewing: its leases expire after `leaseMs` and another worker takes them.
 *
 * The token also fences the holder's work: reads of new entries and commits of outputs
 * check it atomically (fencedRead.ts, commit.ts), so a worker whose lease lapsed (a long
 * pause, a network partition) can neither take delivery of entries nor write anything.
 */
import type { Cluster, Redis } from "ioredis";
import { LuaScript } from "./luaScript.js";

const RENEW = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/** Takes the lease if nobody holds it; true when taken. */
export async function acquireLease(redis: Redis | Cluster, key: string, token: string, leaseMs: number): Promise<boolean> {
  return (await redis.set(key, token, "PX", leaseMs, "NX")) === "OK";
}

/** Extends a lease this token holds by `leaseMs` from now; false when it is no longer held. */
export async function renewLease(redis: Redis | Cluster, key: string, token: string, leaseMs: number): Promise<boolean> {
  return (await RENEW.run(redis, [key], [token, leaseMs])) === 1;
}

/** Drops a lease this token holds (no effect on anyone else's). */
export async function releaseLease(redis: Redis | Cluster, key: string, token: string): Promise<void> {
  await RELEASE.run(redis, [key], [token]);
}
