/**
 * `confluence evaluate <captures…>`: the score against the market. Each file is a capture of its
 * own (its own engine and labels; per capture means per file and symbol), replayed under the
 * scoring configuration given (`--preset`, `--config`) into labelled samples
 * (src/node/captureSamples.ts) and measured by `evaluate` (src/evaluate/) at the horizons of
 * `--horizons`. Prints the table (evaluateTable.ts), or the report as JSON (`--json`:
 * docs/evaluate-report.schema.json), and writes the HTML report (`--report`; evaluationPage.ts)
 * whole or not at all. Node-only.
 */
import type { CaptureFileStats } from "../feeds/capture.js";
import { evaluate } from "../evaluate/evaluate.js";
import type { EvaluationReport } from "../evaluate/evaluationReport.js";
import { loadKernels } from "../kernels/index.js";
import { captureSamples } from "../node/captureSamples.js";
import { evaluateOnWorkers } from "../parallel/evaluateOnWorkers.js";
import { evaluateTable } from "./evaluateTable.js";
import { renderEvaluationPage } from "./evaluationPage.js";
import { OutputFile } from "./outputFile.js";
import type { ScoringConfig } from "./scoringConfig.js";
import { trainingFiles } from "./trainingCaptures.js";

/** What `confluence evaluate --json` prints (docs/evaluate-report.schema.json). */
export interface EvaluateOutput extends EvaluationReport {
  /** The configuration evaluated, in words. */
  readonly scoring: string;
  /** The input files (as given) that the configuration was fitted on (its `trainedOn`): its figures there are in sample. */
  readonly inSample: readonly string[];
  /** Per capture file: lines, events and lines rejected by reason. */
  readonly input: { readonly files: readonly CaptureFileStats[] };
}

export interface EvaluateCommandOptions {
  readonly files: readonly string[];
  readonly horizonsMs: readonly number[];
  readonly replicates: number;
  readonly json: boolean;
  readonly report?: string;
  readonly scoring: ScoringConfig;
  /** The symbol of input that names none. */
  readonly symbol?: string;
  /** The files are one capture recorded side by side, merged by receive time. */
  readonly merge?: boolean;
  /** Also measure the multi-timeframe composite (MultiTimeframeScorer with its defaults). */
  readonly multiTimeframe?: boolean;
  /** Compute the per-capture and pooled reports on this many worker threads (the same report). */
  readonly workers?: number;
}

export async function evaluateCommand(options: EvaluateCommandOptions, stdout: (s: string) => void): Promise<void> {
  // the output first: an unwritable path is a usage error before any work
  const page = options.report ? await OutputFile.open(options.report, "--report") : null;
  try {
    const kernels = await loadKernels();
    const { sets, files } = await captureSamples(options.files, kernels, {
      config: options.scoring.input,
      ...(options.files.includes("-") ? { stdin: process.stdin } : {}),
      ...(options.symbol ? { symbol: options.symbol } : {}),
      ...(options.merge ? { merge: true } : {}),
      ...(options.multiTimeframe ? { multiTimeframe: true } : {}),
    });
    const evaluateOptions = { horizonsMs: options.horizonsMs, replicates: options.replicates };
    const report = options.workers ? await evaluateOnWorkers(sets, evaluateOptions, options.workers) : evaluate(sets, evaluateOptions);
    const inSample = await trainingFiles(options.files, options.scoring.resolved.trainedOn);
    if (page) {
      page.write(
        renderEvaluationPage({
          title: `confluence-hft evaluation: ${files.map((f) => f.file.split("/").pop()).join(", ")}`,
          generated: new Date().toISOString(),
          scoring: options.scoring.label,
          report,
        }),
      );
      await page.commit();
    }
    if (options.json) {
      const output: EvaluateOutput = { scoring: options.scoring.label, inSample, input: { files }, ...report };
      stdout(JSON.stringify(output));
    } else {
      const note =
        inSample.length === 0
          ? ""
          : `\nin sample: ${options.scoring.label} was fitted on ${inSample.join(", ")}; the figures for ${inSample.length === 1 ? "it" : "them"} (and pooled) describe the fit, not what the preset does on data it has not seen.`;
      stdout(`${evaluateTable(report, options.scoring.label)}${note}${options.report ? `\nreport written to ${options.report}` : ""}`);
    }
  } catch (e) {
    await page?.discard();
    throw e;
  }
}
