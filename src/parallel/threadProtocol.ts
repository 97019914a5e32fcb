/**
 * The messages between the main thread and the worker threads of src/parallel/ (the
 * piscina tasks and their results). Everything here crosses a thread boundary by
 * structured clone, so it is plain data; events and scores travel packed
 * (eventBatch.ts, scoreBatch.ts), engine options as just their data (engineSettings).
 */
import type { ConfluenceConfigInput } from "../confluence/config.js";
import type { CompositeEngineOptions } from "../pipeline/compositeEngine.js";
import type { ClockLimits } from "../pipeline/clockCheck.js";
import type { SymbolSummary } from "../pipeline/summary.js";
import type { EventBatch } from "./eventBatch.js";

/** The engine options a worker's engine takes: plain data, unlike the callbacks and the cache. */
export interface EngineSettings {
  readonly config?: ConfluenceConfigInput;
  readonly composite?: CompositeEngineOptions;
  readonly maxBufferedDiffs?: number;
  readonly keepRejections?: number;
  readonly maxSymbols?: number;
  readonly clock?: ClockLimits;
}

/** Just the EngineSettings of `options` (whatever else they hold stays on this thread). */
export function engineSettings(options: EngineSettings): EngineSettings {
  const { config, composite, maxBufferedDiffs, keepRejections, maxSymbols, clock } = options;
  return {
    ...(config === undefined ? {} : { config }),
    ...(composite === undefined ? {} : { composite }),
    ...(maxBufferedDiffs === undefined ? {} : { maxBufferedDiffs }),
    ...(keepRejections === undefined ? {} : { keepRejections }),
    ...(maxSymbols === undefined ? {} : { maxSymbols }),
    ...(clock === undefined ? {} : { clock }),
  };
}

/** A worker's `workerData`: fixed for its lifetime. */
export interface WorkerInit {
  readonly backend: "wasm" | "js";
  readonly engine: EngineSettings;
  /** Send score updates back (packed), with their contexts when `context` is set. */
  readonly scores: boolean;
  readonly context: boolean;
}

/** The next events for a shard's engine; `seq` counts the shard's batches from 0. */
export interface BatchTask {
  readonly kind: "batch";
  readonly seq: number;
  /** Symbols the shard's table gains before this batch (the table only grows). */
  readonly newSymbols: readonly string[];
  readonly events: EventBatch;
}

export interface BatchResult {
  /** Pairs (symbol index, score updates in this batch), for symbols that had any. */
  readonly counts: readonly number[];
  /** Packed score updates (scoreBatch.ts), when the worker sends them. */
  readonly scores: Float64Array | null;
  /** The batch's event buffer, handed back for the next batch. */
  readonly buffer: Float64Array;
}

/** The shard engine's summary, `summarize(engine, wallSeconds)`. */
export interface SummaryTask {
  readonly kind: "summary";
  readonly wallSeconds: number;
}

export type SummaryResult = Record<string, SymbolSummary>;

/** One symbol of a universe, from its own events or capture files, on a fresh engine. */
export interface UniverseTask {
  readonly kind: "universe";
  readonly symbol: string;
  /** The entry's events with the symbols they name (all `symbol`, unless the input is wrong). */
  readonly events?: { readonly batch: EventBatch; readonly symbols: readonly string[] };
  readonly files?: readonly string[];
}

export type UniverseTaskResult =
  | { readonly summary: SymbolSummary; readonly scoreUpdates: number; readonly startedAt: number; readonly finishedAt: number }
  | { readonly error: { readonly name: string; readonly message: string } };

export type Task = BatchTask | SummaryTask | UniverseTask;
