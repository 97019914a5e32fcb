/**
 * What a worker remembers about one symbol across its ownerships of it: the counters of
 * its summary, the last input entry it recorded as done (to notice when Redis lost the
 * symbol's history: historyLost.ts), and its recent failures (to back off).
 *
 * The counters that describe input entries (processed, rejected, malformed, dead) count
 * each entry once, when this worker recorded it in cf:done: an entry processed again (a
 * takeover re-running claimed work, a group recreated at 0) is not counted twice, so over
 * all the workers of a group each of them adds up to the totals of the current streams.
 * When Redis loses the symbol's data, every counter restarts with the new streams and
 * `dataLosses` records that it happened.
 *
 * A symbol whose ownership ends in an error (a Redis error, or one that no input can clear:
 * its stream key holding a string) is not taken again at once: after n failures in a row
 * it waits base·2^(n−1), at most MAX_BACKOFF_MS, so no symbol can make a worker retry in
 * a tight loop; the streak ends as soon as the symbol makes progress (a commit, or a read
 * that finds it caught up).
 */

export interface SymbolStats {
  /** Input entries this worker recorded as done (processed and committed; re-runs and rebuilds not included). */
  processed: number;
  /** Of those, rejected: the malformed ones plus the events the engine rejected. */
  rejected: number;
  /** Of those, entries that are not an event of this symbol (not decodable, another symbol's event, over the size bound). */
  malformed: number;
  /** Of those, poison messages: processing threw; dead-lettered to cf:dead:{S}. */
  dead: number;
  /** Score updates written to the output stream. */
  outputs: number;
  /** Score updates not written because their input entry was already done. */
  duplicates: number;
  /** Pending entries claimed from previous owners. */
  claimed: number;
  /** Acknowledged entries re-run to rebuild the state when taking the symbol over. */
  rebuilt: number;
  /** Re-run entries that ran differently from their first run (a poison entry that did not throw again, or the reverse): a non-deterministic engine. */
  divergent: number;
  /** Times this worker took the symbol. */
  takeovers: number;
  /** Ownerships that ended in an error (the symbol was let go and taken again later). */
  errors: number;
  /** Times the symbol's history vanished from Redis under this worker (the other counters restarted then). */
  dataLosses: number;
  /** Engine checkpoints this worker committed (cf:ckpt:{S}:G). */
  checkpoints: number;
  /** Input entries (with their done marks) trimmed after those checkpoints. */
  trimmed: number;
  /** Take-overs that restored the group's checkpoint (and re-ran only the entries after it). */
  restored: number;
  /** Take-overs whose checkpoint did not restore (another configuration, version or corrupt bytes): logged, rebuilt from the stream's start. */
  checkpointsRefused: number;
  /** Take-overs that had to rebuild from a stream already trimmed: the history before its first entry was gone, so the state started there (logged). */
  historyTrimmed: number;
}

export const emptyStats = (): SymbolStats => ({
  processed: 0,
  rejected: 0,
  malformed: 0,
  dead: 0,
  outputs: 0,
  duplicates: 0,
  claimed: 0,
  rebuilt: 0,
  divergent: 0,
  takeovers: 0,
  errors: 0,
  dataLosses: 0,
  checkpoints: 0,
  trimmed: 0,
  restored: 0,
  checkpointsRefused: 0,
  historyTrimmed: 0,
});

/** Longest wait before a failing symbol is taken again. */
export const MAX_BACKOFF_MS = 30_000;

/** Poison messages logged one by one per symbol; later ones are counted (and in cf:dead:{S}), not logged. */
export const LOGGED_DEAD = 10;

export class SymbolLedger {
  readonly stats: SymbolStats = emptyStats();
  /** The last input entry id this worker recorded in cf:done (null: none since the last data loss). */
  lastRecorded: string | null = null;
  /** Poison messages logged so far. */
  deadLogged = 0;
  private streak = 0;
  private retryAt = 0;

  /** The symbol's history is gone: counters restart with the current streams. */
  restart(): void {
    const losses = this.stats.dataLosses + 1;
    Object.assign(this.stats, emptyStats(), { dataLosses: losses });
    this.lastRecorded = null;
    this.deadLogged = 0;
  }

  /** An ownership ended in an error at `now`; returns how long the symbol now waits. */
  failed(now: number, baseMs: number): number {
    this.stats.errors++;
    this.streak++;
    const wait = Math.min(baseMs * (1 << Math.min(this.streak - 1, 30)), MAX_BACKOFF_MS);
    this.retryAt = now + wait;
    return wait;
  }

  /** The symbol made progress: the next failure starts a new streak. */
  progressed(): void {
    this.streak = 0;
  }

  /** True while the symbol waits after a failure. */
  waiting(now: number): boolean {
    return now < this.retryAt;
  }
}
