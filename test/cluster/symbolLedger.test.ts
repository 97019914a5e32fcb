/** A worker's memory of a symbol: the failure backoff that keeps a broken symbol from looping, and the restart of counters after a data loss. */
import { expect, test } from "vitest";
import { MAX_BACKOFF_MS, SymbolLedger, emptyStats } from "../../src/cluster/symbolLedger.js";

test("failures in a row double the wait from the base up to the cap; progress starts a new streak", () => {
  const l = new SymbolLedger();
  const waits = Array.from({ length: 12 }, (_, i) => l.failed(i * 1_000, 500));
  expect(waits).toEqual([
    500,
    1_000,
    2_000,
    4_000,
    8_000,
    16_000,
    MAX_BACKOFF_MS,
    MAX_BACKOFF_MS,
    MAX_BACKOFF_MS,
    MAX_BACKOFF_MS,
    MAX_BACKOFF_MS,
    MAX_BACKOFF_MS,
  ]);
  expect(l.stats.errors).toBe(12);
  expect(l.waiting(11_000 + MAX_BACKOFF_MS - 1), "waits until the last failure's wait is over").toBe(true);
  expect(l.waiting(11_000 + MAX_BACKOFF_MS)).toBe(false);
  l.progressed();
  expect(l.failed(0, 500), "a new streak starts from the base").toBe(500);
});

test("a data loss restarts every counter except the count of data losses, and forgets the last recorded entry", () => {
  const l = new SymbolLedger();
  Object.assign(l.stats, { processed: 10, outputs: 3, dead: 1, takeovers: 2 });
  l.lastRecorded = "5-0";
  l.restart();
  l.restart();
  expect(l.stats).toEqual({ ...emptyStats(), dataLosses: 2 });
  expect(l.lastRecorded).toBeNull();
});
