/** A bad invocation of the `confluence` command: printed as one line, exit status 2. */
export class UsageError extends Error {}

/**
 * Walks a command's arguments: `for (let a = args.next(); a !== undefined; a = args.next())`,
 * and `args.value()` takes the value of the flag just read — a missing one (the end, or
 * another flag) is a UsageError naming the flag, followed by the command's usage line.
 */
export class ArgReader {
  private i = -1;

  constructor(private readonly args: readonly string[], private readonly usage: string) {}

  next(): string | undefined {
    return this.args[++this.i];
  }

  value(): string {
    const flag = this.args[this.i];
    const v = this.args[++this.i];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value; ${this.usage}`);
    return v;
  }
}
