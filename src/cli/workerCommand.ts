/**
 * `confluence worker --redis URL --group NAME [--backend wasm|js] [--lease-ms N]
 * [--claim-idle-ms N] [--exit-when-idle-ms N] [--batch N] [--score-ttl-ms N]
 * [--max-symbols N] [--max-entry-bytes N]`: one worker
 * of a consumer group (src/cluster/clusterWorker.ts). Progress lines go to stderr; on exit
 * (SIGTERM/SIGINT: graceful — leases released; or idle for --exit-when-idle-ms) it prints
 * one JSON line to stdout: the consumer name and per-symbol counts.
 */
import { InvalidConfigError } from "../errors.js";
import { ClusterWorker, type WorkerOptions } from "../cluster/clusterWorker.js";
import { redisUrl } from "./redisUrl.js";
import { ArgReader, UsageError } from "./usage.js";

const USAGE = "usage: confluence worker --redis URL --group NAME [--backend wasm|js] [--lease-ms N] [--claim-idle-ms N] [--exit-when-idle-ms N] [--batch N] [--score-ttl-ms N] " +
  "[--max-symbols N] [--max-entry-bytes N]";

/** The numeric flags and the option each sets (the worker validates the values). */
const NUMERIC = {
  "--lease-ms": "leaseMs", "--claim-idle-ms": "claimIdleMs", "--exit-when-idle-ms": "exitWhenIdleMs", "--batch": "batch", "--score-ttl-ms": "scoreTtlMs",
  "--max-symbols": "maxSymbols", "--max-entry-bytes": "maxEntryBytes",
} as const;
type NumericOption = (typeof NUMERIC)[keyof typeof NUMERIC];

export async function workerCommand(args: string[]): Promise<void> {
  let url: string | undefined, group: string | undefined, backend: "wasm" | "js" = "wasm";
  const numbers: Partial<Record<NumericOption, number>> = {};
  const reader = new ArgReader(args, USAGE);
  const value = (): string => reader.value();
  for (let a = reader.next(); a !== undefined; a = reader.next()) {
    if (a === "--redis") url = redisUrl(value());
    else if (a === "--group") group = value();
    else if (a === "--backend") {
      const v = value();
      if (v !== "wasm" && v !== "js") throw new UsageError(`--backend ${v}: expected wasm or js`);
      backend = v;
    } else if (a in NUMERIC) {
      const v = value();
      numbers[NUMERIC[a as keyof typeof NUMERIC]] = v.trim() === "" ? NaN : Number(v);
    } else throw new UsageError(`unknown ${a.startsWith("-") ? "flag" : "argument"} '${a}'; ${USAGE}`);
  }
  if (!url) throw new UsageError(`worker needs --redis URL; ${USAGE}`);
  if (!group) throw new UsageError(`worker needs --group NAME; ${USAGE}`);
  let name = "";
  const options: WorkerOptions = { url, group, backend, ...numbers, log: (line) => process.stderr.write(`confluence worker ${name}: ${line}\n`) };
  let worker: ClusterWorker;
  try {
    worker = new ClusterWorker(options);
    name = worker.consumer;
  } catch (e) {
    if (!(e instanceof InvalidConfigError)) throw e;
    const flag = Object.keys(NUMERIC).find((f) => NUMERIC[f as keyof typeof NUMERIC] === e.key);
    throw new UsageError(`${flag ?? e.key} ${String(e.value)}: expected ${e.expected}`);
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
