/** The `--redis URL` flag of the cluster commands: redis:// or rediss:// only (ioredis would read anything else as a socket path). */
import { UsageError } from "./usage.js";

export function redisUrl(v: string): string {
  if (!/^rediss?:\/\/[^/]/.test(v)) throw new UsageError(`--redis ${v}: expected a URL like redis://host:6379`);
  return v;
}
