// Whether `node scripts/build.mjs --if-changed` (npm start, npm run demo) may skip the build:
// a SHA-256 over every input of the build — path and content of each source, spec, script,
// page and configuration file, in a fixed order — is written to build/inputs.sha256 after a
// successful full build and compared before the next. Contents, not mtimes: a checkout or a
// copy that resets the times does not fool it, and an edit undone is no change. The build
// is also run when one of its main outputs is missing. `npm run build` and `npm test` always
// build.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Directories whose files are inputs (the generated folders and bench/results are outputs). */
const INPUT_DIRS = ["assembly", "src", "scripts", "bench", "test/browser", "test/support"];
const SKIP_DIRS = ["src/wasm/generated", "assembly/generated", "src/kernels/generated", "bench/results"];
const INPUT_EXTENSIONS = /\.(ts|mts|js|mjs|json|html|css|svg)$/;
const INPUT_FILES = ["package.json", "package-lock.json", "asconfig.json", "tsconfig.json", "tsconfig.build.json"];
/** What a full build writes, and a run of the CLI, the library or the demo needs. */
const OUTPUTS = [
  "src/wasm/generated/wasmBytes.ts",
  "dist/index.js",
  "dist/node.js",
  "dist/cli.js",
  "dist/parallel/engineThread.js",
  "dist/browser/confluence.min.js",
  "dist/demo/index.html",
  "dist/types/index.d.ts",
];
export const STAMP = "build/inputs.sha256";

async function filesUnder(root, dir) {
  const out = [];
  const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.includes(path) && e.name !== "node_modules") out.push(...(await filesUnder(root, path)));
    } else if (e.isFile() && INPUT_EXTENSIONS.test(e.name)) out.push(path);
  }
  return out;
}

/** The hash of every input of the build below `root`. */
export async function inputsHash(root) {
  const files = [...INPUT_FILES.filter((f) => existsSync(join(root, f)))];
  for (const dir of INPUT_DIRS) files.push(...(await filesUnder(root, dir)));
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** `{ fresh: true }` when the last full build had exactly these inputs and its outputs are all there; else why not. */
export async function buildState(root) {
  const missing = OUTPUTS.find((f) => !existsSync(join(root, f)));
  if (missing) return { fresh: false, reason: `${missing} is missing` };
  const stamp = await readFile(join(root, STAMP), "utf8").catch(() => null);
  if (stamp === null) return { fresh: false, reason: `no ${STAMP} from an earlier build` };
  if (stamp.trim() !== (await inputsHash(root))) return { fresh: false, reason: "sources changed since the last build" };
  return { fresh: true, reason: "nothing changed since the last build" };
}

/** Forgets the last build (before building: a build that fails leaves no stamp behind). */
export async function clearStamp(root) {
  await rm(join(root, STAMP), { force: true });
}

/** Records the inputs of the build that just succeeded. */
export async function writeStamp(root, hash) {
  await mkdir(dirname(join(root, STAMP)), { recursive: true });
  await writeFile(join(root, STAMP), `${hash}\n`);
}
