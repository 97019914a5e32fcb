/**
 * `evaluate` on worker threads: the report's parts — each sample set's own report and the pooled
 * one — are independent, so up to `workers` threads compute them side by side and the report is
 * put together in order: the same report as `evaluate(sets, options)`, bit for bit (each part is
 * computed by the same function from the same values). The parts go to the threads longest first,
 * each to the thread with the least work so far, a part's work taken as its samples (the pooled
 * part has them all).
 *
 * A thread gets a structured copy, which keeps only own data properties: so it is sent the options
 * resolved here (defaults filled in) and each set copied field by field as this thread reads it
 * (getters, inherited fields and extra properties cannot make the threads compute with other
 * values, or fail to copy), and only the sets its parts read. Node-only.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { InvalidParameterError } from "../errors.js";
import { COMPONENT_NAMES } from "../kernels/coreLayout.js";
import {
  evaluate,
  evaluateReport,
  resolveEvaluateOptions,
  type EvaluateOptions,
  type ResolvedEvaluateOptions,
} from "../evaluate/evaluate.js";
import type { CaptureReport, EvaluationReport } from "../evaluate/evaluationReport.js";
import { BASELINE_NAMES, type SampleSet } from "../evaluate/sampleSet.js";
import { workerFile } from "./workerFile.js";

/** The report `evaluate(sets, options)` makes, its parts computed on up to `workers` threads (default: one a core). */
export async function evaluateOnWorkers(
  sets: readonly SampleSet[],
  options: EvaluateOptions = {},
  workers = availableParallelism(),
): Promise<EvaluationReport> {
  if (!(Number.isSafeInteger(workers) && workers >= 1 && workers <= 256))
    throw new InvalidParameterError("workers", workers, "an integer from 1 to 256");
  // a bad option is evaluate's typed error, here, before any thread starts
  const resolved = resolveEvaluateOptions(options);
  const jobs = sets.length + 1;
  const threads = Math.min(workers, jobs);
  if (threads === 1) return evaluate(sets, resolved);
  const plain = sets.map(plainSet);
  const total = plain.reduce((sum, s) => sum + s.length, 0);
  const work = (j: number): number => (j < plain.length ? plain[j]!.length : total);
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
    const results = await Promise.all(
      assigned.map((part) =>
        // the pooled part reads every set; the others only their own (renumbered from 0 in the thread)
        part.includes(plain.length)
          ? runThread(plain, resolved, part, started)
          : runThread(
              part.map((j) => plain[j]!),
              resolved,
              part.map((_, k) => k),
              started,
            ),
      ),
    );
    const parts = new Array<CaptureReport>(jobs);
    assigned.forEach((part, t) => {
      part.forEach((j, k) => {
        parts[j] = results[t]![k]!;
      });
    });
    return evaluateReport(plain, resolved, parts);
  } finally {
    await Promise.all(started.map((w) => w.terminate()));
  }
}

/** A column that is a view of part of a larger buffer, copied (a structured copy of a view copies its whole buffer); anything else as it is. */
function own<T extends Float64Array | Int32Array | Int8Array | Uint8Array>(a: T): T {
  return ArrayBuffer.isView(a) && a.byteLength !== a.buffer.byteLength ? (a.slice() as T) : a;
}

/** `s` as plain data: every field evaluate reads, read once here, in plain objects. */
function plainSet(s: SampleSet): SampleSet {
  const c = s.counts;
  return {
    capture: s.capture,
    symbol: s.symbol,
    length: s.length,
    receiveTime: own(s.receiveTime),
    time: own(s.time),
    score: own(s.score),
    confidence: own(s.confidence),
    actionable: own(s.actionable),
    bias: own(s.bias),
    urgencyInput: own(s.urgencyInput),
    components: Object.fromEntries(COMPONENT_NAMES.map((name) => [name, own(s.components[name])])) as SampleSet["components"],
    baselines: Object.fromEntries(BASELINE_NAMES.map((name) => [name, own(s.baselines[name])])) as SampleSet["baselines"],
    ...(s.multiTimeframe !== undefined ? { multiTimeframe: own(s.multiTimeframe) } : {}),
    side: own(s.side),
    urgency: own(s.urgency),
    algorithm: own(s.algorithm),
    quoteIndex: own(s.quoteIndex),
    quotes: { receiveTime: own(s.quotes.receiveTime), mid: own(s.quotes.mid) },
    counts: {
      updates: c.updates,
      updatesDropped: c.updatesDropped,
      quotes: c.quotes,
      quotesDropped: c.quotesDropped,
      trades: c.trades,
      firstReceiveTime: c.firstReceiveTime,
      lastReceiveTime: c.lastReceiveTime,
    },
  };
}

function runThread(
  sets: readonly SampleSet[],
  options: ResolvedEvaluateOptions,
  jobs: number[],
  started: Worker[],
): Promise<CaptureReport[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile("evaluateThread"), { workerData: { sets, options, jobs } });
    started.push(worker);
    worker.once("message", (parts: CaptureReport[]) => resolve(parts));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the evaluation thread stopped (exit code ${code}) before it sent its reports`)));
  });
}
