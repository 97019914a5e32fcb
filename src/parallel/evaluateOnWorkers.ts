/**
 * `evaluate` on worker threads: the report's parts — each sample set's own report and the pooled
 * one — are independent, so up to `workers` threads compute them side by side and the report is
 * put together in order: the same report as `evaluate(sets, options)`, bit for bit (each part is
 * computed by the same function from the same sets). The parts go to the threads longest first,
 * each to the thread with the least work so far, a part's work taken as its samples (the pooled
 * part has them all). Every thread gets a structured copy of the sets. Node-only.
 */
import { Worker } from "node:worker_threads";
import { InvalidParameterError } from "../errors.js";
import { evaluate, evaluateParts, evaluateReport, type EvaluateOptions } from "../evaluate/evaluate.js";
import type { CaptureReport, EvaluationReport } from "../evaluate/evaluationReport.js";
import type { SampleSet } from "../evaluate/sampleSet.js";
import { workerFile } from "./workerFile.js";

export async function evaluateOnWorkers(sets: readonly SampleSet[], options: EvaluateOptions, workers: number): Promise<EvaluationReport> {
  if (!(Number.isSafeInteger(workers) && workers >= 1 && workers <= 256))
    throw new InvalidParameterError("workers", workers, "an integer from 1 to 256");
  // a bad option is the same typed error as evaluate's, before any thread starts
  evaluateParts(sets, options, []);
  const jobs = sets.length + 1;
  const threads = Math.min(workers, jobs);
  if (threads === 1) return evaluate(sets, options);
  const total = sets.reduce((sum, s) => sum + s.length, 0);
  const work = (j: number): number => (j < sets.length ? sets[j]!.length : total);
  const byWork = Array.from({ length: jobs }, (_, j) => j).sort((a, b) => work(b) - work(a) || a - b);
  const assigned: number[][] = Array.from({ length: threads }, () => []);
  const load = new Array<number>(threads).fill(0);
  for (const j of byWork) {
    const t = load.indexOf(Math.min(...load));
    assigned[t]!.push(j);
    load[t]! += work(j);
  }
  const started: Worker[] = [];
  try {
    const results = await Promise.all(assigned.map((part) => runThread(sets, options, part, started)));
    const parts = new Array<CaptureReport>(jobs);
    assigned.forEach((part, t) => {
      part.forEach((j, k) => {
        parts[j] = results[t]![k]!;
      });
    });
    return evaluateReport(sets, options, parts);
  } finally {
    await Promise.all(started.map((w) => w.terminate()));
  }
}

function runThread(sets: readonly SampleSet[], options: EvaluateOptions, jobs: number[], started: Worker[]): Promise<CaptureReport[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile("evaluateThread"), { workerData: { sets, options, jobs } });
    started.push(worker);
    worker.once("message", (parts: CaptureReport[]) => resolve(parts));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the evaluation thread stopped (exit code ${code}) before it sent its reports`)));
  });
}
