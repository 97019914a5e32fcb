// Builds the live dashboard into dist/demo/: the page script (main.ts, with
// lightweight-charts bundled in) and the replay worker (replayWorker.ts, with the library and
// its inlined WASM), both minified ESM for browsers, plus the static files beside them.
// Called by scripts/build.mjs with its esbuild and common options.
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

const STATIC = /\.(html|css|svg)$/;

export async function buildDemo(esbuild, common, root) {
  const src = join(root, "src/demo");
  const out = join(root, "dist/demo");
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await esbuild.build({
    ...common,
    platform: "browser",
    minify: true,
    entryPoints: [join(src, "main.ts"), join(src, "replayWorker.ts")],
    outdir: out,
  });
  for (const name of await readdir(src)) if (STATIC.test(name)) await copyFile(join(src, name), join(out, name));
}
