/**
 * The `confluence` command (the commands and flags: program.ts; `confluence --help`).
 * Results go to stdout, messages to stderr, never a stack trace. Exit status:
 *   0  done (help and --version included);
 *   1  the work failed: bad input (a truncated gzip, a file that is not a capture, Redis
 *      unreachable: a typed error's one line), or a bug of ours, told apart by its line
 *      `internal error (please report it): …` — for a script both mean "this run produced
 *      no result", so they share the code, as the issue asks (0/1/2; 70 is gone);
 *   2  a usage error: an unknown command or flag (with a did-you-mean), a bad value, a
 *      missing input file, an output path that cannot be written — checked before any
 *      work — and no command at all (the help goes to stderr).
 */
import { CommanderError } from "commander";
import { ConfluenceError } from "../errors.js";
import { createProgram } from "./program.js";
import { UsageError } from "./usageError.js";

/** The one line a failure prints (without the `confluence: ` prefix) and its exit status. */
function failure(err: unknown): { line: string | null; status: number } {
  if (err instanceof CommanderError) return { line: null, status: err.exitCode === 0 ? 0 : 2 };
  if (err instanceof UsageError) return { line: err.message, status: 2 };
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0]!;
  if (err instanceof ConfluenceError) return { line: message, status: 1 };
  return { line: `internal error (please report it): ${err instanceof Error ? `${err.name}: ` : ""}${message}`, status: 1 };
}

try {
  await createProgram().parseAsync(process.argv.slice(2), { from: "user" });
} catch (err) {
  const { line, status } = failure(err);
  if (line !== null) process.stderr.write(`confluence: ${line}\n`);
  // worker threads, sockets or a server may still be open after a failure: they must not keep the process
  process.exit(status);
}
