/**
 * The `confluence` command. Bad invocations print one line to stderr and exit 2;
 * no stack traces for user errors.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { kernelsReport } from "./kernelsReport.js";

const USAGE = "usage: confluence kernels [capture.jsonl[.gz]]";
const BUNDLED = fileURLToPath(new URL("../data/binance-spot-btcusdt-2024-08-08.jsonl.gz", import.meta.url));

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command = "kernels", ...rest] = argv;
  if (command === "--help" || command === "-h") {
    console.log(USAGE);
    return;
  }
  if (command !== "kernels") throw new UsageError(`unknown command '${command}'; ${USAGE}`);
  const flags = rest.filter((a) => a.startsWith("-"));
  if (flags.length) throw new UsageError(`unknown flag '${flags[0]}'; ${USAGE}`);
  if (rest.length > 1) throw new UsageError(`expected at most one capture file; ${USAGE}`);
  const file = rest[0] ?? BUNDLED;
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  await kernelsReport(file, (line) => console.log(line));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`confluence: ${message}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
