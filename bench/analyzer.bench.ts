/**
 * Per-update cost of the confluence analyzer (all six components) and of the composite
 * engine, on the WASM and JS backends, over the events of the real BTCUSDT capture
 * (trades, best quotes, top-10 books after each applied diff) replayed in a loop.
 *
 * One "update" = one event fed in + the score recomputed. Variants:
 *   core       ConfluenceCore through the Kernels interface: event + compute, outputs
 *              read from the core (what an engine's hot path does; allocation-free)
 *   analyzer   ConfluenceAnalyzer: event + compute() building the result object
 *   composite  analyzer + CompositeEngine.evaluate on every book event
 * Target (issue 3): analyzer update ≤ 250 ns on WASM and WASM ≥ 1.5× the JS backend.
 *
 *   npm run bench:analyzer     (writes bench/results/analyzer.json and .md)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { CompositeEngine, ConfluenceAnalyzer, jsKernels, loadKernels, type Kernels } from "../src/index.js";
import * as O from "../src/kernels/coreLayout.js";
import {
  DEFAULT_OPTIONS,
  machineMeta,
  formatGroup,
  formatGroupMarkdown,
  medianOf,
  runGroup,
  type GroupResult,
  type Variant,
} from "./harness.js";
import { captureEvents, type Event } from "../test/support/replay.js";

const DEPTH = 10;
const CHUNK = 1024;
const file = "data/binance-spot-btcusdt-2024-08-08.jsonl.gz"; // run from the repository root

/** A replay loop over the events: each pass shifts time forward (`t`) so trades stay in order. */
class Replay {
  private i = 0;
  private offset = 0;
  t = 0;
  constructor(
    private readonly events: readonly Event[],
    private readonly span: number,
  ) {}
  next(): Event {
    if (this.i === this.events.length) {
      this.i = 0;
      this.offset += this.span;
    }
    const e = this.events[this.i++]!;
    this.t = e.time + this.offset;
    return e;
  }
}

/**
 * The events decoded once into flat typed arrays (kind, five numbers, book levels), so
 * the loop that feeds the core costs next to nothing and does not touch event objects.
 */
interface Flat {
  readonly kind: Uint8Array; // 0 trade, 1 quote, 2 book
  readonly num: Float64Array; // per event: trade price, qty, buyer, time | quote pb, qb, pa, qa | book nb, na, offset
  readonly levels: Float64Array; // per book event: 4·DEPTH values in the core's book-input layout
}

function flatten(events: readonly Event[]): Flat {
  const kind = new Uint8Array(events.length),
    num = new Float64Array(events.length * 5);
  const books = events.filter((e) => e.kind === "book").length;
  const levels = new Float64Array(books * 4 * DEPTH);
  let b = 0;
  events.forEach((e, i) => {
    const o = i * 5;
    if (e.kind === "trade") {
      kind[i] = 0;
      num.set([e.price, e.qty, e.buyerInitiated ? 1 : 0, e.time], o);
    } else if (e.kind === "quote") {
      kind[i] = 1;
      num.set([e.bidPx, e.bidQty, e.askPx, e.askQty, e.time], o);
    } else {
      kind[i] = 2;
      const at = b++ * 4 * DEPTH;
      e.bids.forEach(([p, q], j) => {
        levels[at + j] = p;
        levels[at + DEPTH + j] = q;
      });
      e.asks.forEach(([p, q], j) => {
        levels[at + 2 * DEPTH + j] = p;
        levels[at + 3 * DEPTH + j] = q;
      });
      num.set([e.bids.length, e.asks.length, at, 0, e.time], o);
    }
  });
  return { kind, num, levels };
}

function coreVariant(k: Kernels, flat: Flat, span: number, preset: "default" | "ultraFast"): () => number {
  const a = new ConfluenceAnalyzer(k, { preset });
  const core = k.confluenceCore({
    lookback: a.config.lookback,
    depth: DEPTH,
    ofiWindow: a.config.ofiWindow,
    flowWindow: a.config.flowWindow,
    sensitivity: a.config.sensitivity,
    signalShape: a.config.signalShape,
    staleMs: a.config.sentimentStaleMs,
    bookDepthWeight: a.config.bookDepthWeight,
    tradeFlowWeight: a.config.tradeFlowWeight,
    weights: Object.values(a.config.weights),
    levelWeights: Array.from({ length: DEPTH }, (_, i) => Math.exp((-2 * i) / DEPTH)),
  });
  a.dispose();
  const { kind, num, levels } = flat;
  const n = kind.length;
  let i = 0,
    offset = 0;
  return () => {
    let acc = 0;
    for (let c = 0; c < CHUNK; c++) {
      if (i === n) {
        i = 0;
        offset += span;
      }
      const o = i * 5;
      const t = num[o + 4]! + offset;
      const kd = kind[i++]!;
      if (kd === 0) core.trade(num[o]!, num[o + 1]!, num[o + 2] === 1, num[o + 3]! + offset);
      else if (kd === 1) core.quote(num[o]!, num[o + 1]!, num[o + 2]!, num[o + 3]!);
      else {
        const at = num[o + 2]!;
        core.bookInput.set(levels.subarray(at, at + 4 * DEPTH));
        core.book(num[o]!, num[o + 1]!);
      }
      if (core.compute(t)) acc += core.output(O.SCORE);
    }
    return acc;
  };
}

function analyzerVariant(
  k: Kernels,
  events: readonly Event[],
  span: number,
  preset: "default" | "ultraFast",
  composite: boolean,
): () => number {
  const a = new ConfluenceAnalyzer(k, { preset, depth: DEPTH });
  const engine = composite ? new CompositeEngine(k, { maxPosition: 1 }) : null;
  const replay = new Replay(events, span);
  return () => {
    let acc = 0;
    for (let n = 0; n < CHUNK; n++) {
      const e = replay.next(),
        t = replay.t;
      if (e.kind === "trade") a.onTrade({ price: e.price, qty: e.qty, buyerInitiated: e.buyerInitiated, time: t });
      else if (e.kind === "quote") a.onQuote(e);
      else a.onBook(e.bids, e.asks);
      const u = a.compute(t);
      if (!u) continue;
      acc += u.score;
      if (engine && e.kind === "book") acc += engine.evaluate(u, { position: 0.5 }).directionalBias;
    }
    return acc;
  };
}

async function main(): Promise<void> {
  const { events } = await captureEvents(file, DEPTH);
  const span = events[events.length - 1]!.time - events[0]!.time + 1_000;
  const flat = flatten(events);
  const wasm = await loadKernels(),
    js = jsKernels();
  const options = { ...DEFAULT_OPTIONS, minSampleMs: 2, warmupMs: 200, groupBudgetMs: 6_000, minRounds: 9, maxRounds: 101 };
  const meta = {
    ...machineMeta("node dist/bench/analyzer.bench.js"),
    events: events.length,
  };
  console.log(`analyzer bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — load ${meta.loadavgStart.join(" ")}\n`);
  const results: GroupResult[] = [];
  for (const preset of ["default", "ultraFast"] as const) {
    const variants: Variant[] = [
      { name: "js-core", baseline: true, note: "jsKernels().confluenceCore: event + compute", run: coreVariant(js, flat, span, preset) },
      { name: "wasm-core", note: "loadKernels().confluenceCore: event + compute", run: coreVariant(wasm, flat, span, preset) },
      { name: "js-analyzer", note: "ConfluenceAnalyzer: event + compute() object", run: analyzerVariant(js, events, span, preset, false) },
      {
        name: "wasm-analyzer",
        note: "ConfluenceAnalyzer: event + compute() object",
        run: analyzerVariant(wasm, events, span, preset, false),
      },
      { name: "js-composite", note: "analyzer + CompositeEngine on book events", run: analyzerVariant(js, events, span, preset, true) },
      { name: "wasm-composite", note: "analyzer + CompositeEngine on book events", run: analyzerVariant(wasm, events, span, preset, true) },
    ];
    const g = runGroup({ group: "analyzerUpdate", params: { preset, depth: DEPTH }, elements: CHUNK, unit: "update", variants }, options);
    console.log(`${formatGroup(g)}\n`);
    results.push(g);
  }
  const targets = results.flatMap((g) => {
    const per = (name: string): number => medianOf(g, name) / CHUNK;
    return [
      {
        target: "analyzer update ≤ 250 ns on WASM (core path)",
        params: g.params,
        measured: per("wasm-core"),
        met: per("wasm-core") <= 250,
      },
      {
        target: "analyzer WASM ≥ 1.5× JS (core path)",
        params: g.params,
        measured: per("js-core") / per("wasm-core"),
        met: per("js-core") / per("wasm-core") >= 1.5,
      },
      {
        target: "analyzer WASM ≥ 1.5× JS (analyzer API)",
        params: g.params,
        measured: per("js-analyzer") / per("wasm-analyzer"),
        met: per("js-analyzer") / per("wasm-analyzer") >= 1.5,
      },
    ];
  });
  console.log("targets");
  for (const t of targets)
    console.log(`  ${t.met ? "MET   " : "MISSED"} ${t.target} [${JSON.stringify(t.params)}]: ${t.measured.toFixed(2)}`);
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/analyzer.json", JSON.stringify({ meta, results, targets }, null, 1));
  writeFileSync(
    "bench/results/analyzer.md",
    `Generated by bench/analyzer.bench.ts — ${meta.date} — ${meta.cpu} — Node ${meta.node}\n\n${results.map(formatGroupMarkdown).join("\n")}\n`,
  );
}

await main();
