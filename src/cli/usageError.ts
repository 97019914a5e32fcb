/**
 * A bad invocation of the `confluence` command — an unknown command or flag, a bad flag
 * value, a missing or unreadable input file, an output path that cannot be written —
 * found before any work starts: printed as one line on stderr, exit status 2.
 */
export class UsageError extends Error {
  override name = "UsageError";
}
