/**
 * The decision keys of the configuration (`decision` in a preset or a config file): when
 * the side a trader is told to hold changes, how long the plan to act on it runs, and how
 * urgently it is worked.
 *
 * To a trader: the side is held until the directional bias crosses a deadband (enter a
 * buy above +enter, leave it below +exit; mirrored for a sell), never changed sooner than
 * `minHoldMs` after the last change, so the advice does not flap with every book update;
 * the plan's horizon is the time over which the signal still predicts the mid, measured
 * on the captures; urgency is graded by where signal strength × stability falls among the
 * values that occur.
 *
 * Data, validated once at the edge with typed errors (InvalidConfigError for a value out
 * of range, UnknownConfigKeyError for a key not listed here); the strategy layer
 * (strategy/execution.ts, strategy/decisionTracker.ts) trusts a resolved one.
 */
import { InvalidConfigError, UnknownConfigKeyError } from "../errors.js";

export interface DecisionConfig {
  /** Take a buy when the directional bias is above +enter, a sell below −enter; in (0, 1). */
  readonly enter: number;
  /** Leave a buy when the bias falls below +exit, a sell when it rises above −exit; −enter ≤ exit < enter. */
  readonly exit: number;
  /** No side change sooner than this after the previous one (event time, ms ≥ 0): at most 60 000/minHoldMs changes a minute. */
  readonly minHoldMs: number;
  /** The plan's horizon at strength 0.5 (ms, 1 … 86 400 000); it runs 0.5–1.5× this, shorter for stronger signals. */
  readonly horizonMs: number;
  /** Urgency is medium from this signal strength × stability on, in [0, 1]. */
  readonly urgencyMedium: number;
  /** Urgency is high from this signal strength × stability on, in [urgencyMedium, 1]. */
  readonly urgencyHigh: number;
}

/** What a user may pass: any of the keys, over a preset's. */
export type DecisionConfigInput = Partial<DecisionConfig>;

const KEYS: readonly (keyof DecisionConfig)[] = ["enter", "exit", "minHoldMs", "horizonMs", "urgencyMedium", "urgencyHigh"];

function check(key: keyof DecisionConfig, v: number, ok: boolean, expected: string): void {
  if (typeof v !== "number" || !ok) throw new InvalidConfigError(`decision.${key}`, v, expected);
}

/** Merges `input` onto `base` (a preset's decision keys) and validates the result (a new, frozen object). */
export function resolveDecisionConfig(base: DecisionConfig, input: DecisionConfigInput = {}): DecisionConfig {
  if (typeof input !== "object" || input === null) throw new InvalidConfigError("decision", input, "an object");
  for (const key of Object.keys(input))
    if (!(KEYS as readonly string[]).includes(key)) throw new UnknownConfigKeyError(`decision.${key}`, KEYS);
  const c: Record<keyof DecisionConfig, number> = { ...base };
  for (const key of KEYS) c[key] = input[key] ?? base[key];
  check("enter", c.enter, c.enter > 0 && c.enter < 1, "a number in (0, 1)");
  check("exit", c.exit, c.exit >= -c.enter && c.exit < c.enter, `a number in [−enter, enter) = [${-c.enter}, ${c.enter})`);
  check("minHoldMs", c.minHoldMs, c.minHoldMs >= 0 && c.minHoldMs <= Number.MAX_SAFE_INTEGER, "a number of ms ≥ 0");
  check("horizonMs", c.horizonMs, c.horizonMs >= 1 && c.horizonMs <= 86_400_000, "a number of ms from 1 to 86400000 (a day)");
  check("urgencyMedium", c.urgencyMedium, c.urgencyMedium >= 0 && c.urgencyMedium <= 1, "a number in [0, 1]");
  check(
    "urgencyHigh",
    c.urgencyHigh,
    c.urgencyHigh >= c.urgencyMedium && c.urgencyHigh <= 1,
    `a number in [urgencyMedium, 1] = [${c.urgencyMedium}, 1]`,
  );
  return Object.freeze(c);
}
