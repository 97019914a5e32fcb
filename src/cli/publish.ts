/**
 * `confluence publish --redis URL | --redis-cluster NODES [--batch N] <captures…>`: feeds recorded captures (`-`:
 * standard input) into the Redis input streams, one per symbol (src/cluster/publisher.ts),
 * and prints what it published per symbol and in total.
 */
import { connectRedisTarget } from "../cluster/connect.js";
import { inputKey } from "../cluster/keys.js";
import { publishCaptures } from "../cluster/publisher.js";
import { redisTarget, type RedisFlags } from "./redisTarget.js";

export interface PublishFlags extends RedisFlags {
  readonly batch: number;
  /** Events held (queued or unconfirmed) at most before reading waits for Redis. */
  readonly maxInFlight: number;
  /** The symbol of input that names none. */
  readonly symbol?: string;
  /** Merge the files by receive time. */
  readonly merge?: true;
}

export async function publishCommand(files: readonly string[], flags: PublishFlags): Promise<void> {
  const redis = await connectRedisTarget(redisTarget(flags, true)!);
  try {
    const r = await publishCaptures(redis, files, {
      batch: flags.batch,
      maxInFlight: flags.maxInFlight,
      ...(files.includes("-") ? { stdin: process.stdin } : {}),
      ...(flags.symbol ? { symbol: flags.symbol } : {}),
      ...(flags.merge ? { merge: true } : {}),
    });
    const width = Math.max(6, ...Object.keys(r.symbols).map((s) => s.length));
    for (const [symbol, n] of Object.entries(r.symbols))
      console.log(`${symbol.padEnd(width)}  ${String(n).padStart(9)} events → ${inputKey(symbol)}`);
    const rate = r.seconds > 0 ? Math.round(r.events / r.seconds) : 0;
    console.log(
      `published ${r.events} events for ${Object.keys(r.symbols).length} symbols in ${r.seconds.toFixed(2)} s (${rate} events/s); ` +
        `${r.capture.rejected} malformed capture lines, ${r.skipped} events skipped (symbol not usable as a hash tag)`,
    );
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
