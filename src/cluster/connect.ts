/**
 * Connecting to the Redis server the publisher and the workers share. The first
 * connection must succeed (else RedisUnavailableError, with the reason: refused, unknown
 * host, …) and the server must be Redis ≥ 6.2 (XAUTOCLAIM, exclusive XRANGE bounds).
 * After that, a dropped connection is retried with backoff for as long as it takes;
 * commands issued meanwhile fail after a few retries and the caller decides what to do.
 */
import { Redis } from "ioredis";
import { RedisUnavailableError } from "../index.js";

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

export async function connectRedis(url: string): Promise<Redis> {
  let connected = false;
  let lastError: Error | undefined;
  const redis = new Redis(url, {
    lazyConnect: true,
    retryStrategy: (times) => (connected ? Math.min(times * 200, 2_000) : null),
  });
  redis.on("error", (e: Error) => {
    lastError = e;
  });
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new RedisUnavailableError(redactUrl(url), (lastError ?? (e as Error)).message);
  }
  connected = true;
  const version = /redis_version:(\d+)\.(\d+)/.exec(await redis.info("server"));
  const [major, minor] = version ? [Number(version[1]), Number(version[2])] : [0, 0];
  if (major < 6 || (major === 6 && minor < 2)) {
    redis.disconnect();
    throw new RedisUnavailableError(redactUrl(url), `server is Redis ${version ? `${major}.${minor}` : "of unknown version"}`);
  }
  return redis;
}
