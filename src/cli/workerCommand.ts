/**
 * `confluence worker --redis URL | --redis-cluster NODES --group NAME [flags]`: one worker of a consumer group
 * (src/cluster/clusterWorker.ts), scoring under the configuration given (`--preset`,
 * `--config`). Progress lines go to stderr; on exit (SIGTERM/SIGINT: graceful — leases
 * released; or idle for --exit-when-idle-ms) it prints one JSON line to stdout: the
 * consumer name and per-symbol counts. The numeric flags are the worker's options of
 * the same name; the worker validates them, and a value it refuses is a usage error
 * naming the flag.
 */
import { InvalidConfigError } from "../errors.js";
import type { ConfluenceConfigInput } from "../confluence/config.js";
import { ClusterWorker, type WorkerOptions } from "../cluster/clusterWorker.js";
import { redisTarget, type RedisFlags } from "./redisTarget.js";
import { UsageError } from "./usageError.js";

/** The numeric options, as commander names the values of their flags (--lease-ms → leaseMs). */
const NUMERIC = [
  "leaseMs",
  "claimIdleMs",
  "exitWhenIdleMs",
  "batch",
  "scoreTtlMs",
  "maxSymbols",
  "maxEntryBytes",
  "checkpointEvery",
  "checkpointMs",
  "outMaxlen",
] as const;
type NumericOption = (typeof NUMERIC)[number];

export type WorkerFlags = RedisFlags & { readonly group: string; readonly backend: "wasm" | "js" } & Readonly<
    Partial<Record<NumericOption, string>>
  >;

const flagOf = (option: string): string => `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export async function workerCommand(flags: WorkerFlags, config: ConfluenceConfigInput): Promise<void> {
  const numbers: Partial<Record<NumericOption, number>> = {};
  for (const key of NUMERIC) {
    const v = flags[key];
    if (v !== undefined) numbers[key] = v.trim() === "" ? NaN : Number(v);
  }
  let name = "";
  const options: WorkerOptions = {
    ...redisTarget(flags, true),
    group: flags.group,
    backend: flags.backend,
    ...numbers,
    engine: { config },
    log: (line) => process.stderr.write(`confluence worker ${name}: ${line}\n`),
  };
  let worker: ClusterWorker;
  try {
    worker = new ClusterWorker(options);
    name = worker.consumer;
  } catch (e) {
    if (!(e instanceof InvalidConfigError)) throw e;
    throw new UsageError(
      `${(NUMERIC as readonly string[]).includes(e.key) ? flagOf(e.key) : `--${e.key}`} ${String(e.value)}: expected ${e.expected}`,
    );
  }
  const stop = (): void => worker.stop();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  try {
    const summary = await worker.run();
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
  }
}
