/**
 * Runs the built `confluence` command (dist/cli.js; npm test builds first) as a process,
 * optionally with bytes on its standard input and a module preloaded with `--import`,
 * and returns its exit status and both outputs. Never throws for a non-zero exit.
 */
import { spawn } from "node:child_process";

export const CLI = new URL("../../dist/cli.js", import.meta.url).pathname;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  /** Written to the command's standard input, which is then closed (default: closed at once). */
  readonly input?: Uint8Array | string;
  /** A module run before the command (`node --import`). */
  readonly preload?: string;
  readonly env?: Readonly<Record<string, string>>;
}

export function confluence(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [...(options.preload ? ["--import", options.preload] : []), CLI, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "",
    stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  // a command that exits before reading all of its input closes the pipe: that is not an error here
  child.stdin.on("error", () => {});
  child.stdin.end(options.input);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
