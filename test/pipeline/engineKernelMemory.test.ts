/**
 * What the engine's runs of quotes and trades hold in kernel memory (each symbol's run record and
 * duplicate filters, kernels.allocFloat64; a batch's columns with eventBatch's `memory`): released
 * by dispose(), by the garbage collector for an engine dropped without it (as the cores and books
 * are), and not left behind when an allocation fails part way. And the runs' limit in both
 * languages for any latencySample the engine takes (a safe integer), 2^31 and past it included.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, test, vi } from "vitest";
import { ConfluenceAnalyzer } from "../../src/confluence/analyzer.js";
import { OutOfMemoryError } from "../../src/errors.js";
import { QUOTE, TRADE, eventBatch } from "../../src/feeds/eventBatch.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { loadKernels } from "../../src/kernels/index.js";
import type { Float64Buffer, Kernels, Uint8Buffer } from "../../src/kernels/types.js";
import { StreamingEngine } from "../../src/pipeline/engine.js";
import { backends } from "../support/backends.js";

const quote = (symbol: string): MarketEvent => ({
  type: "quote",
  symbol,
  exchangeTime: 1e12,
  receiveTime: 1e12,
  updateId: 1,
  bidPx: 1,
  bidQty: 1,
  askPx: 2,
  askQty: 1,
});

/** `k` whose allocation number `failAt` (from 0, counted over both kinds) throws OutOfMemoryError; `live` holds the buffers not yet freed. */
function failing(k: Kernels): { kernels: Kernels; live: Set<unknown>; failAt: (n: number) => void } {
  const live = new Set<unknown>();
  let calls = 0,
    at = -1;
  const track = <B extends Float64Buffer | Uint8Buffer>(make: () => B, bytes: number): B => {
    if (calls++ === at) throw new OutOfMemoryError(bytes, k.memoryBytes, "test: the allocation that fails");
    const b = make();
    live.add(b);
    // the buffer itself underneath (the WASM core takes its address), free() counted
    const counted = Object.create(b) as B & { free(): void };
    counted.free = () => {
      live.delete(b);
      b.free();
    };
    return counted;
  };
  const kernels = Object.assign(Object.create(k) as Kernels, {
    allocFloat64: (n: number) => track(() => k.allocFloat64(n), 8 * n),
    allocUint8: (n: number) => track(() => k.allocUint8(n), n),
  });
  return {
    kernels,
    live,
    failAt: (n: number) => {
      calls = 0;
      at = n;
    },
  };
}

describe.each(backends.map((k) => [k.backend, k] as const))("the engine's kernel buffers on %s", (_name, k) => {
  test("an allocation failing part way through a new symbol's state or a batch's columns leaves none behind", () => {
    const { kernels, live, failAt } = failing(k);
    // a symbol's state takes three buffers: each of them fails in turn
    for (const n of [0, 1, 2]) {
      const engine = new StreamingEngine(kernels);
      failAt(n);
      expect(() => engine.process(quote("A"))).toThrow(OutOfMemoryError);
      expect(live.size).toBe(0);
      // the engine still works: the next symbol gets its buffers
      failAt(-1);
      engine.process(quote("B"));
      expect(live.size).toBe(3);
      engine.dispose();
      expect(live.size).toBe(0);
    }
    // a batch's 14 columns in kernel memory
    for (const n of [0, 5, 13]) {
      failAt(n);
      expect(() => eventBatch(16, { array: new Float64Array(2) }, () => "A", kernels)).toThrow(OutOfMemoryError);
      expect(live.size).toBe(0);
    }
    failAt(-1);
    const batch = eventBatch(16, { array: new Float64Array(2) }, () => "A", kernels);
    expect(live.size).toBe(14);
    batch.free();
    batch.free();
    expect(live.size).toBe(0);
  });

  test.each([2 ** 31 - 1, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER])(
    "latencySample %d: after the first event (timed, a run of one) one run takes the other 49",
    (latencySample) => {
      const runs: number[] = [];
      const original = ConfluenceAnalyzer.prototype.flowRun;
      const spy = vi.spyOn(ConfluenceAnalyzer.prototype, "flowRun").mockImplementation(function (this: ConfluenceAnalyzer, ...args) {
        const next = original.apply(this, args);
        runs.push(next - args[1]);
        return next;
      });
      try {
        const n = 50;
        const batch = eventBatch(n, { array: new Float64Array(2) }, () => "A", k);
        const c = batch.columnsNow();
        for (let i = 0; i < n; i++) {
          c.kind[i] = i % 2 ? QUOTE : TRADE;
          c.symbol[i] = 0;
          c.exchangeTime[i] = c.receiveTime[i] = 1e12 + i;
          c.id[i] = i;
          [c.a[i], c.b[i], c.c[i], c.d[i]] = i % 2 ? [100, 1, 101, 1] : [100, 1, 1, Number.NaN];
        }
        batch.count = n;
        const engine = new StreamingEngine(k, { latencySample });
        engine.processBatch(batch);
        expect(runs).toEqual([1, n - 1]);
        expect(engine.symbolState("A")!.events).toMatchObject({ quote: 25, trade: 25, rejected: 0 });
        batch.free();
        engine.dispose();
      } finally {
        spy.mockRestore();
      }
    },
  );
});

describe("engines dropped without dispose() on WASM", () => {
  test("the symbols' kernel buffers come back once the engines are collected, as their cores and books do", async () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 6; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const k = await loadKernels({ forceScalar: true });
    const round = (): void => {
      const engine = new StreamingEngine(k);
      for (let i = 0; i < 2000; i++) engine.process(quote(`S${i}`));
    };
    round();
    await settle();
    const before = k.memoryBytes;
    for (let r = 0; r < 20; r++) {
      round();
      await settle();
    }
    // leaked, 20 rounds of 2,000 symbols' three buffers (~2.7 KB a symbol) would be over 100 MB
    expect(k.memoryBytes - before).toBeLessThan(32 * 2 ** 20);
  }, 120_000);
});
