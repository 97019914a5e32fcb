/**
 * Where a worker script is on disk. The library runs bundled: this code is inside
 * dist/node.js or dist/cli.js, and scripts/build.mjs bundles the workers (engineThread.ts,
 * evaluateThread.ts) to dist/parallel/, next to them; a benchmark bundled into dist/bench/ finds
 * them one level up. Run from the TypeScript sources (vitest) there is no worker of its own
 * to start — Node 20 cannot run a .ts file as a worker thread without a loader — so the
 * built one is used: build first (`npm test` does). The first candidate that exists wins.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CANDIDATES = [
  "./parallel/", // dist/node.js, dist/cli.js
  "../parallel/", // dist/bench/*.js
  "../../dist/parallel/", // src/parallel/*.ts
];

/** The path of a worker script of dist/parallel/ (the first candidate when none exists: starting it then fails with that path). */
export function workerFile(name: "engineThread" | "evaluateThread" = "engineThread"): string {
  const paths = CANDIDATES.map((c) => fileURLToPath(new URL(`${c}${name}.js`, import.meta.url)));
  return paths.find((p) => existsSync(p)) ?? paths[0]!;
}
