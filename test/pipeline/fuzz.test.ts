/**
 * The engine fuzzed with mutated real events: windows of the BTCUSDT and ETHUSDT
 * captures in which fast-check flips signs, writes NaN and extreme finite values,
 * deletes fields or gives them the wrong type, reorders, duplicates, dates events in the
 * future, re-sends stale snapshots and renames symbols. Over a million events on each
 * backend: `process` never throws, every score is in [0, 100] and every confidence in
 * [0, 1] (never NaN), every number a score update carries is finite, and every summary is
 * valid against the replay schema. A failure prints fast-check's seed and the shrunk plan.
 */
import { beforeAll, describe, expect, test } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { StreamingEngine, type ScoreUpdate } from "../../src/pipeline/engine.js";
import { summarize } from "../../src/pipeline/summary.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { jsKernels, loadKernels } from "../../src/kernels/index.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";

const schema = JSON.parse(readFileSync(new URL("../../docs/replay-summary.schema.json", import.meta.url), "utf8"));
const validateSummary = new Ajv({ allErrors: true, strict: false }).compile(schema);

/** Runs per backend, each over the whole interleaved stream (74,867 events): 14 runs > 1,000,000 events. */
const RUNS = 14;

let events: MarketEvent[] = [];
/** Indices of the trades and quotes, and of the depth diffs and snapshots. */
let flowIndex: number[] = [],
  bookIndex: number[] = [];
beforeAll(async () => {
  events = [];
  // the two captures interleaved by receive time: two symbols, as a combined stream delivers them
  const a: MarketEvent[] = [],
    b: MarketEvent[] = [];
  await replayCaptureFiles([BTCUSDT], (e) => a.push(e));
  await replayCaptureFiles([ETHUSDT], (e) => b.push(e));
  let i = 0,
    j = 0;
  while (i < a.length || j < b.length)
    events.push(j >= b.length || (i < a.length && a[i]!.receiveTime <= b[j]!.receiveTime) ? a[i++]! : b[j++]!);
  flowIndex = events.flatMap((e, k) => (e.type === "trade" || e.type === "quote" ? [k] : []));
  bookIndex = events.flatMap((e, k) => (e.type === "depth" || e.type === "snapshot" ? [k] : []));
});

const KINDS = [
  "flip-sign",
  "nan",
  "extreme",
  "delete",
  "wrong-type",
  "reorder",
  "duplicate",
  "future",
  "stale-snapshot",
  "symbol",
  "ids",
  "levels",
] as const;
type Kind = (typeof KINDS)[number];

interface Mutation {
  /** Position among the events it applies to, as a fraction (so shrinking keeps it in range). */
  readonly at: number;
  readonly kind: Kind;
  /** Which field, as a fraction of the choices. */
  readonly pick: number;
  /** Which value, as a fraction of the choices. */
  readonly value: number;
}

const EXTREMES = [1e300, -1e300, Number.MAX_VALUE, 5e-324, 1e-300, 1e200, 1e15, 1e12 + 1, 999999999999999, 2 ** 53, -0];
const WRONG = ["100", 100n, null, {}, [], true, undefined, "NaN"];
const SYMBOLS = ["__proto__", "constructor", "toString", "", "BTCUSDT ", "ÆØÅ", "x".repeat(200)];

function choose<T>(items: readonly T[], pick: number): T {
  return items[Math.min(items.length - 1, Math.floor(pick * items.length))]!;
}

const numericFields = (e: MarketEvent): string[] =>
  Object.keys(e).filter((k) => typeof (e as unknown as Record<string, unknown>)[k] === "number");

function mutate(e: MarketEvent, m: Mutation, snapshot: MarketEvent | undefined): MarketEvent[] {
  const r = { ...e } as unknown as Record<string, unknown>;
  const fields = numericFields(e);
  const field = choose(fields, m.pick);
  switch (m.kind) {
    case "flip-sign":
      r[field] = -(r[field] as number);
      return [r as unknown as MarketEvent];
    case "nan":
      r[field] = NaN;
      return [r as unknown as MarketEvent];
    case "extreme":
      r[field] = choose(EXTREMES, m.value);
      return [r as unknown as MarketEvent];
    case "delete":
      delete r[choose(Object.keys(e), m.pick)];
      return [r as unknown as MarketEvent];
    case "wrong-type":
      r[choose(Object.keys(e), m.pick)] = choose(WRONG, m.value);
      return [r as unknown as MarketEvent];
    case "duplicate":
      return [e, e];
    case "future":
      r[m.pick < 0.5 ? "exchangeTime" : "receiveTime"] = m.value < 0.5 ? 999999999999999 : (e.receiveTime as number) + 86_400_000 * 365;
      return [r as unknown as MarketEvent];
    case "stale-snapshot":
      return snapshot ? [e, { ...snapshot, receiveTime: e.receiveTime }] : [e];
    case "symbol":
      r.symbol = choose(SYMBOLS, m.value);
      return [r as unknown as MarketEvent];
    case "ids":
      for (const k of ["tradeId", "updateId", "firstUpdateId", "lastUpdateId", "prevUpdateId"])
        if (k in r) r[k] = choose([9e15, 0, 1.5, -1, 2 ** 53, (r[k] as number) + 1e9], m.value);
      return [r as unknown as MarketEvent];
    case "levels": {
      if (!("bids" in r)) return [e];
      const levels = Float64Array.from(r.bids as Float64Array);
      const i = Math.floor(m.pick * (levels.length + 1));
      const bad = choose(
        [
          [1e300, 1],
          [61000.00000001, 0],
          [1e-13, 5],
          [50000, 1e16],
          [NaN, 1],
          [-1, 1],
        ],
        m.value,
      );
      r.bids =
        i >= levels.length
          ? Float64Array.of(...levels, ...bad)
          : Object.assign(levels, { [i - (i % 2)]: bad[0], [i - (i % 2) + 1]: bad[1] });
      if (m.pick > 0.9) r.asks = Float64Array.of(1, 2, 3);
      return [r as unknown as MarketEvent];
    }
    default:
      return [e];
  }
}

/**
 * The stream with the mutations applied (a reorder swaps with the next event). Flow
 * mutations hit trades and quotes; the few book mutations hit depth diffs and snapshots —
 * most of those unsync the book for the rest of the capture (there is one snapshot),
 * and a run should go on producing scores to fuzz.
 */
function plan(flow: readonly Mutation[], book: readonly Mutation[]): MarketEvent[] {
  const byIndex = new Map<number, Mutation>();
  const place = (ms: readonly Mutation[], targets: readonly number[]): void => {
    for (const m of ms) byIndex.set(targets[Math.floor(m.at * targets.length)]!, m);
  };
  place(flow, flowIndex);
  // in the last tenth of the book's events: most book mutations unsync the book for good
  place(
    book.map((m) => ({ ...m, at: 0.9 + m.at / 10 })),
    bookIndex,
  );
  const snapshot = events.find((e) => e.type === "snapshot");
  const out: MarketEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const m = byIndex.get(i);
    if (m?.kind === "reorder" && i + 1 < events.length) {
      out.push(events[i + 1]!, events[i]!);
      i++;
    } else out.push(...(m ? mutate(events[i]!, m, snapshot) : [events[i]!]));
  }
  return out;
}

const inUnit = (x: number): boolean => x >= 0 && x <= 1;
const inSigned = (x: number): boolean => x >= -1 && x <= 1;

/** What is wrong with an update, or null: every score in range, every number finite. */
function updateError(u: ScoreUpdate): string | null {
  if (!(u.score >= 0 && u.score <= 100)) return `score ${u.score}`;
  if (!inUnit(u.confidence)) return `confidence ${u.confidence}`;
  if (!inSigned(u.momentum) || !inSigned(u.meanReversion)) return `momentum ${u.momentum} / meanReversion ${u.meanReversion}`;
  if (!Number.isFinite(u.time)) return `time ${u.time}`;
  for (const [name, c] of Object.entries(u.components))
    if (!(c.score >= 0 && c.score <= 100) || !inUnit(c.confidence)) return `component ${name} ${JSON.stringify(c)}`;
  const k = u.composite;
  if (!inSigned(k.directionalBias) || !inUnit(k.executionUrgency) || !inUnit(k.riskAdjustedOpportunity) || !inUnit(k.stability))
    return `composite ${JSON.stringify(k)}`;
  const d = u.decision;
  if (d && (!(d.timeHorizonMs > 0 && d.timeHorizonMs < Infinity) || (d.priceLimit !== null && !Number.isFinite(d.priceLimit))))
    return `decision ${JSON.stringify(d)}`;
  return null;
}

// uniform in [0, 1): fc.double is uniform over bit patterns (mostly tiny numbers) and biased to edges, which would pile every mutation onto a few events
const fraction = fc.noBias(fc.integer({ min: 0, max: 2 ** 30 - 1 })).map((i) => i / 2 ** 30);
/** Every kind, the value-changing ones three times as often. */
const kinds = fc.constantFrom<Kind>(...KINDS, ...(["extreme", "nan", "wrong-type", "future"] as const).flatMap((k) => [k, k]));
const mutation = fc.record({ at: fraction, kind: kinds, pick: fraction, value: fraction });

describe.each([
  ["wasm", () => loadKernels()],
  ["js", async () => jsKernels()],
] as const)("fuzzing the engine on %s", (_, load) => {
  test(`${RUNS} runs over the mutated real streams: no throw, scores in range, summaries valid`, async () => {
    const kernels = await load();
    let processed = 0,
      updates = 0,
      mutated = 0;
    const mutations = (min: number, max: number) =>
      fc.noBias(fc.integer({ min, max })).chain((n) => fc.array(mutation, { minLength: n, maxLength: n }));
    fc.assert(
      fc.property(mutations(200, 3000), mutations(0, 3), (flow, book) => {
        let bad: string | null = null;
        const sink = (u: ScoreUpdate): void => {
          updates++;
          bad ??= updateError(u);
        };
        const e = new StreamingEngine(kernels, { maxSymbols: 50, onScore: sink });
        const stream = plan(flow, book);
        for (const ev of stream) e.process(ev);
        processed += stream.length;
        mutated += flow.length + book.length;
        expect(bad, "a score update out of range or not finite").toBeNull();
        const summary = { symbols: summarize(e, 1), input: { files: [], dropped: e.droppedBy } };
        const text = JSON.stringify(summary);
        expect(validateSummary(JSON.parse(text)), `${JSON.stringify(validateSummary.errors)} in ${text.slice(0, 500)}`).toBe(true);
        expect(Object.keys(summary.symbols).length).toBeGreaterThan(0);
        e.dispose();
      }),
      { numRuns: RUNS, endOnFailure: true },
    ); // no shrinking: each run is 75k events; the seed reproduces it
    expect(processed, "events fuzzed on this backend").toBeGreaterThan(1_000_000);
    expect(mutated).toBeGreaterThan(RUNS * 200);
    expect(updates, "score updates checked").toBeGreaterThan(RUNS * 1000);
  }, 300_000);

  test("the plan that found an orderflow confidence of −4.4e-16 (running sums put OFI a rounding error past ±1): in range now", async () => {
    const kernels = await load();
    let bad: string | null = null,
      updates = 0;
    fc.assert(
      fc.property(
        fc.noBias(fc.integer({ min: 200, max: 3000 })).chain((n) => fc.array(mutation, { minLength: n, maxLength: n })),
        fc.noBias(fc.integer({ min: 0, max: 3 })).chain((n) => fc.array(mutation, { minLength: n, maxLength: n })),
        (flow, book) => {
          const e = new StreamingEngine(kernels, {
            maxSymbols: 50,
            onScore: (u) => {
              updates++;
              bad ??= updateError(u);
            },
          });
          for (const ev of plan(flow, book)) e.process(ev);
          e.dispose();
        },
      ),
      { seed: -787603796, path: "12", numRuns: 1 },
    );
    expect(updates, "the plan's score updates").toBeGreaterThan(1000);
    expect(bad).toBeNull();
  }, 120_000);
});
