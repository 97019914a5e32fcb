/**
 * BookSync's own contract beyond the engine's tests: a diff that shows a gap is kept to bridge
 * the next snapshot whether it arrived live or came out of the buffer, and the buffer's bound
 * is a typed error when it is not an integer a checkpoint can hold.
 */
import { describe, expect, test } from "vitest";
import { BookSync } from "../../src/book/bookSync.js";
import type { DepthDiffEvent, DepthSnapshotEvent } from "../../src/feeds/events.js";
import { InvalidParameterError } from "../../src/errors.js";
import { StreamingEngine } from "../../src/pipeline/engine.js";
import { backends } from "../support/backends.js";

const diff = (U: number, u: number): DepthDiffEvent => ({
  type: "depth",
  symbol: "X",
  exchangeTime: 1.7e12,
  receiveTime: 1.7e12,
  firstUpdateId: U,
  lastUpdateId: u,
  prevUpdateId: Number.NaN,
  bids: Float64Array.of(100, 1),
  asks: Float64Array.of(101, 1),
});
const snapshot = (id: number): DepthSnapshotEvent => ({
  type: "snapshot",
  symbol: "X",
  exchangeTime: 1.7e12,
  receiveTime: 1.7e12,
  lastUpdateId: id,
  bids: Float64Array.of(100, 1),
  asks: Float64Array.of(101, 1),
});

describe.each(backends)("BookSync on the $backend backend's book", (k) => {
  test("the diff that shows a gap bridges the next snapshot, whether it arrived live or out of the buffer", () => {
    // 21..30 never arrives: 31..40 shows the gap; the next snapshot (35) is bridged by it, then 41..50 applies
    const [d1, d2, d4, d5] = [diff(1, 10), diff(11, 20), diff(31, 40), diff(41, 50)];
    const outcomes = (order: "live" | "buffered"): { log: string[]; sync: BookSync } => {
      const sync = new BookSync({ newBook: (o) => k.orderBook(o) });
      const log: string[] = [];
      if (order === "live") log.push(sync.onSnapshot(snapshot(5)), ...[d1, d2, d4].map((d) => sync.onDiff(d)));
      else log.push(...[d1, d2, d4].map((d) => sync.onDiff(d)), sync.onSnapshot(snapshot(5)));
      log.push(sync.onSnapshot(snapshot(35)), sync.onDiff(d5));
      return { log, sync };
    };
    const live = outcomes("live"),
      buffered = outcomes("buffered");
    expect(live.log).toEqual(["applied", "applied", "applied", "gap", "applied", "applied"]);
    expect(buffered.log).toEqual(["buffered", "buffered", "buffered", "gap", "applied", "applied"]);
    for (const { sync } of [live, buffered]) {
      expect(sync.synced).toBe(true);
      expect(sync.lastUpdateId).toBe(50);
      expect(sync.counters.gaps).toBe(1);
      sync.book.dispose();
    }
  });
});

test("maxBuffered: an integer from 1 to 2^32 − 1 (a checkpoint's u32), else an InvalidParameterError — for the engine's maxBufferedDiffs too", () => {
  for (const bad of [Number.NaN, 0, -5, 1.5, 2 ** 32, Number.POSITIVE_INFINITY, "10" as unknown as number]) {
    expect(() => new BookSync({ maxBuffered: bad }), `maxBuffered ${bad}`).toThrow(InvalidParameterError);
    expect(() => new StreamingEngine(backends[0]!, { maxBufferedDiffs: bad }), `maxBufferedDiffs ${bad}`).toThrow("maxBufferedDiffs");
  }
  for (const good of [1, 2 ** 32 - 1]) expect(new BookSync({ maxBuffered: good }).maxBuffered).toBe(good);
  const one = new BookSync({ maxBuffered: 1 });
  expect([one.onDiff(diff(1, 10)), one.onDiff(diff(11, 20))]).toEqual(["buffered", "buffered"]);
  expect(one.counters.overflowed, "the bound holds: the older diff made room").toBe(1);
});
