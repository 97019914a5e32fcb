/**
 * The worker thread of src/parallel/: a piscina task handler (the default export) with
 * its own kernels — its own WASM instance, loaded once at start — and, for the
 * ParallelEngine, one StreamingEngine holding the state of every symbol of its shard
 * for the worker's lifetime. A batch's buffer goes back with its results (moved, not
 * copied) for the main thread to pack a later batch into. Bundled on its own to
 * dist/parallel/engineThread.js.
 *
 * Batches must arrive in the order they were sent (`seq` 0, 1, 2, …). A batch out of
 * sequence means the thread is not the one that saw the earlier batches — it was
 * restarted after a crash — and it refuses the batch instead of computing from an
 * empty state. Universe tasks run each symbol on a fresh engine and return failures
 * as data, so an error keeps its name across the thread boundary.
 */
import { workerData } from "node:worker_threads";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { EmptyInputError, InvalidParameterError } from "../errors.js";
import type { MarketEvent } from "../feeds/events.js";
import { jsKernels, loadKernels } from "../kernels/index.js";
import { StreamingEngine } from "../pipeline/engine.js";
import { summarize } from "../pipeline/summary.js";
import { replayCaptureFiles } from "../node/captureReader.js";
import { readEventBatch } from "./eventBatch.js";
import type {
  BatchResult,
  BatchTask,
  SummaryResult,
  SummaryTask,
  Task,
  UniverseTask,
  UniverseTaskResult,
  WorkerInit,
} from "./threadProtocol.js";
import { scoreContext } from "./scoreContext.js";
import { ScoreBatchWriter } from "./scoreBatch.js";

const init = workerData as WorkerInit;
const kernels = init.backend === "js" ? jsKernels() : await loadKernels();

/** The shard: its engine, its symbol table (index ↔ name, as the main thread numbers them) and counters. */
class Shard {
  readonly symbols: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly counts: number[] = [];
  private readonly scores = init.scores ? new ScoreBatchWriter(init.context) : null;
  private next = 0;
  readonly engine = new StreamingEngine(kernels, {
    ...init.engine,
    onScore: (u) => {
      const i = this.index.get(u.symbol)!;
      this.counts[i]!++;
      this.scores?.write(u, i, init.context ? scoreContext(this.engine.symbolState(u.symbol)!) : undefined);
    },
  });

  run(task: BatchTask): ReturnType<typeof move> {
    if (task.seq !== this.next) {
      throw new Error(
        `batch ${task.seq} arrived at a worker expecting batch ${this.next} (the thread was restarted and has lost the earlier state)`,
      );
    }
    this.next++;
    for (const s of task.newSymbols) {
      this.index.set(s, this.symbols.length);
      this.symbols.push(s);
      this.counts.push(0);
    }
    readEventBatch(task.events, this.symbols, (e) => this.engine.process(e));
    const counts: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      if (this.counts[i] === 0) continue;
      counts.push(i, this.counts[i]!);
      this.counts[i] = 0;
    }
    const buffer = task.events.data,
      scores = this.scores ? this.scores.take() : null;
    const result: BatchResult = { counts, scores, buffer };
    // both buffers move (no copy): the event buffer back to its writer, the scores to the reader
    return move({ [transferableSymbol]: scores ? [buffer.buffer, scores.buffer] : [buffer.buffer], [valueSymbol]: result });
  }
}

let shard: Shard | null = null;

function summary(task: SummaryTask): SummaryResult {
  return shard ? summarize(shard.engine, task.wallSeconds) : {};
}

async function universe(task: UniverseTask): Promise<UniverseTaskResult> {
  const { symbol } = task;
  let updates = 0;
  const engine = new StreamingEngine(kernels, { ...init.engine, onScore: () => updates++ });
  let n = 0;
  const onEvent = (e: MarketEvent): void => {
    if (e.symbol !== symbol)
      throw new InvalidParameterError(`${symbol}'s event ${n}: symbol`, e.symbol, `'${symbol}' (an entry holds one symbol's events)`);
    n++;
    engine.process(e);
  };
  const t0 = performance.now();
  try {
    if (task.events) readEventBatch(task.events.batch, task.events.symbols, onEvent);
    else await replayCaptureFiles(task.files ?? [], onEvent);
    const wall = (performance.now() - t0) / 1000;
    const summary = summarize(engine, wall)[symbol];
    if (!summary) throw new EmptyInputError(`${symbol}'s events`);
    return {
      summary,
      scoreUpdates: updates,
      startedAt: performance.timeOrigin + t0,
      finishedAt: performance.timeOrigin + performance.now(),
    };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { error: { name: err.name, message: err.message } };
  } finally {
    engine.dispose();
  }
}

export default function handle(task: Task): ReturnType<typeof move> | SummaryResult | Promise<UniverseTaskResult> {
  switch (task.kind) {
    case "batch":
      shard ??= new Shard();
      return shard.run(task);
    case "summary":
      return summary(task);
    case "universe":
      return universe(task);
  }
}
