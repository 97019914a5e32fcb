/**
 * Binance's documented local-book procedure, per symbol: buffer depth diffs until a
 * snapshot arrives; drop buffered diffs older than it — u ≤ lastUpdateId on spot,
 * u < lastUpdateId on futures (a diff that carries `pu`); the first diff applied must
 * bridge the snapshot — U ≤ lastUpdateId + 1 ≤ u on spot, U ≤ lastUpdateId ≤ u on futures
 * (or its pu is lastUpdateId) —; every later diff must continue the chain: U == previous
 * u + 1 on spot, pu == previous u on futures. A break is one gap: the book is unsynced — and must not be used —
 * until the next snapshot, and diffs are buffered again meanwhile.
 *
 * What the procedure leaves open, and what a real stream (or an adversary) sends anyway:
 *  - a diff that fails the event validator (feeds/validate.ts: a level's price or size out
 *    of bounds, ids that are not ids, an implausible id span) is rejected; the book would
 *    miss its changes, so it is unsynced until the next snapshot. So is a diff after
 *    which the best bid is at or above the best ask.
 *  - the same diff delivered twice (same U and u as one seen recently) is a duplicate:
 *    dropped and counted, the book unchanged. An older diff that is not a duplicate is
 *    rejected as out of order, the book unchanged.
 *  - a snapshot that is not newer than the synced book (lastUpdateId ≤ the book's) is
 *    ignored and counted: applying it would roll the book back and break the chain.
 *  - a snapshot whose lastUpdateId no diff stream can have reached (more than
 *    LIMITS.maxUpdateSpan past the latest diff seen) is rejected; and a snapshot that no
 *    diff ever bridges — STALE_LIMIT diffs in a row all older than it — was not a real
 *    snapshot of this stream: the book is unsynced until the next one. Neither can become
 *    the reference that later events are judged against.
 */
import type { DepthDiffEvent, DepthSnapshotEvent } from "../feeds/events.js";
import { LIMITS, validateEvent, type Rejection } from "../feeds/validate.js";
import { L2Book, type L2BookOptions } from "./l2Book.js";
import type { OrderBook } from "./orderBook.js";
import { RecentIds } from "./recentIds.js";

export type SyncState = "waiting" | "synced" | "gap";

/** What happened to one diff or snapshot. */
export type SyncOutcome =
  | "applied" // the book changed and is synced
  | "buffered" // waiting for a snapshot
  | "stale" // older than the snapshot (u ≤ lastUpdateId) before the first bridging diff: dropped, as the procedure says
  | "duplicate" // the same diff again: dropped, the book unchanged
  | "ignored" // a snapshot not newer than the synced book: dropped, the book unchanged
  | "outOfOrder" // after the book was bridged, a diff older than the book: rejected, the book unchanged
  | "gap" // the chain broke: unsynced until the next snapshot
  | "rejected"; // invalid, crossed or implausible: unsynced until the next snapshot (see `lastRejection`)

export interface SyncCounters {
  /** Diffs applied to the book. */
  applied: number;
  /** Diffs dropped as older than the snapshot before it was bridged. */
  stale: number;
  /** Chain breaks and unbridged snapshots (each leaves the book unsynced until a snapshot). */
  gaps: number;
  /** Diffs and snapshots rejected: invalid, crossed, out of order or implausible. */
  rejected: number;
  /** Buffered diffs discarded because the buffer was full. */
  overflowed: number;
  /** Diffs received again (same U and u as one seen recently): dropped. */
  duplicates: number;
  /** Snapshots not newer than the synced book: ignored. */
  staleSnapshots: number;
}

/** Diffs in a row older than a snapshot, with none bridging it, after which the snapshot is taken for a wrong one. */
const STALE_LIMIT = 1_000;

export interface BookSyncOptions {
  /** Diffs buffered while waiting for a snapshot (the oldest are discarded and counted beyond). Default 10,000. */
  readonly maxBuffered?: number;
  /** Validate events here (default true); false only for callers that ran validateEvent on them already. */
  readonly validate?: boolean;
  /** The book's bounds (levels a side, window width). */
  readonly book?: L2BookOptions;
  /** Makes the book (default: an L2Book in the JS heap; the engine asks its kernels, so a WASM engine keeps it in linear memory). */
  readonly newBook?: (options: L2BookOptions) => OrderBook;
}

export class BookSync {
  readonly book: OrderBook;
  state: SyncState = "waiting";
  /** The last update id the book reflects (−1 before any snapshot). */
  lastUpdateId = -1;
  readonly counters: SyncCounters = { applied: 0, stale: 0, gaps: 0, rejected: 0, overflowed: 0, duplicates: 0, staleSnapshots: 0 };
  /** Why the last diff or snapshot was rejected (null before any). */
  lastRejection: Rejection | null = null;
  readonly maxBuffered: number;
  private readonly validate: boolean;
  private buffer: DepthDiffEvent[] = [];
  private bridged = false;
  /** Diffs dropped as stale since the snapshot, none bridging it. */
  private staleRun = 0;
  /** The greatest u of any diff seen (−1 before any). */
  private latestSeen = -1;
  /** Recently seen diffs by u, tagged with U: duplicates are recognised by both. */
  private readonly recent = new RecentIds(256);

  constructor(options: BookSyncOptions = {}) {
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.validate = options.validate ?? true;
    this.book = options.newBook ? options.newBook(options.book ?? {}) : new L2Book(options.book);
  }

  get synced(): boolean {
    return this.state === "synced";
  }

  /**
   * A snapshot. One that is invalid, crossed, implausible or not newer than the synced book
   * is refused and leaves the book as it was (whatever its state).
   */
  onSnapshot(e: DepthSnapshotEvent): SyncOutcome {
    const bad = this.validate ? validateEvent(e) : null;
    if (bad !== null) return this.refuse(bad);
    if (this.synced && e.lastUpdateId <= this.lastUpdateId) {
      this.counters.staleSnapshots++;
      return "ignored";
    }
    if (this.latestSeen >= 0 && e.lastUpdateId - this.latestSeen > LIMITS.maxUpdateSpan) {
      return this.refuse({
        reason: "implausible-update-id",
        message: `snapshot lastUpdateId ${e.lastUpdateId} is ${e.lastUpdateId - this.latestSeen} past the latest depth update ${this.latestSeen}: expected at most ${LIMITS.maxUpdateSpan}`,
      });
    }
    const bid = bestOf(e.bids, true),
      ask = bestOf(e.asks, false);
    if (bid >= ask) return this.refuse({ reason: "crossed", message: `crossed snapshot: bid ${bid} >= ask ${ask}` });
    this.book.loadValid(e.bids, e.asks);
    this.lastUpdateId = e.lastUpdateId;
    this.state = "synced";
    this.bridged = false;
    this.staleRun = 0;
    const pending = this.buffer;
    this.buffer = [];
    let outcome: SyncOutcome = "applied";
    for (let i = 0; i < pending.length; i++) {
      outcome = this.onSyncedDiff(pending[i]!, false);
      if (outcome === "gap" || outcome === "rejected") {
        // the rest cannot be applied on this snapshot; keep them for the next
        this.buffer = pending.slice(i + 1);
        break;
      }
    }
    return this.synced ? "applied" : outcome;
  }

  onDiff(d: DepthDiffEvent): SyncOutcome {
    const bad = this.validate ? validateEvent(d) : null;
    if (bad !== null) return this.lost(bad);
    if (this.state !== "synced") {
      if (this.seen(d)) {
        this.counters.duplicates++;
        return "duplicate";
      }
      this.remember(d);
      if (this.buffer.length >= this.maxBuffered) {
        this.buffer.shift();
        this.counters.overflowed++;
      }
      this.buffer.push(d);
      return "buffered";
    }
    if (d.lastUpdateId <= this.lastUpdateId && this.seen(d)) {
      this.counters.duplicates++;
      return "duplicate";
    }
    return this.onSyncedDiff(d, true);
  }

  /** A diff on a loaded book: `fresh` when it just arrived, false when it comes out of the buffer. */
  private onSyncedDiff(d: DepthDiffEvent, fresh: boolean): SyncOutcome {
    const last = this.lastUpdateId;
    const futures = d.prevUpdateId === d.prevUpdateId;
    this.remember(d);
    // before the bridge a futures diff ending at the snapshot's id is the bridge (U ≤ lastUpdateId ≤ u):
    // futures ids skip, so the diff after it may start past lastUpdateId + 1 and only its pu chains
    if (d.lastUpdateId < last || (d.lastUpdateId === last && (this.bridged || !futures))) {
      if (this.bridged) {
        this.counters.rejected++;
        this.lastRejection = { reason: "out-of-order", message: `out-of-order depth update: u ${d.lastUpdateId} <= ${last}` };
        return "outOfOrder";
      }
      this.counters.stale++;
      if (fresh && ++this.staleRun >= STALE_LIMIT) {
        // no diff of this stream reaches the snapshot: it cannot be this stream's book
        this.counters.gaps++;
        this.state = "gap";
        this.buffer = [];
        return "gap";
      }
      return "stale";
    }
    const continues = !this.bridged
      ? d.firstUpdateId <= last + 1 || (futures && d.prevUpdateId === last)
      : futures
        ? d.prevUpdateId === last
        : d.firstUpdateId === last + 1;
    if (!continues) {
      this.counters.gaps++;
      this.state = "gap";
      this.buffer = [d];
      return "gap";
    }
    this.book.applyValid(d.bids, d.asks);
    if (this.book.crossed)
      return this.lost({
        reason: "crossed",
        message: `crossed book: bid ${this.book.bids.bestPrice()} >= ask ${this.book.asks.bestPrice()}`,
      });
    this.lastUpdateId = d.lastUpdateId;
    this.bridged = true;
    this.staleRun = 0;
    this.counters.applied++;
    return "applied";
  }

  /** Whether a diff with these ids was seen recently. */
  private seen(d: DepthDiffEvent): boolean {
    return this.recent.has(d.lastUpdateId, d.firstUpdateId);
  }

  private remember(d: DepthDiffEvent): void {
    this.recent.add(d.lastUpdateId, d.firstUpdateId);
    if (d.lastUpdateId > this.latestSeen) this.latestSeen = d.lastUpdateId;
  }

  /**
   * A diff of this stream that cannot be used (invalid, or it crossed the book): the book
   * misses its changes, so it is unsynced until the next snapshot, and what was buffered
   * can no longer be chained.
   */
  lost(rejection: Rejection): SyncOutcome {
    this.refuse(rejection);
    if (this.state === "synced") this.counters.gaps++;
    this.state = "gap";
    this.buffer = [];
    return "rejected";
  }

  private refuse(rejection: Rejection): SyncOutcome {
    this.counters.rejected++;
    this.lastRejection = rejection;
    return "rejected";
  }
}

/** The best price among levels with a quantity > 0 (highest bid, lowest ask); NaN when none. */
function bestOf(levels: ArrayLike<number>, bid: boolean): number {
  let best = NaN;
  for (let i = 0; i < levels.length; i += 2) {
    const p = levels[i]!;
    if (levels[i + 1]! > 0 && (best !== best || (bid ? p > best : p < best))) best = p;
  }
  return best;
}
