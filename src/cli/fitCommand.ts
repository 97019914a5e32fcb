/**
 * `confluence fit <captures…> --horizon 1s`: a preset from data. Replays each capture once
 * under the base configuration (`--preset`/`--config`) with every component the fit may weigh
 * (`--components`) weighted, so each one's sub-score is measured; fits the component weights
 * (`--objective`: the mean IC, or the worst gain over the touch across captures), the confidence calibration and the
 * actionable threshold (src/fit/fitWeights.ts, time-blocked cross-validation across captures);
 * replays once more under the fitted preset to set the urgency grades at quantiles of what it
 * produces (src/fit/urgencyGrades.ts). Prints in-sample and out-of-sample IC against the
 * top-of-book baseline, or JSON (`--json`), and writes the preset (`--out`): a configuration file
 * that `replay`, `evaluate` and `worker` load with `--config` and the API takes as is. Node-only.
 */
import type { ConfluenceConfigInput } from "../confluence/config.js";
import { COMPONENT_NAMES, type ComponentName } from "../kernels/coreLayout.js";
import { loadKernels } from "../kernels/index.js";
import { captureSamples } from "../node/captureSamples.js";
import { fitWeights, type FitResult } from "../fit/fitWeights.js";
import type { FitObjective } from "../fit/objective.js";
import { urgencyGrades } from "../fit/urgencyGrades.js";
import { OutputFile } from "./outputFile.js";
import { describeCaptures } from "./trainingCaptures.js";
import type { ScoringConfig } from "./scoringConfig.js";

export interface FitCommandOptions {
  readonly files: readonly string[];
  readonly horizonMs: number;
  readonly objective: FitObjective;
  /** The components the fit may weigh (the rest get 0); all when absent. */
  readonly components?: readonly ComponentName[];
  readonly blocks: number;
  readonly actionableShare: number;
  readonly json: boolean;
  readonly out?: string;
  readonly scoring: ScoringConfig;
}

/** What `confluence fit --json` prints: the fit and the preset it wrote. */
export interface FitOutput extends FitResult {
  readonly base: string;
  readonly preset: ConfluenceConfigInput;
}

/** The fitted preset: the base configuration with the fitted weights, calibration, threshold and urgency grades. */
export async function fitPreset(options: Omit<FitCommandOptions, "json" | "out">): Promise<FitOutput> {
  const kernels = await loadKernels();
  // every component the fit may weigh is weighted while measuring, so each is warmed up and scored;
  // the others get 0, so the updates measured are the ones the fitted preset will produce (the
  // slower components' warm-up of 4 × lookback trades does not hold the score back)
  const allowed = options.components ?? COMPONENT_NAMES;
  const equal = Object.fromEntries(COMPONENT_NAMES.map((name) => [name, allowed.includes(name) ? 1 / allowed.length : 0]));
  const measured = await captureSamples(options.files, kernels, { config: { ...options.scoring.input, weights: equal } });
  const fit = fitWeights(measured.sets, {
    horizonMs: options.horizonMs,
    objective: options.objective,
    ...(options.components ? { components: options.components } : {}),
    blocks: options.blocks,
    actionableShare: options.actionableShare,
  });
  const base = options.scoring.input;
  const scored: ConfluenceConfigInput = {
    ...base,
    weights: fit.weights,
    calibration: fit.calibration,
    confidenceThreshold: fit.confidenceThreshold,
  };
  const rescored = await captureSamples(options.files, kernels, { config: scored });
  const preset: ConfluenceConfigInput = {
    ...scored,
    decision: { ...base.decision, ...urgencyGrades(rescored.sets) },
    // what evaluate will call in sample for this preset
    trainedOn: await describeCaptures(options.files),
  };
  return { ...fit, base: options.scoring.label, preset };
}

const f3 = (x: number | null): string => (x === null || x !== x ? "—" : x.toFixed(3).replace("-", "−"));

/** The terminal table: weights, then IC in and out of sample against the top-of-book baseline. */
function fitTable(o: FitOutput): string {
  const lines = [
    `fit at ${o.horizonMs} ms on ${o.inSample.length} captures (${o.base}, objective ${o.objective}): ${o.folds.length} folds, each one time block of one capture scored with weights fitted on the other captures outside those minutes`,
    "",
    `weights      ${COMPONENT_NAMES.map((n) => `${n} ${o.weights[n].toFixed(3)}`).join("  ")}`,
    `actionable   confidence ≥ ${o.confidenceThreshold.toFixed(3)} (calibrated probability; ${o.calibration.strength.length} knots)`,
    `urgency      medium from ${o.preset.decision?.urgencyMedium}, high from ${o.preset.decision?.urgencyHigh} (strength × stability)`,
    "",
    `out of sample  score IC ${f3(o.outOfSample.ic)}   top-of-book IC ${f3(o.outOfSample.topOfBookIc)}`,
    `calibration    predicted / observed hit rate per decile, out of sample (largest gap ${f3(o.outOfSample.calibrationError)}; the prediction outside the observed rate's 95% interval in ${o.outOfSample.calibrationMisses} of ${o.outOfSample.calibration.length}):`,
    `               ${o.outOfSample.calibration.map((d) => `${d.predicted.toFixed(2)}/${d.observed.toFixed(2)}`).join("  ")}`,
    `  95% interval ${o.outOfSample.calibration.map((d) => (d.observedInterval === null ? "    —    " : `${d.observedInterval[0].toFixed(2)}–${d.observedInterval[1].toFixed(2)}`)).join("  ")}   (observed rate; block bootstrap, 10 s blocks)`,
    "",
    `${"capture".padEnd(56)}  in sample: score  top-of-book   out of sample (per block): score / top-of-book`,
  ];
  for (const s of o.inSample) {
    const folds = o.folds.filter((f) => f.capture === s.capture && f.symbol === s.symbol);
    const name = `${s.capture} ${s.symbol}`.padEnd(56);
    lines.push(
      `${name}  ${f3(s.ic).padStart(16)}  ${f3(s.topOfBookIc).padStart(11)}   ${folds.map((f) => `${f3(f.ic)} / ${f3(f.topOfBookIc)}`).join("   ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export async function fitCommand(options: FitCommandOptions, stdout: (s: string) => void): Promise<void> {
  // the output first: an unwritable path is a usage error before any work
  const out = options.out ? await OutputFile.open(options.out, "--out") : null;
  try {
    const result = await fitPreset(options);
    if (out) {
      out.write(`${JSON.stringify(result.preset, null, 2)}\n`);
      await out.commit();
    }
    stdout(options.json ? JSON.stringify(result) : `${fitTable(result)}${options.out ? `\npreset written to ${options.out}\n` : ""}`);
  } catch (e) {
    await out?.discard();
    throw e;
  }
}
