// `npm run demo`: serves the live dashboard (dist/demo/, built by scripts/buildDemo.mjs)
// and the bundled spot captures (data/binance-spot-*.gz under /data/, listed by
// /data/index.json: the page replays them as one stream of two symbols; the futures
// captures are another market whose ETHUSDT would merge with spot's) on 127.0.0.1. PORT picks the port (default 0: a free one); the URL is printed.
//
// Only known files are served: the names are read from dist/demo/ and data/ at start,
// and a request path is looked up in that table, never joined onto the disk path, so
// there is no way out of either directory. The pages are cross-origin isolated
// (COOP/COEP), which gives the worker's performance.now() its finest resolution.
import { createServer } from "node:http";
import { readdir, readFile } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const TYPES = {
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

/** URL path -> file on disk, for every file the demo may serve. */
async function routes() {
  const demo = join(root, "dist/demo");
  const data = join(root, "data");
  const table = new Map();
  let built;
  try {
    built = await readdir(demo);
  } catch {
    throw new Error(`dist/demo/ is missing: run \`npm run build\` first (expected the dashboard built by scripts/buildDemo.mjs)`);
  }
  for (const name of built) if (TYPES[extname(name)]) table.set(`/${name}`, join(demo, name));
  if (table.has("/index.html")) table.set("/", join(demo, "index.html"));
  const captures = (await readdir(data)).filter((name) => name.startsWith("binance-spot-") && name.endsWith(".gz")).sort();
  for (const name of captures) table.set(`/data/${name}`, join(data, name));
  return { table, index: JSON.stringify(captures) };
}

/** Starts the demo server; resolves to its URL and a close() that stops it. */
export async function startDemoServer({ port = 0 } = {}) {
  const { table, index } = await routes();
  const server = createServer(async (req, res) => {
    const send = (status, type, body) => {
      res.writeHead(status, { "Content-Type": type, "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store", ...ISOLATION });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "text/plain; charset=utf-8", "method not allowed\n");
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return send(400, "text/plain; charset=utf-8", "bad request\n");
    }
    if (path === "/data/index.json") return send(200, TYPES[".json"], index);
    const file = table.get(path);
    if (!file) return send(404, "text/plain; charset=utf-8", "not found\n");
    try {
      send(200, TYPES[extname(file)], await readFile(file));
    } catch {
      send(500, "text/plain; charset=utf-8", "unreadable file\n");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: bound } = server.address();
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`demo: PORT=${process.env.PORT}: expected a port number 0–65535`);
    process.exit(2);
  }
  let server = null;
  const stop = async () => {
    await server?.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    server = await startDemoServer({ port });
  } catch (e) {
    console.error(`demo: ${e.message}`);
    process.exit(1);
  }
  console.log(`confluence-hft dashboard: ${server.url}  (Ctrl-C stops)`);
}
