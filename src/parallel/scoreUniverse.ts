/**
 * Scores a universe of symbols in batch, spread over worker threads: each symbol's
 * events (given, or read from its capture files inside the worker, so decoding runs in
 * parallel too) go through a fresh StreamingEngine, and the symbol's summary comes back
 * — the object `summarize()` gives for it, with its last score and update count.
 *
 * Symbols are independent here, so the tasks go to one shared pool of threads, as
 * piscina means pools to be used. At most `concurrency` symbols are in flight at once
 * (each in-memory input is packed only when its turn comes, which bounds the memory
 * held in copies). A symbol that fails — an unreadable file, an event of another
 * symbol, no events at all, a crashed worker — gets an error entry with the error's
 * name and message, and the others complete. Invalid options, an invalid config and a
 * symbol listed twice reject the whole call, before any work. Node-only.
 */
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { DuplicateSymbolError, InvalidParameterError } from "../errors.js";
import type { MarketEvent } from "../feeds/events.js";
import { jsKernels } from "../kernels/index.js";
import { StreamingEngine, type ScoreUpdate } from "../pipeline/engine.js";
import type { SymbolSummary } from "../pipeline/summary.js";
import { EventBatchWriter } from "./eventBatch.js";
import { routable } from "../feeds/validate.js";
import { engineSettings, type EngineSettings, type UniverseTask, type UniverseTaskResult, type WorkerInit } from "./threadProtocol.js";
import { workerFile } from "./workerFile.js";

export type UniverseInput =
  | { readonly symbol: string; readonly events: readonly MarketEvent[] }
  | { readonly symbol: string; readonly files: readonly string[] };

/** The engine's options that a worker can take (config, composite, buffers), and the pool's. */
export interface UniverseOptions extends EngineSettings {
  /** Worker threads. Default: the available cores. */
  readonly workers?: number;
  /** Symbols in flight at once. Default: `workers`. */
  readonly concurrency?: number;
  /** The workers' kernels. Default "wasm". */
  readonly backend?: "wasm" | "js";
}

export interface UniverseScore {
  readonly symbol: string;
  readonly summary: SymbolSummary;
  /** The last score update (also `summary.score`). */
  readonly score: ScoreUpdate | null;
  readonly scoreUpdates: number;
  /** When the worker started and finished the symbol (ms since the epoch). */
  readonly startedAt: number;
  readonly finishedAt: number;
}

export interface UniverseError {
  readonly symbol: string;
  readonly error: { readonly name: string; readonly message: string };
}

export type UniverseResult = UniverseScore | UniverseError;

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1 || value > 256) throw new InvalidParameterError(name, value, "an integer from 1 to 256");
  return value;
};

const errorEntry = (symbol: string, e: unknown): UniverseError => {
  const err = e instanceof Error ? e : new Error(String(e));
  return { symbol, error: { name: err.name, message: err.message } };
};

/** One result per input, in input order. */
export async function scoreUniverse(inputs: readonly UniverseInput[], options: UniverseOptions = {}): Promise<UniverseResult[]> {
  const workers = positiveInteger("workers", options.workers ?? availableParallelism());
  const concurrency = positiveInteger("concurrency", options.concurrency ?? workers);
  new StreamingEngine(jsKernels(), engineSettings(options)).dispose(); // bad engine options: typed, here
  const seen = new Map<string, number>();
  inputs.forEach((input, i) => {
    const first = seen.get(input.symbol);
    if (first !== undefined) throw new DuplicateSymbolError(input.symbol, first, i);
    seen.set(input.symbol, i);
  });
  if (inputs.length === 0) return [];

  const init: WorkerInit = { backend: options.backend ?? "wasm", engine: engineSettings(options), scores: false, context: false };
  // as many threads as asked: the lanes below, not the pool's size, hold the concurrency limit
  const threads = Math.min(workers, inputs.length);
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Infinity,
    recordTiming: false,
    workerData: init,
  });
  // a thread dying between tasks holds no symbol; one dying in a task fails that task
  pool.on("error", () => {});

  const one = async (input: UniverseInput): Promise<UniverseResult> => {
    const { symbol } = input;
    try {
      let task: UniverseTask,
        transferList: ArrayBuffer[] = [];
      if ("events" in input) {
        const writer = new EventBatchWriter();
        const symbols: string[] = [],
          index = new Map<string, number>();
        input.events.forEach((e, n) => {
          const what = `${symbol}'s events[${n}]`;
          if (!routable(e)) throw new InvalidParameterError(what, e, "a market event (an object whose symbol is a non-empty string)");
          let i = index.get(e.symbol);
          if (i === undefined) index.set(e.symbol, (i = symbols.push(e.symbol) - 1));
          if (!writer.write(e, i)) throw new InvalidParameterError(what, e, "an event a worker thread can receive (structured-cloneable)");
        });
        const batch = writer.take();
        task = { kind: "universe", symbol, events: { batch, symbols } };
        transferList = [batch.data.buffer as ArrayBuffer];
      } else {
        task = { kind: "universe", symbol, files: input.files };
      }
      const r = (await pool.run(task, { transferList })) as UniverseTaskResult;
      if ("error" in r) return { symbol, error: r.error };
      return {
        symbol,
        summary: r.summary,
        score: r.summary.score,
        scoreUpdates: r.scoreUpdates,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
      };
    } catch (e) {
      return errorEntry(symbol, e);
    }
  };

  const results: UniverseResult[] = new Array(inputs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = await one(inputs[i]!);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, inputs.length) }, lane));
  } finally {
    await pool.destroy();
  }
  return results;
}
