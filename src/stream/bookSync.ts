/**
 * Binance's documented local-book procedure, per symbol: buffer depth diffs until a
 * snapshot arrives; drop buffered diffs with u ≤ lastUpdateId; the first diff applied
 * must bridge the snapshot (U ≤ lastUpdateId + 1 ≤ u); every later diff must continue
 * the chain — U == previous u + 1 on spot, pu == previous u on futures (a diff that
 * carries `pu`). A break is one gap: the book is unsynced — and must not be used —
 * until the next snapshot, and diffs are buffered again meanwhile.
 *
 * A diff with an invalid level (price not finite > 0, quantity not finite ≥ 0) is
 * rejected; since the book would then miss its changes, that too leaves the book
 * unsynced. So does a diff after which the best bid is at or above the best ask (a
 * crossed book cannot be a correct picture of the exchange's book).
 */
import type { DepthDiffEvent, DepthSnapshotEvent } from "../feeds/events.js";
import { L2Book } from "./l2Book.js";

export type SyncState = "waiting" | "synced" | "gap";

/** What happened to one diff or snapshot. */
export type SyncOutcome =
  | "applied" // the book changed and is synced
  | "buffered" // waiting for a snapshot
  | "stale" // buffered before the snapshot and older than it (u ≤ lastUpdateId): dropped, as the procedure says
  | "outOfOrder" // after the book was bridged, a diff older than the book: rejected, the book unchanged
  | "gap" // the chain broke: unsynced until the next snapshot
  | "rejected"; // invalid or crossed: unsynced until the next snapshot (see `lastRejection`)

export interface SyncCounters {
  /** Diffs applied to the book. */
  applied: number;
  /** Diffs buffered before a snapshot and dropped as older than it. */
  stale: number;
  /** Chain breaks (each leaves the book unsynced until a snapshot). */
  gaps: number;
  /** Diffs and snapshots rejected: invalid, crossed, or out of order. */
  rejected: number;
  /** Buffered diffs discarded because the buffer was full. */
  overflowed: number;
}

function validLevels(levels: Float64Array): boolean {
  for (let i = 0; i < levels.length; i += 2) {
    const p = levels[i]!, q = levels[i + 1]!;
    if (!(p > 0 && p <= Number.MAX_VALUE && q >= 0 && q <= Number.MAX_VALUE)) return false;
  }
  return true;
}

export class BookSync {
  readonly book: L2Book;
  state: SyncState = "waiting";
  /** The last update id the book reflects (−1 before any snapshot). */
  lastUpdateId = -1;
  readonly counters: SyncCounters = { applied: 0, stale: 0, gaps: 0, rejected: 0, overflowed: 0 };
  lastRejection = "";
  private buffer: DepthDiffEvent[] = [];
  private bridged = false;

  constructor(readonly maxBuffered = 10_000, windowTicks?: number) {
    this.book = new L2Book({ maxWindowTicks: windowTicks });
  }

  get synced(): boolean {
    return this.state === "synced";
  }

  onSnapshot(e: DepthSnapshotEvent): SyncOutcome {
    if (!validLevels(e.bids) || !validLevels(e.asks) || !(e.lastUpdateId >= 0)) {
      return this.reject("invalid snapshot level or id");
    }
    this.book.load(e.bids, e.asks);
    if (this.book.crossed) return this.reject("crossed snapshot");
    this.lastUpdateId = e.lastUpdateId;
    this.state = "synced";
    this.bridged = false;
    const pending = this.buffer;
    this.buffer = [];
    let outcome: SyncOutcome = "applied";
    for (const d of pending) {
      outcome = this.onDiff(d);
      if (outcome === "gap" || outcome === "rejected") {
        // the rest cannot be applied on this snapshot; keep them for the next
        this.buffer = pending.slice(pending.indexOf(d) + 1);
        break;
      }
    }
    return this.synced ? "applied" : outcome;
  }

  onDiff(d: DepthDiffEvent): SyncOutcome {
    if (this.state !== "synced") {
      if (this.buffer.length >= this.maxBuffered) {
        this.buffer.shift();
        this.counters.overflowed++;
      }
      this.buffer.push(d);
      return "buffered";
    }
    const last = this.lastUpdateId;
    if (d.lastUpdateId <= last) {
      if (this.bridged) {
        this.counters.rejected++;
        this.lastRejection = `out-of-order depth update: u ${d.lastUpdateId} <= ${last}`;
        return "outOfOrder";
      }
      this.counters.stale++;
      return "stale";
    }
    const continues = !this.bridged
      ? d.firstUpdateId <= last + 1 && last + 1 <= d.lastUpdateId
      : d.prevUpdateId === d.prevUpdateId
        ? d.prevUpdateId === last
        : d.firstUpdateId === last + 1;
    if (!continues) {
      this.counters.gaps++;
      this.state = "gap";
      this.buffer = [d];
      return "gap";
    }
    if (!validLevels(d.bids) || !validLevels(d.asks)) return this.reject("invalid level (price ≤ 0, negative or non-finite quantity)");
    this.book.apply(d.bids, d.asks);
    if (this.book.crossed) return this.reject(`crossed book: bid ${this.book.bids.bestPrice()} >= ask ${this.book.asks.bestPrice()}`);
    this.lastUpdateId = d.lastUpdateId;
    this.bridged = true;
    this.counters.applied++;
    return "applied";
  }

  private reject(reason: string): SyncOutcome {
    this.counters.rejected++;
    this.lastRejection = reason;
    this.state = "gap";
    this.buffer = [];
    return "rejected";
  }
}
