/**
 * The `--redis URL` flag of the cluster commands: redis:// or rediss:// with a host, an
 * optional port and an optional database number as the path (ioredis would read anything
 * else as a socket path, a bad port as a crash, and a bad database as 0).
 */
import { UsageError } from "./usageError.js";

const FORM = "expected a URL like redis://[user:password@]host[:port][/db]";

export function redisUrl(v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`--redis ${v}: ${FORM}`);
  }
  if ((u.protocol !== "redis:" && u.protocol !== "rediss:") || u.hostname === "") throw new UsageError(`--redis ${v}: ${FORM}`);
  if (u.pathname !== "" && u.pathname !== "/" && !/^\/\d{1,5}$/.test(u.pathname)) {
    throw new UsageError(`--redis ${v}: the path must be a database number (/0, /1, …); ${FORM}`);
  }
  return v;
}
