/**
 * One symbol in one worker, from the moment the worker takes its lease until it lets go:
 *
 *  0. history check: if this worker recorded entries of the symbol before and the last of
 *     them is gone from Redis (historyLost.ts), its counters restart with the current
 *     streams (symbolLedger.ts).
 *  1. take-over: every entry the group has pending for other consumers (a dead or fenced
 *     previous owner) is claimed with XAUTOCLAIM once idle for `claimIdleMs`; no new
 *     entries can be delivered to anyone else meanwhile (reads are fenced by the lease).
 *  2. rebuild: the group's latest checkpoint (cf:ckpt:{S}:G) is restored into a fresh
 *     engine, and the acknowledged entries after it — XRANGE from the checkpoint's entry
 *     (exclusive) up to the first pending entry, or through the group's last delivered
 *     entry when none is pending — are re-run with outputs suppressed, each entry exactly
 *     as the first time (below); so a take-over costs at most one checkpoint interval of
 *     entries, whatever the uptime. The engine is deterministic, so this is exactly the
 *     state the previous owner had; each entry's done mark says how it ran then, and an
 *     entry that runs differently now is counted (`divergent`) and logged as a bug.
 *     Without a checkpoint the re-run starts at the stream's first entry. A checkpoint that
 *     does not restore (a CheckpointError: the worker runs another configuration or
 *     version, or the bytes are damaged) is logged and counted, and the re-run starts at
 *     the stream's first entry too — which is the symbol's whole history only while the
 *     stream is untrimmed: if it was trimmed, the history before its first entry is gone,
 *     and that is logged and counted (`historyTrimmed`): the state, and so the scores,
 *     may then differ from a replay of the whole history.
 *  3. the claimed entries (first pending through last delivered) are processed and
 *     committed; outputs already written for an entry are not written again (commit.ts).
 *  4. then, until it ends: read new entries (fencedRead.ts), run them through the engine,
 *     commit the batch (outputs, done marks, dead letters, latest score, XACK) —
 *     pipelined, so Redis works on one batch while the engine works on the next. Every
 *     `checkpointEvery` entries or `checkpointMs` (whichever comes first), the engine is
 *     checkpointed right after a batch's last entry, before the next batch runs, and the
 *     checkpoint goes with that batch's commit (which then trims the input: commit.ts).
 *
 * An entry that is not an event of this symbol (not decodable, another symbol's, over the
 * size bound) is acknowledged, marked "bad" and counted as rejected; events the engine
 * rejects are counted too. An entry whose decoding or processing throws is a poison
 * message: its outputs are dropped, it is marked "dead", dead-lettered with the reason
 * and acknowledged in its batch's commit, logged, and the symbol carries on with the next
 * entry. The engine keeps whatever the event changed before it threw; a rebuild runs the
 * entry under the same guard, which throws at the same point and leaves the same state —
 * so a poison message costs one entry, never a loop, and the live run and any rebuild agree.
 *
 * It ends when stopped, handed back, when its lease is lost, when its stream or group
 * vanished (deleted, or Redis lost its data), or when the group delivers an entry at or
 * before one the engine has already seen (the group's history went back: Redis restored
 * an older state). Its engine goes with it: the next owner rebuilds from what Redis holds.
 */
import type { Cluster, Redis } from "ioredis";
import { CheckpointError, FeedDecodeError } from "../errors.js";
import type { MarketEvent } from "../feeds/events.js";
import { decodeEvent } from "../feeds/wire.js";
import type { Kernels } from "../kernels/types.js";
import { StreamingEngine, type EngineOptions, type SymbolView } from "../pipeline/engine.js";
import { BAD, type BatchCheckpoint, commitBatch, DEAD } from "./commit.js";
import { createGroup } from "./createGroup.js";
import { describeFailure, type EntryFailure } from "./entryFailure.js";
import { readNewEntries, type StreamEntry } from "./fencedRead.js";
import { groupInfo } from "./groupInfo.js";
import { historyLost } from "./historyLost.js";
import { symbolKeys, type SymbolKeys } from "./keys.js";
import { pause } from "./pause.js";
import { readRange } from "./rangeRead.js";
import { compareStreamIds } from "./streamId.js";
import { LOGGED_DEAD, type SymbolLedger } from "./symbolLedger.js";

export type { SymbolStats } from "./symbolLedger.js";

/** What a worker shares with its symbol processors. */
export interface ProcessorContext {
  readonly redis: Redis | Cluster;
  readonly kernels: Kernels;
  readonly engine: Omit<EngineOptions, "onScore">;
  readonly group: string;
  readonly consumer: string;
  readonly batch: number;
  readonly claimIdleMs: number;
  readonly scoreTtlMs: number;
  readonly maxEntryBytes: number;
  /** Checkpoint the engine at least every this many entries... */
  readonly checkpointEvery: number;
  /** ...or this often (ms), whichever comes first. */
  readonly checkpointMs: number;
  /** The output stream's retention: about this many entries (MAXLEN ~); 0 = unbounded. */
  readonly outMaxlen: number;
  /** Called when entries were processed (the worker's idle timer). */
  readonly onActivity: () => void;
  readonly log: (line: string) => void;
}

/**
 * Why a processor ended: asked to stop, asked to hand the symbol to another worker, its
 * lease was lost, its stream or group vanished, or the group's delivery went back.
 */
export type ProcessorEnd = "stopped" | "released" | "lost" | "vanished" | "rewound";

interface ProcessedBatch {
  readonly ids: string[];
  /** The commit arguments: [id, code, …] per entry (commit.ts). */
  readonly args: string[];
  /** Per entry: BAD, DEAD, or how many events the engine rejected for it. */
  readonly codes: number[];
  /** The failures of the poison entries, by index in the batch. */
  readonly failures: Map<number, EntryFailure>;
  /** The engine's checkpoint right after the batch's last entry, when one is due (committed with the batch). */
  checkpoint: BatchCheckpoint | null;
}

/** How an entry ran: "bad" (not an event of this symbol), its failure (a poison message), or "ran". */
type Outcome = "bad" | EntryFailure | "ran";

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
  /** The engine's view of this symbol (for its rejection count), once the engine has one. */
  private view: SymbolView | undefined;
  /** Where score updates go: the batch being built, or nowhere during the rebuild. */
  private sink: string[] | null = null;
  private readonly abort = new AbortController();
  private end: ProcessorEnd = "stopped";
  /** The last entry id the engine has seen: the group must deliver only later ones. */
  private lastSeen = "0-0";
  /** Re-run entries that ran differently from their first run, in the current take-over. */
  private diverged = 0;
  /** Entries run since the state the latest checkpoint holds, and when that checkpoint was taken (performance.now()). */
  private sinceCheckpoint = 0;
  private checkpointAt = performance.now();
  /** True until the take-over (claim, rebuild, claimed entries) is complete. */
  takingOver = true;

  constructor(
    private readonly ctx: ProcessorContext,
    readonly symbol: string,
    readonly token: string,
    readonly ledger: SymbolLedger,
  ) {
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
   * Takes the symbol over and processes it until it ends; rejects only on Redis errors.
   * Steady state is pipelined: the read of the next batch is sent before this batch is
   * processed, and a batch's commit is in flight while the next one is processed. Commits
   * still apply in order (one connection), and a lost lease fails every later one.
   */
  async run(): Promise<ProcessorEnd> {
    let next: Promise<StreamEntry[] | "lost" | "vanished"> | null = null;
    let committing: Promise<boolean> | null = null;
    try {
      const ended = await this.takeOver();
      if (ended) return ended;
      this.takingOver = false;
      this.ctx.onActivity();
      let poll = MIN_POLL_MS;
      next = this.read();
      for (;;) {
        const entries = await next;
        if (typeof entries === "string") return entries;
        if (entries.length === 0) {
          if (committing && !(await committing)) return "lost";
          committing = null;
          this.ledger.progressed();
          if (this.stopping) return this.end;
          await pause(poll, this.abort.signal);
          poll = Math.min(poll * 2, MAX_POLL_MS);
          next = this.read();
          continue;
        }
        if (compareStreamIds(entries[0]![0], this.lastSeen) <= 0) return "rewound";
        this.lastSeen = entries[entries.length - 1]![0];
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

  private read(): Promise<StreamEntry[] | "lost" | "vanished"> {
    const { redis, group, consumer, batch, maxEntryBytes } = this.ctx;
    return handled(readNewEntries(redis, this.keys, this.token, group, consumer, batch, maxEntryBytes));
  }

  /** Claim, rebuild, process the claimed entries; null when done, else how the run ends (stopped, lease lost, vanished). */
  private async takeOver(): Promise<ProcessorEnd | null> {
    const { redis, group, consumer, claimIdleMs } = this.ctx;
    const { input, done } = this.keys;
    const ledger = this.ledger;
    if (ledger.lastRecorded !== null && (await historyLost(redis, this.keys, ledger.lastRecorded))) {
      this.ctx.log(
        `${this.symbol}: entry ${ledger.lastRecorded}, the last this worker recorded, is gone from ${input} and ${done} ` +
          `(Redis lost its data, or the keys were deleted): its counters restart with the current streams`,
      );
      ledger.restart();
    }
    await createGroup(redis, this.keys, group);
    const claimed = ledger.stats.claimed;
    let pending = await this.pending();
    while (pending.others > 0) {
      let cursor = "0-0";
      do {
        const reply = (await redis.xautoclaim(input, group, consumer, claimIdleMs, cursor, "COUNT", 1000, "JUSTID")) as [string, string[]];
        cursor = reply[0];
        ledger.stats.claimed += reply[1].length;
      } while (cursor !== "0-0");
      pending = await this.pending();
      if (pending.others > 0) await pause(Math.min(250, Math.max(10, claimIdleMs / 4)), this.abort.signal);
      if (this.stopping) return this.end;
    }
    const info = await groupInfo(redis, input, group);
    if (!info) return "vanished";
    const lastDelivered = info.lastDelivered;
    this.lastSeen = lastDelivered;
    const t0 = performance.now();
    const rebuilt = ledger.stats.rebuilt;
    const restored = lastDelivered === "0-0" ? null : await this.restoreCheckpoint(pending.first, lastDelivered);
    if (!restored) await this.checkHistory();
    if (lastDelivered !== "0-0") {
      const end = pending.first ? `(${pending.first}` : lastDelivered;
      await this.scan(restored ? `(${restored}` : "-", end, async (entries) => {
        this.rebuild(entries);
        return !this.stopping;
      });
      if (this.stopping) return this.end;
      if (pending.first && !(await this.scan(pending.first, lastDelivered, (entries) => this.commit(entries))))
        return this.stopping ? this.end : "lost";
    }
    ledger.stats.takeovers++;
    this.sinceCheckpoint = ledger.stats.rebuilt - rebuilt;
    this.checkpointAt = performance.now();
    const diverged = this.diverged > 0 ? `; ${this.diverged} of them ran differently from their first run` : "";
    this.ctx.log(
      `${this.symbol}: owned (claimed ${ledger.stats.claimed - claimed} pending entries; ` +
        `${restored ? `restored the checkpoint at ${restored} and ` : ""}re-ran ${ledger.stats.rebuilt - rebuilt} acknowledged entries in ${Math.round(performance.now() - t0)} ms${diverged})`,
    );
    return null;
  }

  /**
   * Restores the group's checkpoint into the engine; its entry id, or null when there is none
   * to use: none written, one past the acknowledged entries (at or after the first pending
   * one, or after the last delivered: the group was recreated behind it), or one that does
   * not restore (logged and counted; the engine is unchanged).
   */
  private async restoreCheckpoint(firstPending: string | null, lastDelivered: string): Promise<string | null> {
    const { checkpoint } = this.keys;
    const [rawId, state] = await this.ctx.redis.hmgetBuffer(checkpoint, "id", "state");
    if (!rawId || !state) return null;
    const id = rawId.toString();
    if (firstPending ? compareStreamIds(id, firstPending) >= 0 : compareStreamIds(id, lastDelivered) > 0) {
      this.ctx.log(
        `${this.symbol}: the checkpoint in ${checkpoint} is at ${id}, past the group's acknowledged entries (the group was recreated?): not used`,
      );
      return null;
    }
    try {
      this.engine.restore(this.symbol, new Uint8Array(state.buffer, state.byteOffset, state.byteLength));
    } catch (e) {
      if (!(e instanceof CheckpointError)) throw e;
      this.ledger.stats.checkpointsRefused++;
      this.ctx.log(
        `${this.symbol}: the checkpoint in ${checkpoint} (at ${id}) is refused: ${e.message}; rebuilding from the start of ${this.keys.input}`,
      );
      return null;
    }
    this.view = undefined;
    this.ledger.stats.restored++;
    return id;
  }

  /**
   * When the engine starts from the stream's first entry (no checkpoint restored): says (log,
   * `historyTrimmed`) when that is not the symbol's first entry — the stream was trimmed
   * behind a checkpoint that cannot be used, so the state starts from what is left. Redis 7 counts the entries ever added
   * (XINFO STREAM entries-added); on an older Redis any checkpoint of the stream means it may
   * have been trimmed.
   */
  private async checkHistory(): Promise<void> {
    const { redis } = this.ctx;
    const { input, checkpoints } = this.keys;
    const info = (await redis.xinfo("STREAM", input)) as unknown[];
    const field = (name: string): unknown => info[info.indexOf(name) + 1];
    const added = info.includes("entries-added") ? Number(field("entries-added")) : null;
    const length = Number(field("length"));
    const gone = added === null ? ((await redis.hlen(checkpoints)) > 0 ? "some" : 0) : added - length;
    if (gone === 0) return;
    this.ledger.stats.historyTrimmed++;
    const first = (field("first-entry") as [string, unknown] | null)?.[0] ?? "its end";
    this.ctx.log(
      `${this.symbol}: ${input} was trimmed (${gone} entries before ${first} are gone) and no checkpoint restores: ` +
        `the state starts from the entries that remain, so its scores may differ from a replay of the whole history`,
    );
  }

  /** The group's pending entries of this symbol: how many, the first id, and how many belong to other consumers. */
  private async pending(): Promise<{ count: number; first: string | null; others: number }> {
    const [count, first, , consumers] = (await this.ctx.redis.xpending(this.keys.input, this.ctx.group)) as [
      number,
      string | null,
      string | null,
      [string, string][] | null,
    ];
    let others = 0;
    for (const [name, n] of consumers ?? []) if (name !== this.ctx.consumer) others += Number(n);
    return { count, first, others };
  }

  /** XRANGE start..end in batches (size-bounded, with done marks) into `each`; false as soon as `each` returns false. */
  private async scan(start: string, end: string, each: (entries: StreamEntry[]) => Promise<boolean>): Promise<boolean> {
    for (;;) {
      const entries = await readRange(this.ctx.redis, this.keys, start, end, this.ctx.batch, this.ctx.maxEntryBytes);
      if (entries.length === 0) return true;
      if (!(await each(entries))) return false;
      if (entries.length < this.ctx.batch) return true;
      start = `(${entries[entries.length - 1]![0]}`;
    }
  }

  /** Re-runs acknowledged entries with outputs suppressed, each as it ran the first time (its done mark says how). */
  private rebuild(entries: readonly StreamEntry[]): void {
    this.sink = null;
    for (const [id, fields, mark = ""] of entries) {
      const outcome = this.runEntry(fields);
      const now = outcome === "bad" || outcome === "ran" ? outcome : "dead";
      const then = mark === "" ? null : mark === "bad" || mark === "dead" ? mark : "ran";
      if (then !== null && then !== now) this.divergence(id, then, now, outcome);
    }
    this.ledger.stats.rebuilt += entries.length;
  }

  private divergence(id: string, then: string, now: string, outcome: Outcome): void {
    this.ledger.stats.divergent++;
    if (this.diverged++ > 0) return;
    const what = (o: string): string => (o === "dead" ? "failed" : o === "bad" ? "was not an event" : "ran");
    const failure = typeof outcome === "object" ? ` (${outcome.reason})` : "";
    this.ctx.log(
      `${this.symbol}: bug: entry ${id} ${what(then)} when first processed but ${what(now)} in the rebuild${failure}: ` +
        `the engine (or its options) is not deterministic, so this worker's state may differ from the previous owner's`,
    );
  }

  /** Processes entries and commits them with their outputs; false when the lease was lost. */
  private commit(entries: readonly StreamEntry[]): Promise<boolean> {
    return this.send(this.process(entries));
  }

  /** Runs entries through the engine: the commit arguments and, per entry, how it ran. */
  private process(entries: readonly StreamEntry[]): ProcessedBatch {
    const batch: ProcessedBatch = { ids: [], args: [], codes: [], failures: new Map(), checkpoint: null };
    const { ids, args, codes } = batch;
    for (const [id, fields] of entries) {
      const at = args.length;
      args.push(id, "0");
      const rejectedBefore = this.engineRejected();
      this.sink = args;
      const outcome = this.runEntry(fields);
      this.sink = null;
      ids.push(id);
      if (outcome === "ran") {
        const outputs = args.length - at - 2;
        if (outputs > 0) args[at + 1] = String(outputs);
        codes.push(this.engineRejected() - rejectedBefore);
        continue;
      }
      // a poison entry has no outputs, even those the engine emitted before it threw
      args.length = at;
      if (outcome === "bad") {
        args.push(id, String(BAD));
        codes.push(BAD);
      } else {
        args.push(id, String(DEAD), outcome.kind, outcome.reason);
        codes.push(DEAD);
        batch.failures.set(ids.length - 1, outcome);
      }
    }
    batch.checkpoint = this.checkpointDue(ids);
    return batch;
  }

  /**
   * The engine's checkpoint after the entries `ids` (just run), when `checkpointEvery` entries
   * or `checkpointMs` have passed since the last one; null otherwise, and while the engine
   * has seen no event of the symbol (nothing to keep: a re-run from the start is as short).
   */
  private checkpointDue(ids: readonly string[]): BatchCheckpoint | null {
    this.sinceCheckpoint += ids.length;
    const { checkpointEvery, checkpointMs } = this.ctx;
    if (ids.length === 0 || (this.sinceCheckpoint < checkpointEvery && performance.now() - this.checkpointAt < checkpointMs)) return null;
    if (!this.engine.symbolState(this.symbol)) return null;
    this.sinceCheckpoint = 0;
    this.checkpointAt = performance.now();
    return { id: ids[ids.length - 1]!, state: this.engine.checkpoint(this.symbol) };
  }

  /** Decodes and processes one entry; nothing it throws escapes (a poison message). */
  private runEntry(fields: readonly string[]): Outcome {
    try {
      const e = this.decode(fields);
      if (!e) return "bad";
      this.engine.process(e);
      return "ran";
    } catch (err) {
      return describeFailure(err);
    }
  }

  /** Commits a processed batch and counts the entries it recorded; false when the lease was lost (nothing written). */
  private async send(batch: ProcessedBatch): Promise<boolean> {
    const { redis, group, scoreTtlMs, outMaxlen } = this.ctx;
    const r = await commitBatch(redis, this.keys, this.token, group, scoreTtlMs, batch.ids.length, batch.args, {
      outMaxlen,
      checkpoint: batch.checkpoint,
    });
    if (!r) return false;
    const ledger = this.ledger;
    const s = ledger.stats;
    if (batch.checkpoint) s.checkpoints++;
    s.trimmed += r.trimmed;
    for (let e = 0; e < batch.ids.length; e++) {
      if (r.recorded[e] !== "1") continue;
      const code = batch.codes[e]!;
      s.processed++;
      if (code === BAD) {
        s.malformed++;
        s.rejected++;
      } else if (code === DEAD) {
        s.dead++;
        this.logDead(batch.ids[e]!, batch.failures.get(e)!);
      } else s.rejected += code;
      ledger.lastRecorded = batch.ids[e]!;
    }
    s.outputs += r.written;
    s.duplicates += r.skipped;
    ledger.progressed();
    this.ctx.onActivity();
    return true;
  }

  private logDead(id: string, failure: EntryFailure): void {
    const ledger = this.ledger;
    if (ledger.deadLogged >= LOGGED_DEAD) return;
    ledger.deadLogged++;
    const more = ledger.deadLogged === LOGGED_DEAD ? ` (further poison messages of ${this.symbol} are counted, not logged)` : "";
    this.ctx.log(
      `${this.symbol}: entry ${id} is a poison message (${failure.kind}: ${failure.reason}): ` +
        `dead-lettered to ${this.keys.dead} and acknowledged; the symbol carries on${more}`,
    );
  }

  private engineRejected(): number {
    this.view ??= this.engine.symbolState(this.symbol);
    return this.view?.events.rejected ?? 0;
  }

  /** The entry's event when it is one of this symbol's; null otherwise (a decoder failure other than FeedDecodeError throws). */
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
