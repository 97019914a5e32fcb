/**
 * The worker thread of evaluateOnWorkers.ts: computes the parts of an evaluation report it was
 * given (src/evaluate/evaluate.ts, evaluateParts) from the sample sets it was sent, and posts them
 * back. Node-only; bundled to dist/parallel/evaluateThread.js.
 */
import { parentPort, workerData } from "node:worker_threads";
import { evaluateParts, type EvaluateOptions } from "../evaluate/evaluate.js";
import type { SampleSet } from "../evaluate/sampleSet.js";

const { sets, options, jobs } = workerData as { sets: SampleSet[]; options: EvaluateOptions; jobs: number[] };
parentPort!.postMessage(evaluateParts(sets, options, jobs));
