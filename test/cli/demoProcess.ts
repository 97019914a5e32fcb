/**
 * `confluence demo` as a process (the built dist/cli.js): started on a free port, its URL
 * read from the line it prints, stopped with SIGTERM. What the dashboard tests run against.
 */
import { spawn } from "node:child_process";
import { CLI } from "./runCli.js";

export interface DemoProcess {
  readonly url: string;
  /** Sends SIGTERM; resolves to the exit status. */
  close(): Promise<number | null>;
}

export function startDemo(args: readonly string[] = ["--port", "0"]): Promise<DemoProcess> {
  const child = spawn(process.execPath, [CLI, "demo", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "",
    stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const url = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
      if (url)
        resolve({
          url,
          close: () => {
            child.kill("SIGTERM");
            return exited;
          },
        });
    });
    void exited.then((code) => reject(new Error(`confluence demo exited with ${code} before printing its URL: ${stderr}`)));
  });
}
