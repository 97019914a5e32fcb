/**
 * How the decisions behave over time — what a desk pays for in turnover: how often the side
 * flips (per minute of the capture), how long a side is held before it flips (the median over
 * completed holds; the hold still open when the capture ends is left out), and how the
 * decisions spread over urgencies and algorithms. Over several sample sets the flips and holds
 * are counted within each set (a capture's end is not a flip).
 */
import { ALGORITHMS, URGENCIES, type SampleSet } from "./sampleSet.js";
import type { ExecutionAlgorithm, Urgency } from "../strategy/execution.js";

export interface DecisionStats {
  /** Updates, and those that carried a decision. */
  readonly updates: number;
  readonly decisions: number;
  /** Share of updates that were actionable (null without updates). */
  readonly actionableShare: number | null;
  /** Changes of side between consecutive decisions (buy, sell or none). */
  readonly sideChanges: number;
  /** Minutes from the first to the last decision, summed over the sets. */
  readonly minutes: number;
  readonly sideChangesPerMinute: number | null;
  /** Median time (ms) a side was held from the decision that took it to the one that left it; null without a completed hold. */
  readonly medianHoldMs: number | null;
  readonly completedHolds: number;
  readonly sides: { readonly buy: number; readonly sell: number; readonly none: number };
  readonly urgency: Readonly<Record<Urgency, number>>;
  readonly algorithm: Readonly<Record<ExecutionAlgorithm, number>>;
}

/** The median of `values` (sorted in place); NaN when empty. */
function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return NaN;
  values.sort();
  return n % 2 === 1 ? values[(n - 1) / 2]! : (values[n / 2 - 1]! + values[n / 2]!) / 2;
}

export function decisionStats(sets: readonly SampleSet[]): DecisionStats {
  let updates = 0,
    decisions = 0,
    actionable = 0,
    sideChanges = 0,
    ms = 0;
  const holds: number[] = [];
  const sides = { buy: 0, sell: 0, none: 0 };
  const urgency = Object.fromEntries(URGENCIES.map((u) => [u, 0])) as Record<Urgency, number>;
  const algorithm = Object.fromEntries(ALGORITHMS.map((a) => [a, 0])) as Record<ExecutionAlgorithm, number>;
  for (const s of sets) {
    updates += s.length;
    let first = NaN,
      last = NaN,
      side = 0,
      heldSince = NaN,
      open = false;
    for (let i = 0; i < s.length; i++) {
      actionable += s.actionable[i]!;
      if (s.urgency[i]! < 0) continue;
      decisions++;
      const t = s.receiveTime[i]!;
      const now = s.side[i]!;
      if (now > 0) sides.buy++;
      else if (now < 0) sides.sell++;
      else sides.none++;
      urgency[URGENCIES[s.urgency[i]!]!]++;
      algorithm[ALGORITHMS[s.algorithm[i]!]!]++;
      if (first !== first) first = t;
      last = t;
      if (!open) {
        open = true;
        side = now;
        heldSince = t;
      } else if (now !== side) {
        sideChanges++;
        holds.push(t - heldSince);
        side = now;
        heldSince = t;
      }
    }
    if (first === first) ms += last - first;
  }
  const minutes = ms / 60_000;
  const med = median(Float64Array.from(holds));
  return {
    updates,
    decisions,
    actionableShare: updates > 0 ? actionable / updates : null,
    sideChanges,
    minutes,
    sideChangesPerMinute: minutes > 0 ? sideChanges / minutes : null,
    medianHoldMs: med === med ? med : null,
    completedHolds: holds.length,
    sides,
    urgency,
    algorithm,
  };
}
