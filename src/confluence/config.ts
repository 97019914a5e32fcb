/**
 * Analyzer configuration: data, validated once at the edge, trusted inside.
 *
 * Two presets: `default` (all six components) and `ultraFast` (the seed's ultra-fast
 * configuration: book and flow only, short windows). A config is a preset plus
 * overrides; validation rejects unknown keys, negative weights, weights that do not sum
 * to 1 within 1e-9, depth or a window below 1 and a mix share outside [0, 1], with typed
 * errors. The orderbook and orderflow mixes default to what the measurements of issue 12
 * named (the touch alone; order-flow imbalance over ~10 quotes), not to a fit. The `decision`
 * keys (decisionConfig.ts) were measured per preset on the four captures of 2024-08-08
 * (README, "Decisions").
 */
import { FITTED } from "./fittedPresets.js";
import { validateCalibration, type ConfidenceCalibration } from "./calibration.js";
import { InvalidConfigError, InvalidWeightsError, UnknownConfigKeyError } from "../errors.js";
import { COMPONENT_NAMES, type ComponentName } from "../kernels/coreLayout.js";
import { SIGNAL_SHAPES, type SignalShape } from "../kernels/types.js";
import { resolveDecisionConfig, type DecisionConfig, type DecisionConfigInput } from "./decisionConfig.js";
import type { TrainingCapture } from "./fittedValues.js";

// the components are defined once, in assembly/confluence/coreSpec.json
export { COMPONENT_NAMES, type ComponentName };
export type ComponentWeights = Readonly<Record<ComponentName, number>>;

export interface ConfluenceConfig {
  /** Weight of each component in the score; non-negative, summing to 1. */
  readonly weights: ComponentWeights;
  /** Book levels read per side. */
  readonly depth: number;
  /** Events in the short windows (trades, quotes); the long windows hold 4× as many. */
  readonly lookback: number;
  /** Best quotes in the orderflow component's order-flow imbalance (independent of lookback). */
  readonly ofiWindow: number;
  /** Trades in the orderflow component's trade flow (volume-delta imbalance; independent of lookback). */
  readonly flowWindow: number;
  /** 0–1: the depth-weighted imbalance's share of the orderbook signal; the touch imbalance takes the rest. */
  readonly bookDepthWeight: number;
  /** 0–1: the trade flow's share of the orderflow signal; the order-flow imbalance takes the rest. */
  readonly tradeFlowWeight: number;
  /** Recalculate on trades at most this often (event time, ms); books always recalculate. */
  readonly updateIntervalMs: number;
  /** Gain of the sub-signals: signal = shape(4·sensitivity·raw). */
  readonly sensitivity: number;
  /**
   * The shape: "squash" x/(1 + |x|), or "linear" clamp(x, −1, 1). The fitted presets are linear with
   * sensitivity 0.25, so the touch and order-flow imbalances enter the score as they are
   * (README, "Fitting a preset": squash flattens the strongest touches, and a weight on order flow
   * then reorders them).
   */
  readonly signalShape: SignalShape;
  /** A score is `actionable` when its confidence reaches this. */
  readonly confidenceThreshold: number;
  /**
   * Confidence as a probability: the chance that the side of (score − 50) matches the next mid move
   * at the preset's horizon, read off this curve of signal strength |score − 50|/50 (fitted by
   * `confluence fit`, src/confluence/calibration.ts). null: the core's product of agreement,
   * sufficiency, regime and coverage, a 0–1 measure that is no probability.
   */
  readonly calibration: ConfidenceCalibration | null;
  /** A pushed sentiment value stops counting after this long (ms). */
  readonly sentimentStaleMs: number;
  /** Use precomputed curves (e.g. the tanh lookup table) where their error is documented. */
  readonly approximations: boolean;
  /** Cache results where the caller supports it. */
  readonly caching: boolean;
  /** When the held side changes, the plan's horizon, the urgency grades (decisionConfig.ts). */
  readonly decision: DecisionConfig;
  /**
   * The captures the fitted values (weights, calibration, thresholds) were fitted on, by file name
   * and SHA-256 of the bytes: what `confluence evaluate` calls in sample. Metadata only, no effect on
   * a score. A preset's own (the bundled captures); `confluence fit --out` writes the files it was
   * given; inherited from the preset unless set (`[]`: fitted on nothing known).
   */
  readonly trainedOn: readonly TrainingCapture[];
}

export type PresetName = "default" | "ultraFast";

/** At most this many training captures in a configuration (what `trainedOn` can hold). */
const MAX_TRAINED_ON = 10_000;
const SHA256 = /^[0-9a-f]{64}$/;

/** An own data field of `c` (inherited ones are not taken: a worker thread's copy of the configuration would lose them). */
const own = (c: object, key: string): unknown => (Object.hasOwn(c, key) ? (c as Record<string, unknown>)[key] : undefined);

/**
 * A frozen copy of a `trainedOn` list after checking it: an array (its length read once, every index
 * an entry: no holes) of plain {"file", "sha256"} entries — a file name of 1–4,096 characters and a
 * SHA-256 digest in lowercase hex, own fields only.
 */
function trainingCaptures(v: unknown): readonly TrainingCapture[] {
  if (!Array.isArray(v)) throw new InvalidConfigError("trainedOn", v, 'an array of {"file", "sha256"} objects');
  const n: number = v.length;
  if (n > MAX_TRAINED_ON) throw new InvalidConfigError("trainedOn.length", n, `at most ${MAX_TRAINED_ON}`);
  const out: TrainingCapture[] = [];
  for (let i = 0; i < n; i++) {
    const c: unknown = v[i];
    if (typeof c !== "object" || c === null || Array.isArray(c))
      throw new InvalidConfigError(`trainedOn[${i}]`, c, 'an object {"file", "sha256"}');
    for (const key of Object.keys(c))
      if (key !== "file" && key !== "sha256") throw new UnknownConfigKeyError(`trainedOn[${i}].${key}`, ["file", "sha256"]);
    const file = own(c, "file"),
      sha256 = own(c, "sha256");
    if (typeof file !== "string" || file.length < 1 || file.length > 4096)
      throw new InvalidConfigError(`trainedOn[${i}].file`, file, "a file name of 1 to 4,096 characters");
    if (typeof sha256 !== "string" || !SHA256.test(sha256))
      throw new InvalidConfigError(`trainedOn[${i}].sha256`, sha256, "a SHA-256 digest: 64 lowercase hex digits");
    out.push(Object.freeze({ file, sha256 }));
  }
  return Object.freeze(out);
}

/*
 * The presets. Weights, calibration, actionable threshold and urgency grades are fitted
 * (fittedPresets.ts: `confluence fit` on the bundled captures, default for 1 s, ultraFast for
 * 100 ms, by scripts/fitPresets.mjs); the windows, depth and the decision band, hold and plan
 * horizon are set here from the measurements the README shows ("Decisions", "Evaluating the score").
 */

export const PRESETS: Readonly<Record<PresetName, ConfluenceConfig>> = {
  default: {
    weights: FITTED.default.weights,
    depth: 10,
    lookback: 50,
    ofiWindow: 10,
    flowWindow: 10,
    bookDepthWeight: 0,
    tradeFlowWeight: 0,
    updateIntervalMs: 100,
    sensitivity: 0.25,
    signalShape: "linear",
    confidenceThreshold: FITTED.default.confidenceThreshold,
    calibration: FITTED.default.calibration,
    sentimentStaleMs: 60_000,
    approximations: false,
    caching: false,
    decision: {
      enter: 0.55,
      exit: 0,
      minHoldMs: 6_000,
      horizonMs: 5_000,
      urgencyMedium: FITTED.default.urgencyMedium,
      urgencyHigh: FITTED.default.urgencyHigh,
    },
    trainedOn: trainingCaptures(FITTED.default.trainedOn),
  },
  ultraFast: {
    weights: FITTED.ultraFast.weights,
    depth: 5,
    lookback: 10,
    ofiWindow: 10,
    flowWindow: 10,
    bookDepthWeight: 0,
    tradeFlowWeight: 0,
    updateIntervalMs: 100,
    sensitivity: 0.25,
    signalShape: "linear",
    confidenceThreshold: FITTED.ultraFast.confidenceThreshold,
    calibration: FITTED.ultraFast.calibration,
    sentimentStaleMs: 60_000,
    approximations: false,
    caching: false,
    decision: {
      enter: 0.55,
      exit: 0,
      minHoldMs: 6_000,
      horizonMs: 5_000,
      urgencyMedium: FITTED.ultraFast.urgencyMedium,
      urgencyHigh: FITTED.ultraFast.urgencyHigh,
    },
    trainedOn: trainingCaptures(FITTED.ultraFast.trainedOn),
  },
};

/** What a user may pass: a preset name and any overrides (weights and decision keys may be partial). */
export type ConfluenceConfigInput = Partial<Omit<ConfluenceConfig, "weights" | "decision">> & {
  readonly preset?: PresetName;
  readonly weights?: Partial<ComponentWeights>;
  readonly decision?: DecisionConfigInput;
};

const KEYS = ["preset", ...Object.keys(PRESETS.default)] as const;

function integerAtLeast1(key: string, v: unknown, max: number): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) {
    throw new InvalidConfigError(key, v, `an integer from 1 to ${max}`);
  }
}

function numberIn(key: string, v: unknown, lo: number, hi: number, loOpen = false): void {
  if (typeof v !== "number" || !(loOpen ? v > lo : v >= lo) || !(v <= hi)) {
    throw new InvalidConfigError(key, v, `a number in ${loOpen ? "(" : "["}${lo}, ${hi}]`);
  }
}

/** Configurations resolveConfig made (frozen): handed back as they are, not checked and copied again (a symbol's analyzer takes its engine's). */
const RESOLVED = new WeakSet<object>();

/** Merges the input onto its preset and validates the result. */
export function resolveConfig(input: ConfluenceConfigInput = {}): ConfluenceConfig {
  if (typeof input !== "object" || input === null) throw new InvalidConfigError("config", input, "an object");
  if (RESOLVED.has(input)) return input as ConfluenceConfig;
  for (const key of Object.keys(input)) if (!(KEYS as readonly string[]).includes(key)) throw new UnknownConfigKeyError(key, KEYS);
  const presetName = input.preset ?? "default";
  // own keys only: "constructor" or "toString" name no preset
  const preset = Object.hasOwn(PRESETS, presetName) ? PRESETS[presetName] : undefined;
  if (!preset) throw new InvalidConfigError("preset", presetName, `one of ${Object.keys(PRESETS).join(", ")}`);
  const weightsIn = input.weights ?? {};
  if (typeof weightsIn !== "object" || weightsIn === null) throw new InvalidConfigError("weights", weightsIn, "an object");
  for (const key of Object.keys(weightsIn)) {
    if (!(COMPONENT_NAMES as readonly string[]).includes(key)) throw new UnknownConfigKeyError(`weights.${key}`, COMPONENT_NAMES);
  }
  const weights = { ...preset.weights, ...weightsIn } as ComponentWeights;
  let total = 0;
  for (const name of COMPONENT_NAMES) {
    const w = weights[name];
    if (typeof w !== "number" || !Number.isFinite(w))
      throw new InvalidWeightsError(`weights.${name}`, `${String(w)} is not a finite number`);
    if (w < 0) throw new InvalidWeightsError(`weights.${name}`, `${w} is negative: expected a weight ≥ 0`);
    total += w;
  }
  if (!(Math.abs(total - 1) <= 1e-9)) {
    throw new InvalidWeightsError(
      "weights",
      `they sum to ${total}: expected 1 within 1e-9 (${COMPONENT_NAMES.map((n) => `${n} ${weights[n]}`).join(", ")})`,
    );
  }
  const config: ConfluenceConfig = {
    weights,
    depth: input.depth ?? preset.depth,
    lookback: input.lookback ?? preset.lookback,
    ofiWindow: input.ofiWindow ?? preset.ofiWindow,
    flowWindow: input.flowWindow ?? preset.flowWindow,
    bookDepthWeight: input.bookDepthWeight ?? preset.bookDepthWeight,
    tradeFlowWeight: input.tradeFlowWeight ?? preset.tradeFlowWeight,
    updateIntervalMs: input.updateIntervalMs ?? preset.updateIntervalMs,
    sensitivity: input.sensitivity ?? preset.sensitivity,
    signalShape: input.signalShape ?? preset.signalShape,
    confidenceThreshold: input.confidenceThreshold ?? preset.confidenceThreshold,
    calibration: input.calibration === undefined ? preset.calibration : input.calibration,
    sentimentStaleMs: input.sentimentStaleMs ?? preset.sentimentStaleMs,
    approximations: input.approximations ?? preset.approximations,
    caching: input.caching ?? preset.caching,
    decision: resolveDecisionConfig(preset.decision, input.decision),
    trainedOn: input.trainedOn === undefined ? preset.trainedOn : trainingCaptures(input.trainedOn),
  };
  integerAtLeast1("depth", config.depth, 1000);
  integerAtLeast1("lookback", config.lookback, 1 << 20);
  integerAtLeast1("ofiWindow", config.ofiWindow, 1 << 20);
  integerAtLeast1("flowWindow", config.flowWindow, 1 << 20);
  numberIn("bookDepthWeight", config.bookDepthWeight, 0, 1);
  numberIn("tradeFlowWeight", config.tradeFlowWeight, 0, 1);
  numberIn("updateIntervalMs", config.updateIntervalMs, 0, Number.MAX_SAFE_INTEGER);
  numberIn("sensitivity", config.sensitivity, 0, 1e6, true);
  if (!(SIGNAL_SHAPES as readonly unknown[]).includes(config.signalShape))
    throw new InvalidConfigError("signalShape", config.signalShape, `one of ${SIGNAL_SHAPES.join(", ")}`);
  numberIn("confidenceThreshold", config.confidenceThreshold, 0, 1);
  numberIn("sentimentStaleMs", config.sentimentStaleMs, 0, Number.MAX_SAFE_INTEGER, true);
  for (const flag of ["approximations", "caching"] as const) {
    if (typeof config[flag] !== "boolean") throw new InvalidConfigError(flag, config[flag], "true or false");
  }
  if (config.calibration !== null) validateCalibration("calibration", config.calibration);
  const calibration = config.calibration && {
    strength: Object.freeze([...config.calibration.strength]),
    probability: Object.freeze([...config.calibration.probability]),
  };
  const resolved = Object.freeze({
    ...config,
    weights: Object.freeze({ ...weights }),
    calibration: calibration && Object.freeze(calibration),
  });
  RESOLVED.add(resolved);
  return resolved;
}
