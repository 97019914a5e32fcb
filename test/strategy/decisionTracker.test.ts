/**
 * DecisionTracker: the hysteresis state machine on scripted sequences whose transitions
 * are worked out by hand (src/strategy/decisionTracker.ts's table), the minimum hold on
 * event time, the plan for the side held; fast-check properties on random configurations
 * and bias paths — every change is witnessed by the bias beyond the threshold the table
 * names, a side is entered and left only with the bias across its whole band, a bias
 * inside the band changes nothing, changes are at least minHoldMs apart, the same readings
 * give the same decisions (and the same after reset), and a naive restatement of the rules
 * agrees step by step —; typed errors for bad keys and bad readings, which change nothing.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { DecisionTracker } from "../../src/strategy/decisionTracker.js";
import { PRESETS } from "../../src/confluence/config.js";
import { ArgumentTypeError, InvalidConfigError, InvalidValueError, UnknownConfigKeyError } from "../../src/errors.js";
import type { DecisionConfig, DecisionConfigInput } from "../../src/confluence/decisionConfig.js";
import type { ExecutionInput, Side } from "../../src/strategy/execution.js";

const RUNS = { numRuns: 300 };
const signal: ExecutionInput = { directionalBias: 0, signalStrength: 0.5, stability: 0.5, mid: 100, spread: 0.1, volatility: 0.001 };

/** The sides after each reading of `biases` at `times` (default: 1 s apart). */
function sides(config: DecisionConfigInput, biases: readonly number[], times: readonly number[] = biases.map((_, i) => 1000 * i)): Side[] {
  const t = new DecisionTracker(config);
  return biases.map((b, i) => t.onSignal({ ...signal, directionalBias: b }, times[i]!).side);
}

/** The rules restated plainly: which side a bias asks for, given the side held. */
function wanted(side: Side, bias: number, c: DecisionConfig): Side {
  const entry: Side | null = bias > c.enter ? "buy" : bias < -c.enter ? "sell" : null;
  if (side === "buy") return bias >= c.exit ? "buy" : (entry ?? "none");
  if (side === "sell") return bias <= -c.exit ? "sell" : (entry ?? "none");
  return entry ?? "none";
}

/** A configuration: enter in (0, 1), exit in [−enter, enter), a hold of 0–3 s. */
const configs = fc
  .record({
    enter: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
    exitShare: fc.double({ min: -1, max: 0.99, noNaN: true }),
    minHoldMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3000 })),
  })
  .map(({ enter, exitShare, minHoldMs }) => ({ enter, exit: Math.max(-enter, enter * exitShare), minHoldMs }));
const bias = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(-1, 1, 0, -0));
/** Readings: a bias and the event time elapsed since the previous one (0–2 s). */
const paths = fc.array(fc.record({ bias, dt: fc.integer({ min: 0, max: 2000 }) }), { minLength: 1, maxLength: 200 });

function run(config: DecisionConfigInput, path: readonly { bias: number; dt: number }[]) {
  const t = new DecisionTracker(config);
  let time = 1_723_161_254_000;
  const steps = path.map(({ bias, dt }) => {
    time += dt;
    return { bias, time, side: t.onSignal({ ...signal, directionalBias: bias }, time).side };
  });
  return { tracker: t, steps };
}

describe("DecisionTracker: scripted sequences", () => {
  test("enter 0.3, exit 0, no hold: buy above 0.3, held down to 0, none below it, sell below −0.3, straight across when the bias jumps the band", () => {
    const biases = [0.1, 0.31, 0.2, 0.05, 0, -0.01, -0.2, -0.3, -0.31, -0.1, 0, 0.4, -0.5, 0.3, 0.01];
    expect(sides({ enter: 0.3, exit: 0, minHoldMs: 0 }, biases)).toEqual([
      "none", // 0.1 is inside (−0.3, 0.3)
      "buy", // 0.31 > 0.3
      "buy", // 0.2, 0.05 and 0 are not below exit 0
      "buy",
      "buy",
      "none", // −0.01 < 0, not below −0.3
      "none",
      "none", // −0.3 is not below −0.3 (strict)
      "sell", // −0.31 < −0.3
      "sell", // −0.1 and 0 are not above −exit = 0
      "sell",
      "buy", // 0.4 > 0 leaves the sell, and > 0.3 takes the buy at once
      "sell", // −0.5: straight across
      "none", // 0.3 > 0 leaves the sell; 0.3 itself does not enter
      "none",
    ]);
  });

  test("a negative exit (−0.2 with enter 0.3): a buy is held until the bias is clearly bearish", () => {
    expect(sides({ enter: 0.3, exit: -0.2, minHoldMs: 0 }, [0.35, -0.1, -0.2, -0.21, 0.15, 0.2, 0.21, -0.35])).toEqual([
      "buy",
      "buy", // −0.1 and −0.2 are not below −0.2
      "buy",
      "none", // −0.21 < −0.2
      "none", // 0.15, 0.2, 0.21 are inside (−0.3, 0.3): nothing to enter
      "none",
      "none",
      "sell",
    ]);
    expect(sides({ enter: 0.3, exit: -0.3, minHoldMs: 0 }, [0.31, -0.29, -0.31, 0.29, 0.31]), "exit = −enter: stop and reverse").toEqual([
      "buy",
      "buy",
      "sell",
      "sell",
      "buy",
    ]);
  });

  test("minimum hold: no change sooner than minHoldMs of event time after the last; the first is free; a blocked change lapses if the bias no longer asks for it", () => {
    const cfg = { enter: 0.3, exit: 0, minHoldMs: 1000 };
    const biases = [0.5, -0.5, -0.5, -0.5, 0.5, 0.1, 0.35, 0.35, -0.5, 0.2, 0.2];
    const times = [0, 500, 999, 1000, 1500, 2000, 2100, 3000, 3500, 3600, 4100];
    expect(sides(cfg, biases, times)).toEqual([
      "buy", // t 0: the first change needs no wait
      "buy", // t 500, 999: −0.5 asks for a sell, held back
      "buy",
      "sell", // t 1000: 1000 ms after the buy
      "sell", // t 1500: 0.5 asks for a buy, only 500 ms
      "none", // t 2000: 0.1 > 0 leaves the sell (1000 ms after it)
      "none", // t 2100: 0.35 asks for a buy, only 100 ms
      "buy", // t 3000
      "buy", // t 3500: −0.5 asks for a sell, only 500 ms
      "buy", // t 3600, 4100: 0.2 ≥ exit: the buy is what the bias asks for again, nothing is owed
      "buy",
    ]);
    expect(sides(cfg, [0.5, -0.5, -0.5], [5000, 4000, 5999]), "a time before the last change counts as none passed").toEqual([
      "buy",
      "buy",
      "buy",
    ]);
  });

  test("the plan is for the side held: a buy held through a bearish bias keeps a buy limit above mid", () => {
    const t = new DecisionTracker({ enter: 0.3, exit: 0, minHoldMs: 5000, horizonMs: 3000, urgencyMedium: 0.07, urgencyHigh: 0.24 });
    t.onSignal({ ...signal, directionalBias: 0.5 }, 0);
    const d = t.onSignal({ ...signal, directionalBias: -0.6, signalStrength: 0.8, stability: 0.5 }, 100);
    expect(d.side).toBe("buy");
    expect(d.priceLimit!, "mid + max(0.05, 0.1)·1.3·0.625").toBeCloseTo(100 + 0.1 * 1.3 * 0.625, 12);
    expect([d.urgency, d.participationRate, d.timeHorizonMs], "u = 0.4 ≥ 0.3; |bias| 0.6; 3000·0.7").toEqual(["high", 0.2, 2100]);
    expect(t.latest).toBe(d);
  });

  test("the default keys are the default preset's; a full configuration passes through", () => {
    expect(new DecisionTracker().config).toEqual({ ...PRESETS.default.decision });
    expect(PRESETS.default.decision).toMatchObject({ enter: 0.55, exit: 0, minHoldMs: 6000, horizonMs: 5000 });
    expect(new DecisionTracker({ exit: 0.1 }).config).toMatchObject({ enter: 0.55, exit: 0.1 });
  });
});

describe("DecisionTracker: properties (fast-check)", () => {
  test("every change is witnessed by the bias beyond its threshold, and agrees with a naive restatement of the rules", () => {
    fc.assert(
      fc.property(configs, paths, (config, path) => {
        const { tracker, steps } = run(config, path);
        const c = tracker.config;
        let side: Side = "none";
        let changedAt = -Infinity;
        for (const s of steps) {
          const want = wanted(side, s.bias, c);
          const expected = want !== side && s.time - changedAt >= c.minHoldMs ? want : side;
          expect(s.side, `bias ${s.bias} at ${s.time}, held ${side} since ${changedAt} (${JSON.stringify(c)})`).toBe(expected);
          if (s.side !== side) {
            const witness =
              s.side === "buy"
                ? s.bias > c.enter
                : s.side === "sell"
                  ? s.bias < -c.enter
                  : side === "buy"
                    ? s.bias < c.exit
                    : s.bias > -c.exit;
            expect(witness, `${side} → ${s.side} at bias ${s.bias} (${JSON.stringify(c)})`).toBe(true);
            changedAt = s.time;
          }
          side = s.side;
        }
      }),
      RUNS,
    );
  });

  test("never two side changes without the bias crossing the band between them: a side is entered beyond one edge and left beyond the other", () => {
    fc.assert(
      fc.property(configs, paths, (config, path) => {
        const { tracker, steps } = run(config, path);
        const { enter, exit } = tracker.config;
        const first = steps[0]!;
        if (first.side !== "none") expect(Math.abs(first.bias), "the first side is entered beyond ±enter").toBeGreaterThan(enter);
        let entered: { side: Side; bias: number } | null = first.side === "none" ? null : first;
        for (let i = 1; i < steps.length; i++) {
          const [prev, s] = [steps[i - 1]!, steps[i]!];
          if (s.side === prev.side) continue;
          if (entered && prev.side === entered.side) {
            // left: the bias went from beyond +enter (−enter) to below +exit (above −exit): across the whole band
            const crossed = entered.side === "buy" ? entered.bias > enter && s.bias < exit : entered.bias < -enter && s.bias > -exit;
            expect(crossed, `${entered.side} entered at ${entered.bias}, left at ${s.bias}: band [${exit}, ${enter}]`).toBe(true);
            expect(Math.abs(entered.bias - s.bias), "the bias moved at least the band's width").toBeGreaterThanOrEqual(enter - exit);
          }
          entered = s.side === "none" ? null : s;
        }
      }),
      RUNS,
    );
  });

  test("a bias that stays inside the band of the side held changes nothing", () => {
    fc.assert(
      fc.property(
        configs,
        paths,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 100 }),
        (config, prefix, within) => {
          const { tracker, steps } = run(config, prefix);
          const { enter, exit } = tracker.config;
          const held = steps.at(-1)!.side;
          // the band that keeps `held`: [exit, 1] for a buy, [−1, −exit] for a sell, [−enter, enter] with no side
          const [lo, hi] = held === "buy" ? [exit, 1] : held === "sell" ? [-1, -exit] : [-enter, enter];
          let time = steps.at(-1)!.time;
          for (const x of within) {
            time += 10_000; // long past any hold: only the band keeps the side
            const b = Math.min(hi, Math.max(lo, lo + x * (hi - lo)));
            expect(tracker.onSignal({ ...signal, directionalBias: b }, time).side, `${held}: bias ${b} in [${lo}, ${hi}]`).toBe(held);
          }
        },
      ),
      RUNS,
    );
  });

  test("changes are at least minHoldMs of event time apart, so at most one per minHoldMs", () => {
    fc.assert(
      fc.property(configs, paths, (config, path) => {
        const { steps } = run(config, path);
        let last = -Infinity;
        for (let i = 0; i < steps.length; i++) {
          const changed = i === 0 ? steps[0]!.side !== "none" : steps[i]!.side !== steps[i - 1]!.side;
          if (!changed) continue;
          expect(steps[i]!.time - last, `change at ${steps[i]!.time}, previous at ${last}`).toBeGreaterThanOrEqual(config.minHoldMs);
          last = steps[i]!.time;
        }
      }),
      RUNS,
    );
  });

  test("deterministic: the same readings give the same decisions, in a second tracker and after reset", () => {
    fc.assert(
      fc.property(configs, paths, (config, path) => {
        const decide = (t: DecisionTracker) => {
          let time = 0;
          return path.map(({ bias, dt }) => t.onSignal({ ...signal, directionalBias: bias, signalStrength: Math.abs(bias) }, (time += dt)));
        };
        const a = new DecisionTracker(config);
        const first = decide(a);
        expect(decide(new DecisionTracker(config))).toEqual(first);
        a.reset();
        expect(decide(a)).toEqual(first);
      }),
      RUNS,
    );
  });
});

describe("DecisionTracker: typed errors", () => {
  test("bad keys: InvalidConfigError naming the key and what was expected, UnknownConfigKeyError for a key it does not know", () => {
    expect(() => new DecisionTracker({ enter: 0 })).toThrow("decision.enter = 0: expected a number in (0, 1)");
    expect(() => new DecisionTracker({ enter: 1 })).toThrow(InvalidConfigError);
    expect(() => new DecisionTracker({ enter: 0.3, exit: 0.3 })).toThrow(
      "decision.exit = 0.3: expected a number in [−enter, enter) = [-0.3, 0.3)",
    );
    expect(() => new DecisionTracker({ enter: 0.3, exit: -0.31 })).toThrow(InvalidConfigError);
    expect(() => new DecisionTracker({ minHoldMs: -1 })).toThrow(InvalidConfigError);
    expect(() => new DecisionTracker({ minHoldMs: Infinity })).toThrow(InvalidConfigError);
    expect(() => new DecisionTracker({ horizonMs: 0.5 })).toThrow(InvalidConfigError);
    expect(() => new DecisionTracker({ horizonMs: NaN })).toThrow(InvalidConfigError);
    expect(() => new DecisionTracker({ urgencyMedium: 0.5, urgencyHigh: 0.4 })).toThrow(
      "decision.urgencyHigh = 0.4: expected a number in [urgencyMedium, 1] = [0.5, 1]",
    );
    expect(() => new DecisionTracker({ urgencyMedium: -0.1 })).toThrow(InvalidConfigError);
    expect(() => new DecisionTracker({ enter: "0.3" } as never)).toThrow(InvalidConfigError);
    expect(() => new DecisionTracker({ hold: 1000 } as never)).toThrow("unknown configuration key 'decision.hold'");
    expect(() => new DecisionTracker({ hold: 1000 } as never)).toThrow(UnknownConfigKeyError);
    expect(() => new DecisionTracker(null as never)).toThrow("decision = null: expected an object");
  });

  test("a bad reading is a typed error and changes nothing", () => {
    const t = new DecisionTracker({ minHoldMs: 0, enter: 0.3 });
    const buy = t.onSignal({ ...signal, directionalBias: 0.5 }, 0);
    expect(() => t.onSignal({ ...signal, directionalBias: NaN }, 1)).toThrow(InvalidValueError);
    expect(() => t.onSignal({ ...signal, directionalBias: -2 }, 1)).toThrow("directionalBias[0] = -2: expected a number from -1 to 1");
    expect(() => t.onSignal({ ...signal, directionalBias: -0.5, mid: 0 }, 1), "a bad field with a bias that would change the side").toThrow(
      InvalidValueError,
    );
    expect(() => t.onSignal({ ...signal, directionalBias: -0.5 }, NaN)).toThrow("time[0] = NaN: expected a finite number");
    expect(() => t.onSignal({ ...signal, directionalBias: -0.5 }, Infinity)).toThrow(InvalidValueError);
    expect(() => t.onSignal({ ...signal, directionalBias: -0.5 }, "1" as never)).toThrow(ArgumentTypeError);
    expect(t.latest, "the last good decision").toBe(buy);
    expect(t.onSignal({ ...signal, directionalBias: 0.1 }, 2).side, "still the buy: nothing was changed").toBe("buy");
  });
});
