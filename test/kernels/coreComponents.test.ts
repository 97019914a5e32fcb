/**
 * The confluence core compared function by function across backends. The AssemblyScript
 * core (assembly/confluence/components.ts) and its JS twin (src/kernels/js/confluence/
 * components.ts) have the same functions, and every output slot belongs to one of them
 * (its `source` in assembly/confluence/coreSpec.json: a component, whose function is
 * `<component>Signal`, or another function of the core). After every compute the slots
 * are compared bit for bit, WASM SIMD and WASM scalar against JS, and a difference is
 * reported by the function that wrote it — on the four real captures (with a sentiment
 * pushed now and then, so the sixth component is exercised) and on fast-check-generated
 * event sequences with random weights, windows and depths.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import * as components from "../../src/kernels/js/confluence/components.js";
import { COMPONENT_NAMES, OUTPUTS } from "../../src/kernels/coreLayout.js";
import type { ConfluenceCore, ConfluenceCoreOptions, Kernels } from "../../src/kernels/types.js";
import { LIMITS } from "../../src/feeds/validate.js";
import { outputSlots, readSpec, type OutputSlot } from "../../scripts/coreLayout.mjs";
import { backends } from "../support/backends.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { captureEvents, type Event } from "../support/replay.js";

const root = new URL("../../", import.meta.url);
const slots = outputSlots(await readSpec(root.pathname));
/** The function of the core that writes a slot of this source. */
const functionOf = (source: string): string =>
  (COMPONENT_NAMES as readonly string[]).includes(source) ? `${source.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}Signal` : source;
const where = (s: OutputSlot): string => `${functionOf(s.source)} (slot ${s.name})`;

const js = backends.find((k) => k.backend === "js")!;
const wasm = backends.filter((k) => k !== js);

/** Per slot: whether it has taken two different values other than NaN (so comparing it is not vacuous). */
class Variety {
  readonly varied = new Array<boolean>(OUTPUTS).fill(false);
  private readonly first = new Float64Array(OUTPUTS).fill(NaN);

  see(o: Float64Array): void {
    for (let i = 0; i < OUTPUTS; i++) {
      const v = o[i]!;
      if (Number.isNaN(v)) continue;
      if (Number.isNaN(this.first[i]!)) this.first[i] = v;
      else if (!Object.is(v, this.first[i])) this.varied[i] = true;
    }
  }
}

/** One core per backend, fed the same events; `check` compares their outputs slot by slot. */
class Cores {
  readonly cores: ConfluenceCore[];
  private readonly outs: Float64Array[];

  constructor(
    options: ConfluenceCoreOptions,
    private readonly variety = new Variety(),
  ) {
    this.cores = [js, ...wasm].map((k: Kernels) => k.confluenceCore(options));
    this.outs = this.cores.map(() => new Float64Array(OUTPUTS));
  }

  feed(e: Event | { kind: "sentiment"; value: number; time: number }): void {
    for (const c of this.cores) {
      if (e.kind === "trade") c.trade(e.price, e.qty, e.buyerInitiated, e.time);
      else if (e.kind === "quote") c.quote(e.bidPx, e.bidQty, e.askPx, e.askQty);
      else if (e.kind === "sentiment") c.sentiment(e.value, e.time);
      else {
        const input = c.bookInput,
          n = input.length / 4;
        const nb = Math.min(e.bids.length, n),
          na = Math.min(e.asks.length, n);
        for (let i = 0; i < nb; i++) [input[i], input[n + i]] = e.bids[i]!;
        for (let i = 0; i < na; i++) [input[2 * n + i], input[3 * n + i]] = e.asks[i]!;
        c.book(nb, na);
      }
    }
  }

  /** Computes at `now` on every backend and returns the first slot that differs from JS, named by its function, or null. */
  check(now: number): string | null {
    const ready = this.cores.map((c) => c.compute(now));
    for (const [i, c] of this.cores.entries()) c.snapshot(this.outs[i]!);
    const ref = this.outs[0]!;
    for (let b = 1; b < this.cores.length; b++) {
      if (ready[b] !== ready[0]) return `coreCompute: ${wasm[b - 1]!.backend} returned ${ready[b]}, js ${ready[0]}`;
      const o = this.outs[b]!;
      for (let i = 0; i < OUTPUTS; i++) {
        if (!Object.is(o[i], ref[i])) return `${where(slots[i]!)}: ${wasm[b - 1]!.backend} ${o[i]} ≠ js ${ref[i]}`;
      }
    }
    this.variety.see(ref);
    return null;
  }

  dispose(): void {
    for (const c of this.cores) c.dispose();
  }
}

describe("the twins have the same functions", () => {
  const exported = (path: string): string[] =>
    [...readFileSync(new URL(path, root), "utf8").matchAll(/^(?:@inline )?export function (\w+)/gm)].map((m) => m[1]!);

  test("assembly/confluence/components.ts and its JS twin export the same functions in the same order", () => {
    const as = exported("assembly/confluence/components.ts");
    expect(as.length, "one function per component and the shared steps").toBeGreaterThanOrEqual(COMPONENT_NAMES.length + 4);
    expect(exported("src/kernels/js/confluence/components.ts")).toEqual(as);
  });

  test("every slot's source is a function of the twin (coreCompute writes `ready`)", () => {
    for (const s of slots) {
      const name = functionOf(s.source);
      expect(name === "coreCompute" || typeof (components as Record<string, unknown>)[name] === "function", `${s.name}: ${name}`).toBe(
        true,
      );
    }
  });
});

describe("real captures", () => {
  // the default preset (the touch alone, OFI and trade flow over 10 events), ultraFast's windows with depth and
  // trades mixed in, and short windows with the book and flow off: between them every component is on in one
  // and off in another, and both mixes take 0 or 1 and a share between (a component with weight 0 still
  // writes its slots)
  const configs = [
    {
      name: "default (L 50, depth 10, K 10, F 10, d 0, m 0.5)",
      lookback: 50,
      depth: 10,
      sensitivity: 1,
      ofiWindow: 10,
      flowWindow: 10,
      bookDepthWeight: 0,
      tradeFlowWeight: 0.5,
      signalShape: "squash" as const,
      weights: [0.25, 0.25, 0.1, 0.15, 0.15, 0.1],
    },
    {
      name: "ultraFast, depth and trades mixed in (L 10, depth 5, K 5, F 30, d 0.4, m 0.7)",
      lookback: 10,
      depth: 5,
      sensitivity: 0.5,
      signalShape: "linear" as const,
      ofiWindow: 5,
      flowWindow: 30,
      bookDepthWeight: 0.4,
      tradeFlowWeight: 0.7,
      weights: [0.6, 0.35, 0.05, 0, 0, 0],
    },
    {
      name: "short windows, no book or flow (L 3, depth 3, K 2, F 3, d 1, m 1)",
      lookback: 3,
      depth: 3,
      sensitivity: 2,
      ofiWindow: 2,
      flowWindow: 3,
      bookDepthWeight: 1,
      tradeFlowWeight: 1,
      weights: [0, 0, 0, 0.4, 0.3, 0.3],
    },
  ];
  test.each([
    ["BTCUSDT spot", BTCUSDT],
    ["ETHUSDT spot", ETHUSDT],
    ["ETHUSDT USD-M", USDM_ETHUSDT],
    ["ETHUSD_PERP COIN-M", COINM_ETHUSD],
  ])("%s: every function's slots identical on every backend after every event", async (_, file) => {
    const { events } = await captureEvents(file, 10);
    const variety = new Variety();
    for (const { name, ...config } of configs) {
      const levelWeights = Array.from({ length: config.depth }, (_, i) => js.exp((-2 * i) / config.depth));
      const cores = new Cores({ ...config, staleMs: 5_000, levelWeights }, variety);
      events.forEach((e, i) => {
        cores.feed(e);
        // an outside view now and then: fresh for a while, then stale
        if (i % 997 === 0) cores.feed({ kind: "sentiment", value: ((i * 7919) % 2001) / 1000 - 1, time: e.time });
        const problem = cores.check(e.time);
        if (problem) expect.fail(`${name}, event ${i} (${e.kind}): ${problem}`);
      });
      cores.dispose();
    }
    const flat = slots.filter((s) => !variety.varied[s.slot]);
    expect(flat.map(where), "slots that never changed (comparing them would prove nothing)").toEqual([]);
  });
});

describe("generated states (fast-check)", () => {
  const price = fc.oneof(
    fc.constantFrom(100, 100.01, 99.99),
    fc.integer({ min: -30, max: 30 }).map((k) => 61837.63 + k * 0.01),
    fc.double({ min: LIMITS.minPrice, max: 1e9, noNaN: true }),
  );
  const qty = fc.oneof(fc.constantFrom(0, 0.02, 1), fc.double({ min: LIMITS.minQty, max: 1e6, noNaN: true }));
  const levels = fc.array(fc.tuple(price, qty), { maxLength: 5 });
  const event = fc.oneof(
    fc.record({ kind: fc.constant("trade" as const), price, qty, buyerInitiated: fc.boolean(), dt: fc.nat(3) }),
    fc.record({ kind: fc.constant("quote" as const), bidPx: price, bidQty: qty, askPx: price, askQty: qty, dt: fc.nat(3) }),
    fc.record({ kind: fc.constant("book" as const), bids: levels, asks: levels, dt: fc.nat(3) }),
    fc.record({ kind: fc.constant("sentiment" as const), value: fc.double({ min: -1, max: 1, noNaN: true }), dt: fc.nat(3) }),
  );
  // integer shares, some 0 (a component off), normalised to sum to 1
  const weights = fc
    .array(fc.nat(3), { minLength: 6, maxLength: 6 })
    .filter((w) => w.some((x) => x > 0))
    .map((w) => {
      const total = w.reduce((a, b) => a + b, 0);
      return w.map((x) => x / total);
    });
  // a mix share: either end, or anything between
  const share = fc.oneof(fc.constantFrom(0, 1), fc.double({ min: 0, max: 1, noNaN: true }));
  const options = fc.record({
    lookback: fc.integer({ min: 1, max: 6 }),
    depth: fc.integer({ min: 1, max: 4 }),
    ofiWindow: fc.integer({ min: 1, max: 6 }),
    flowWindow: fc.integer({ min: 1, max: 6 }),
    sensitivity: fc.constantFrom(0.25, 1, 3),
    signalShape: fc.constantFrom("squash" as const, "linear" as const),
    staleMs: fc.constantFrom(2, 1_000),
    bookDepthWeight: share,
    tradeFlowWeight: share,
    weights,
  });

  test("every function's slots identical on every backend after every event", () => {
    fc.assert(
      fc.property(options, fc.array(event, { minLength: 1, maxLength: 80 }), (o, events) => {
        const levelWeights = Array.from({ length: o.depth }, (_, i) => js.exp((-2 * i) / o.depth));
        const cores = new Cores({ ...o, levelWeights });
        let t = 0;
        try {
          for (const [i, e] of events.entries()) {
            t += e.dt;
            cores.feed({ ...e, time: t } as never);
            const problem = cores.check(t);
            if (problem) expect.fail(`event ${i} (${e.kind}): ${problem}`);
          }
        } finally {
          cores.dispose();
        }
      }),
      { numRuns: 400 },
    );
  });
});
