/**
 * The streaming engine on real and synthetic feeds: book sync on the real captures
 * against an independent simple book, injected gaps (drop, duplicate, reorder), futures
 * `pu` chaining, a capture split into two files, identical results on both backends,
 * malformed lines, and bad data rejected and counted without ever throwing.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { jsKernels, loadKernels } from "../../src/index.js";
import { StreamingEngine } from "../../src/pipeline/engine.js";
import { eventTime, type DepthDiffEvent, type DepthSnapshotEvent, type MarketEvent } from "../../src/feeds/events.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { captureEvents } from "../support/replay.js";
import { captureLines, runEngine, writeCapture } from "../support/engineRun.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";

const wasm = await loadKernels();
const js = jsKernels();

describe("book sync on the real captures", () => {
  test.each([
    ["BTCUSDT", BTCUSDT],
    ["ETHUSDT", ETHUSDT],
    ["ETHUSDT", USDM_ETHUSDT],
    ["ETHUSD_PERP", COINM_ETHUSD],
  ])("%s: zero gaps; the final book equals an independent simple book, level for level", async (symbol, file) => {
    const { summary, updates, engine } = await runEngine(wasm, [file]);
    const s = summary[symbol]!;
    expect(s.book).toMatchObject({ synced: true, gaps: 0 });
    expect(s.events.rejected).toBe(0);
    expect(updates.length, "scores once warm").toBeGreaterThan(4000);
    const { book: reference } = await captureEvents(file, 10);
    expect(reference.gaps, "the reference synced too").toBe(0);
    const book = engine.symbolState(symbol)!.sync!.book;
    const sorted = (m: Map<number, number>, bid: boolean) => [...m.entries()].sort((a, b) => (bid ? b[0] - a[0] : a[0] - b[0]));
    expect(book.bids.entries()).toEqual(sorted(reference.bids, true));
    expect(book.asks.entries()).toEqual(sorted(reference.asks, false));
    expect(s.book.bidLevels).toBe(reference.bids.size);
    expect(s.book.bestBid).toBe(sorted(reference.bids, true)[0]![0]);
    expect(s.book.bidLevels! + s.book.askLevels!, "the deep book of the 1000-level snapshot, kept while replaying").toBeGreaterThan(1900);
    engine.dispose();
  });

  test("BTCUSDT: the counts of data/README.md; depth counts the diffs dropped as older than the snapshot", async () => {
    const { summary, engine } = await runEngine(wasm, [BTCUSDT]);
    const s = summary.BTCUSDT!;
    expect(s.events).toEqual({ trade: 9757, depth: 3451, quote: 28040, snapshot: 1, rejected: 0, duplicates: 0 });
    expect(s.trades.buyVolume).toBeCloseTo(96.65118, 9);
    expect(s.trades.sellVolume).toBeCloseTo(115.38197, 9);
    const sync = engine.symbolState("BTCUSDT")!.sync!;
    expect(sync.counters.applied + sync.counters.stale, "every diff applied or dropped as stale").toBe(3451);
    expect(sync.counters.stale).toBeGreaterThan(0);
    expect(s.book.applied).toBe(sync.counters.applied);
    engine.dispose();
  });
});

describe("the times a score update carries", () => {
  test.each([
    ["BTCUSDT", BTCUSDT],
    ["ETHUSDT", USDM_ETHUSDT],
  ])("%s: time is the triggering event's exchange time (receive time without one), receiveTime its local receive time", async (_, file) => {
    let current: MarketEvent | null = null;
    let checked = 0;
    const engine = new StreamingEngine(wasm, {
      onScore: (u) => {
        const e = current!;
        expect(u.receiveTime, `update ${checked} (${u.trigger})`).toBe(e.receiveTime);
        expect(u.time, `update ${checked} (${u.trigger})`).toBe(eventTime(e));
        expect(u.trigger, `update ${checked}`).toBe(e.type === "trade" ? "trade" : "book");
        checked++;
      },
    });
    await replayCaptureFiles([file], (e) => {
      current = e;
      engine.process(e);
    });
    expect(checked, "score updates checked").toBeGreaterThan(4000);
    engine.dispose();
  });
});

describe("gaps", () => {
  const lines = captureLines(BTCUSDT);
  const snapshotAt = lines.findIndex((l) => l.includes("lastUpdateId"));
  const diffIdx = lines.map((l, i) => (l.includes("@depth") ? i : -1)).filter((i) => i > snapshotAt + 50);

  test.each([
    ["a dropped diff", (ls: string[], at: number) => ls.filter((_, i) => i !== at)],
    [
      "two diffs reordered",
      (ls: string[], at: number) => {
        const next = diffIdx[diffIdx.indexOf(at) + 1]!;
        const copy = ls.slice();
        [copy[at], copy[next]] = [copy[next]!, copy[at]!];
        return copy;
      },
    ],
  ])("%s: one gap, the book withheld from there on (no score, no book fields)", async (_, inject) => {
    const at = diffIdx[1000]!;
    const file = writeCapture(inject(lines, at));
    const { summary, updates, engine } = await runEngine(wasm, [file]);
    const s = summary.BTCUSDT!;
    expect(s.book.gaps).toBe(1);
    expect(s.book.synced).toBe(false);
    expect(s.book.bestBid, "no book fields while unsynced").toBeUndefined();
    const gapTime = JSON.parse(lines[at]!.slice(lines[at]!.indexOf(" ") + 1)).data.E;
    const after = updates.filter((u) => u.time > gapTime + 1000);
    expect(after, "no score update computed from the unsynced book").toEqual([]);
    expect(updates.length).toBeGreaterThan(100);
    engine.dispose();
  });

  test("a duplicated diff is dropped as a duplicate and changes nothing", async () => {
    const at = diffIdx[500]!;
    const file = writeCapture([...lines.slice(0, at + 1), lines[at]!, ...lines.slice(at + 1)]);
    const { summary, updates, engine } = await runEngine(wasm, [file]);
    const clean = await runEngine(wasm, [BTCUSDT]);
    expect(summary.BTCUSDT!.events).toEqual({
      ...clean.summary.BTCUSDT!.events,
      depth: clean.summary.BTCUSDT!.events.depth + 1,
      duplicates: 1,
    });
    expect(summary.BTCUSDT!.book).toEqual(clean.summary.BTCUSDT!.book);
    expect(updates, "the same score updates as without the duplicate").toEqual(clean.updates);
    engine.dispose();
    clean.engine.dispose();
  });
});

/** A synthetic book stream: a snapshot with ids, then diffs chained spot- or futures-style. */
function synthetic(futures: boolean, breakAt: number[], snapshotsAt: number[]): MarketEvent[] {
  const events: MarketEvent[] = [];
  let u = 1000;
  const levels = (p: number, q: number) => Float64Array.of(p, q);
  const snapshot = (t: number): DepthSnapshotEvent => ({
    type: "snapshot",
    symbol: "BTCUSDT",
    exchangeTime: NaN,
    receiveTime: t,
    lastUpdateId: u,
    bids: Float64Array.of(100, 1, 99.9, 2),
    asks: Float64Array.of(100.1, 1, 100.2, 2),
  });
  events.push(snapshot(0));
  let prev = u;
  for (let i = 0; i < 200; i++) {
    if (snapshotsAt.includes(i)) events.push(snapshot(i));
    const U = u + 1;
    u += 3;
    const skip = breakAt.includes(i);
    const d: DepthDiffEvent = {
      type: "depth",
      symbol: "BTCUSDT",
      exchangeTime: i,
      receiveTime: i,
      firstUpdateId: skip ? U + 1 : U,
      lastUpdateId: u,
      prevUpdateId: futures ? (skip ? prev - 1 : prev) : NaN,
      bids: levels(99.9, 1 + (i % 5)),
      asks: levels(100.2, 1 + (i % 3)),
    };
    if (futures && !skip) (d as { firstUpdateId: number }).firstUpdateId = U - 1; // futures U may overlap; only pu chains
    prev = u;
    events.push(d);
  }
  return events;
}

describe("chaining rules", () => {
  test.each([
    ["spot (U == previous u + 1)", false],
    ["futures (pu == previous u)", true],
  ])("%s: every break is one gap; each snapshot resyncs", (_, futures) => {
    const e = new StreamingEngine(wasm);
    for (const ev of synthetic(futures as boolean, [20, 120], [60, 160])) e.process(ev);
    const v = e.symbolState("BTCUSDT")!;
    expect(v.sync!.counters.gaps).toBe(2);
    expect(v.book().synced).toBe(true);
    expect(v.events.rejected).toBe(0);
    e.dispose();
  });

  test("futures: a diff chained by pu is applied even when U does not continue u", () => {
    const e = new StreamingEngine(wasm);
    for (const ev of synthetic(true, [], [])) e.process(ev);
    expect(e.symbolState("BTCUSDT")!.sync!.counters).toMatchObject({ applied: 200, gaps: 0 });
    e.dispose();
  });
});

describe("files, backends and malformed lines", () => {
  test("a capture split into two files (the second without a snapshot) replays identically to the whole", async () => {
    const lines = captureLines(BTCUSDT);
    const cut = Math.floor(lines.length / 2);
    const a = writeCapture(lines.slice(0, cut), "part1.jsonl.gz"),
      b = writeCapture(lines.slice(cut), "part2.jsonl", false);
    const whole = await runEngine(wasm, [BTCUSDT]),
      split = await runEngine(wasm, [a, b]);
    expect(split.summary).toEqual(whole.summary);
    expectSameUpdates(split.updates, whole.updates, "score updates of the split capture vs the whole");
    whole.engine.dispose();
    split.engine.dispose();
  });

  test("both backends give the same summary and the same score updates, bit for bit", async () => {
    const [w, j] = [await runEngine(wasm, [BTCUSDT, ETHUSDT]), await runEngine(js, [BTCUSDT, ETHUSDT])];
    expect(JSON.stringify(j.summary)).toBe(JSON.stringify(w.summary));
    expect(j.updates.length).toBe(w.updates.length);
    expectSameUpdates(JSON.stringify(j.updates), JSON.stringify(w.updates), "score updates of js vs wasm, as JSON");
    w.engine.dispose();
    j.engine.dispose();
  });

  test("malformed lines are counted with their line numbers; the replay goes on", async () => {
    const lines = captureLines(ETHUSDT);
    const bad = ["not a line", '1723161254087896568 {"stream":"ethusdt@trade","data":{"e":"trade","p":"-1"}}', "123 [1,2,3]"];
    const file = writeCapture([...lines.slice(0, 100), bad[0]!, ...lines.slice(100, 200), bad[1]!, bad[2]!, ...lines.slice(200)]);
    const { replayCaptureFiles } = await import("../../src/node/captureReader.js");
    const e = new StreamingEngine(wasm);
    const stats = await replayCaptureFiles([file], (ev) => e.process(ev));
    expect(stats.rejected).toBe(3);
    expect(stats.rejections.map((r) => r.line)).toEqual([101, 202, 203]);
    expect(e.symbolState("ETHUSDT")!.book().synced).toBe(true);
    e.dispose();
  });
});

describe("bad data is rejected and counted, never thrown", () => {
  const base = { symbol: "X", exchangeTime: 1, receiveTime: 1 } as const;
  test("each kind with its reason", () => {
    const e = new StreamingEngine(wasm);
    e.process({ ...base, type: "snapshot", lastUpdateId: 10, bids: Float64Array.of(100, 1), asks: Float64Array.of(101, 1) });
    e.process({ ...base, type: "trade", price: 0, qty: 1, buyerInitiated: true, tradeId: 1 });
    e.process({ ...base, type: "trade", price: 100, qty: -1, buyerInitiated: true, tradeId: 2 });
    e.process({ ...base, type: "trade", price: 100, qty: 1, buyerInitiated: true, tradeId: 3, exchangeTime: 5 });
    e.process({ ...base, type: "trade", price: 100, qty: 1, buyerInitiated: true, tradeId: 4, exchangeTime: 4 });
    e.process({ ...base, type: "quote", updateId: 1, bidPx: 101, bidQty: 1, askPx: 100, askQty: 1 });
    e.process({
      ...base,
      type: "depth",
      firstUpdateId: 11,
      lastUpdateId: 11,
      prevUpdateId: NaN,
      bids: Float64Array.of(101.5, 1),
      asks: new Float64Array(0),
    });
    const v = e.symbolState("X")!;
    expect(v.events.rejected).toBe(5);
    expect(v.rejections).toEqual([
      "trade price 0: expected a finite price in [1e-12, 1000000000000]",
      "trade qty -1: expected 0 or a finite size in [1e-12, 1000000000000000]",
      "out-of-order trade at 4 after 5",
      "crossed quote: bid 101 >= ask 100",
      "crossed book: bid 101.5 >= ask 101",
    ]);
    expect(v.book().synced, "a crossed book is withheld until the next snapshot").toBe(false);
    e.dispose();
  });

  test("random garbage events never throw out of process (fast-check)", () => {
    const num = fc.oneof(fc.double(), fc.constantFrom(0, -1, NaN, Infinity, 1e308, 100));
    const levels = fc.array(num, { maxLength: 8 }).map((a) => Float64Array.from(a));
    const event = fc.oneof(
      fc.record({
        type: fc.constant("trade"),
        symbol: fc.constantFrom("A", "B"),
        exchangeTime: num,
        receiveTime: num,
        price: num,
        qty: num,
        buyerInitiated: fc.boolean(),
        tradeId: num,
      }),
      fc.record({
        type: fc.constant("quote"),
        symbol: fc.constantFrom("A", "B"),
        exchangeTime: num,
        receiveTime: num,
        updateId: num,
        bidPx: num,
        bidQty: num,
        askPx: num,
        askQty: num,
      }),
      fc.record({
        type: fc.constant("depth"),
        symbol: fc.constantFrom("A", "B"),
        exchangeTime: num,
        receiveTime: num,
        firstUpdateId: num,
        lastUpdateId: num,
        prevUpdateId: num,
        bids: levels,
        asks: levels,
      }),
      fc.record({
        type: fc.constant("snapshot"),
        symbol: fc.constantFrom("A", "B"),
        exchangeTime: num,
        receiveTime: num,
        lastUpdateId: num,
        bids: levels,
        asks: levels,
      }),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const e = new StreamingEngine(js, { config: { preset: "ultraFast", lookback: 1 } });
        for (const ev of events) e.process(ev as MarketEvent);
        for (const s of e.symbols) {
          const score = e.symbolState(s)!.lastScore;
          if (score) expect(Number.isFinite(score.score) && Number.isFinite(score.confidence)).toBe(true);
        }
        e.dispose();
      }),
      { numRuns: 500 },
    );
  });
});

describe("latency sampling", () => {
  test("one event in latencySample per symbol is timed (its first, then every nth); 1 times every event; the same scores either way", async () => {
    const events: MarketEvent[] = [];
    await replayCaptureFiles([BTCUSDT], (e) => events.push(e));
    const run = (latencySample?: number) => {
      const updates: unknown[] = [];
      const engine = new StreamingEngine(jsKernels(), { onScore: (u) => updates.push(u), ...(latencySample ? { latencySample } : {}) });
      for (const e of events) engine.process(e);
      const timed = engine.symbolState("BTCUSDT")!.latency.count;
      engine.dispose();
      return { timed, updates };
    };
    const every = run(1),
      byDefault = run(),
      sparse = run(1000);
    expect(every.timed, "every event").toBe(events.length);
    expect(byDefault.timed, "the default: one in 16").toBe(Math.ceil(events.length / 16));
    expect(sparse.timed).toBe(Math.ceil(events.length / 1000));
    expectSameUpdates(byDefault.updates, every.updates, "timing changes no score");
    expect(() => new StreamingEngine(jsKernels(), { latencySample: 0 })).toThrow("latencySample = 0: expected an integer ≥ 1");
  });

  test("symbols fed alike are timed on different events: the k-th symbol from its (k mod 16 + 1)-th event", () => {
    const engine = new StreamingEngine(jsKernels());
    const symbols = Array.from({ length: 20 }, (_, k) => `S${k}`);
    // 20 quotes a symbol, interleaved: symbol k is timed at its events 1 + k % 16 and 17 + k % 16 (when it has that many)
    for (let i = 0; i < 20; i++) {
      for (const symbol of symbols)
        engine.process({
          type: "quote",
          symbol,
          exchangeTime: NaN,
          receiveTime: 1 + i,
          updateId: NaN,
          bidPx: 99,
          bidQty: 1,
          askPx: 101,
          askQty: 1,
        });
    }
    expect(symbols.map((s) => engine.symbolState(s)!.latency.count)).toEqual(symbols.map((_, k) => (1 + (k % 16) + 16 <= 20 ? 2 : 1)));
    engine.dispose();
  });
});

describe("the configuration is resolved once", () => {
  test("every symbol's analyzer shares it, and changing the options object afterwards changes nothing", () => {
    const config = { preset: "ultraFast" as const, depth: 3 };
    const e = new StreamingEngine(js, { config });
    config.depth = 7;
    const trade = (symbol: string, tradeId: number): MarketEvent => ({
      type: "trade",
      symbol,
      exchangeTime: 1_000 + tradeId,
      receiveTime: 1_000 + tradeId,
      tradeId,
      price: 100,
      qty: 1,
      buyerInitiated: true,
    });
    e.process(trade("AAA", 1));
    e.process(trade("BBB", 2));
    // white box: the symbols' analyzers
    const states = (e as unknown as { states: Map<string, { analyzer: { config: { depth: number } } }> }).states;
    const a = states.get("AAA")!.analyzer.config,
      b = states.get("BBB")!.analyzer.config;
    expect(a.depth, "the depth given when the engine was made").toBe(3);
    expect(b, "one resolved object for all symbols").toBe(a);
    e.dispose();
  });
});
