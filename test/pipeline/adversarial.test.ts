/**
 * The engine against what real feeds and adversaries send, on the real BTCUSDT capture:
 * extreme finite values, future-dated events, stale snapshots re-sent mid-stream,
 * events delivered twice, too many symbols. Each is a counted rejection (or a counted
 * duplicate or drop) with its reason, and the symbol carries on: the score updates are
 * exactly those of the capture without the bad event. A bug — not data — propagates.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { StreamingEngine, type EngineOptions, type ScoreUpdate } from "../../src/pipeline/engine.js";
import { CompositeEngine } from "../../src/pipeline/compositeEngine.js";
import type { DepthSnapshotEvent, MarketEvent, TradeEvent } from "../../src/feeds/events.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { backends } from "../support/backends.js";
import { BTCUSDT } from "../support/capture.js";
import type { Kernels } from "../../src/kernels/types.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";

let events: MarketEvent[] = [];
beforeAll(async () => {
  events = [];
  await replayCaptureFiles([BTCUSDT], (e) => events.push(e));
});

interface Run {
  updates: ScoreUpdate[];
  engine: StreamingEngine;
}

function run(k: Kernels, evs: readonly MarketEvent[], options: Omit<EngineOptions, "onScore"> = {}): Run {
  const updates: ScoreUpdate[] = [];
  const engine = new StreamingEngine(k, { ...options, keepRejections: 20, onScore: (u) => updates.push(u) });
  for (const e of evs) engine.process(e);
  return { updates, engine };
}

/** Index of the n-th event of `type` after the snapshot (the book is synced there). */
function nth(type: MarketEvent["type"], n: number): number {
  const start = events.findIndex((e) => e.type === "snapshot");
  let seen = 0;
  for (let i = start + 1; i < events.length; i++) if (events[i]!.type === type && seen++ === n) return i;
  throw new Error(`no ${type} #${n}`);
}

const replaced = (at: number, e: MarketEvent): MarketEvent[] => events.map((x, i) => (i === at ? e : x));
const without = (at: number): MarketEvent[] => events.filter((_, i) => i !== at);
const inserted = (at: number, e: MarketEvent): MarketEvent[] => [...events.slice(0, at), e, ...events.slice(at)];

describe.each(backends.map((k) => [k.backend, k] as const))("on %s", (_, k) => {
  let clean: Run;
  beforeAll(() => {
    clean = run(k, events);
  });

  test.each([
    ["a trade price of 1 followed by 200 zeros", { price: 1e200 }, "bad-price"],
    ["a trade quantity of 1e308", { qty: 1e308 }, "bad-qty"],
    ["a trade price of 5e-324", { price: 5e-324 }, "bad-price"],
    ["a trade dated T = 999999999999999", { exchangeTime: 999999999999999 }, "implausible-time"],
    ["a trade dated an hour before its receive time, and more", { exchangeTime: 1 }, "implausible-time"],
  ])("%s is a counted rejection; every later score is the capture's without it", (_, change, reason) => {
    const at = nth("trade", 200);
    const bad = { ...(events[at] as TradeEvent), ...change } as MarketEvent;
    const r = run(k, replaced(at, bad));
    const want = run(k, without(at));
    const v = r.engine.symbolState("BTCUSDT")!;
    expect(v.events.rejected, v.rejections.join("; ")).toBe(1);
    expect(v.rejectedBy[reason as keyof typeof v.rejectedBy]).toBe(1);
    expectSameUpdates(r.updates, want.updates, "score updates");
    expect(r.updates.length).toBeGreaterThan(4000);
    r.engine.dispose();
    want.engine.dispose();
  });

  test("a depth level at 1e300 is a counted rejection; the book is withheld (a gap) and nothing throws", () => {
    const at = nth("depth", 100);
    const d = events[at]!;
    if (d.type !== "depth") throw new Error("not a diff");
    const r = run(k, replaced(at, { ...d, bids: Float64Array.of(1e300, 1) }));
    const v = r.engine.symbolState("BTCUSDT")!;
    expect(v.rejectedBy["bad-price"]).toBe(1);
    expect(v.book()).toMatchObject({ synced: false, gaps: 1 });
    const before = clean.updates.filter((u) => u.time < d.exchangeTime);
    expectSameUpdates(r.updates.slice(0, before.length), before, "score updates");
    expect(
      r.updates.every((u) => u.time <= d.exchangeTime),
      "no score from the book after it",
    ).toBe(true);
    r.engine.dispose();
  });

  test("the same trade delivered twice (same trade id) is dropped and counted: volumes and scores unchanged", () => {
    const at = nth("trade", 300);
    const r = run(k, inserted(at + 1, events[at]!));
    const v = r.engine.symbolState("BTCUSDT")!,
      c = clean.engine.symbolState("BTCUSDT")!;
    expect(v.events.duplicates).toBe(1);
    expect(v.events.rejected).toBe(0);
    expect(v.trades.buyVolume).toBe(c.trades.buyVolume);
    expect(v.trades.sellVolume).toBe(c.trades.sellVolume);
    expectSameUpdates(r.updates, clean.updates, "score updates");
    r.engine.dispose();
  });

  test("the same best quote twice (same update id) and the same depth diff twice are dropped and counted", () => {
    const q = nth("quote", 500),
      d = nth("depth", 400);
    const r = run(k, [...events.slice(0, q + 1), events[q]!, ...events.slice(q + 1, d + 1), events[d]!, ...events.slice(d + 1)]);
    const v = r.engine.symbolState("BTCUSDT")!;
    expect(v.events.duplicates).toBe(2);
    expect(v.events.rejected).toBe(0);
    expectSameUpdates(r.updates, clean.updates, "score updates");
    r.engine.dispose();
  });

  test("a stale snapshot re-sent mid-stream is ignored and counted: no rollback, the book stays synced, scores unchanged", () => {
    const snapshot = events.find((e) => e.type === "snapshot") as DepthSnapshotEvent;
    const at = nth("depth", 2000);
    const r = run(k, inserted(at, { ...snapshot, receiveTime: (events[at] as MarketEvent).receiveTime }));
    expect(r.engine.symbolState("BTCUSDT")!.book(), "the final book is the clean run's").toEqual({
      ...clean.engine.symbolState("BTCUSDT")!.book(),
      staleSnapshots: 1,
    });
    expectSameUpdates(r.updates, clean.updates, "score updates");
    r.engine.dispose();
  });

  test("a snapshot from the future (lastUpdateId far past the stream) is refused; one that no diff ever bridges unsyncs the book", () => {
    const snapshot = events.find((e) => e.type === "snapshot") as DepthSnapshotEvent;
    const at = nth("depth", 1000);
    const far = run(k, inserted(at, { ...snapshot, lastUpdateId: 9e15 }));
    const vf = far.engine.symbolState("BTCUSDT")!;
    expect(vf.rejectedBy["implausible-update-id"]).toBe(1);
    expectSameUpdates(far.updates, clean.updates, "score updates");
    far.engine.dispose();
    // near enough to pass the id check, but the diffs never reach it: after STALE_LIMIT of them it is not taken for this stream's book
    const d = events[at] as MarketEvent & { lastUpdateId: number };
    const near = run(k, inserted(at, { ...snapshot, lastUpdateId: d.lastUpdateId + 50_000_000 }));
    const vn = near.engine.symbolState("BTCUSDT")!;
    expect(vn.book().synced).toBe(false);
    expect(vn.book().gaps).toBe(1);
    near.engine.dispose();
  });

  test("events of more symbols than maxSymbols are dropped and counted; the symbols already tracked carry on", () => {
    const e = new StreamingEngine(k, { maxSymbols: 2 });
    const t = events[nth("trade", 0)] as TradeEvent;
    for (const symbol of ["A", "B", "C", "A", "D"]) e.process({ ...t, symbol });
    expect(e.symbols).toEqual(["A", "B"]);
    expect(e.droppedBy).toEqual({ unroutable: 0, symbolLimit: 2 });
    expect(e.dropped).toBe(2);
    expect(e.symbolState("A")!.events.trade).toBe(2);
    e.dispose();
  });

  test("a bug is not data: an exception from the scoring layer propagates and is not counted as a rejection", () => {
    // what the engine calls on every score
    const original = CompositeEngine.prototype.summarizeOutputs;
    CompositeEngine.prototype.summarizeOutputs = () => {
      throw new TypeError("a bug in the composite layer");
    };
    try {
      const e = new StreamingEngine(k);
      expect(() => {
        for (const ev of events) e.process(ev);
      }).toThrow(/a bug in the composite layer/);
      expect(e.symbolState("BTCUSDT")!.events.rejected).toBe(0);
      e.dispose();
    } finally {
      CompositeEngine.prototype.summarizeOutputs = original;
    }
  });
});

describe("a symbol pays for what it uses", () => {
  test("a symbol that only trades has no book; its composite engine appears with its first score", () => {
    const [k] = backends;
    const e = new StreamingEngine(k!);
    const t = events[nth("trade", 0)] as TradeEvent;
    e.process({ ...t, symbol: "ONLYTRADES" });
    const v = e.symbolState("ONLYTRADES")!;
    expect(v.sync, "no book before a depth event").toBeNull();
    expect(v.book()).toEqual({ synced: false, gaps: 0, applied: 0, staleSnapshots: 0, trimmed: 0 });
    e.dispose();
  });
});
