/**
 * `confluence publish --redis URL [--batch N] <captures…>`: feeds recorded captures into
 * the Redis input streams, one per symbol (src/cluster/publisher.ts), and prints what it
 * published per symbol and in total.
 */
import { existsSync } from "node:fs";
import { connectRedis } from "../cluster/connect.js";
import { inputKey } from "../cluster/keys.js";
import { publishCaptures } from "../cluster/publisher.js";
import { redisUrl } from "./redisUrl.js";
import { ArgReader, UsageError } from "./usage.js";

const USAGE = "usage: confluence publish --redis URL [--batch N] <captures…>";

export async function publishCommand(args: string[]): Promise<void> {
  const files: string[] = [];
  let url: string | undefined, batch: number | undefined;
  const reader = new ArgReader(args, USAGE);
  const value = (): string => reader.value();
  for (let a = reader.next(); a !== undefined; a = reader.next()) {
    if (a === "--redis") url = redisUrl(value());
    else if (a === "--batch") {
      const v = value();
      batch = Number(v);
      if (!Number.isInteger(batch) || batch < 1 || batch > 100_000) throw new UsageError(`--batch ${v}: expected an integer from 1 to 100000`);
    } else if (a.startsWith("-")) throw new UsageError(`unknown flag '${a}'; ${USAGE}`);
    else files.push(a);
  }
  if (!url) throw new UsageError(`publish needs --redis URL; ${USAGE}`);
  if (files.length === 0) throw new UsageError(`publish needs at least one capture file; ${USAGE}`);
  for (const f of files) if (!existsSync(f)) throw new UsageError(`no such file: ${f}`);
  const redis = await connectRedis(url);
  try {
    const r = await publishCaptures(redis, files, batch === undefined ? {} : { batch });
    const width = Math.max(6, ...Object.keys(r.symbols).map((s) => s.length));
    for (const [symbol, n] of Object.entries(r.symbols)) console.log(`${symbol.padEnd(width)}  ${String(n).padStart(9)} events → ${inputKey(symbol)}`);
    const rate = r.seconds > 0 ? Math.round(r.events / r.seconds) : 0;
    console.log(`published ${r.events} events for ${Object.keys(r.symbols).length} symbols in ${r.seconds.toFixed(2)} s (${rate} events/s); ` +
      `${r.capture.rejected} malformed capture lines, ${r.skipped} events skipped (symbol not usable as a hash tag)`);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
