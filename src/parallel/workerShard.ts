/**
 * One worker thread of the ParallelEngine, seen from the main thread: the symbols it
 * owns, the batch being filled for it, and the batches in flight.
 *
 * Piscina has no thread affinity — a pool gives a task to whichever thread is free —
 * while a symbol's state must stay in one thread. So each shard is a piscina pool of
 * its own with exactly one thread (minThreads = maxThreads = 1, never idled out).
 * `concurrentTasksPerWorker` is unbounded so a batch is posted the moment it is sent,
 * even while the main thread is busy and has not yet read the previous results; the
 * worker runs batches in arrival order and checks their sequence numbers, and results
 * are handed on in sequence order here, whatever order their promises settle in.
 *
 * A thread that crashes, fails to start, or is replaced by a fresh one (piscina
 * restarts a dead thread to keep minThreads) has lost its symbols' state: the shard
 * is then failed for good — nothing more is sent, and flush/summary/close report a
 * WorkerFailedError. Every promise has a handler attached when it is made, so a
 * failure never becomes an unhandled rejection.
 */
import { Piscina } from "piscina";
import type { ResourceLimits } from "node:worker_threads";
import { WorkerFailedError } from "../errors.js";
import { EventBatchWriter } from "./eventBatch.js";
import type { BatchResult, BatchTask, SummaryResult, SummaryTask, WorkerInit } from "./threadProtocol.js";
import { workerFile } from "./workerFile.js";

export class WorkerShard {
  /** The shard's symbol table, in order of first appearance (the worker numbers them alike). */
  readonly symbols: string[] = [];
  readonly writer = new EventBatchWriter();
  private readonly pool: Piscina;
  private announced = 0;
  private seq = 0;
  private tail: Promise<void> = Promise.resolve();
  private error: WorkerFailedError | null = null;
  /** The failure is only "the thread went away": a task's own error, arriving next, says more. */
  private vague = false;
  private closing = false;

  constructor(
    readonly index: number,
    readonly of: number,
    init: WorkerInit,
    resourceLimits: ResourceLimits | undefined,
    private readonly onResult: (result: BatchResult, symbols: readonly string[]) => void,
  ) {
    this.pool = new Piscina({
      filename: workerFile(),
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Infinity,
      concurrentTasksPerWorker: 2 ** 30,
      recordTiming: false,
      workerData: init,
      ...(resourceLimits ? { resourceLimits } : {}),
    });
    // a thread that dies between tasks: 'error' (an uncaught exception) or just its removal
    this.pool.on("error", (e: unknown) => this.fail(e));
    this.pool.on("workerDestroy", () => {
      if (!this.closing) this.fail("the worker thread exited", true);
    });
  }

  get failure(): WorkerFailedError | null {
    return this.error;
  }

  /** Sends the batch being filled, if any. After a failure the events are dropped. */
  send(): void {
    if (this.writer.count === 0) return;
    const events = this.writer.take();
    if (this.error) return;
    const task: BatchTask = { kind: "batch", seq: this.seq++, newSymbols: this.symbols.slice(this.announced), events };
    this.announced = this.symbols.length;
    const result = this.pool.run(task, { transferList: [events.data.buffer as ArrayBuffer] }) as Promise<BatchResult>;
    result.catch(() => {}); // handled, in sequence, below
    this.tail = this.tail
      .then(() => result)
      .then(
        (r) => {
          this.writer.recycle(r.buffer);
          if (!this.error) this.onResult(r, this.symbols);
        },
        (e: unknown) => this.fail(e),
      );
  }

  /** Resolves when every batch sent so far has been handled (or the shard has failed). */
  settled(): Promise<void> {
    return this.tail;
  }

  /** The worker's summary of its symbols (call after `settled()`). */
  async summary(wallSeconds: number): Promise<SummaryResult> {
    if (this.error) throw this.error;
    try {
      const task: SummaryTask = { kind: "summary", wallSeconds };
      return (await this.pool.run(task)) as SummaryResult;
    } catch (e) {
      this.fail(e);
      throw this.error!;
    }
  }

  /** Stops the thread (after `settled()`, nothing is lost). */
  async close(): Promise<void> {
    this.closing = true;
    await this.pool.destroy();
  }

  private fail(e: unknown, vague = false): void {
    if (this.error && !(this.vague && !vague)) return;
    this.error = new WorkerFailedError(this.index, this.of, [...this.symbols], e instanceof Error ? e.message : String(e));
    this.vague = vague;
  }
}
