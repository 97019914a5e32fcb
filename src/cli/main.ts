/**
 * The `confluence` command. Bad invocations (unknown command or flag, missing file,
 * unreadable capture) print one line to stderr and exit non-zero; no stack traces.
 *
 *   confluence replay <files…> [--json] [--out scores.jsonl] [--report report.html] [--backend wasm|js] [--workers N]
 *   confluence worker --redis URL --group NAME [--backend wasm|js]   (src/cli/workerCommand.ts)
 *   confluence publish --redis URL <files…>                          (src/cli/publish.ts)
 *   confluence kernels [capture]
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConfluenceError } from "../errors.js";
import { kernelsReport } from "./kernelsReport.js";
import { replay, type ReplayOptions } from "./replay.js";
import { ArgReader, UsageError } from "./usage.js";

const USAGE = "usage: confluence replay <files…> [--json] [--out scores.jsonl] [--report report.html] [--backend wasm|js] [--workers N] | " +
  "confluence worker --redis URL --group NAME | confluence publish --redis URL <files…> | confluence kernels [capture]";
const BUNDLED = fileURLToPath(new URL("../data/binance-spot-btcusdt-2024-08-08.jsonl.gz", import.meta.url));


function parseReplay(args: string[]): ReplayOptions {
  const files: string[] = [];
  let json = false, backend: "wasm" | "js" = "wasm";
  let out: string | undefined, report: string | undefined, workers = 0;
  const reader = new ArgReader(args, USAGE);
  const value = (): string => reader.value();
  for (let a = reader.next(); a !== undefined; a = reader.next()) {
    if (a === "--json") json = true;
    else if (a === "--out") out = value();
    else if (a === "--report") report = value();
    else if (a === "--backend") {
      const v = value();
      if (v !== "wasm" && v !== "js") throw new UsageError(`--backend ${v}: expected wasm or js`);
      backend = v;
    } else if (a === "--workers") {
      const v = value();
      workers = Number(v);
      if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new UsageError(`--workers ${v}: expected an integer from 1 to 256`);
    } else if (a.startsWith("-")) throw new UsageError(`unknown flag '${a}'; ${USAGE}`);
    else files.push(a);
  }
  if (files.length === 0) throw new UsageError(`replay needs at least one capture file; ${USAGE}`);
  for (const f of files) if (!existsSync(f)) throw new UsageError(`no such file: ${f}`);
  return { files, json, backend, ...(out ? { out } : {}), ...(report ? { report } : {}), ...(workers ? { workers } : {}) };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    console.log(USAGE);
    return;
  }
  if (command === "replay") return replay(parseReplay(rest), (s) => process.stdout.write(`${s}\n`));
  if (command === "worker") return (await import("./workerCommand.js")).workerCommand(rest);
  if (command === "publish") return (await import("./publish.js")).publishCommand(rest);
  if (command === "kernels") {
    if (rest.some((a) => a.startsWith("-"))) throw new UsageError(`unknown flag '${rest.find((a) => a.startsWith("-"))}'; ${USAGE}`);
    if (rest.length > 1) throw new UsageError(`kernels takes at most one capture file; ${USAGE}`);
    const file = rest[0] ?? BUNDLED;
    if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
    return kernelsReport(file, (line) => console.log(line));
  }
  throw new UsageError(`unknown command '${command}'; ${USAGE}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  // a usage error (2) or bad input (1) is the user's to fix; anything else is a bug of ours (70, EX_SOFTWARE)
  const known = err instanceof UsageError || err instanceof ConfluenceError;
  console.error(`confluence: ${known ? "" : `internal error (please report it): ${err instanceof Error ? `${err.name}: ` : ""}`}${message.split("\n")[0]}`);
  process.exit(err instanceof UsageError ? 2 : err instanceof ConfluenceError ? 1 : 70);
});
