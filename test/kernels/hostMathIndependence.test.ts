/**
 * Independence from the host's Math: with Math.exp, log, pow, tanh and every other
 * transcendental returning a result one ulp off (test/support/perturbMath.mjs, loaded
 * with `node --import` before the library, so module-level tables are built under it),
 * a replay of the BTCUSDT capture through the streaming engine gives the same score
 * updates, summary, normalizer readings and level weights as an unperturbed run — on the
 * WebAssembly and on the JS backend. Runs the built bundle (npm test builds first).
 */
import { describe, expect, test } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BTCUSDT } from "../support/capture.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";

const support = new URL("../support/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "confluence-hostmath-"));

interface Run {
  probes: Record<string, number>;
  backends: Record<"wasm" | "js", { updates: unknown[]; summary: unknown; normalized: unknown[]; functions: unknown[]; weights: number[] }>;
}

async function replay(perturbed: boolean): Promise<Run> {
  const out = join(tmp, perturbed ? "perturbed.json" : "baseline.json");
  const args = [
    ...(perturbed ? ["--import", join(support, "perturbMath.mjs")] : []),
    join(support, "independenceReplay.mjs"),
    BTCUSDT,
    out,
  ];
  await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(readFileSync(out, "utf8")) as Run;
}

describe("results do not depend on the host's Math", () => {
  test("Math.exp/log/pow/tanh/… one ulp off: the same score updates, summary, normalized scores and weights on both backends", async () => {
    const [baseline, perturbed] = await Promise.all([replay(false), replay(true)]);
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the double one ulp above Math.E, on purpose
    expect(perturbed.probes.exp, "the perturbation took effect: Math.exp(1) is one ulp above e").toBe(2.7182818284590455);
    expect(baseline.probes.exp).toBe(Math.E);
    for (const [name, value] of Object.entries(baseline.probes)) {
      expect(perturbed.probes[name], `Math.${name} is perturbed in the child`).not.toBe(value);
    }
    for (const backend of ["wasm", "js"] as const) {
      const a = perturbed.backends[backend],
        b = baseline.backends[backend];
      expect(b.updates.length, "the replay produces score updates").toBeGreaterThan(4000);
      expectSameUpdates(a.updates, b.updates, `${backend}: score updates with a perturbed Math vs without`);
      expectSameUpdates(a.summary, b.summary, `${backend}: summary with a perturbed Math vs without`);
      expectSameUpdates(a.normalized, b.normalized, `${backend}: normalizer (exact and table) and volatilityAdaptive readings`);
      expectSameUpdates(a.functions, b.functions, `${backend}: Kernels.exp/log/tanh`);
      expectSameUpdates(a.weights, b.weights, `${backend}: levelWeights`);
    }
    expectSameUpdates(baseline.backends.js.updates, baseline.backends.wasm.updates, "js vs wasm score updates");
    expectSameUpdates(baseline.backends.js.normalized, baseline.backends.wasm.normalized, "js vs wasm normalized readings");
  });
});
