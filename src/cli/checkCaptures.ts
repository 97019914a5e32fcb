/**
 * The capture files a command was given, checked before any work: each must be a
 * readable file (a regular file, a FIFO, /dev/stdin…), or `-` for standard input, given
 * at most once. Anything else is a UsageError in words (`no such file: x.gz`,
 * `data: is a directory`), never Node's raw ENOENT/EISDIR text. Node-only.
 */
import { accessSync, constants, statSync } from "node:fs";
import { UsageError } from "./usageError.js";

export function checkCaptures(files: readonly string[]): void {
  if (files.filter((f) => f === "-").length > 1)
    throw new UsageError("- (standard input) is given more than once: expected it at most once");
  for (const file of files) {
    if (file === "-") continue;
    const info = statSync(file, { throwIfNoEntry: false });
    if (!info) throw new UsageError(`no such file: ${file}`);
    if (info.isDirectory()) throw new UsageError(`${file}: is a directory: expected a capture file`);
    try {
      accessSync(file, constants.R_OK);
    } catch {
      throw new UsageError(`${file}: permission denied: expected a readable capture file`);
    }
  }
}
