/**
 * StreamingEngine.processBatch: events as decoded columns give what `process` gives for the
 * same events as objects — score updates bit for bit, counters, rejections and their
 * messages, checkpoints — on every backend:
 *  - the four real captures, replayed through the decoders (the WASM decoder's batches in
 *    linear memory on WASM, ColumnDecoder's on JS) against the object path;
 *  - fast-check: windows of a real capture mutated (NaN, extreme and negative values, bad
 *    levels and ids, duplicates, reordering, future times, symbols), put into batches by
 *    hand — on WASM with the level column in linear memory, checked and applied in place —
 *    and cut into random ranges;
 *  - a WASM decoder's batch whose memory grows while it is processed (many symbols);
 *  - what only a batch can carry (a kind, a symbol index, a level range that is not one).
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import { ConfluenceAnalyzer } from "../../src/confluence/analyzer.js";
import fc from "fast-check";
import { StreamingEngine, type EngineOptions, type ScoreUpdate } from "../../src/pipeline/engine.js";
import { summarize } from "../../src/pipeline/summary.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { DEPTH, TRADE, eventBatch, type ColumnMemory, type EventBatch, type EventColumns } from "../../src/feeds/eventBatch.js";
import { fillBatch, levelValues } from "../../bench/batchLoop.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { InvalidParameterError } from "../../src/errors.js";
import { LevelSlab } from "../../src/feeds/levelSlab.js";
import type { Kernels } from "../../src/kernels/types.js";
import { backends } from "../support/backends.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { captureLines, writeCapture } from "../support/engineRun.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const original = ConfluenceAnalyzer.prototype.flowRun;

/** What an engine ends with: its updates, its summary without timings, every symbol's checkpoint. */
function outcome(engine: StreamingEngine, updates: ScoreUpdate[]) {
  const summary = Object.fromEntries(
    Object.entries(summarize(engine, 1)).map(([s, v]) => {
      const { perf: _perf, ...rest } = v;
      return [s, { ...rest, rejections: engine.symbolState(s)!.rejections, rejectedBy: { ...engine.symbolState(s)!.rejectedBy } }];
    }),
  );
  const checkpoints = engine.symbols.map((s) => Buffer.from(engine.checkpoint(s)).toString("base64"));
  return { updates, summary, checkpoints, dropped: { ...engine.droppedBy } };
}

function engineWith(k: Kernels, options: EngineOptions = {}): { engine: StreamingEngine; updates: ScoreUpdate[] } {
  const updates: ScoreUpdate[] = [];
  return { engine: new StreamingEngine(k, { ...options, onScore: (u) => updates.push(u) }), updates };
}

/**
 * `events` as one batch (snapshots excluded: they are never decoded into one), its level column
 * from `levels` (a kernel buffer in linear memory, whose `array` is its view now, or a plain
 * array): `order` the index of each batch event in `events`.
 */
function batchOf(
  events: readonly MarketEvent[],
  levels: (n: number) => { readonly array: Float64Array },
  memory?: ColumnMemory,
): { batch: EventBatch; order: number[] } {
  const names: string[] = [];
  const n = Math.max(1, events.filter((e) => e.type !== "snapshot").length);
  const batch = eventBatch(n, levels(Math.max(2, levelValues(events))), (index) => names[index]!, memory);
  return { batch, order: fillBatch(events, batch, names) };
}

/** `events` through processBatch in the ranges `cuts` makes (snapshots through process, in their place). */
function runBatched(engine: StreamingEngine, events: readonly MarketEvent[], batch: EventBatch, order: number[], cuts: number[]): void {
  // batch positions at which a snapshot comes (before batch event k)
  const ends = new Set(cuts.filter((c) => c > 0 && c < order.length));
  let from = 0,
    next = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type !== "snapshot") continue;
    while (next < order.length && order[next]! < i) next++;
    for (const c of [...ends].filter((c) => c > from && c < next).sort((a, b) => a - b)) {
      engine.processBatch(batch, from, c);
      from = c;
    }
    engine.processBatch(batch, from, next);
    from = next;
    engine.process(e);
  }
  for (const c of [...ends].filter((c) => c > from).sort((a, b) => a - b)) {
    engine.processBatch(batch, from, c);
    from = c;
  }
  engine.processBatch(batch, from, order.length);
}

const CAPTURES = [BTCUSDT, ETHUSDT, USDM_ETHUSDT, COINM_ETHUSD];

describe.each(backends.map((k) => [k.backend, k] as const))("processBatch on %s", (_name, k) => {
  test.each(CAPTURES.map((f) => [f.split("/").pop()!, f]))(
    "%s through the decoders in batches: what the objects give",
    async (_file, file) => {
      const objects = engineWith(k);
      await replayCaptureFiles([file], (e) => objects.engine.process(e));
      const batches = engineWith(k);
      let ranges = 0;
      // the events the analyzers' cores took in runs (inside the module on WASM), counted as they go
      let inRuns = 0;
      const flowRun = vi.spyOn(ConfluenceAnalyzer.prototype, "flowRun").mockImplementation(function (this: ConfluenceAnalyzer, ...args) {
        const next = original.apply(this, args);
        inRuns += next - args[1];
        return next;
      });
      const stats = await replayCaptureFiles([file], (e) => batches.engine.process(e), {
        decoders: k,
        onBatch: (b, from, to) => {
          ranges++;
          batches.engine.processBatch(b, from, to);
        },
      }).finally(() => flowRun.mockRestore());
      expect(ranges).toBeGreaterThan(0);
      expect(stats.fastDecoded).toBeGreaterThan(0.9 * stats.events);
      // most quotes and trades never reach the engine's per-event path
      const events = batches.engine.symbols.map((sym) => batches.engine.symbolState(sym)!.events);
      const flow = events.reduce((n, e) => n + e.quote + e.trade, 0);
      expect(inRuns).toBeGreaterThan(0.8 * flow);
      expect(inRuns).toBeLessThanOrEqual(flow);
      const a = outcome(batches.engine, batches.updates),
        b = outcome(objects.engine, objects.updates);
      expect(a.updates.length).toBeGreaterThan(100);
      expectSameUpdates(a, b, `${file} on ${k.backend}`);
      objects.engine.dispose();
      batches.engine.dispose();
    },
    60_000,
  );
});

let window: MarketEvent[] = [];
beforeAll(async () => {
  const all: MarketEvent[] = [];
  await replayCaptureFiles([BTCUSDT], (e) => all.push(e));
  // from the snapshot on: the book syncs inside the window
  const at = all.findIndex((e) => e.type === "snapshot");
  window = all.slice(Math.max(0, at - 40), at + 1500);
});

type Mutation = { at: number; how: number; value: number };
const VALUES = [Number.NaN, Infinity, -1, 0, 1e300, 1e-300, 2 ** 53, 1.5, 9e15, -0];

/** A copy of `events` with the mutations applied (each an index, a kind of change and a value). */
function mutate(events: readonly MarketEvent[], mutations: readonly Mutation[]): MarketEvent[] {
  const out = events.map((e) =>
    e.type === "depth" || e.type === "snapshot" ? { ...e, bids: e.bids.slice(), asks: e.asks.slice() } : { ...e },
  ) as Mutable<MarketEvent>[];
  for (const { at, how, value } of mutations) {
    const i = at % out.length;
    const e = out[i]!;
    switch (how % 8) {
      case 0:
        e.exchangeTime = value;
        break;
      case 1:
        e.receiveTime = how % 16 < 8 ? value : e.receiveTime + 5e6;
        break;
      case 2: // a price or an id
        if (e.type === "trade") e.price = value;
        else if (e.type === "quote") e.bidPx = value;
        else if (e.type === "depth") e.firstUpdateId = value;
        break;
      case 3: // a size or the other id
        if (e.type === "trade") e.tradeId = value;
        else if (e.type === "quote") e.askQty = value;
        else if (e.type === "depth") e.lastUpdateId = value;
        break;
      case 4: // a level
        if (e.type === "depth" && e.bids.length + e.asks.length > 0) {
          const side = e.bids.length > 0 && (how & 8) === 0 ? e.bids : e.asks.length > 0 ? e.asks : e.bids;
          side[Math.floor(Math.abs(value) % side.length) || 0] = value;
        }
        break;
      case 5: // delivered twice
        out.splice(i, 0, { ...e } as Mutable<MarketEvent>);
        break;
      case 6: // two swapped
        if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, e];
        break;
      case 7:
        (e as { symbol: string }).symbol = how % 16 < 8 ? "ETHUSDT" : "BTCUSDT";
        break;
    }
  }
  return out;
}

describe.each(backends.map((k) => [k.backend, k] as const))("processBatch on %s, fast-check", (_name, k) => {
  test("mutated windows of a real capture, cut into ranges: what process gives on the same events", () => {
    const wasm = k.backend !== "js";
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), how: fc.nat(63), value: fc.constantFrom(...VALUES) }), { maxLength: 12 }),
        fc.array(fc.nat(1600), { maxLength: 8 }),
        fc.boolean(),
        (mutations, cuts, inMemory) => {
          const events = mutate(window, mutations);
          const buffers: { free(): void }[] = [];
          // on WASM the level column lives in linear memory: checked and applied where it lies; the other
          // columns too in half the runs (the module then takes runs of quotes and trades), else on the JS heap
          const { batch, order } = batchOf(
            events,
            (n) => {
              if (!wasm) return { array: new Float64Array(n) };
              const b = k.allocFloat64(n);
              buffers.push(b);
              return b;
            },
            inMemory ? k : undefined,
          );
          const objects = engineWith(k, { keepRejections: 50 });
          for (const e of events) objects.engine.process(e);
          const batches = engineWith(k, { keepRejections: 50 });
          runBatched(batches.engine, events, batch, order, cuts);
          expectSameUpdates(outcome(batches.engine, batches.updates), outcome(objects.engine, objects.updates), "mutated window");
          objects.engine.dispose();
          batches.engine.dispose();
          for (const b of buffers) b.free();
          batch.free();
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);

  test("what only a batch can carry: an unknown kind, a symbol index without a name, levels outside the column", () => {
    const events = window.slice(0, 60).filter((e) => e.type !== "snapshot");
    const { batch } = batchOf(events, (n) => ({ array: new Float64Array(n) }));
    const c = batch.columns as Mutable<EventColumns>;
    // a diff with levels, of the first event's symbol, past the events changed above
    const depth = events.findIndex((e, i) => i > 2 && e.type === "depth" && e.symbol === events[0]!.symbol && e.bids.length > 0);
    expect(depth).toBeGreaterThan(2);
    c.kind[0] = 7;
    c.symbol[1] = 99;
    c.symbol[2] = -1;
    c.levelStart[depth] = c.levels.length - 1;
    const { engine } = engineWith(k);
    engine.processBatch(batch);
    const s = engine.symbolState(events[0]!.symbol)!;
    expect(engine.droppedBy.unroutable).toBe(2);
    expect(s.rejectedBy["unknown-type"]).toBe(1);
    expect(s.rejections[0]).toBe("unknown event kind 7 in a batch: expected 0 (trade), 1 (quote) or 2 (depth)");
    // as an object the kind is no event either (it was once taken for a quote)
    expect(() => batch.event(0, new LevelSlab())).toThrow(InvalidParameterError);
    expect(s.rejectedBy["wrong-type"]).toBe(1);
    expect(s.rejections[1]).toMatch(/^depth levels at \d+, \d+ bid and \d+ ask values: expected a range inside the batch's/);
    // every diff counted but those of the events changed above (0 an unknown kind, 1 and 2 dropped)
    expect(s.events.depth).toBe(events.filter((e, i) => i > 2 && e.type === "depth").length);
    // the range: integers inside the batch, else a typed error and nothing processed
    for (const [from, to] of [
      [-1, 2],
      [0, batch.count + 1],
      [3, 2],
      [0.5, 2],
    ] as const)
      expect(() => engine.processBatch(batch, from, to)).toThrow(InvalidParameterError);
    // a count past the columns' length is a range outside the batch, not events of no symbol
    batch.count = batch.capacity + 3;
    expect(() => engine.processBatch(batch, 0, batch.count)).toThrow(InvalidParameterError);
    expect(engine.symbolState(events[0]!.symbol)!.events).toEqual(s.events);
    expect(engine.droppedBy.unroutable).toBe(2);
    engine.dispose();
  });

  test("an odd count of level values: the rejection process gives for the same diff as an object", () => {
    const events = window.filter((e) => e.type === "depth" && e.bids.length >= 4).slice(0, 2);
    for (const [side, n] of [
      ["bids", 3],
      ["asks", 1],
    ] as const) {
      const { batch } = batchOf(events, (v) => ({ array: new Float64Array(v) }));
      const c = batch.columns as Mutable<EventColumns>;
      if (side === "bids") c.bidValues[0] = n;
      else {
        c.askValues[0] = n;
      }
      const diff = batch.event(0, new LevelSlab());
      const viaObject = engineWith(k),
        viaBatch = engineWith(k);
      viaObject.engine.process(diff);
      viaBatch.engine.processBatch(batch, 0, 1);
      const a = viaBatch.engine.symbolState(diff.symbol)!,
        b = viaObject.engine.symbolState(diff.symbol)!;
      expect(a.rejections).toEqual([`depth ${side} has ${n} values: expected [price, qty] pairs`]);
      expect(a.rejections).toEqual(b.rejections);
      expect(a.rejectedBy["wrong-type"]).toBe(1);
      viaObject.engine.dispose();
      viaBatch.engine.dispose();
    }
  });

  test("a batch refilled under other names, and a holder given a new level array: read as they are now", () => {
    let names = ["BTCUSDT"];
    const holder = { array: new Float64Array(4) };
    const batch = eventBatch(4, holder, (i) => names[i]!);
    const c = batch.columns;
    const fill = (bid: number) => {
      const cols = batch.columnsNow();
      cols.kind[0] = TRADE;
      cols.exchangeTime[0] = cols.receiveTime[0] = 1.7e12;
      [cols.a[0], cols.b[0], cols.c[0], cols.id[0]] = [100, 1, 1, Number.NaN];
      cols.kind[1] = DEPTH;
      cols.exchangeTime[1] = cols.receiveTime[1] = 1.7e12;
      [cols.firstId[1], cols.id[1], cols.prevId[1]] = [10, 11, Number.NaN];
      [cols.levelStart[1], cols.bidValues[1], cols.askValues[1]] = [0, 2, 0];
      cols.levels[0] = bid;
      cols.levels[1] = 1;
      batch.count = 2;
    };
    expect(c.kind.length).toBe(4);
    const { engine } = engineWith(k);
    fill(100);
    engine.processBatch(batch);
    names = ["ETHUSDT"];
    holder.array = new Float64Array(8);
    fill(Number.NaN);
    engine.processBatch(batch);
    expect(engine.symbols).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(engine.symbolState("BTCUSDT")!.trades.count).toBe(1);
    expect(engine.symbolState("ETHUSDT")!.trades.count).toBe(1);
    expect(engine.symbolState("BTCUSDT")!.rejectedBy["bad-price"]).toBe(0);
    expect(engine.symbolState("ETHUSDT")!.rejectedBy["bad-price"]).toBe(1);
    engine.dispose();
  });

  test("the same batch after dispose: fresh states, as process makes them", () => {
    const events = window.filter((e) => e.type === "trade").slice(0, 4);
    const { batch } = batchOf(events, (v) => ({ array: new Float64Array(v) }));
    const { engine } = engineWith(k);
    engine.processBatch(batch, 0, 2);
    engine.dispose();
    engine.processBatch(batch, 2, 4);
    expect(engine.symbolState(events[0]!.symbol)!.trades.count).toBe(2);
    engine.dispose();
  });
});

describe.each(backends.map((k) => [k.backend, k] as const))("processBatch on %s, the engine changed under it", (_name, k) => {
  test("onScore restores its symbol (a new state object) and, later, disposes the engine: as process does", async () => {
    const run = async (batches: boolean) => {
      const updates: ScoreUpdate[] = [];
      const engine: StreamingEngine = new StreamingEngine(k, {
        onScore: (u) => {
          updates.push(u);
          // the symbol's state replaced by a restore of itself (it continues as it was), then everything dropped
          if (updates.length % 97 === 0) engine.restore(u.symbol, engine.checkpoint(u.symbol));
          if (updates.length === 1500) engine.dispose();
        },
      });
      await replayCaptureFiles([BTCUSDT], (e) => engine.process(e), {
        decoders: k,
        ...(batches ? { onBatch: (b: EventBatch, from: number, to: number) => engine.processBatch(b, from, to) } : {}),
      });
      const out = outcome(engine, updates);
      engine.dispose();
      return out;
    };
    const [a, b] = [await run(true), await run(false)];
    expect(a.updates.length).toBe(1500);
    expectSameUpdates(a, b, "restore and dispose from onScore");
  }, 60_000);
});

describe("processBatch on a WASM decoder's batch while the module's memory grows", () => {
  test("200 symbols in one capture: the columns are made again after each growth, the same updates", async () => {
    const k = backends[0]!;
    expect(k.backend).not.toBe("js");
    // BTCUSDT's lines, each trade and depth diff under one of 200 symbols; every symbol gets the snapshot after its first diff
    const lines = captureLines(BTCUSDT).slice(0, 6000);
    const renamed = lines.map((l, i) => l.replace(/"s":"BTCUSDT"/g, `"s":"S${i % 200}"`));
    const file = writeCapture(renamed);
    const objects = engineWith(k);
    await replayCaptureFiles([file], (e) => objects.engine.process(e));
    const before = k.memoryBytes;
    const batches = engineWith(k);
    await replayCaptureFiles([file], (e) => batches.engine.process(e), {
      decoders: k,
      onBatch: (b, from, to) => batches.engine.processBatch(b, from, to),
    });
    expect(k.memoryBytes).toBeGreaterThan(before);
    expect(batches.engine.symbols.length).toBe(200);
    expectSameUpdates(outcome(batches.engine, batches.updates), outcome(objects.engine, objects.updates), "200 symbols");
    objects.engine.dispose();
    batches.engine.dispose();
  }, 60_000);

  test("a batch's events as objects after the memory grew under its columns: read from the columns as they are now", () => {
    const k = backends[0]!;
    const events = window.slice(0, 200);
    const levels = k.allocFloat64(Math.max(2, levelValues(events)));
    const { batch, order } = batchOf(events, () => levels, k);
    const before = order.map((_, j) => batch.event(j, new LevelSlab()));
    const memory = k.memoryBytes;
    const big = k.allocFloat64(memory / 8);
    expect(k.memoryBytes).toBeGreaterThan(memory);
    expect(order.map((_, j) => batch.event(j, new LevelSlab()))).toEqual(before);
    expect(before).toEqual(order.map((i) => events[i]));
    big.free();
    batch.free();
    levels.free();
  });
});
