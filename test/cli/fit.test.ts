/**
 * `confluence fit`, end to end on real captures: usage errors exit 2 before any work; a fit on
 * the two spot captures cross-validates across them (2 captures × 3 time blocks), prints the table
 * or JSON, and writes a preset that `replay --config` loads and runs with its calibration in force;
 * and the built-in presets are exactly what the command fits on the bundled captures
 * (src/confluence/fittedPresets.ts, scripts/fitPresets.mjs): no fitted number is edited by hand.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { type FitOutput, fitPreset } from "../../src/cli/fitCommand.js";
import { scoringConfig } from "../../src/cli/scoringConfig.js";
import { calibratedConfidence } from "../../src/confluence/calibration.js";
import { FITTED } from "../../src/confluence/fittedPresets.js";
import { COMPONENT_NAMES } from "../../src/kernels/coreLayout.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { confluence } from "./runCli.js";

const tmp = mkdtempSync(join(tmpdir(), "confluence-fit-"));
const TIMEOUT = 240_000;

describe("confluence fit: usage", () => {
  test.each([
    [["fit", BTCUSDT, ETHUSDT], "required option '-H, --horizon"],
    [["fit", BTCUSDT, "--horizon", "1s"], "two or more captures"],
    [["fit", BTCUSDT, "-", "--horizon", "1s"], "not - (standard input)"],
    [["fit", BTCUSDT, ETHUSDT, "--horizon", "1s,5s"], "expected one duration"],
    [["fit", BTCUSDT, ETHUSDT, "--horizon", "soon"], "is not a duration"],
    [["fit", BTCUSDT, ETHUSDT, "--horizon", "1s", "--blocks", "0"], "--blocks"],
    [["fit", BTCUSDT, ETHUSDT, "--horizon", "1s", "--preset", "slow"], "--preset"],
    [["fit", BTCUSDT, ETHUSDT, "--horizon", "1s", "--objective", "median"], "--objective"],
    [["fit", BTCUSDT, ETHUSDT, "--horizon", "1s", "--components", "orderbook,news"], "--components"],
    [["fit", BTCUSDT, ETHUSDT, "--horizon", "1s", "--components", "orderbook,orderbook"], "named twice"],
  ])("%j exits 2 with one line saying why", async (args, why) => {
    const r = await confluence(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(why);
    expect(r.stdout).toBe("");
  });

  test("--help describes every flag with an example", async () => {
    const r = await confluence(["fit", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of [
      "--horizon",
      "--out",
      "--json",
      "--objective",
      "--components",
      "--blocks",
      "--actionable-share",
      "--preset",
      "--config",
      "Examples:",
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});

describe("confluence fit on the spot captures", () => {
  test(
    "cross-validates across the two captures, writes a preset replay loads",
    async () => {
      const out = join(tmp, "preset.json");
      const r = await confluence(["fit", BTCUSDT, ETHUSDT, "--horizon", "1s", "--out", out, "--json"]);
      expect(r.code, r.stderr).toBe(0);
      const fit = JSON.parse(r.stdout) as FitOutput;
      expect(fit.folds, "2 captures × 3 time blocks").toHaveLength(6);
      const sum = COMPONENT_NAMES.reduce((s, n) => s + fit.weights[n], 0);
      expect(sum).toBeCloseTo(1, 12);
      for (const n of COMPONENT_NAMES) expect(fit.weights[n]).toBeGreaterThanOrEqual(0);
      expect(fit.weights.sentiment, "no sentiment in a capture: nothing to fit").toBe(0);
      // each fold scores with weights fitted on the OTHER capture only
      for (const f of fit.folds) expect(f.ic, `${f.capture} block ${f.block}`).toBeGreaterThan(0.2);
      expect(fit.outOfSample.calibration.length).toBe(10);
      // each decile's observed rate with its block-bootstrap interval, which holds it
      for (const d of fit.outOfSample.calibration) {
        expect(d.observedInterval![0]).toBeLessThanOrEqual(d.observed);
        expect(d.observedInterval![1]).toBeGreaterThanOrEqual(d.observed);
        expect(d.observedInterval![1] - d.observedInterval![0]).toBeGreaterThan(0);
      }
      const misses = fit.outOfSample.calibration.filter(
        (d) => d.predicted < d.observedInterval![0] || d.predicted > d.observedInterval![1],
      ).length;
      expect(fit.outOfSample.calibrationMisses).toBe(misses);
      const preset = JSON.parse(readFileSync(out, "utf8"));
      expect(preset).toEqual(fit.preset);
      expect(preset.calibration.strength.length).toBeGreaterThan(1);
      // the preset names what it was fitted on, by the bytes: evaluate calls those figures in sample
      const sha256 = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
      expect(preset.trainedOn).toEqual([BTCUSDT, ETHUSDT].map((f) => ({ file: f.split("/").pop(), sha256: sha256(f) })));
      const judged = await confluence([
        "evaluate",
        BTCUSDT,
        USDM_ETHUSDT,
        "--config",
        out,
        "--json",
        "--horizons",
        "1s",
        "--replicates",
        "20",
      ]);
      expect(judged.code, judged.stderr).toBe(0);
      expect(JSON.parse(judged.stdout).inSample, "USD-M was not in the fit").toEqual([BTCUSDT]);

      const replay = await confluence(["replay", BTCUSDT, "--config", out, "--json"]);
      expect(replay.code, replay.stderr).toBe(0);
      const last = JSON.parse(replay.stdout).symbols.BTCUSDT.score;
      // the preset's calibration is in force: confidence is the curve at the score's strength
      expect(last.confidence).toBe(calibratedConfidence(preset.calibration, Math.abs(last.score - 50) / 50));
      expect(last.actionable).toBe(last.confidence >= preset.confidenceThreshold);
    },
    TIMEOUT,
  );

  test(
    "the table: weights, threshold, out-of-sample IC against top-of-book, calibration per decile",
    async () => {
      const r = await confluence(["fit", BTCUSDT, ETHUSDT, "--horizon", "100ms", "--blocks", "2"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^fit at 100 ms on 2 captures \(preset default, objective mean\): 4 folds/);
      expect(r.stdout).toMatch(/out of sample {2}score IC 0\.\d{3} {3}top-of-book IC 0\.\d{3}/);
      expect(r.stdout).toContain("calibration    predicted / observed hit rate per decile");
      expect(r.stdout).toMatch(/outside the observed rate's 95% interval in \d+ of 10\)/);
      expect(r.stdout).toMatch(/ {2}95% interval( {1,2}\d\.\d{2}–\d\.\d{2}){10} {3}\(observed rate; block bootstrap, 10 s blocks\)/);
    },
    TIMEOUT,
  );
});

describe("the built-in presets", () => {
  test.each([
    ["default", 1000],
    ["ultraFast", 100],
  ] as const)(
    "%s is what confluence fit gives on the bundled captures at %i ms",
    async (preset, horizonMs) => {
      expect(FITTED[preset].horizonMs).toBe(horizonMs);
      const fit = await fitPreset({
        files: [COINM_ETHUSD, BTCUSDT, ETHUSDT, USDM_ETHUSDT],
        horizonMs,
        objective: FITTED[preset].objective,
        components: FITTED[preset].components,
        blocks: 3,
        actionableShare: 0.3,
        scoring: scoringConfig({ preset }),
      });
      expect(
        {
          horizonMs: fit.horizonMs,
          objective: fit.objective,
          components: fit.components,
          weights: fit.preset.weights,
          calibration: fit.preset.calibration,
          confidenceThreshold: fit.preset.confidenceThreshold,
          urgencyMedium: fit.preset.decision?.urgencyMedium,
          urgencyHigh: fit.preset.decision?.urgencyHigh,
          trainedOn: [COINM_ETHUSD, BTCUSDT, ETHUSDT, USDM_ETHUSDT].map((f) => ({
            file: f.split("/").pop(),
            sha256: createHash("sha256").update(readFileSync(f)).digest("hex"),
          })),
        },
        "src/confluence/fittedPresets.ts is stale: run node scripts/fitPresets.mjs after a build",
      ).toEqual(FITTED[preset]);
    },
    TIMEOUT,
  );
});
