// `npm test`: every test stage in order, with one summary line at the end that CI reads:
//   tests: N passed, N failed
// Stages: build (wasm + bundles), typecheck, format and lint (biome ci: the formatter's and
// the linter's verdict, biome.jsonc), dead code (knip: unused files, exports and
// dependencies, knip.jsonc), as-pect on the SIMD build, as-pect on the scalar build, vitest. A stage that cannot report counts (a build or type error, a
// compile error in a spec) counts as one failure. Exit status is non-zero on any failure.
import { spawn } from "node:child_process";
import { readFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules/.bin", name);
const extra = process.argv.slice(2); // forwarded to vitest (e.g. a file filter)

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

const totals = { passed: 0, failed: 0 };
const stages = [];
function record(name, passed, failed) {
  totals.passed += passed;
  totals.failed += failed;
  stages.push(`${name}: ${passed} passed, ${failed} failed`);
}

async function step(name, cmd, args) {
  const { code } = await run(cmd, args);
  record(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

async function aspect(name, args) {
  const { code, out } = await run(bin("asp"), ["--config", "as-pect.config.js", ...args]);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ANSI colour codes (ESC [ … m) as-pect prints
  const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(out.replace(/\x1b\[[0-9;]*m/g, ""));
  if (!m) return record(name, 0, 1);
  const passed = Number(m[1]),
    total = Number(m[2]);
  record(name, passed, Math.max(total - passed, code === 0 ? 0 : 1));
}

async function vitest() {
  const report = join(root, "test-output/vitest.json");
  await mkdir(dirname(report), { recursive: true });
  await rm(report, { force: true });
  const { code } = await run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra]);
  try {
    const r = JSON.parse(await readFile(report, "utf8"));
    const failedSuites = r.testResults.filter((t) => t.status === "failed" && t.assertionResults.length === 0).length;
    record("vitest", r.numPassedTests, r.numFailedTests + failedSuites + (code !== 0 && r.numFailedTests + failedSuites === 0 ? 1 : 0));
  } catch {
    record("vitest", 0, 1);
  }
}

if (await step("build", process.execPath, [join(root, "scripts/build.mjs")])) {
  await step("typecheck", bin("tsc"), ["-p", "tsconfig.json"]);
  await step("format and lint", bin("biome"), ["ci", "."]);
  await step("dead code", bin("knip"), []);
  await aspect("as-pect (simd)", []);
  await aspect("as-pect (scalar)", ["--as-config", "as-pect.scalar.asconfig.json"]);
  await vitest();
}
console.log("");
for (const s of stages) console.log(`  ${s}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
