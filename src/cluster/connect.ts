/**
 * Connecting to the Redis server the publisher and the workers share. The first
 * connection must succeed (else RedisUnavailableError, with the reason: refused, unknown
 * host, …) and the server must be Redis ≥ 6.2 (XAUTOCLAIM, exclusive XRANGE bounds).
 * After that, a dropped connection is retried with backoff for as long as it takes;
 * commands issued meanwhile fail after a few retries and the caller decides what to do.
 *
 * A command that was sent but not answered when the connection dropped is never sent
 * again (ioredis would by default): it may have run. Resending a read (`XREADGROUP … >`)
 * whose reply was lost would skip the entries it delivered, and resending a publish
 * script would append its events twice. Instead the call fails, the worker gives the
 * symbol up and takes it over again (claiming what is pending), and publish stops with
 * an error saying how far it got.
 */
import { Redis } from "ioredis";
import { RedisUnavailableError } from "../errors.js";

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

/** Why a connection failed, in words (`connection refused`), not Node's text (`connect ECONNREFUSED 127.0.0.1:1`). */
const CONNECT_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS did not answer)",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server",
};

function connectFailure(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined && CONNECT_FAILURES[code]) || e.message;
}

export async function connectRedis(url: string): Promise<Redis> {
  let connected = false;
  let lastError: Error | undefined;
  const redis = new Redis(url, {
    lazyConnect: true,
    autoResendUnfulfilledCommands: false,
    // a backstop: no command of the protocol blocks, so one unanswered this long is lost
    commandTimeout: 30_000,
    retryStrategy: (times) => (connected ? Math.min(times * 200, 2_000) : null),
  });
  redis.on("error", (e: Error) => {
    lastError = e;
  });
  // Without the resend, ioredis forgets the unanswered commands of a closed connection
  // without settling their promises (a caller would wait forever): fail them here, at once.
  redis.on("close", () =>
    failQueued(redis, ["commandQueue"], "the connection to Redis closed before it answered (the command may have run)"),
  );
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new RedisUnavailableError(redactUrl(url), connectFailure(lastError ?? (e as Error)));
  }
  connected = true;
  const db = redis.options.db ?? 0;
  if (db !== 0) {
    // ioredis selects the URL's database on connect but does not fail when the server refuses it
    try {
      await redis.select(db);
    } catch (e) {
      redis.disconnect();
      throw new RedisUnavailableError(redactUrl(url), `database ${db}: ${(e as Error).message}`);
    }
  }
  const version = /redis_version:(\d+)\.(\d+)/.exec(await redis.info("server"));
  const [major, minor] = version ? [Number(version[1]), Number(version[2])] : [0, 0];
  if (major < 6 || (major === 6 && minor < 2)) {
    redis.disconnect();
    throw new RedisUnavailableError(redactUrl(url), `server is Redis ${version ? `${major}.${minor}` : "of unknown version"}`);
  }
  return redis;
}

type QueuedCommand = { command: { reject(e: Error): void } };
type Queue = { length: number; shift(): QueuedCommand | undefined };

/** Rejects the commands waiting in ioredis's queues (its internals: sent and unanswered, or not yet sent). */
function failQueued(redis: Redis, queues: readonly ("commandQueue" | "offlineQueue")[], message: string): void {
  const internals = redis as unknown as Partial<Record<"commandQueue" | "offlineQueue", Queue>>;
  for (const name of queues) {
    const queue = internals[name];
    while (queue && queue.length > 0) queue.shift()!.command.reject(new Error(message));
  }
}

/**
 * Drops the connection for good and fails every command still waiting on it, at once
 * (a disconnect while ioredis is reconnecting leaves queued commands waiting for their
 * timeout). For shutting down when Redis does not answer.
 */
export function abandonConnection(redis: Redis): void {
  redis.disconnect();
  failQueued(redis, ["offlineQueue", "commandQueue"], "the connection to Redis was dropped (shutting down)");
}
