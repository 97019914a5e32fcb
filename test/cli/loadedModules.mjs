// Preloaded with `node --import` by test/cli/startup.test.ts: records every module the
// process resolves through the ESM loader (the bundle's chunks and every package it
// imports) and, at exit, Node's internal modules that matter for start-up (undici, which
// touching the global `Response` loads), one per line, into the file LOADED_MODULES_FILE.
import { register } from "node:module";
import { MessageChannel } from "node:worker_threads";
import { writeFileSync } from "node:fs";

const { port1, port2 } = new MessageChannel();
const resolved = [];
port1.on("message", (url) => resolved.push(url));
port1.unref();
register(
  `data:text/javascript,${encodeURIComponent(`
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`)}`,
  { data: { port: port2 }, transferList: [port2] },
);

process.on("exit", () => {
  const internal = process.moduleLoadList.filter((m) => m.includes("undici")).map((m) => `internal:${m}`);
  writeFileSync(process.env.LOADED_MODULES_FILE, `${[...resolved, ...internal].join("\n")}\n`);
});
