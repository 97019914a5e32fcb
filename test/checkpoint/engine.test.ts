/**
 * Engine checkpoints (issue 15): replay N events, checkpoint every symbol, restore into a fresh
 * engine, continue — the score updates and the summary equal an uninterrupted run's, bit for bit,
 * on every backend and across backends, on the four real captures cut at many points and on
 * hostile generated streams. A checkpoint of another format version, configuration or symbol,
 * or with bytes changed or cut, is a CheckpointError and leaves the engine as it was.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { CheckpointError, InvalidParameterError } from "../../src/errors.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import type { Kernels } from "../../src/kernels/types.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { StreamingEngine, type EngineOptions, type ScoreUpdate } from "../../src/pipeline/engine.js";
import { summarize } from "../../src/pipeline/summary.js";
import { backends } from "../support/backends.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { expectSameUpdates } from "../support/expectSameUpdates.js";

const [wasm, , js] = backends as [Kernels, Kernels, Kernels];

async function eventsOf(file: string): Promise<MarketEvent[]> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles([file], (e) => events.push(e));
  return events;
}

/** The summary without the perf section (latency is instrumentation, not state). */
function summaryOf(e: StreamingEngine): unknown {
  return Object.fromEntries(
    Object.entries(summarize(e, 1)).map(([s, v]) => {
      const { perf: _perf, ...rest } = v;
      return [s, rest];
    }),
  );
}

interface Cut {
  /** Updates of the uninterrupted run after the cut, and its final summary. */
  readonly expected: { readonly updates: ScoreUpdate[]; readonly summary: unknown };
  /** The same from the engine restored at the cut. */
  readonly actual: { readonly updates: ScoreUpdate[]; readonly summary: unknown };
  /** Bytes of each symbol's checkpoint. */
  readonly bytes: Record<string, number>;
}

/** Runs `events` whole on `from`, checkpointing every symbol after `n` of them into a fresh engine on `to`, which runs the rest. */
function cutAt(events: readonly MarketEvent[], n: number, from: Kernels, to: Kernels, options: EngineOptions = {}): Cut {
  const expected: ScoreUpdate[] = [];
  let afterCut = false;
  const a = new StreamingEngine(from, { ...options, onScore: (u) => afterCut && expected.push(u) });
  for (let i = 0; i < n; i++) a.process(events[i]!);
  const actual: ScoreUpdate[] = [];
  const b = new StreamingEngine(to, { ...options, onScore: (u) => actual.push(u) });
  const bytes: Record<string, number> = {};
  for (const symbol of a.symbols) {
    const c = a.checkpoint(symbol);
    bytes[symbol] = c.length;
    b.restore(symbol, c);
  }
  afterCut = true;
  for (let i = n; i < events.length; i++) {
    a.process(events[i]!);
    b.process(events[i]!);
  }
  const cut = { expected: { updates: expected, summary: summaryOf(a) }, actual: { updates: actual, summary: summaryOf(b) }, bytes };
  a.dispose();
  b.dispose();
  return cut;
}

function expectSameRun(cut: Cut, label: string): void {
  expect(cut.actual.updates.length, `${label}: updates after the cut`).toBe(cut.expected.updates.length);
  expectSameUpdates(cut.actual.updates, cut.expected.updates, `${label}: score updates after the cut`);
  expectSameUpdates(cut.actual.summary, cut.expected.summary, `${label}: the summary at the end`);
}

describe.each([
  ["spot BTCUSDT", BTCUSDT],
  ["spot ETHUSDT", ETHUSDT],
  ["USD-M ETHUSDT", USDM_ETHUSDT],
  ["COIN-M ETHUSD_PERP", COINM_ETHUSD],
])("%s: checkpoint, restore, continue", (_, file) => {
  test("on every backend and across backends, at cuts from the first event to the last, the same bits as an uninterrupted run", async () => {
    const events = await eventsOf(file);
    // the first event, early (book not yet synced), mid-run, one before the end, the end
    const cuts = [1, 40, Math.floor(events.length / 3), Math.floor((2 * events.length) / 3), events.length - 1, events.length];
    for (const [i, n] of cuts.entries()) {
      // every pairing once over the cuts: same backend (WASM, JS) and both crossings
      const [from, to] = [
        [wasm, wasm],
        [js, js],
        [wasm, js],
        [js, wasm],
      ][i % 4]!;
      expectSameRun(cutAt(events, n, from!, to!), `cut at ${n} of ${events.length}, ${from!.backend} → ${to!.backend}`);
    }
  }, 240_000);

  test("the checkpoint after the whole capture is the same bytes on WASM and on JS", async () => {
    const events = await eventsOf(file);
    const [a, b] = [new StreamingEngine(wasm), new StreamingEngine(js)];
    for (const e of events) {
      a.process(e);
      b.process(e);
    }
    for (const symbol of a.symbols) expect(Buffer.from(b.checkpoint(symbol)).equals(Buffer.from(a.checkpoint(symbol))), symbol).toBe(true);
    a.dispose();
    b.dispose();
  }, 60_000);

  test("dense cuts: the first 6,000 events cut every 150, each restored on the other backend", async () => {
    const events = (await eventsOf(file)).slice(0, 6_000);
    for (let n = 150, i = 0; n < events.length; n += 150, i++) {
      const [from, to] = i % 2 === 0 ? [wasm, js] : [js, wasm];
      expectSameRun(cutAt(events, n, from, to), `cut at ${n}, ${from.backend} → ${to.backend}`);
    }
  }, 240_000);
});

describe("hostile streams (fast-check): gaps, duplicates, out-of-order and invalid events, cut anywhere", () => {
  const symbol = fc.constantFrom("A", "B");
  const id = fc.integer({ min: 1, max: 60 });
  const price = fc.constantFrom(99, 99.5, 100, 100.5, 101, 101.5, 1e308, -1, Number.NaN);
  const qty = fc.constantFrom(0, 0.5, 1, 3, 1e9);
  const side = fc.array(fc.tuple(price, qty), { maxLength: 4 }).map((l) => Float64Array.from(l.flat()));
  const time = fc.integer({ min: 1_000, max: 1_200 });
  const event: fc.Arbitrary<MarketEvent> = fc.oneof(
    fc.record({
      type: fc.constant("trade"),
      symbol,
      exchangeTime: time,
      receiveTime: time,
      price,
      qty,
      buyerInitiated: fc.boolean(),
      tradeId: id,
    }),
    fc.record({
      type: fc.constant("quote"),
      symbol,
      exchangeTime: time,
      receiveTime: time,
      updateId: id,
      bidPx: price,
      bidQty: qty,
      askPx: price,
      askQty: qty,
    }),
    fc
      .record({
        type: fc.constant("depth"),
        symbol,
        exchangeTime: time,
        receiveTime: time,
        firstUpdateId: id,
        span: fc.integer({ min: 0, max: 3 }),
        bids: side,
        asks: side,
      })
      .map(({ span, ...d }) => ({ ...d, lastUpdateId: d.firstUpdateId + span, prevUpdateId: Number.NaN })),
    fc.record({ type: fc.constant("snapshot"), symbol, exchangeTime: time, receiveTime: time, lastUpdateId: id, bids: side, asks: side }),
  ) as fc.Arbitrary<MarketEvent>;

  test("the restored engine continues exactly as the uninterrupted one", () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 120 }), fc.nat(), fc.constantFrom(0, 1, 2, 3), (events, at, pairing) => {
        const [from, to] = [
          [wasm, wasm],
          [js, js],
          [wasm, js],
          [js, wasm],
        ][pairing]!;
        // trades recalculate at most every 5 ms of event time: the cut must carry when the last one did
        const cut = cutAt(events, at % (events.length + 1), from!, to!, {
          config: { preset: "ultraFast", updateIntervalMs: 5 },
          keepRejections: 2,
        });
        expectSameRun(cut, `cut at ${at % (events.length + 1)} of ${events.length}`);
      }),
      { numRuns: 150 },
    );
  });
});

describe("refusals: a CheckpointError, and the engine keeps what it had", () => {
  test("another configuration, another symbol, another version, bytes changed or cut, random bytes", async () => {
    const events = (await eventsOf(BTCUSDT)).slice(0, 5_000);
    const a = new StreamingEngine(wasm);
    for (const e of events) a.process(e);
    const good = a.checkpoint("BTCUSDT");
    expect(() => a.checkpoint("ETHUSDT"), "a symbol the engine has not seen").toThrow(InvalidParameterError);

    const b = new StreamingEngine(wasm);
    for (const e of events.slice(0, 100)) b.process(e);
    const before = summaryOf(b);
    const refuse = (bytes: Uint8Array, symbol: string, why: string | RegExp, engine = b): void => {
      let thrown: unknown = null;
      try {
        engine.restore(symbol, bytes);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, String(why)).toBeInstanceOf(CheckpointError);
      expect((thrown as Error).message).toMatch(why);
    };
    refuse(good, "BTCUSDT", /another configuration/, new StreamingEngine(wasm, { config: { preset: "ultraFast" } }));
    refuse(good, "BTCUSDT", /another configuration/, new StreamingEngine(wasm, { maxBufferedDiffs: 10 }));
    // what the fitted values were fitted on is metadata: the same state, the checkpoint fits
    const relabelled = new StreamingEngine(wasm, { config: { trainedOn: [] } });
    relabelled.restore("BTCUSDT", good);
    expect(relabelled.checkpoint("BTCUSDT")).toEqual(good);
    refuse(good, "ETHUSDT", /a checkpoint of "BTCUSDT"/);
    const version = good.slice();
    version[4] = 99;
    refuse(version, "BTCUSDT", /format version 99/);
    // one byte changed anywhere in the payload: the checksum
    for (const at of [40, Math.floor(good.length / 2), good.length - 30]) {
      const changed = good.slice();
      changed[at] = changed[at]! ^ 1;
      refuse(changed, "BTCUSDT", /checksum|truncated|expected|configuration|checkpoint of/);
    }
    for (let len = 0; len < good.length; len += Math.max(1, Math.floor(good.length / 97))) refuse(good.slice(0, len), "BTCUSDT", /./);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        refuse(bytes, "BTCUSDT", /./);
      }),
      { numRuns: 200 },
    );
    expect(summaryOf(b), "every refusal left the engine as it was").toEqual(before);
    // and the good bytes restore afterwards
    b.restore("BTCUSDT", good);
    expect(summaryOf(b)).toEqual(summaryOf(a));
    a.dispose();
    b.dispose();
  }, 120_000);
});
