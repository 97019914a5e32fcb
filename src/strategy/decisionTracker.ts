/**
 * The decision a trader holds, per symbol: the side changes only when the directional
 * bias crosses a deadband (hysteresis), and never sooner than `minHoldMs` after the last
 * change; each reading gets the plan for the side held (execution.ts).
 *
 * To a trader: the advice stops flapping. Without a deadband the side was the sign of
 * the bias and changed 30–124 times a minute on the captures of 2024-08-08; with the
 * presets' keys it changes 8.5–9.6 times a minute, the hold doing most of the work, as
 * the bias crosses the whole band within a second or two (README, "Decisions").
 *
 * State machine (enter, exit, minHoldMs from the configuration's `decision` keys; the
 * thresholds are strict):
 *   none → buy   when bias > +enter;         none → sell when bias < −enter;
 *   buy  → none  when bias < +exit, or → sell when bias < −enter as well;
 *   sell → none  when bias > −exit, or → buy  when bias > +enter as well;
 * a change is taken only when at least minHoldMs of event time have passed since the
 * previous one (the first from the start is free; a time before the last change counts as
 * none passed), so at most one change per minHoldMs. A bias that stays inside a band
 * changes nothing. The state is the side and the time of its last change: a pure function
 * of the readings and their times, so a replay, a worker thread and a cluster rebuild hold
 * the same side.
 *
 * Streaming contract (../streamingComponent.ts): `onSignal` returns the decision for each
 * reading; there is no window to fill, so the tracker is stable from its first reading.
 * (After the Schmitt trigger; in trading, entry and exit bands on a signal.)
 */
import { DisposedError, WarmupError } from "../errors.js";
import { requireInRange } from "../checks.js";
import { PRESETS } from "../confluence/config.js";
import { resolveDecisionConfig, type DecisionConfig, type DecisionConfigInput } from "../confluence/decisionConfig.js";
import type { StreamingComponent } from "../streamingComponent.js";
import { planExecution, type ExecutionDecision, type ExecutionInput, type Side } from "./execution.js";
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";

const SIDES: readonly Side[] = ["none", "buy", "sell"];
/** A decision's JSON is a few hundred bytes. */
const MAX_DECISION_JSON = 4096;

/** Whether `v` has a decision's fields (what a checkpoint's bytes must hold to be taken for one). */
function isDecision(v: unknown): v is ExecutionDecision {
  if (typeof v !== "object" || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    SIDES.includes(d.side as Side) &&
    ["high", "medium", "low"].includes(d.urgency as string) &&
    typeof d.algorithm === "string" &&
    typeof d.participationRate === "number" &&
    typeof d.timeHorizonMs === "number" &&
    (d.priceLimit === null || typeof d.priceLimit === "number")
  );
}

export class DecisionTracker implements StreamingComponent<ExecutionDecision> {
  /** The resolved decision keys. */
  readonly config: DecisionConfig;
  private side: Side = "none";
  private changedAt = -Infinity;
  private last: ExecutionDecision | null = null;
  private disposed = false;

  /** `config`: decision keys over the default preset's (typed errors for bad ones). */
  constructor(config: DecisionConfigInput = {}) {
    this.config = resolveDecisionConfig(PRESETS.default.decision, config);
  }

  /**
   * One reading of the signal at `time` (event time, ms, finite): the side held after it
   * and the plan for that side. A bad value is a typed error and changes nothing.
   */
  onSignal(signal: ExecutionInput, time: number): ExecutionDecision {
    this.requireLive();
    requireInRange("time", time, -Infinity, Infinity);
    const bias = signal.directionalBias;
    const { enter, exit } = this.config;
    let next = this.side;
    if (next === "buy") {
      if (bias < exit) next = bias < -enter ? "sell" : "none";
    } else if (next === "sell") {
      if (bias > -exit) next = bias > enter ? "buy" : "none";
    } else next = bias > enter ? "buy" : bias < -enter ? "sell" : "none";
    const changes = next !== this.side && time - this.changedAt >= this.config.minHoldMs;
    const decision = planExecution(signal, changes ? next : this.side, this.config);
    if (changes) {
      this.side = next;
      this.changedAt = time;
    }
    this.last = decision;
    return decision;
  }

  /** The decision after the last reading; null before the first. */
  get latest(): ExecutionDecision | null {
    this.requireLive();
    return this.last;
  }

  /** The decision after the last reading; throws WarmupError before the first. */
  get result(): ExecutionDecision {
    this.requireLive();
    if (!this.last) throw new WarmupError("DecisionTracker", "a first signal (onSignal)");
    return this.last;
  }

  /** True from the first reading: there is no window to fill. */
  get isStable(): boolean {
    this.requireLive();
    return this.last !== null;
  }

  /** Appends the side held, when it was taken and the last decision (a checkpoint part, src/checkpoint/stateCodec.ts). */
  writeState(w: StateWriter): void {
    this.requireLive();
    w.tag("DECI");
    w.u8(SIDES.indexOf(this.side));
    w.f64(this.changedAt);
    w.value(this.last);
  }

  /** Restores what writeState wrote into this tracker (same decision keys); a CheckpointError when the bytes do not fit. */
  readState(r: StateReader): void {
    this.requireLive();
    r.tag("DECI");
    const side = SIDES[r.u8()];
    if (side === undefined) throw r.fail("a side that is not buy, sell or none");
    const changedAt = r.f64();
    if (changedAt !== changedAt || changedAt === Infinity) throw r.fail(`a side taken at ${changedAt}`);
    const last = r.value(MAX_DECISION_JSON);
    if (last !== null && !isDecision(last)) throw r.fail("a decision that is not one");
    this.side = side;
    this.changedAt = changedAt;
    this.last = last;
  }

  /** No side, no change yet, no decision; the configuration is kept. */
  reset(): void {
    this.requireLive();
    this.side = "none";
    this.changedAt = -Infinity;
    this.last = null;
  }

  /** Nothing to release; any later use throws DisposedError. */
  dispose(): void {
    this.disposed = true;
  }

  private requireLive(): void {
    if (this.disposed) throw new DisposedError("DecisionTracker");
  }
}
