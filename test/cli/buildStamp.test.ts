/**
 * `npm start` and `npm run demo` build only when something changed (scripts/buildStamp.mjs,
 * `node scripts/build.mjs --if-changed`), checked on a small copy of the layout in a
 * temporary directory, never by timing: fresh after a stamp of its inputs; stale after
 * a source changes, is added or removed, or an output goes missing; fresh again when an
 * edit is undone (contents, not mtimes); untouched by changes to the outputs
 * (src/wasm/generated, the generated core layouts, bench/results). And build.mjs itself, run there: it skips without
 * loading a compiler when fresh, and sets out to build when a source changed.
 */
import { describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
// @ts-expect-error: a plain .mjs build script, no declarations
import { buildState, inputsHash, STAMP, writeStamp } from "../../scripts/buildStamp.mjs";

interface State {
  fresh: boolean;
  reason: string;
}
const state = buildState as (root: string) => Promise<State>;
const hash = inputsHash as (root: string) => Promise<string>;
const stamp = writeStamp as (root: string, hash: string) => Promise<void>;

const FILES: Record<string, string> = {
  "package.json": "{}",
  "asconfig.json": "{}",
  "assembly/index.ts": "export function f(): i32 { return 1; }",
  "src/index.ts": "export const x = 1;",
  "src/cli/main.ts": "console.log(1);",
  "scripts/build.mjs": "",
  "bench/kernels.bench.ts": "",
  "test/browser/harness.ts": "",
  "test/support/capture.ts": "",
  // outputs
  "src/wasm/generated/wasmBytes.ts": "// generated",
  "dist/index.js": "",
  "dist/node.js": "",
  "dist/cli.js": "",
  "dist/parallel/engineThread.js": "",
  "dist/browser/confluence.min.js": "",
  "dist/demo/index.html": "",
  "dist/types/index.d.ts": "",
  "bench/results/kernels.json": "{}",
};

function layout(): string {
  const root = mkdtempSync(join(tmpdir(), "confluence-stamp-"));
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

describe("the build stamp", () => {
  test("fresh only while every input is as stamped and every output is there", async () => {
    const root = layout();
    expect(await state(root)).toEqual({ fresh: false, reason: `no ${STAMP} from an earlier build` });
    await stamp(root, await hash(root));
    expect(await state(root)).toEqual({ fresh: true, reason: "nothing changed since the last build" });

    const changed = { fresh: false, reason: "sources changed since the last build" };
    writeFileSync(join(root, "src/index.ts"), "export const x = 2;");
    expect(await state(root), "a source edited").toEqual(changed);
    writeFileSync(join(root, "src/index.ts"), "export const x = 1;");
    expect((await state(root)).fresh, "the edit undone: the same contents are the same build").toBe(true);
    utimesSync(join(root, "assembly/index.ts"), new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect((await state(root)).fresh, "an mtime alone changes nothing").toBe(true);

    for (const [what, change, undo] of [
      [
        "the AssemblyScript source",
        () => writeFileSync(join(root, "assembly/index.ts"), "export function f(): i32 { return 2; }"),
        () => writeFileSync(join(root, "assembly/index.ts"), FILES["assembly/index.ts"]!),
      ],
      [
        "package.json",
        () => writeFileSync(join(root, "package.json"), '{"version":"2"}'),
        () => writeFileSync(join(root, "package.json"), "{}"),
      ],
      ["a new source file", () => writeFileSync(join(root, "src/cli/new.ts"), ""), () => rmSync(join(root, "src/cli/new.ts"))],
      [
        "a removed source file",
        () => rmSync(join(root, "bench/kernels.bench.ts")),
        () => writeFileSync(join(root, "bench/kernels.bench.ts"), ""),
      ],
      [
        "a test page the build bundles",
        () => writeFileSync(join(root, "test/browser/harness.ts"), "x"),
        () => writeFileSync(join(root, "test/browser/harness.ts"), ""),
      ],
    ] as const) {
      change();
      expect(await state(root), what).toEqual(changed);
      undo();
      expect((await state(root)).fresh, `${what} undone`).toBe(true);
    }

    writeFileSync(join(root, "src/wasm/generated/wasmBytes.ts"), "// regenerated");
    mkdirSync(join(root, "src/kernels/generated"), { recursive: true });
    writeFileSync(join(root, "src/kernels/generated/coreLayout.ts"), "// generated");
    writeFileSync(join(root, "bench/results/kernels.json"), '{"run":2}');
    expect((await state(root)).fresh, "outputs are not inputs").toBe(true);
    rmSync(join(root, "dist/demo/index.html"));
    expect(await state(root)).toEqual({ fresh: false, reason: "dist/demo/index.html is missing" });
  });

  test("build.mjs --if-changed: skips when fresh (no compiler loaded), builds when a source changed", async () => {
    const root = layout();
    for (const file of [
      "scripts/build.mjs",
      "scripts/buildStamp.mjs",
      "scripts/buildDemo.mjs",
      "scripts/coreLayout.mjs",
      "assembly/confluence/coreSpec.json",
    ]) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      copyFileSync(new URL(`../../${file}`, import.meta.url), join(root, file));
    }
    await stamp(root, await hash(root));
    // no node_modules here: a build would fail at its first import of a compiler
    const skipped = spawnSync(process.execPath, [join(root, "scripts/build.mjs"), "--if-changed"], { encoding: "utf8" });
    expect(skipped.status, skipped.stderr).toBe(0);
    expect(skipped.stdout).toBe("build: skipped, nothing changed since the last build (npm run build forces it)\n");

    writeFileSync(join(root, "src/index.ts"), "export const x = 3;");
    const building = spawnSync(process.execPath, [join(root, "scripts/build.mjs"), "--if-changed"], { encoding: "utf8" });
    expect(building.stdout).toBe("build: sources changed since the last build: building\n");
    expect(building.status, "it set out to build (and, without node_modules, failed at the compiler)").not.toBe(0);
    expect(building.stderr).toMatch(/assemblyscript/);
    expect((await state(root)).fresh, "a failed build leaves no stamp that calls it fresh").toBe(false);
  });
});
