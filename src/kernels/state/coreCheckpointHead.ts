/**
 * The head of the confluence core's checkpoint part, one layout for both backends: the
 * configuration (checked, never restored: lookback, depth, windows, gain, shape, staleness, the
 * mix shares, component and level weights — a checkpoint of a core configured otherwise is a
 * CheckpointError), then the CoreState counters and features (assembly/confluence/coreState.ts and
 * its JS twin, field for field: counts, EMAs, RSI averages, VWAP, breakout, the touch, …), the
 * book input, the price ring and every output slot. The output slots are written because a
 * compute() that finds the core still warming up rewrites only READY, so what snapshot() shows
 * until the next score is part of the state. The core's windows follow, each its own part.
 */
import type { StateReader, StateWriter } from "../../checkpoint/stateCodec.js";
import { COMPONENTS, OUTPUTS } from "../coreLayout.js";
import { readFloats, readSize, writeFloats } from "./parts.js";

/** The configuration a core is built with, as its state keeps it. */
export interface CoreConfig {
  readonly lookback: number;
  readonly depth: number;
  readonly ofiWindow: number;
  readonly flowWindow: number;
  /** 1: linear signals, 0: squash. */
  readonly linear: number;
  readonly gain: number;
  readonly staleMs: number;
  readonly bookDepthWeight: number;
  readonly tradeFlowWeight: number;
  readonly weights: Float64Array;
  readonly levelWeights: Float64Array;
}

/** CoreState's integer fields, in the order written (the same names in the AS struct and the JS twin). */
export const CORE_COUNTERS = [
  "trades",
  "quotes",
  "quotesAtBook",
  "books",
  "bookValid",
  "touchValid",
  "levels",
  "hasSentiment",
  "ringPos",
] as const;
/** CoreState's f64 features, in the order written. */
export const CORE_FLOATS = [
  "lastPrice",
  "emaFast",
  "avgGain",
  "avgLoss",
  "vwapPQ",
  "vwapQ",
  "breakout",
  "dp2Long",
  "dwi",
  "microOffset",
  "touchImbalance",
  "touchSize",
  "touchSizeMean",
  "mid",
  "spread",
  "microprice",
  "sentiment",
  "sentimentTime",
] as const;

type Counter = (typeof CORE_COUNTERS)[number];
type Feature = (typeof CORE_FLOATS)[number];

export type CoreHead = Record<Counter | Feature, number> & {
  /** 4·depth: the book input (bid prices, bid quantities, ask prices, ask quantities). */
  readonly book: Float64Array;
  /** lookback + 1 trade prices. */
  readonly priceRing: Float64Array;
  readonly outputs: Float64Array;
};

const CONFIG_FLOATS = ["gain", "staleMs", "bookDepthWeight", "tradeFlowWeight"] as const;

export function writeCoreHead(w: StateWriter, c: CoreConfig, s: Readonly<CoreHead>): void {
  w.tag("CORE");
  w.u32(c.lookback);
  w.u32(c.depth);
  w.u32(c.ofiWindow);
  w.u32(c.flowWindow);
  w.u8(c.linear);
  writeFloats(w, c, CONFIG_FLOATS);
  w.f64s(c.weights);
  w.f64s(c.levelWeights);
  for (const k of CORE_COUNTERS) w.u32(s[k]);
  writeFloats(w, s, CORE_FLOATS);
  w.f64s(s.book);
  w.f64s(s.priceRing);
  w.f64s(s.outputs);
}

/** Reads a head written by a core of configuration `c` (else a CheckpointError naming what differs). */
export function readCoreHead(r: StateReader, c: CoreConfig): CoreHead {
  r.tag("CORE");
  readSize(r, "a ConfluenceCore lookback", c.lookback);
  readSize(r, "a ConfluenceCore depth", c.depth);
  readSize(r, "a ConfluenceCore ofiWindow", c.ofiWindow);
  readSize(r, "a ConfluenceCore flowWindow", c.flowWindow);
  if (r.u8() !== c.linear) throw r.fail(`a ConfluenceCore whose signalShape is not this one's (${c.linear ? "linear" : "squash"})`);
  const config = readFloats(r, CONFIG_FLOATS);
  for (const k of CONFIG_FLOATS)
    if (!Object.is(config[k], c[k])) throw r.fail(`a ConfluenceCore ${k} of ${config[k]} where this one has ${c[k]}`);
  sameWeights(r, "weights", r.f64s(COMPONENTS), c.weights);
  sameWeights(r, "levelWeights", r.f64s(c.depth), c.levelWeights);
  const counters = {} as Record<Counter, number>;
  for (const k of CORE_COUNTERS) counters[k] = r.u32In(`ConfluenceCore ${k}`, 0, counterMax(k, c));
  const features = readFloats(r, CORE_FLOATS);
  const book = r.f64s(4 * c.depth, new Float64Array(4 * c.depth));
  const priceRing = r.f64s(c.lookback + 1, new Float64Array(c.lookback + 1));
  const outputs = r.f64s(OUTPUTS, new Float64Array(OUTPUTS));
  return { ...counters, ...features, book, priceRing, outputs };
}

/** Largest value of a counter: flags are 0 or 1, the levels at most the depth, the ring position at most the lookback. */
function counterMax(k: Counter, c: CoreConfig): number {
  if (k === "bookValid" || k === "touchValid" || k === "hasSentiment") return 1;
  if (k === "levels") return c.depth;
  if (k === "ringPos") return c.lookback;
  return 0x7fffffff;
}

function sameWeights(r: StateReader, what: string, written: Float64Array, own: Float64Array): void {
  if (written.length !== own.length || written.some((x, i) => !Object.is(x, own[i])))
    throw r.fail(
      `a ConfluenceCore with other ${what} (${Array.from(written).join(", ")} where this one has ${Array.from(own).join(", ")})`,
    );
}
