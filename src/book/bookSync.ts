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
import { InvalidParameterError } from "../errors.js";
import type { DepthDiffEvent, DepthSnapshotEvent } from "../feeds/events.js";
import { LIMITS, REJECT_REASONS, validateEvent, type Rejection } from "../feeds/validate.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";
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

/** The states and counters in the order a checkpoint writes them. */
const STATES: readonly SyncState[] = ["waiting", "synced", "gap"];
const COUNTERS: readonly (keyof SyncCounters)[] = ["applied", "stale", "gaps", "rejected", "overflowed", "duplicates", "staleSnapshots"];
/** The longest symbol and rejection message a checkpoint may hold (UTF-8 bytes). */
const MAX_SYMBOL_BYTES = 1024;
const MAX_MESSAGE_BYTES = 65_536;

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
    this.maxBuffered = bufferBound(options.maxBuffered);
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
        // the rest cannot be applied on this snapshot; keep them for the next — with the diff that showed the gap,
        // as a live one is kept (it may bridge the next snapshot)
        this.buffer = pending.slice(outcome === "gap" ? i : i + 1);
        break;
      }
    }
    return this.synced ? "applied" : outcome;
  }

  onDiff(d: DepthDiffEvent): SyncOutcome {
    const bad = this.validate ? validateEvent(d) : null;
    if (bad !== null) return this.lost(bad);
    const first = d.firstUpdateId,
      last = d.lastUpdateId;
    if (this.state !== "synced") return this.unsynced(first, last) ?? this.keep(d);
    if (last <= this.lastUpdateId && this.recent.has(last, first)) return this.duplicate();
    return this.onSyncedDiff(d, true);
  }

  /**
   * onDiff for a valid diff whose levels are a range of a decoded batch's level column (`r`,
   * filled by the caller): applied where they lie (OrderBook.applyRange), copied out only when
   * the sync keeps the diff. The caller validated it (validateEvent's checks on its values).
   */
  onDiffRange(r: DiffRange): SyncOutcome {
    const first = r.firstUpdateId,
      last = r.lastUpdateId;
    if (this.state !== "synced") return this.unsynced(first, last) ?? this.keep(diffOf(r));
    if (last <= this.lastUpdateId && this.recent.has(last, first)) return this.duplicate();
    const outcome = this.chain(first, last, r.prevUpdateId, true);
    if (outcome === null) {
      this.book.applyRange(r.values, r.at, r.bidValues, r.askValues);
      return this.applied(last);
    }
    if (outcome !== "break") return outcome;
    this.buffer = [diffOf(r)];
    return "gap";
  }

  /** Before a snapshot: a duplicate, or null after remembering the ids (the diff is to be kept). */
  private unsynced(first: number, last: number): SyncOutcome | null {
    if (this.recent.has(last, first)) return this.duplicate();
    this.remember(last, first);
    return null;
  }

  private duplicate(): SyncOutcome {
    this.counters.duplicates++;
    return "duplicate";
  }

  /** Buffers `d` until a snapshot (the oldest buffered is discarded and counted when full). */
  private keep(d: DepthDiffEvent): SyncOutcome {
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift();
      this.counters.overflowed++;
    }
    this.buffer.push(d);
    return "buffered";
  }

  /** A diff on a loaded book: `fresh` when it just arrived, false when it comes out of the buffer. */
  private onSyncedDiff(d: DepthDiffEvent, fresh: boolean): SyncOutcome {
    const outcome = this.chain(d.firstUpdateId, d.lastUpdateId, d.prevUpdateId, fresh);
    if (outcome === null) {
      this.book.applyValid(d.bids, d.asks);
      return this.applied(d.lastUpdateId);
    }
    if (outcome !== "break") return outcome;
    // the diff that showed a gap is kept for the next snapshot
    this.buffer = [d];
    return "gap";
  }

  /**
   * Where a diff with ids U, u and pu (NaN on spot) stands against the loaded book: null when it
   * continues the chain (to be applied), "break" when it breaks it (a gap: the caller keeps the
   * diff, which may bridge the next snapshot), else its outcome.
   */
  private chain(first: number, last: number, prev: number, fresh: boolean): SyncOutcome | "break" | null {
    const lastId = this.lastUpdateId;
    const futures = prev === prev;
    this.remember(last, first);
    // before the bridge a futures diff ending at the snapshot's id is the bridge (U ≤ lastUpdateId ≤ u):
    // futures ids skip, so the diff after it may start past lastUpdateId + 1 and only its pu chains
    if (last < lastId || (last === lastId && (this.bridged || !futures))) {
      if (this.bridged) {
        this.counters.rejected++;
        this.lastRejection = { reason: "out-of-order", message: `out-of-order depth update: u ${last} <= ${lastId}` };
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
      ? first <= lastId + 1 || (futures && prev === lastId)
      : futures
        ? prev === lastId
        : first === lastId + 1;
    if (!continues) {
      this.counters.gaps++;
      this.state = "gap";
      return "break";
    }
    return null;
  }

  /** After a diff ending at `last` was applied: unsynced if it crossed the book, else the chain moves on. */
  private applied(last: number): SyncOutcome {
    if (this.book.crossed)
      return this.lost({
        reason: "crossed",
        message: `crossed book: bid ${this.book.bids.bestPrice()} >= ask ${this.book.asks.bestPrice()}`,
      });
    this.lastUpdateId = last;
    this.bridged = true;
    this.staleRun = 0;
    this.counters.applied++;
    return "applied";
  }

  /**
   * Appends the sync's complete state (a checkpoint part, src/checkpoint/stateCodec.ts): its
   * state and ids, counters, last rejection, buffered diffs, recent ids, and the book.
   */
  writeState(w: StateWriter): void {
    w.tag("SYNC");
    w.u32(this.maxBuffered);
    w.u8(STATES.indexOf(this.state));
    w.f64(this.lastUpdateId);
    for (const c of COUNTERS) w.f64(this.counters[c]);
    w.bool(this.bridged);
    w.u32(this.staleRun);
    w.f64(this.latestSeen);
    const rejection = this.lastRejection;
    w.bool(rejection !== null);
    if (rejection !== null) {
      w.u8(REJECT_REASONS.indexOf(rejection.reason));
      w.string(rejection.message);
    }
    w.u32(this.buffer.length);
    for (const d of this.buffer) writeDiff(w, d);
    this.recent.writeState(w);
    this.book.writeState(w);
  }

  /**
   * Restores what writeState wrote into this sync, freshly made with the same options (its
   * book made by the same `newBook`, on either backend). Buffered diffs must pass the event
   * validator as they did when they arrived. A CheckpointError when the bytes do not fit; the
   * sync must then be discarded.
   */
  readState(r: StateReader): void {
    r.tag("SYNC");
    const maxBuffered = r.u32();
    if (maxBuffered !== this.maxBuffered) throw r.fail(`written with maxBuffered ${maxBuffered}, this sync has ${this.maxBuffered}`);
    const state = STATES[r.u8()];
    if (state === undefined) throw r.fail("a sync state that is not waiting, synced or gap");
    const lastUpdateId = readId(r, "lastUpdateId");
    if (state === "synced" && lastUpdateId < 0) throw r.fail("a synced book without a snapshot's update id");
    const counters = { ...this.counters };
    for (const c of COUNTERS) counters[c] = r.count(c);
    const bridged = r.bool();
    const staleRun = r.u32In("staleRun", 0, STALE_LIMIT);
    const latestSeen = readId(r, "latestSeen");
    let lastRejection: Rejection | null = null;
    if (r.bool()) {
      const reason = REJECT_REASONS[r.u8()];
      if (reason === undefined) throw r.fail("a rejection reason this version does not know");
      lastRejection = { reason, message: r.string(MAX_MESSAGE_BYTES) };
    }
    const n = r.u32In("buffered diffs", 0, state === "synced" ? 0 : this.maxBuffered);
    const buffer: DepthDiffEvent[] = [];
    for (let i = 0; i < n; i++) buffer.push(readDiff(r, i));
    this.recent.readState(r);
    this.book.readState(r);
    this.state = state;
    this.lastUpdateId = lastUpdateId;
    Object.assign(this.counters, counters);
    this.bridged = bridged;
    this.staleRun = staleRun;
    this.latestSeen = latestSeen;
    this.lastRejection = lastRejection;
    this.buffer = buffer;
  }

  /** A diff ending at `last` and starting at `first` was seen (duplicates are recognised by both ids). */
  private remember(last: number, first: number): void {
    this.recent.add(last, first);
    if (last > this.latestSeen) this.latestSeen = last;
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

/** The most diffs a sync may buffer: an integer from 1 to 2^32 − 1 (a checkpoint holds it as a u32), 10,000 when not given. */
export function bufferBound(maxBuffered: number | undefined, name = "maxBuffered"): number {
  if (maxBuffered === undefined) return 10_000;
  if (!(Number.isInteger(maxBuffered) && maxBuffered >= 1 && maxBuffered <= 0xffffffff))
    throw new InvalidParameterError(name, maxBuffered, "an integer from 1 to 2^32 − 1");
  return maxBuffered;
}

/** −1 (none yet) or an update id. */
function readId(r: StateReader, what: string): number {
  const v = r.f64();
  if (!(v === -1 || (Number.isSafeInteger(v) && v >= 0))) throw r.fail(`${what} is ${v}: expected −1 or an update id`);
  return v;
}

/** A depth diff whose levels are `bidValues` then `askValues` values of `values` from `at` (a batch's level column). */
export interface DiffRange {
  symbol: string;
  exchangeTime: number;
  receiveTime: number;
  firstUpdateId: number;
  lastUpdateId: number;
  prevUpdateId: number;
  values: Float64Array;
  at: number;
  bidValues: number;
  askValues: number;
}

/** The diff `r` describes, with levels of its own. */
function diffOf(r: DiffRange): DepthDiffEvent {
  const mid = r.at + r.bidValues;
  return {
    type: "depth",
    symbol: r.symbol,
    exchangeTime: r.exchangeTime,
    receiveTime: r.receiveTime,
    firstUpdateId: r.firstUpdateId,
    lastUpdateId: r.lastUpdateId,
    prevUpdateId: r.prevUpdateId,
    bids: r.values.slice(r.at, mid),
    asks: r.values.slice(mid, mid + r.askValues),
  };
}

function writeDiff(w: StateWriter, d: DepthDiffEvent): void {
  w.string(d.symbol);
  w.f64(d.exchangeTime);
  w.f64(d.receiveTime);
  w.f64(d.firstUpdateId);
  w.f64(d.lastUpdateId);
  w.f64(d.prevUpdateId);
  w.f64s(d.bids);
  w.f64s(d.asks);
}

/** A buffered diff as writeDiff wrote it; it must pass the event validator. */
function readDiff(r: StateReader, i: number): DepthDiffEvent {
  const d: DepthDiffEvent = {
    type: "depth",
    symbol: r.string(MAX_SYMBOL_BYTES),
    exchangeTime: r.f64(),
    receiveTime: r.f64(),
    firstUpdateId: r.f64(),
    lastUpdateId: r.f64(),
    prevUpdateId: r.f64(),
    bids: r.f64s(2 * LIMITS.maxLevels),
    asks: r.f64s(2 * LIMITS.maxLevels),
  };
  const bad = validateEvent(d);
  if (bad !== null) throw r.fail(`buffered diff ${i}: ${bad.message}`);
  return d;
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
