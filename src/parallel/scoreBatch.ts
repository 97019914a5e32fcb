/**
 * Score updates packed for the trip back from a worker thread: one fixed-size record
 * of float64s per update, rebuilt on the other side into an object equal to the
 * engine's — same fields, same key order (so JSON.stringify gives the same text), same
 * numbers bit for bit. Structured cloning the update objects instead costs 10–25 µs an
 * update, more than the engine spends on the ten events that produce one.
 *
 * Record: symbol, time, receiveTime, trigger (0 book, 1 trade), score, confidence, actionable,
 * momentum, meanReversion, (score, confidence) per component in COMPONENT_NAMES order,
 * the four composite outputs, then the decision: present, urgency, participationRate,
 * algorithm, side, timeHorizonMs, priceLimit present, priceLimit; with contexts also
 * bestBid present, bestBid, bestAsk present, bestAsk, imbalance5 present, imbalance5,
 * buyVolume, sellVolume. Nullable values carry a presence flag (NaN is a value).
 */
import { COMPONENT_NAMES, type ComponentName } from "../kernels/coreLayout.js";
import type { ScoreUpdate } from "../pipeline/engine.js";
import type { ExecutionAlgorithm, ExecutionDecision, Side, Urgency } from "../strategy/execution.js";
import type { ScoreContext } from "./scoreContext.js";

const URGENCY = { high: 0, medium: 1, low: 2 } satisfies Record<Urgency, number>;
const ALGORITHM = { aggressive_twap: 0, adaptive_vwap: 1, passive_participation: 2 } satisfies Record<ExecutionAlgorithm, number>;
const SIDE = { buy: 0, sell: 1, none: 2 } satisfies Record<Side, number>;
const URGENCIES = Object.keys(URGENCY) as Urgency[];
const ALGORITHMS = Object.keys(ALGORITHM) as ExecutionAlgorithm[];
const SIDES = Object.keys(SIDE) as Side[];

const COMPONENTS = COMPONENT_NAMES.length;
const DECISION = 9 + 2 * COMPONENTS + 5;
const CONTEXT = DECISION + 8;
const recordSize = (context: boolean): number => CONTEXT + (context ? 8 : 0);

/** Packs updates (with their contexts when `context` is set) into one growing buffer. */
export class ScoreBatchWriter {
  private buf: Float64Array;
  private len = 0;
  private readonly size: number;

  constructor(private readonly context: boolean) {
    this.size = recordSize(context);
    this.buf = new Float64Array(this.size * 256);
  }

  /** Appends `u` under the symbol table index `symbol`; `ctx` is required when the writer packs contexts. */
  write(u: ScoreUpdate, symbol: number, ctx?: ScoreContext): void {
    if (this.len + this.size > this.buf.length) {
      const grown = new Float64Array(this.buf.length * 2);
      grown.set(this.buf);
      this.buf = grown;
    }
    const b = this.buf,
      i = this.len;
    b[i] = symbol;
    b[i + 1] = u.time;
    b[i + 2] = u.receiveTime;
    b[i + 3] = u.trigger === "book" ? 0 : 1;
    b[i + 4] = u.score;
    b[i + 5] = u.confidence;
    b[i + 6] = u.actionable ? 1 : 0;
    b[i + 7] = u.momentum;
    b[i + 8] = u.meanReversion;
    let k = i + 9;
    for (const name of COMPONENT_NAMES) {
      const c = u.components[name];
      b[k++] = c.score;
      b[k++] = c.confidence;
    }
    const o = u.composite;
    b[k++] = o.directionalBias;
    b[k++] = o.executionUrgency;
    b[k++] = o.riskAdjustedOpportunity;
    b[k++] = o.stability;
    b[k++] = o.signalStrength;
    const d = u.decision;
    b[k] = d ? 1 : 0;
    if (d) {
      b[k + 1] = URGENCY[d.urgency];
      b[k + 2] = d.participationRate;
      b[k + 3] = ALGORITHM[d.algorithm];
      b[k + 4] = SIDE[d.side];
      b[k + 5] = d.timeHorizonMs;
      b[k + 6] = d.priceLimit === null ? 0 : 1;
      b[k + 7] = d.priceLimit ?? 0;
    }
    if (this.context) {
      const c = ctx!;
      k = i + CONTEXT;
      b[k] = c.bestBid === null ? 0 : 1;
      b[k + 1] = c.bestBid ?? 0;
      b[k + 2] = c.bestAsk === null ? 0 : 1;
      b[k + 3] = c.bestAsk ?? 0;
      b[k + 4] = c.imbalance5 === null ? 0 : 1;
      b[k + 5] = c.imbalance5 ?? 0;
      b[k + 6] = c.buyVolume;
      b[k + 7] = c.sellVolume;
    }
    this.len = i + this.size;
  }

  /** The records so far (a copy sized to fit, to be transferred); the writer starts empty again. */
  take(): Float64Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }
}

/** Calls `onUpdate` with each update of `data`, in order; `ctx` is undefined unless packed with contexts. */
export function readScoreBatch(
  data: Float64Array,
  context: boolean,
  symbols: readonly string[],
  onUpdate: (u: ScoreUpdate, ctx?: ScoreContext) => void,
): void {
  const size = recordSize(context);
  for (let i = 0; i < data.length; i += size) {
    const b = data;
    const components = {} as Record<ComponentName, { score: number; confidence: number }>;
    let k = i + 9;
    for (const name of COMPONENT_NAMES) {
      components[name] = { score: b[k]!, confidence: b[k + 1]! };
      k += 2;
    }
    const composite = {
      directionalBias: b[k]!,
      executionUrgency: b[k + 1]!,
      riskAdjustedOpportunity: b[k + 2]!,
      stability: b[k + 3]!,
      signalStrength: b[k + 4]!,
    };
    k += 5;
    const decision: ExecutionDecision | null =
      b[k] === 1
        ? {
            urgency: URGENCIES[b[k + 1]!]!,
            participationRate: b[k + 2]!,
            algorithm: ALGORITHMS[b[k + 3]!]!,
            side: SIDES[b[k + 4]!]!,
            timeHorizonMs: b[k + 5]!,
            priceLimit: b[k + 6] === 1 ? b[k + 7]! : null,
          }
        : null;
    const update: ScoreUpdate = {
      symbol: symbols[b[i]!]!,
      time: b[i + 1]!,
      receiveTime: b[i + 2]!,
      trigger: b[i + 3] === 0 ? "book" : "trade",
      score: b[i + 4]!,
      confidence: b[i + 5]!,
      actionable: b[i + 6] === 1,
      momentum: b[i + 7]!,
      meanReversion: b[i + 8]!,
      components,
      composite,
      decision,
    };
    if (!context) {
      onUpdate(update);
      continue;
    }
    k = i + CONTEXT;
    onUpdate(update, {
      bestBid: b[k] === 1 ? b[k + 1]! : null,
      bestAsk: b[k + 2] === 1 ? b[k + 3]! : null,
      imbalance5: b[k + 4] === 1 ? b[k + 5]! : null,
      buyVolume: b[k + 6]!,
      sellVolume: b[k + 7]!,
    });
  }
}
