/**
 * A file the CLI writes as a whole or not at all (`--out`, `--report`): written to a
 * temporary file beside the target and renamed over it only when the command succeeded,
 * so a failed run (a truncated gzip, a bug, Ctrl-C) never leaves a partial file that
 * looks complete, and an earlier good file of that name survives. Opened before the work
 * starts, so an unwritable path is a one-line usage error up front, not after a replay.
 * Node-only.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { once } from "node:events";
import { basename, dirname, join } from "node:path";
import { OutputWriteError } from "../errors.js";
import { UsageError } from "./usageError.js";

export class OutputFile {
  /** The first error of the stream (a failed write: disk full, or a write pending when it was discarded). */
  private failure: Error | null = null;

  private constructor(
    readonly path: string,
    private readonly temporary: string,
    private readonly stream: WriteStream,
  ) {
    // without a listener, a write still pending when discard() destroys the stream is an
    // unhandled 'error' event that kills the process; commit() reports a failure instead
    stream.on("error", (e) => {
      this.failure ??= e;
    });
  }

  /** Creates the temporary file; a UsageError (exit 2) naming `flag` when the path cannot be written. */
  static async open(path: string, flag: string): Promise<OutputFile> {
    const info = await stat(path).catch(() => null);
    if (info?.isDirectory()) throw new UsageError(`${flag} ${path}: is a directory: expected a file path`);
    const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    const stream = createWriteStream(temporary, { flags: "wx" });
    try {
      await once(stream, "open");
    } catch (e) {
      throw new UsageError(
        `${flag} ${path}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): expected a writable file path`,
      );
    }
    return new OutputFile(path, temporary, stream);
  }

  write(text: string): void {
    this.stream.write(text);
  }

  /** Finishes the file and puts it in place. */
  async commit(): Promise<void> {
    if (this.failure === null) {
      this.stream.end();
      await once(this.stream, "finish").catch(() => undefined);
    }
    if (this.failure !== null) {
      await this.discard();
      throw new OutputWriteError(this.path, this.failure.message);
    }
    await rename(this.temporary, this.path);
  }

  /** Drops what was written; the target is left as it was. */
  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.temporary, { force: true });
  }
}
