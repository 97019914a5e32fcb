/**
 * One symbol in one worker, from the moment the worker takes its lease until it lets go:
 *
 *  1. take-over: every entry the group has pending for other consumers (a dead or fenced
 *     previous owner) is claimed with XAUTOCLAIM once idle for `claimIdleMs`; no new
 *     entries can be delivered to anyone else meanwhile (reads are fenced by the lease).
 *  2. rebuild: the symbol's acknowledged history — XRANGE from the start up to the first
 *     pending entry, or through the group's last delivered entry when none is pending —
 *     is re-run through a fresh engine with outputs suppressed. The engine is
 *     deterministic, so this is exactly the state the previous owner had.
 *  3. the claimed entries (first pending through last delivered) are processed and
 *     committed; outputs already written for an entry are not written again (commit.ts).
 *  4. then, until stopped or the lease is lost: read new entries (fencedRead.ts), run them
 *     through the engine, commit the batch (outputs, done marks, latest score, XACK) —
 *     pipelined, so Redis works on one batch while the engine works on the next.
 *
 * An entry that is not an event of this symbol (not decodable, or another symbol's) is
 * acknowledged, marked "bad" and counted as rejected; events the engine rejects are
 * counted too. Nothing here throws for bad data.
 */
import type { Redis } from "ioredis";
import { decodeEvent, FeedDecodeError, StreamingEngine, type EngineOptions, type Kernels, type MarketEvent } from "../index.js";
import { commitBatch } from "./commit.js";
import { readNewEntries, type StreamEntry } from "./fencedRead.js";
import { symbolKeys, type SymbolKeys } from "./keys.js";
import { pause } from "./pause.js";

export interface SymbolStats {
  /** Input entries processed and committed (the rebuild not included). */
  processed: number;
  /** Entries rejected: the malformed ones plus the events the engine rejected. */
  rejected: number;
  /** Entries that are not an event of this symbol (not decodable, or another symbol's event). */
  malformed: number;
  /** Score updates written to the output stream. */
  outputs: number;
  /** Score updates not written because their input entry was already done. */
  duplicates: number;
  /** Pending entries claimed from previous owners. */
  claimed: number;
  /** Acknowledged entries re-run to rebuild the state when taking the symbol over. */
  rebuilt: number;
  /** Times this worker took the symbol. */
  takeovers: number;
}

export const emptyStats = (): SymbolStats => ({ processed: 0, rejected: 0, malformed: 0, outputs: 0, duplicates: 0, claimed: 0, rebuilt: 0, takeovers: 0 });

/** What a worker shares with its symbol processors. */
export interface ProcessorContext {
  readonly redis: Redis;
  readonly kernels: Kernels;
  readonly engine: Omit<EngineOptions, "onScore">;
  readonly group: string;
  readonly consumer: string;
  readonly batch: number;
  readonly claimIdleMs: number;
  readonly scoreTtlMs: number;
  /** Called when entries were processed (the worker's idle timer). */
  readonly onActivity: () => void;
  readonly log: (line: string) => void;
}

/** Why a processor ended: asked to stop, asked to hand the symbol to another worker, or its lease was lost. */
export type ProcessorEnd = "stopped" | "released" | "lost";

interface ProcessedBatch {
  readonly entries: number;
  readonly args: string[];
  readonly malformed: number;
  readonly rejected: number;
}

/** Marks a promise handled (it may settle before it is awaited) and returns it. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Polling for new entries: from 1 ms right after a busy read, doubling up to 50 ms while idle. */
const MIN_POLL_MS = 1;
const MAX_POLL_MS = 50;

export class SymbolProcessor {
  readonly keys: SymbolKeys;
  private readonly engine: StreamingEngine;
  /** Where score updates go: the batch being built, or nowhere during the rebuild. */
  private sink: string[] | null = null;
  private readonly abort = new AbortController();
  private end: ProcessorEnd = "stopped";
  /** True until the take-over (claim, rebuild, claimed entries) is complete. */
  takingOver = true;

  constructor(private readonly ctx: ProcessorContext, readonly symbol: string, readonly token: string, readonly stats: SymbolStats) {
    this.keys = symbolKeys(symbol, ctx.group);
    this.engine = new StreamingEngine(ctx.kernels, { ...ctx.engine, onScore: (u) => this.sink?.push(JSON.stringify(u)) });
  }

  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  /** Ends the run after the current batch (the first reason given wins). */
  requestStop(reason: ProcessorEnd): void {
    if (this.stopping) return;
    this.end = reason;
    this.abort.abort();
  }

  /**
   * Takes the symbol over and processes it until stopped; rejects only on Redis errors.
   * Steady state is pipelined: the read of the next batch is sent before this batch is
   * processed, and a batch's commit is in flight while the next one is processed. Commits
   * still apply in order (one connection), and a lost lease fails every later one.
   */
  async run(): Promise<ProcessorEnd> {
    let next: Promise<StreamEntry[] | null> | null = null;
    let committing: Promise<boolean> | null = null;
    try {
      if (!(await this.takeOver())) return this.stopping ? this.end : "lost";
      this.takingOver = false;
      this.ctx.onActivity();
      let poll = MIN_POLL_MS;
      next = this.read();
      for (;;) {
        const entries = await next;
        if (entries === null) return "lost";
        if (entries.length === 0) {
          if (committing && !(await committing)) return "lost";
          committing = null;
          if (this.stopping) return this.end;
          await pause(poll, this.abort.signal);
          poll = Math.min(poll * 2, MAX_POLL_MS);
          next = this.read();
          continue;
        }
        poll = MIN_POLL_MS;
        const more = !this.stopping;
        if (more) next = this.read();
        const batch = this.process(entries);
        if (committing && !(await committing)) return "lost";
        committing = handled(this.send(batch));
        if (!more) return (await committing) ? this.end : "lost";
      }
    } finally {
      // whatever is still in flight settles before the lease can be released
      await Promise.allSettled([next, committing]);
      this.engine.dispose();
    }
  }

  private read(): Promise<StreamEntry[] | null> {
    return handled(readNewEntries(this.ctx.redis, this.keys, this.token, this.ctx.group, this.ctx.consumer, this.ctx.batch));
  }

  /** Claim, rebuild, process the claimed entries; false when stopped or the lease was lost. */
  private async takeOver(): Promise<boolean> {
    const { redis, group, consumer, claimIdleMs } = this.ctx;
    const input = this.keys.input;
    await redis.xgroup("CREATE", input, group, "0", "MKSTREAM").catch((e: Error) => {
      if (!e.message.startsWith("BUSYGROUP")) throw e;
    });
    const claimed = this.stats.claimed;
    let pending = await this.pending();
    while (pending.others > 0) {
      let cursor = "0-0";
      do {
        const reply = (await redis.xautoclaim(input, group, consumer, claimIdleMs, cursor, "COUNT", 1000, "JUSTID")) as [string, string[]];
        cursor = reply[0];
        this.stats.claimed += reply[1].length;
      } while (cursor !== "0-0");
      pending = await this.pending();
      if (pending.others > 0) await pause(Math.min(250, Math.max(10, claimIdleMs / 4)), this.abort.signal);
      if (this.stopping) return false;
    }
    const lastDelivered = await this.lastDelivered();
    const t0 = performance.now();
    const rebuilt = this.stats.rebuilt;
    if (lastDelivered !== "0-0") {
      await this.scan("-", pending.first ? `(${pending.first}` : lastDelivered, async (entries) => {
        this.rebuild(entries);
        return !this.stopping;
      });
      if (this.stopping) return false;
      if (pending.first && !(await this.scan(pending.first, lastDelivered, (entries) => this.commit(entries)))) return false;
    }
    this.stats.takeovers++;
    this.ctx.log(`${this.symbol}: owned (claimed ${this.stats.claimed - claimed} pending entries; re-ran ${this.stats.rebuilt - rebuilt} acknowledged entries in ${Math.round(performance.now() - t0)} ms)`);
    return true;
  }

  /** The group's pending entries of this symbol: how many, the first id, and how many belong to other consumers. */
  private async pending(): Promise<{ count: number; first: string | null; others: number }> {
    const [count, first, , consumers] = (await this.ctx.redis.xpending(this.keys.input, this.ctx.group)) as [number, string | null, string | null, [string, string][] | null];
    let others = 0;
    for (const [name, n] of consumers ?? []) if (name !== this.ctx.consumer) others += Number(n);
    return { count, first, others };
  }

  private async lastDelivered(): Promise<string> {
    const groups = (await this.ctx.redis.xinfo("GROUPS", this.keys.input)) as (string | number)[][];
    for (const g of groups) {
      const info = new Map<unknown, unknown>();
      for (let i = 0; i + 1 < g.length; i += 2) info.set(g[i], g[i + 1]);
      if (info.get("name") === this.ctx.group) return String(info.get("last-delivered-id"));
    }
    return "0-0";
  }

  /** XRANGE start..end in batches into `each`; false as soon as `each` returns false. */
  private async scan(start: string, end: string, each: (entries: StreamEntry[]) => Promise<boolean>): Promise<boolean> {
    for (;;) {
      const entries = (await this.ctx.redis.xrange(this.keys.input, start, end, "COUNT", this.ctx.batch)) as StreamEntry[];
      if (entries.length === 0) return true;
      if (!(await each(entries))) return false;
      if (entries.length < this.ctx.batch) return true;
      start = `(${entries[entries.length - 1]![0]}`;
    }
  }

  /** Re-runs acknowledged entries with outputs suppressed (malformed ones were skipped the first time too). */
  private rebuild(entries: readonly StreamEntry[]): void {
    this.sink = null;
    for (const [, fields] of entries) {
      const e = this.decode(fields);
      if (e) this.engine.process(e);
    }
    this.stats.rebuilt += entries.length;
  }

  /** Processes entries and commits them with their outputs; false when the lease was lost. */
  private commit(entries: readonly StreamEntry[]): Promise<boolean> {
    return this.send(this.process(entries));
  }

  /** Runs entries through the engine: the commit arguments ([id, k, …outputs] each) and the counts. */
  private process(entries: readonly StreamEntry[]): ProcessedBatch {
    const args: string[] = [];
    const rejectedBefore = this.engineRejected();
    let malformed = 0;
    for (const [id, fields] of entries) {
      const e = this.decode(fields);
      if (!e) {
        args.push(id, "-1");
        malformed++;
        continue;
      }
      const at = args.length;
      args.push(id, "0");
      this.sink = args;
      this.engine.process(e);
      this.sink = null;
      const outputs = args.length - at - 2;
      if (outputs > 0) args[at + 1] = String(outputs);
    }
    return { entries: entries.length, args, malformed, rejected: malformed + this.engineRejected() - rejectedBefore };
  }

  /** Commits a processed batch; false when the lease was lost (nothing written). */
  private async send(batch: ProcessedBatch): Promise<boolean> {
    const r = await commitBatch(this.ctx.redis, this.keys, this.token, this.ctx.group, this.ctx.scoreTtlMs, batch.entries, batch.args);
    if (!r) return false;
    const s = this.stats;
    s.processed += batch.entries;
    s.malformed += batch.malformed;
    s.rejected += batch.rejected;
    s.outputs += r.written;
    s.duplicates += r.skipped;
    this.ctx.onActivity();
    return true;
  }

  private engineRejected(): number {
    return this.engine.symbolState(this.symbol)?.events.rejected ?? 0;
  }

  /** The entry's event when it is one of this symbol's; null otherwise. */
  private decode(fields: readonly string[]): MarketEvent | null {
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] !== "e") continue;
      try {
        const e = decodeEvent(fields[i + 1]!);
        return e.symbol === this.symbol ? e : null;
      } catch (err) {
        if (err instanceof FeedDecodeError) return null;
        throw err;
      }
    }
    return null;
  }
}
