/**
 * The frame of every scale-out suite: a redis-server of its own (no persistence), a
 * client on it that survives the server being stopped and restarted, a clean database
 * before each test, and every spawned process killed at the end.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { Redis } from "ioredis";
import { killAll } from "../support/cluster.js";
import { RedisServer } from "../support/redis.js";

/** Registers the hooks; `ready` receives the server and the client once they are up (and may prepare more). */
export function redisSuite(ready: (server: RedisServer, redis: Redis) => Promise<void> | void): void {
  let server: RedisServer | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    server = await RedisServer.start();
    redis = new Redis(server.url);
    redis.on("error", () => {}); // a test stops the server: this client reconnects once it is back
    await ready(server, redis);
  });

  beforeEach(async () => {
    await redis!.flushall();
  });

  afterAll(async () => {
    await killAll();
    redis?.disconnect();
    await server?.stop();
  });
}
