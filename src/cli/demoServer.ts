/**
 * `confluence demo`: serves the live dashboard (dist/demo/, built by scripts/buildDemo.mjs)
 * and the bundled spot captures (data/binance-spot-*.gz under /data/, listed by
 * /data/index.json: the page replays them as one stream of two symbols; the futures
 * captures are another market whose ETHUSDT would merge with spot's) on 127.0.0.1, and
 * prints the URL. It runs from the package as installed: both directories are found
 * beside the bundle (dist/ holds this module, data/ is next to it).
 *
 * Only known files are served: the names are read from the two directories at start,
 * and a request path is looked up in that table, never joined onto the disk path, so
 * there is no way out of either directory. The pages are cross-origin isolated
 * (COOP/COEP), which gives the worker's performance.now() its finest resolution.
 * Node-only.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfluenceError } from "../errors.js";
import { UsageError } from "./usageError.js";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".gz": "application/gzip",
  ".svg": "image/svg+xml",
};

const ISOLATION = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
};

interface DemoServer {
  readonly url: string;
  close(): Promise<void>;
}

/** The directories served: the built dashboard and the captures. */
interface DemoDirectories {
  readonly demo: string;
  readonly data: string;
}

const PACKAGE: DemoDirectories = {
  demo: fileURLToPath(new URL("./demo/", import.meta.url)),
  data: fileURLToPath(new URL("../data/", import.meta.url)),
};

/** URL path -> file on disk, for every file the demo may serve. */
async function routes(dirs: DemoDirectories): Promise<{ table: Map<string, string>; index: string }> {
  const table = new Map<string, string>();
  let built: string[];
  try {
    built = await readdir(dirs.demo);
  } catch {
    throw new ConfluenceError(`${dirs.demo} is missing: expected the dashboard built there (run \`npm run build\` in a checkout)`);
  }
  for (const name of built) if (TYPES[extname(name)]) table.set(`/${name}`, join(dirs.demo, name));
  if (!table.has("/index.html"))
    throw new ConfluenceError(`${dirs.demo} has no index.html: expected the dashboard built there (run \`npm run build\` in a checkout)`);
  table.set("/", join(dirs.demo, "index.html"));
  const captures = (await readdir(dirs.data).catch(() => []))
    .filter((name) => name.startsWith("binance-spot-") && name.endsWith(".gz"))
    .sort();
  for (const name of captures) table.set(`/data/${name}`, join(dirs.data, name));
  return { table, index: JSON.stringify(captures) };
}

/** Starts the demo server on 127.0.0.1 (`port` 0: a free one); resolves to its URL and a close() that stops it. */
async function startDemoServer(port = 0, dirs: DemoDirectories = PACKAGE): Promise<DemoServer> {
  const { table, index } = await routes(dirs);
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store", ...ISOLATION });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain; charset=utf-8", "method not allowed\n");
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return send(400, "text/plain; charset=utf-8", "bad request\n");
    }
    if (path === "/data/index.json") return send(200, TYPES[".json"]!, index);
    const file = table.get(path);
    if (!file) return send(404, "text/plain; charset=utf-8", "not found\n");
    readFile(file).then(
      (body) => send(200, TYPES[extname(file)]!, body),
      () => send(500, "text/plain; charset=utf-8", "unreadable file\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      reject(
        e.code === "EADDRINUSE"
          ? new UsageError(`--port ${port}: already in use on 127.0.0.1: expected a free port, or 0 for any`)
          : e.code === "EACCES"
            ? new UsageError(`--port ${port}: not allowed for this user: expected a port above 1023, or 0 for any`)
            : e,
      );
    });
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serves until SIGINT or SIGTERM, then stops and resolves (exit 0). */
export async function demoCommand(port: number, print: (line: string) => void): Promise<void> {
  const server = await startDemoServer(port);
  print(`confluence-hft dashboard: ${server.url}  (Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
}
