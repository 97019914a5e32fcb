/**
 * The Kernels contract, run on every backend: hand-computed values for each kernel
 * (the arithmetic is in the test), the streaming contract (warm-up NaN, isStable,
 * reset, dispose), zero-copy buffers and memory growth, and the typed errors for bad
 * input — including, table-driven over every public function and every streaming
 * object, arguments of the wrong type, freed buffers and disposed objects.
 */
import { describe, expect, test } from "vitest";
import {
  ArgumentTypeError,
  CapacityExceededError,
  DisposedError,
  EmptyInputError,
  InvalidAlphaError,
  InvalidDepthError,
  InvalidParameterError,
  InvalidValueError,
  InvalidWindowError,
  LengthMismatchError,
  OutOfMemoryError,
  OutOfOrderError,
  SumOverflowError,
  type ConfluenceCore,
  type Kernels,
  jsKernels,
  type OrderFlowWindow,
  type RollingCorrelationWindow,
  type RollingResult,
  type RollingStatsWindow,
  type VolumeDelta,
  type VolumeDeltaWindow,
  L2Book,
} from "../../src/index.js";
import * as O from "../../src/kernels/coreLayout.js";
import { backends } from "../support/backends.js";
import { expectIdentical } from "../support/close.js";
import { StateReader, StateWriter } from "../../src/checkpoint/stateCodec.js";
import type { Checkpointable } from "../../src/kernels/types.js";

const f64 = (...v: number[]): Float64Array => Float64Array.from(v);
const u8 = (...v: number[]): Uint8Array => Uint8Array.from(v);

// ---- tables for the argument-type, freed-buffer and disposed-object contracts ----

/** The kinds of argument a public function takes. */
type Kind =
  | "f64"
  | "f64OrNull"
  | "f64Array"
  | "u8"
  | "number"
  | "optionalNumber"
  | "boolean"
  | "optionalBoolean"
  | "object"
  | "options"
  | "numberList"
  | "snapshotOut"
  | "orderBook"
  | "stateWriter"
  | "stateReader";

const NOT_F64: ReadonlyArray<readonly [string, unknown]> = [
  ["a plain array", [1, 2, 3]],
  ["a string", "1,2,3"],
  ["undefined", undefined],
  ["a Float32Array", new Float32Array(3)],
  ["an Int32Array", new Int32Array(3)],
  ["an object", {}],
  ["an object", { array: [1, 2, 3], length: 3 }],
  ["a number", 3],
];
const NOT_NUMBER: ReadonlyArray<readonly [string, unknown]> = [
  ["a string", "1"],
  ["null", null],
  ["a boolean", true],
  ["an object", {}],
  ["a plain array", [1]],
  ["a bigint", 1n],
  ["a Float64Array", f64(1)],
];
const NOT_BOOLEAN: ReadonlyArray<readonly [string, unknown]> = [
  ["a number", 1],
  ["a string", "true"],
  ["null", null],
  ["an object", {}],
];
const NOT_OBJECT: ReadonlyArray<readonly [string, unknown]> = [
  ["null", null],
  ["a string", "x"],
  ["a number", 1],
  ["a plain array", []],
];

/** Values of the wrong type for each kind, with what the error must call them ("is a string"). */
const WRONG: Readonly<Record<Kind, ReadonlyArray<readonly [string, unknown]>>> = {
  f64: [...NOT_F64, ["null", null]],
  f64OrNull: NOT_F64,
  f64Array: [
    ["a plain array", [0, 0, 0]],
    ["a string", "x"],
    ["null", null],
    ["undefined", undefined],
    ["a Float32Array", new Float32Array(3)],
    ["an object", {}],
  ],
  u8: [
    ["a plain array", [1, 0, 1]],
    ["a string", "101"],
    ["null", null],
    ["undefined", undefined],
    ["a Float64Array", f64(1, 0, 1)],
    ["a Uint8ClampedArray", new Uint8ClampedArray(3)],
    ["an object", {}],
    ["a boolean", true],
  ],
  number: [...NOT_NUMBER, ["undefined", undefined]],
  optionalNumber: NOT_NUMBER,
  boolean: [...NOT_BOOLEAN, ["undefined", undefined]],
  optionalBoolean: NOT_BOOLEAN,
  object: [...NOT_OBJECT, ["undefined", undefined]],
  options: NOT_OBJECT,
  numberList: [
    ["a string", "123456"],
    ["null", null],
    ["undefined", undefined],
    ["an object", {}],
    ["a number", 6],
  ],
  orderBook: [
    ["null", null],
    ["undefined", undefined],
    ["a string", "book"],
    ["an object", {}],
    ["an object", { bids: {}, asks: {} }],
  ],
  stateWriter: [
    ["null", null],
    ["undefined", undefined],
    ["an object", {}],
    ["a Uint8Array", new Uint8Array(4)],
  ],
  stateReader: [
    ["null", null],
    ["undefined", undefined],
    ["an object", {}],
    ["a Uint8Array", new Uint8Array(4)],
  ],
  snapshotOut: [
    ["a string", "x"],
    ["null", null],
    ["undefined", undefined],
    ["an object", {}],
    ["a Float32Array", new Float32Array(O.OUTPUTS)],
  ],
};

type KernelFunction = { [K in keyof Kernels]: Kernels[K] extends (...args: never[]) => unknown ? K : never }[keyof Kernels];

const quotes = (): Float64Array[] => [f64(10, 10, 11), f64(1, 2, 1), f64(12, 12, 12), f64(1, 1, 2)];
const volumeOut = (): VolumeDelta => ({ buyVolume: 0, sellVolume: 0, delta: 0, imbalance: 0 });
const rollingOut = (n: number): RollingResult => ({
  mean: new Float64Array(n),
  std: new Float64Array(n),
  zscore: new Float64Array(n),
  min: new Float64Array(n),
  max: new Float64Array(n),
  rank: new Float64Array(n),
});
const coreOptions = (): {
  lookback: number;
  depth: number;
  ofiWindow: number;
  flowWindow: number;
  sensitivity: number;
  staleMs: number;
  bookDepthWeight: number;
  tradeFlowWeight: number;
  weights: number[];
  levelWeights: number[];
} => ({
  lookback: 2,
  depth: 2,
  ofiWindow: 3,
  flowWindow: 2,
  sensitivity: 1,
  staleMs: 1000,
  bookDepthWeight: 0.5,
  tradeFlowWeight: 0.5,
  weights: [0.3, 0.3, 0.1, 0.1, 0.1, 0.1],
  levelWeights: [1, 0.5],
});

/** A parameter: the name its errors use, and its kind. */
type Param = readonly [string, Kind];
const QUOTE: readonly Param[] = [
  ["bidPx", "f64"],
  ["bidQty", "f64"],
  ["askPx", "f64"],
  ["askQty", "f64"],
];
const BOOK: readonly Param[] = [
  ["bidQty", "f64"],
  ["askQty", "f64"],
];

/**
 * Every function of the Kernels interface (the mapped type makes a missing one a type
 * error): its parameters and a valid call.
 */
const CALLS: { readonly [K in KernelFunction]: { readonly params: readonly Param[]; readonly args: () => unknown[] } } = {
  allocFloat64: { params: [["length", "number"]], args: () => [3] },
  allocUint8: { params: [["length", "number"]], args: () => [3] },
  volumeDelta: {
    params: [
      ["qty", "f64"],
      ["buyerInitiated", "u8"],
    ],
    args: () => [f64(1, 2, 3), u8(1, 0, 1)],
  },
  volumeDeltaInto: {
    params: [
      ["qty", "f64"],
      ["buyerInitiated", "u8"],
      ["out", "object"],
    ],
    args: () => [f64(1, 2, 3), u8(1, 0, 1), volumeOut()],
  },
  bookImbalance: { params: [...BOOK, ["depth", "number"]], args: () => [f64(1, 2, 3), f64(3, 2, 1), 2] },
  depthWeightedImbalance: { params: [...BOOK, ["depth", "number"], ["decay", "number"]], args: () => [f64(1, 2, 3), f64(3, 2, 1), 2, 0.5] },
  bookImbalanceBatch: { params: [...BOOK, ["snapshots", "number"], ["depth", "number"]], args: () => [f64(1, 2, 3), f64(3, 2, 1), 3, 1] },
  bookImbalanceBatchInto: {
    params: [...BOOK, ["snapshots", "number"], ["depth", "number"], ["out", "f64"]],
    args: () => [f64(1, 2, 3), f64(3, 2, 1), 3, 1, new Float64Array(3)],
  },
  depthWeightedImbalanceBatch: {
    params: [...BOOK, ["snapshots", "number"], ["depth", "number"], ["decay", "number"]],
    args: () => [f64(1, 2, 3), f64(3, 2, 1), 3, 1, 0.5],
  },
  depthWeightedImbalanceBatchInto: {
    params: [...BOOK, ["snapshots", "number"], ["depth", "number"], ["decay", "number"], ["out", "f64"]],
    args: () => [f64(1, 2, 3), f64(3, 2, 1), 3, 1, 0.5, new Float64Array(3)],
  },
  microprice: {
    params: [
      ["bidPx", "number"],
      ["bidQty", "number"],
      ["askPx", "number"],
      ["askQty", "number"],
    ],
    args: () => [100, 1, 101, 3],
  },
  micropriceBatch: { params: QUOTE, args: quotes },
  micropriceBatchInto: { params: [...QUOTE, ["out", "f64"]], args: () => [...quotes(), new Float64Array(3)] },
  orderFlowImbalance: { params: QUOTE, args: quotes },
  orderFlowImbalanceInto: { params: [...QUOTE, ["out", "f64"]], args: () => [...quotes(), new Float64Array(3)] },
  rollingOrderFlowImbalance: { params: [...QUOTE, ["window", "number"]], args: () => [...quotes(), 2] },
  rollingOrderFlowImbalanceInto: {
    params: [...QUOTE, ["window", "number"], ["out", "f64"]],
    args: () => [...quotes(), 2, new Float64Array(3)],
  },
  rolling: {
    params: [
      ["values", "f64"],
      ["window", "number"],
      ["options", "options"],
    ],
    args: () => [f64(1, 3, 2), 2, {}],
  },
  rollingInto: {
    params: [
      ["values", "f64"],
      ["window", "number"],
      ["out", "object"],
      ["options", "options"],
    ],
    args: () => [f64(1, 3, 2), 2, rollingOut(3), {}],
  },
  ewm: {
    params: [
      ["values", "f64"],
      ["alpha", "number"],
    ],
    args: () => [f64(1, 3, 2), 0.5],
  },
  ewmInto: {
    params: [
      ["values", "f64"],
      ["alpha", "number"],
      ["out", "f64"],
    ],
    args: () => [f64(1, 3, 2), 0.5, new Float64Array(3)],
  },
  rollingCov: {
    params: [
      ["x", "f64"],
      ["y", "f64"],
      ["window", "number"],
    ],
    args: () => [f64(1, 3, 2), f64(2, 1, 3), 2],
  },
  rollingCorr: {
    params: [
      ["x", "f64"],
      ["y", "f64"],
      ["window", "number"],
    ],
    args: () => [f64(1, 3, 2), f64(2, 1, 3), 2],
  },
  rollingCovCorrInto: {
    params: [
      ["x", "f64"],
      ["y", "f64"],
      ["window", "number"],
      ["cov", "f64OrNull"],
      ["corr", "f64OrNull"],
    ],
    args: () => [f64(1, 3, 2), f64(2, 1, 3), 2, new Float64Array(3), new Float64Array(3)],
  },
  rollingStats: {
    params: [
      ["window", "number"],
      ["options", "options"],
    ],
    args: () => [3, {}],
  },
  rollingCorrelation: { params: [["window", "number"]], args: () => [3] },
  volumeDeltaWindow: { params: [["options", "object"]], args: () => [{ count: 3 }] },
  orderFlowWindow: { params: [["window", "number"]], args: () => [3] },
  confluenceCore: {
    params: [
      ["options", "object"],
      ["trusted", "optionalBoolean"],
    ],
    args: () => [coreOptions(), false],
  },
  orderBook: { params: [["options", "options"]], args: () => [{ maxLevels: 10 }] },
  captureDecoder: { params: [["limits", "options"]], args: () => [{ maxLineBytes: 1000 }] },
  levelsInBounds: {
    params: [
      ["values", "f64Array"],
      ["from", "number"],
      ["count", "number"],
    ],
    args: () => [f64(100, 1, 101, 0), 0, 4],
  },
  exp: { params: [["x", "number"]], args: () => [1] },
  log: { params: [["x", "number"]], args: () => [2] },
  tanh: { params: [["x", "number"]], args: () => [0.5] },
};

/** Fields inside option and output objects, each with its kind and a call that puts a value there. */
const FIELDS: ReadonlyArray<{ readonly what: string; readonly kind: Kind; readonly call: (k: Kernels, x: never) => unknown }> = [
  { what: "options.rank", kind: "optionalBoolean", call: (k, x) => k.rolling(f64(1, 2), 2, { rank: x }) },
  { what: "minPeriods", kind: "optionalNumber", call: (k, x) => k.rolling(f64(1, 2), 2, { minPeriods: x }) },
  { what: "minPeriods", kind: "optionalNumber", call: (k, x) => k.rollingInto(f64(1, 2, 3), 2, rollingOut(3), { minPeriods: x }) },
  ...(["mean", "std", "zscore", "min", "max", "rank"] as const).map((key) => ({
    what: `out.${key}`,
    kind: "f64Array" as const,
    call: (k: Kernels, x: never) => k.rollingInto(f64(1, 2, 3), 2, { ...rollingOut(3), [key]: x }),
  })),
  { what: "alpha", kind: "optionalNumber", call: (k, x) => k.rollingStats(3, { alpha: x }) },
  { what: "minPeriods", kind: "optionalNumber", call: (k, x) => k.rollingStats(3, { minPeriods: x }) },
  { what: "options.extrema", kind: "optionalBoolean", call: (k, x) => k.rollingStats(3, { extrema: x }) },
  { what: "options.count", kind: "number", call: (k, x) => k.volumeDeltaWindow({ count: x }) },
  { what: "maxLevels", kind: "optionalNumber", call: (k, x) => k.orderBook({ maxLevels: x }) },
  { what: "maxLineBytes", kind: "optionalNumber", call: (k, x) => k.captureDecoder({ maxLineBytes: x }) },
  { what: "maxWindowTicks", kind: "optionalNumber", call: (k, x) => k.orderBook({ maxWindowTicks: x }) },
  { what: "options.spanMs", kind: "number", call: (k, x) => k.volumeDeltaWindow({ spanMs: x }) },
  { what: "options.capacity", kind: "optionalNumber", call: (k, x) => k.volumeDeltaWindow({ spanMs: 1000, capacity: x }) },
  ...(["lookback", "depth", "ofiWindow", "flowWindow", "sensitivity", "staleMs", "bookDepthWeight", "tradeFlowWeight"] as const).map(
    (key) => ({
      what: key,
      kind: "number" as const,
      call: (k: Kernels, x: never) => k.confluenceCore({ ...coreOptions(), [key]: x }),
    }),
  ),
  { what: "weights", kind: "numberList", call: (k, x) => k.confluenceCore({ ...coreOptions(), weights: x }) },
  { what: "levelWeights", kind: "numberList", call: (k, x) => k.confluenceCore({ ...coreOptions(), levelWeights: x }) },
  { what: "weights[2]", kind: "number", call: (k, x) => k.confluenceCore({ ...coreOptions(), weights: [0.3, 0.3, x, 0.1, 0.1, 0.1] }) },
  { what: "levelWeights[1]", kind: "number", call: (k, x) => k.confluenceCore({ ...coreOptions(), levelWeights: [1, x] }) },
];

/** A method or getter of a streaming object exercised with valid arguments; `null` marks its configuration, which stays readable. */
type Members<T> = { readonly [K in Exclude<keyof T, "dispose">]: ((o: T) => unknown) | null };
type Streaming<T> = {
  readonly make: (k: Kernels) => T;
  /** Parameters and valid arguments of each method that takes any (none: the trusted core skips its checks by contract). */
  readonly methods: { readonly [name: string]: { readonly params: readonly Param[]; readonly args: readonly unknown[] } };
  readonly members: Members<T>;
};

/** An object's checkpoint, taken the first time readState is exercised (while it is live), so readState is then called on its own. */
const checkpoints = new WeakMap<object, Uint8Array>();
function checkpointOf(o: Checkpointable): Uint8Array {
  let bytes = checkpoints.get(o);
  if (!bytes) {
    const w = new StateWriter();
    o.writeState(w);
    bytes = w.finish();
    checkpoints.set(o, bytes);
  }
  return bytes;
}
const stateMembers = {
  writeState: (o: Checkpointable) => o.writeState(new StateWriter()),
  readState: (o: Checkpointable) => o.readState(new StateReader(checkpointOf(o))),
};
/** writeState and readState with their argument types; the reader holds the checkpoint of what `make` returns, fresh per call. */
function stateMethods(make: (k: Kernels) => Checkpointable): Streaming<object>["methods"] {
  const o = make(jsKernels());
  const bytes = checkpointOf(o);
  (o as unknown as { dispose(): void }).dispose();
  return {
    writeState: { params: [["writeState writer", "stateWriter"]], args: [new StateWriter()] },
    readState: {
      params: [["readState reader", "stateReader"]],
      get args() {
        return [new StateReader(bytes)];
      },
    },
  };
}
const windowMembers = {
  isStable: (w: { isStable: boolean }) => w.isStable,
  count: (w: { count: number }) => w.count,
  reset: (w: { reset(): void }) => w.reset(),
};
const rollingStats: Streaming<RollingStatsWindow> = {
  make: (k) => k.rollingStats(3),
  methods: { push: { params: [["RollingStats.push", "number"]], args: [1.5] }, ...stateMethods((k) => k.rollingStats(3)) },
  members: {
    ...windowMembers,
    ...stateMembers,
    window: null,
    minPeriods: null,
    push: (w) => w.push(1),
    mean: (w) => w.mean,
    std: (w) => w.std,
    zscore: (w) => w.zscore,
    min: (w) => w.min,
    max: (w) => w.max,
    ema: (w) => w.ema,
    last: (w) => w.last,
    rank: (w) => w.rank(),
  },
};
const rollingCorrelation: Streaming<RollingCorrelationWindow> = {
  make: (k) => k.rollingCorrelation(3),
  methods: {
    push: {
      params: [
        ["RollingCorrelation.push x", "number"],
        ["RollingCorrelation.push y", "number"],
      ],
      args: [1, 2],
    },
    ...stateMethods((k) => k.rollingCorrelation(3)),
  },
  members: { ...windowMembers, ...stateMembers, window: null, push: (w) => w.push(1, 2), cov: (w) => w.cov, corr: (w) => w.corr },
};
const volumeMembers: Members<VolumeDeltaWindow> = {
  ...windowMembers,
  ...stateMembers,
  push: (w) => w.push(1, true, 1),
  advance: (w) => w.advance(2),
  buyVolume: (w) => w.buyVolume,
  sellVolume: (w) => w.sellVolume,
  delta: (w) => w.delta,
  imbalance: (w) => w.imbalance,
};
const volumeMethods: Streaming<VolumeDeltaWindow>["methods"] = {
  push: {
    params: [
      ["trade qty", "number"],
      ["buyerInitiated", "boolean"],
      ["trade time", "number"],
    ],
    args: [1, true, 1],
  },
  advance: { params: [["advance time", "number"]], args: [5] },
};
const countVolume: Streaming<VolumeDeltaWindow> = {
  make: (k) => k.volumeDeltaWindow({ count: 3 }),
  methods: { ...volumeMethods, ...stateMethods((k) => k.volumeDeltaWindow({ count: 3 })) },
  members: volumeMembers,
};
const timeVolume: Streaming<VolumeDeltaWindow> = {
  make: (k) => k.volumeDeltaWindow({ spanMs: 1000 }),
  methods: { ...volumeMethods, ...stateMethods((k) => k.volumeDeltaWindow({ spanMs: 1000 })) },
  members: volumeMembers,
};
const orderFlow: Streaming<OrderFlowWindow> = {
  make: (k) => k.orderFlowWindow(3),
  methods: {
    push: {
      params: [
        ["bidPx", "number"],
        ["bidQty", "number"],
        ["askPx", "number"],
        ["askQty", "number"],
      ],
      args: [10, 1, 11, 2],
    },
    ...stateMethods((k) => k.orderFlowWindow(3)),
  },
  members: {
    ...windowMembers,
    ...stateMembers,
    window: null,
    push: (w) => w.push(10, 1, 11, 2),
    last: (w) => w.last,
    sum: (w) => w.sum,
    absSum: (w) => w.absSum,
  },
};
/** A JS-heap book of one level a side (any OrderBook feeds any core). */
const bookOf100 = new L2Book();
bookOf100.load(f64(100, 1), f64(101, 1));
const coreMembers: Members<ConfluenceCore> = {
  bookInput: (c) => c.bookInput,
  book: (c) => c.book(1, 1),
  bookFrom: (c) => c.bookFrom(bookOf100),
  quote: (c) => c.quote(100, 1, 101, 1),
  trade: (c) => c.trade(100, 1, true, 1),
  sentiment: (c) => c.sentiment(0.5, 1),
  compute: (c) => c.compute(2),
  output: (c) => c.output(O.SCORE),
  snapshot: (c) => c.snapshot(new Float64Array(O.OUTPUTS)),
  reset: (c) => c.reset(),
  ...stateMembers,
};
const checkedCore: Streaming<ConfluenceCore> = {
  make: (k) => k.confluenceCore(coreOptions()),
  methods: {
    bookFrom: { params: [["book", "orderBook"]], args: [bookOf100] },
    book: {
      params: [
        ["bidLevels", "number"],
        ["askLevels", "number"],
      ],
      args: [0, 0],
    },
    quote: {
      params: [
        ["bidPx", "number"],
        ["bidQty", "number"],
        ["askPx", "number"],
        ["askQty", "number"],
      ],
      args: [100, 1, 101, 1],
    },
    trade: {
      params: [
        ["trade price", "number"],
        ["trade qty", "number"],
        ["buyerInitiated", "boolean"],
        ["trade time", "number"],
      ],
      args: [100, 1, true, 1],
    },
    sentiment: {
      params: [
        ["sentiment", "number"],
        ["sentiment time", "number"],
      ],
      args: [0.5, 1],
    },
    compute: { params: [["now", "number"]], args: [2] },
    output: { params: [["slot", "number"]], args: [O.SCORE] },
    snapshot: { params: [["snapshot out", "snapshotOut"]], args: [new Float64Array(O.OUTPUTS)] },
    ...stateMethods((k) => k.confluenceCore(coreOptions())),
  },
  members: coreMembers,
};
const trustedCore: Streaming<ConfluenceCore> = { make: (k) => k.confluenceCore(coreOptions(), true), methods: {}, members: coreMembers };

const STREAMING = {
  rollingStats,
  rollingCorrelation,
  "volumeDeltaWindow (count)": countVolume,
  "volumeDeltaWindow (time)": timeVolume,
  orderFlowWindow: orderFlow,
  "confluenceCore (checked)": checkedCore,
  "confluenceCore (trusted)": trustedCore,
} as unknown as Readonly<Record<string, Streaming<object>>>;

type AnyFunction = (...args: unknown[]) => unknown;

/** Calls a function or method by name with arguments of any type (what a JavaScript caller can do). */
function invoke(target: object, name: string, args: readonly unknown[]): unknown {
  return (target as Record<string, AnyFunction>)[name]!.apply(target, args as unknown[]);
}

/** Frees or disposes whatever a call returned, so the tables leave no state behind. */
function release(result: unknown): void {
  const r = result as { dispose?: () => void; free?: () => void } | null;
  if (typeof r?.dispose === "function") r.dispose();
  else if (typeof r?.free === "function") r.free();
}

/** The error a call throws (fails the test if it throws none). */
function thrown(call: () => unknown, what: string): Error {
  try {
    release(call());
  } catch (e) {
    return e as Error;
  }
  return expect.fail(`${what}: no error thrown`);
}

function expectWrongType(call: () => unknown, what: string, found: string, context: string): void {
  const e = thrown(call, context);
  expect(e, `${context}: ${e.name}: ${e.message}`).toBeInstanceOf(ArgumentTypeError);
  expect(e.message, context).toMatch(new RegExp(`^${what.replace(/[.[\]]/g, "\\$&")} is ${found}: expected `));
}

describe.each(backends)("Kernels contract on $backend", (k: Kernels) => {
  describe("volume delta", () => {
    test("buy = Σq where the buyer was the taker; imbalance = delta / total", () => {
      // buys 1 + 3 + 5 = 9, sells 2 + 4 = 6, delta 3, imbalance 3/15
      expect(k.volumeDelta(f64(1, 2, 3, 4, 5), u8(1, 0, 1, 0, 1))).toEqual({ buyVolume: 9, sellVolume: 6, delta: 3, imbalance: 0.2 });
    });
    test("no trades or zero volume: imbalance is NaN, volumes 0", () => {
      expect(k.volumeDelta(f64(), u8())).toEqual({ buyVolume: 0, sellVolume: 0, delta: 0, imbalance: NaN });
      expect(k.volumeDelta(f64(0, 0), u8(1, 0)).imbalance).toBeNaN();
    });
    test("any non-zero flag byte means buyer-initiated", () => {
      expect(k.volumeDelta(f64(1, 1, 1), u8(0, 7, 255)).buyVolume).toBe(2);
    });
    test("volumeDeltaInto writes into the caller's object", () => {
      const out = { buyVolume: 0, sellVolume: 0, delta: 0, imbalance: 0 };
      expect(k.volumeDeltaInto(f64(2), u8(0), out)).toBe(out);
      expect(out.sellVolume).toBe(2);
    });
    test("bad quantities and shapes are typed errors naming the element", () => {
      expect(() => k.volumeDelta(f64(1, NaN), u8(0, 0))).toThrow(InvalidValueError);
      expect(() => k.volumeDelta(f64(1, 2, -0.5), u8(0, 0, 0))).toThrow("qty[2] = -0.5: expected a value ≥ 0");
      expect(() => k.volumeDelta(f64(Infinity), u8(0))).toThrow("qty[0] = Infinity: expected a finite number");
      expect(() => k.volumeDelta(f64(1, 2), u8(0))).toThrow(LengthMismatchError);
      expect(() => k.volumeDelta(f64(1e308, 1e308), u8(1, 1))).toThrow(SumOverflowError);
      expect(k.volumeDelta(f64(-0, 1), u8(1, 0)).buyVolume, "−0 is a valid quantity").toBe(0);
      expect(() => k.volumeDelta(f64(-0, 1e308, 1e308), u8(1, 1, 1)), "−0 does not hide an overflow").toThrow(SumOverflowError);
    });
  });

  describe("volume delta windows", () => {
    test("count window keeps the last N trades", () => {
      const w = k.volumeDeltaWindow({ count: 2 });
      w.push(1, true, 0);
      expect(w.isStable).toBe(false);
      w.push(2, false, 0);
      w.push(4, true, 0); // the first trade leaves: buy 4, sell 2
      expect([w.buyVolume, w.sellVolume, w.delta, w.imbalance, w.count, w.isStable]).toEqual([4, 2, 2, 2 / 6, 2, true]);
      w.reset();
      expect([w.buyVolume, w.sellVolume, w.count]).toEqual([0, 0, 0]);
      w.dispose();
    });
    test("time window: a trade at t is inside while t > now − span", () => {
      const w = k.volumeDeltaWindow({ spanMs: 1000 });
      w.push(1, true, 0);
      w.push(2, false, 500);
      w.push(3, true, 1000); // cutoff 0: the trade at 0 has left
      expect([w.buyVolume, w.sellVolume, w.count, w.isStable]).toEqual([3, 2, 2, true]);
      w.advance(1600); // cutoff 600: only the trade at 1000 is left
      expect([w.buyVolume, w.sellVolume, w.count]).toEqual([3, 0, 1]);
      w.advance(5000);
      expect([w.buyVolume, w.sellVolume, w.imbalance]).toEqual([0, 0, NaN]);
      w.dispose();
    });
    test("out-of-order time, bad quantity and a full time window are typed errors; state is kept", () => {
      const w = k.volumeDeltaWindow({ spanMs: 1000, capacity: 2 });
      w.push(1, true, 100);
      expect(() => w.push(1, true, 99)).toThrow(OutOfOrderError);
      expect(() => w.push(-1, true, 200)).toThrow(InvalidValueError);
      expect(() => w.push(1, true, NaN)).toThrow(InvalidValueError);
      w.push(1, false, 200);
      expect(() => w.push(1, true, 300)).toThrow(CapacityExceededError);
      expect([w.buyVolume, w.sellVolume, w.count]).toEqual([1, 1, 2]);
      w.dispose();
      expect(() => w.push(1, true, 400)).toThrow(DisposedError);
    });
    test("invalid options", () => {
      expect(() => k.volumeDeltaWindow({ count: 0 })).toThrow(InvalidWindowError);
      expect(() => k.volumeDeltaWindow({ spanMs: -1 })).toThrow(InvalidParameterError);
      expect(() => k.volumeDeltaWindow({ spanMs: 1000, capacity: 0 })).toThrow(InvalidWindowError);
    });
  });

  describe("book imbalance and microprice", () => {
    const bid = f64(1, 2, 3),
      ask = f64(3, 2, 1);
    test("plain: (Σbid − Σask)/(Σbid + Σask) over the top depth levels", () => {
      expect(k.bookImbalance(bid, ask, 2)).toBe((3 - 5) / 8);
      expect(k.bookImbalance(bid, ask, 3)).toBe(0);
      expect(k.bookImbalance(f64(0), f64(0), 1)).toBeNaN();
    });
    test("depth-weighted with w_i = exp(−decay·i); decay 0 is the plain imbalance", () => {
      const w1 = Math.exp(-1),
        w2 = Math.exp(-2);
      const sb = 1 + 2 * w1 + 3 * w2,
        sa = 3 + 2 * w1 + 1 * w2;
      expect(k.depthWeightedImbalance(bid, ask, 3, 1)).toBe((sb - sa) / (sb + sa));
      expect(k.depthWeightedImbalance(bid, ask, 3, 0)).toBe(k.bookImbalance(bid, ask, 3));
    });
    test("batch over level-major snapshots equals each single book", () => {
      // 3 snapshots × 2 levels; level i of snapshot m at i·3 + m
      const b = f64(1, 5, 0, 2, 5, 0),
        a = f64(2, 1, 0, 2, 1, 0);
      expectIdentical(k.bookImbalanceBatch(b, a, 3, 2), [(3 - 4) / 7, (10 - 2) / 12, NaN], "batch");
      expectIdentical(
        k.depthWeightedImbalanceBatch(b, a, 3, 2, 0.3),
        [0, 1, 2].map((m) => k.depthWeightedImbalance(f64(b[m]!, b[3 + m]!), f64(a[m]!, a[3 + m]!), 2, 0.3)),
        "weighted",
      );
      const out = new Float64Array(3);
      k.bookImbalanceBatchInto(b, a, 3, 1, out);
      expectIdentical(out, [(1 - 2) / 3, (5 - 1) / 6, NaN], "into, depth 1");
    });
    test("microprice leans toward the thinner side", () => {
      // (100·3 + 101·1)/(1 + 3) = 100.25: the thin bid pulls it toward the bid
      expect(k.microprice(100, 1, 101, 3)).toBe(100.25);
      expect(k.microprice(100, 0, 101, 0)).toBeNaN();
      expect(() => k.micropriceBatch(f64(1e300), f64(1), f64(1e300), f64(1e300)), "an overflowing product").toThrow(SumOverflowError);
      expectIdentical(k.micropriceBatch(f64(100, 10), f64(1, 2), f64(101, 11), f64(3, 2)), [100.25, 10.5], "batch");
    });
    test("bad depth, shapes and values", () => {
      expect(() => k.bookImbalance(bid, ask, 0)).toThrow(InvalidDepthError);
      expect(() => k.bookImbalance(bid, f64(1, 2), 3)).toThrow("depth 3: expected an integer from 1 to 2 (the levels given)");
      expect(() => k.bookImbalance(f64(1, NaN), ask, 2)).toThrow("bidQty[1] = NaN");
      expect(() => k.bookImbalance(bid, f64(1, -2, 3), 2)).toThrow("askQty[1] = -2");
      expect(() => k.depthWeightedImbalance(bid, ask, 2, -1)).toThrow(InvalidParameterError);
      expect(() => k.bookImbalanceBatch(f64(1, 2, 3), f64(1, 2, 3), 2, 1)).toThrow(LengthMismatchError);
      expect(() => k.bookImbalanceBatch(f64(1, 2), f64(1, 2), 2, 2)).toThrow(InvalidDepthError);
      expect(() => k.microprice(100, NaN, 101, 1)).toThrow("bidQty[0] = NaN");
      expect(() => k.micropriceBatch(f64(1), f64(1), f64(1), f64())).toThrow(LengthMismatchError);
    });
  });

  describe("order-flow imbalance", () => {
    // quotes (bidPx, bidQty, askPx, askQty)
    const pb = f64(10, 10, 11, 11, 10.5),
      qb = f64(1, 2, 1, 1, 4),
      pa = f64(12, 12, 12, 13, 12.5),
      qa = f64(1, 1, 2, 2, 3);
    // e1: bid same price, queue 1→2: +2 −1; ask same price: −1 +1        = 1
    // e2: bid up: +1; ask same, queue 1→2: −2 +1                          = 0
    // e3: bid same: +1 −1; ask up: +2 (old ask queue leaves)             = 2
    // e4: bid down: −1 (old bid queue); ask down: −3 (new ask queue)     = −4
    test("e[n] with non-strict inequalities", () => {
      expectIdentical(k.orderFlowImbalance(pb, qb, pa, qa), [NaN, 1, 0, 2, -4], "e");
    });
    test("rolling sum (pandas e.rolling(w).sum()) and the streaming window agree", () => {
      expectIdentical(k.rollingOrderFlowImbalance(pb, qb, pa, qa, 2), [NaN, NaN, 1, 2, -2], "rolling 2");
      const w = k.orderFlowWindow(2);
      const sums: number[] = [];
      pb.forEach((_, i) => {
        w.push(pb[i]!, qb[i]!, pa[i]!, qa[i]!);
        sums.push(w.sum);
      });
      expectIdentical(sums, [NaN, NaN, 1, 2, -2], "streaming");
      expect([w.last, w.count, w.isStable]).toEqual([-4, 2, true]);
      expect(() => w.push(1, NaN, 2, 1)).toThrow("bidQty[0] = NaN");
      w.reset();
      expect([w.last, w.sum, w.count]).toEqual([NaN, NaN, 0]);
      w.dispose();
    });
  });

  describe("rolling statistics", () => {
    const v = f64(1, 3, 2, 5, 4, 4, 6, 1);
    test("window 3: pandas rolling(3) values, computed by hand", () => {
      const r = k.rolling(v, 3);
      const third = 1 / 3;
      expectIdentical(r.mean.subarray(0, 3), [NaN, NaN, 2], "mean");
      expect(r.mean[3]).toBeCloseTo(10 / 3, 15);
      expectIdentical(r.min, [NaN, NaN, 1, 2, 2, 4, 4, 1], "min");
      expectIdentical(r.max, [NaN, NaN, 3, 5, 5, 5, 6, 6], "max");
      expect(r.std[2]).toBe(1); // {1, 3, 2}: deviations −1, 1, 0 → Σ² 2 / (3 − 1)
      // rank of the latest in its window, ties averaged: {5,4,4}: the 4s share ranks 1,2 → 1.5/3
      expect(r.rank[5]).toBe(0.5);
      expect(r.rank[4]).toBeCloseTo(2 * third, 15); // {2,5,4}: 4 is second
      expect(r.zscore[2]).toBe(0); // latest 2 equals the mean
    });
    test("window larger than the data: every value NaN", () => {
      const r = k.rolling(v, 20);
      expect(Array.from(r.mean).every(Number.isNaN)).toBe(true);
    });
    test("rank can be skipped", () => {
      expect(k.rolling(v, 3, { rank: false }).rank.length).toBe(0);
    });
    test("streaming window: NaN during warm-up, the same values as the batch after", () => {
      const w = k.rollingStats(3, { alpha: 0.5 });
      w.push(1);
      w.push(3);
      expect([w.mean, w.std, w.min, w.isStable, w.count, w.rank()]).toEqual([NaN, NaN, NaN, false, 2, NaN]);
      expect(w.ema).toBe(2); // 0.5·1 + 0.5·3
      w.push(2);
      expect([w.mean, w.std, w.min, w.max, w.last, w.isStable]).toEqual([2, 1, 1, 3, 2, true]);
      w.reset();
      expect([w.count, w.ema]).toEqual([0, NaN]);
      w.dispose();
      expect(() => w.push(1)).toThrow(DisposedError);
      expect(() => w.mean, "a disposed window's outputs are gone too").toThrow(DisposedError);
    });
    test("extrema: false skips min and max (NaN) and leaves the rest unchanged", () => {
      const a = k.rollingStats(3, { extrema: false }),
        b = k.rollingStats(3);
      for (const x of [5, 1, 4, 4, 9]) {
        a.push(x);
        b.push(x);
      }
      expect([a.min, a.max]).toEqual([NaN, NaN]);
      expect([a.mean, a.std, a.zscore, a.rank()]).toEqual([b.mean, b.std, b.zscore, b.rank()]);
      a.dispose();
      b.dispose();
    });
    test("a constant window: std exactly 0, zscore NaN, mean the value", () => {
      const w = k.rollingStats(4);
      for (let i = 0; i < 6; i++) w.push(0.1);
      expect([w.mean, w.std, w.zscore]).toEqual([0.1, 0, NaN]);
      w.dispose();
    });
    test("ewm(alpha, adjust=False)", () => {
      expectIdentical(k.ewm(f64(1, 3, 2), 0.5), [1, 2, 2], "ewm");
      expectIdentical(k.ewm(f64(), 0.5), [], "empty");
    });
    test("cov and corr of two series", () => {
      // x = 1,2,3 and y = 2,4,7: cov = Σ(dx·dy)/2 = ((−1)(−2.333…) + 0 + 1·2.666…)/2 = 2.5
      expect(k.rollingCov(f64(1, 2, 3), f64(2, 4, 7), 3)[2]).toBeCloseTo(2.5, 14);
      expect(k.rollingCorr(f64(1, 2, 3), f64(2, 4, 6), 3)[2]).toBeCloseTo(1, 15);
      expect(k.rollingCorr(f64(1, 2, 3), f64(6, 4, 2), 3)[2]).toBeCloseTo(-1, 15);
      expect(k.rollingCorr(f64(1, 2, 3), f64(5, 5, 5), 3)[2], "zero variance").toBeNaN();
      const c = k.rollingCorrelation(2);
      c.push(1, 1);
      c.push(2, 3);
      expect([c.cov, c.isStable]).toEqual([1, true]);
      expect(c.corr).toBeCloseTo(1, 15);
      c.dispose();
    });
    test("bad windows, alphas and NaN inputs are typed errors", () => {
      expect(() => k.rolling(v, 0)).toThrow(InvalidWindowError);
      expect(() => k.rolling(v, 1.5)).toThrow(InvalidWindowError);
      expect(() => k.rollingStats(2 ** 25)).toThrow("window 33554432: expected an integer from 1 to 16777216");
      expect(() => k.rolling(f64(1, 2, NaN), 2)).toThrow("values[2] = NaN: expected a finite number");
      expect(() => k.ewm(v, 0)).toThrow(InvalidAlphaError);
      expect(() => k.ewm(v, 1.5)).toThrow(InvalidAlphaError);
      expect(() => k.ewm(f64(1, Infinity), 0.5)).toThrow("values[1] = Infinity");
      expect(() => k.rollingStats(3, { alpha: 2 })).toThrow(InvalidAlphaError);
      expect(() => k.rollingCorr(f64(1, 2), f64(1), 2)).toThrow(LengthMismatchError);
      expect(() => k.rollingCorr(f64(1, 2), f64(1, NaN), 2)).toThrow("y[1] = NaN");
      const w = k.rollingStats(3);
      expect(() => w.push(NaN)).toThrow(InvalidValueError);
      expect(w.count, "a rejected push changes nothing").toBe(0);
      w.dispose();
      const out = {
        mean: new Float64Array(2),
        std: new Float64Array(2),
        min: new Float64Array(2),
        max: new Float64Array(2),
        zscore: new Float64Array(2),
        rank: new Float64Array(0),
      };
      expect(() => k.rollingInto(v, 2, out)).toThrow(LengthMismatchError);
      expect(EmptyInputError.name).toBe("EmptyInputError");
    });
  });

  describe("buffers", () => {
    test("kernel buffers are read in place and survive memory growth", () => {
      const qty = k.allocFloat64(4),
        buyer = k.allocUint8(4);
      qty.array.set([1, 2, 3, 4]);
      buyer.array.set([1, 1, 0, 0]);
      expect(k.volumeDelta(qty, buyer).delta).toBe(-4);
      const big = k.allocFloat64(8_000_000); // 64 MB: grows WASM memory, detaching old views
      expect(qty.array.length, "the view is rebuilt after growth").toBe(4);
      expect(Array.from(qty.array)).toEqual([1, 2, 3, 4]);
      const w = k.rollingStats(2);
      w.push(1);
      w.push(3);
      expect(w.mean).toBe(2);
      big.free();
      qty.free();
      buyer.free();
      w.dispose();
    });
    test("outputs can be kernel buffers too", () => {
      const v = k.allocFloat64(3),
        out = k.allocFloat64(3);
      v.array.set([2, 4, 8]);
      k.ewmInto(v, 0.5, out);
      expect(Array.from(out.array)).toEqual([2, 3, 5.5]);
      v.free();
      out.free();
    });
    test("a length that is not an integer ≥ 0 is InvalidParameterError; one no backend can hold is OutOfMemoryError", () => {
      expect(() => k.allocFloat64(1.5)).toThrow(InvalidParameterError);
      expect(() => k.allocUint8(-1)).toThrow(InvalidParameterError);
      expect(() => k.allocFloat64(NaN)).toThrow(InvalidParameterError);
      expect(() => k.allocFloat64(2 ** 40)).toThrow(OutOfMemoryError);
      expect(() => k.allocUint8(2 ** 43)).toThrow(OutOfMemoryError);
      const b = k.allocFloat64(3);
      b.array.set([2, 4, 8]);
      expect(Array.from(k.ewm(b, 0.5)), "allocation and kernels work after the refusal").toEqual([2, 3, 5.5]);
      b.free();
    });
    test("a freed buffer: its array throws DisposedError, and freeing it again is harmless", () => {
      const b = k.allocFloat64(2),
        u = k.allocUint8(2);
      b.free();
      u.free();
      expect(() => b.array).toThrow(DisposedError);
      expect(() => u.array).toThrow("Uint8Buffer was disposed: expected a live object");
      expect(() => b.free()).not.toThrow();
      expect(() => u.free()).not.toThrow();
    });
  });

  describe("argument types: never coerced, an ArgumentTypeError naming the argument", () => {
    test("microprice of strings is an error, not 0.27", () => {
      expect(() => k.microprice("1" as never, "1" as never, "2" as never, "1" as never)).toThrow(
        "bidPx is a string: expected a finite number ≥ 0",
      );
      expect(() => k.rollingStats(3).push("1" as never)).toThrow("RollingStats.push is a string: expected a finite number");
    });
    test.each(Object.entries(CALLS))("%s: every parameter, every wrong type", (name, { params, args }) => {
      release(invoke(k, name, args())); // the valid call works: each error below comes from the one wrong argument
      params.forEach(([what, kind], i) => {
        for (const [found, bad] of WRONG[kind]) {
          const a = args();
          a[i] = bad;
          expectWrongType(() => invoke(k, name, a), what, found, `${name} with ${what} ${found}`);
        }
      });
    });
    test.each(FIELDS.map((f, i) => [`${f.what} (${i})`, f] as const))("option and output field %s", (_, { what, kind, call }) => {
      for (const [found, bad] of WRONG[kind]) expectWrongType(() => call(k, bad as never), what, found, `${what} ${found}`);
    });
    test.each(Object.entries(STREAMING).filter(([, spec]) => Object.keys(spec.methods).length > 0))(
      "%s: every method, every wrong type, and a rejected call changes nothing",
      (name, spec) => {
        const o = spec.make(k);
        for (const [method, { params, args }] of Object.entries(spec.methods)) {
          invoke(o, method, args);
          const count = (o as { count?: number }).count;
          params.forEach(([what, kind], i) => {
            for (const [found, bad] of WRONG[kind]) {
              const a = [...args];
              a[i] = bad;
              expectWrongType(() => invoke(o, method, a), what, found, `${name}.${method} with ${what} ${found}`);
            }
          });
          expect((o as { count?: number }).count, `${name}.${method}: rejected calls left the count alone`).toBe(count);
        }
        (o as { dispose(): void }).dispose();
      },
    );
    test("integers must be integers, slots must exist", () => {
      expect(() => k.bookImbalanceBatch(f64(1, 2), f64(1, 2), 1.5, 1)).toThrow("snapshots[0] = 1.5: expected an integer ≥ 1");
      const core = k.confluenceCore(coreOptions());
      expect(() => core.output(O.OUTPUTS)).toThrow(InvalidParameterError);
      expect(() => core.output(0.5)).toThrow(InvalidParameterError);
      core.dispose();
    });
    test("the confluence core's orderflow windows are windows, its mix shares in [0, 1]", () => {
      expect(() => k.confluenceCore({ ...coreOptions(), ofiWindow: 0 })).toThrow(InvalidWindowError);
      expect(() => k.confluenceCore({ ...coreOptions(), flowWindow: 1.5 })).toThrow(InvalidWindowError);
      expect(() => k.confluenceCore({ ...coreOptions(), bookDepthWeight: 1.01 })).toThrow(
        "bookDepthWeight = 1.01: expected a number in [0, 1]",
      );
      expect(() => k.confluenceCore({ ...coreOptions(), tradeFlowWeight: Number.NaN })).toThrow(InvalidParameterError);
      for (const edge of [0, 1]) k.confluenceCore({ ...coreOptions(), bookDepthWeight: edge, tradeFlowWeight: edge }).dispose();
    });
    test("the confluence core's signal shape is squash (the default) or linear, nothing else", () => {
      expect(() => k.confluenceCore({ ...coreOptions(), signalShape: "tanh" as never })).toThrow(
        "signalShape = tanh: expected one of squash, linear",
      );
      expect(() => k.confluenceCore({ ...coreOptions(), signalShape: 1 as never })).toThrow(InvalidParameterError);
      for (const signalShape of [undefined, "squash", "linear"] as const) k.confluenceCore({ ...coreOptions(), signalShape }).dispose();
    });
  });

  describe("freed buffers: DisposedError wherever one is passed", () => {
    const withBuffers = Object.entries(CALLS).filter(([, c]) =>
      c.params.some(([, kind]) => kind === "f64" || kind === "f64OrNull" || kind === "u8"),
    );
    test.each(withBuffers)("%s", (name, { params, args }) => {
      params.forEach(([what, kind], i) => {
        if (kind !== "f64" && kind !== "f64OrNull" && kind !== "u8") return;
        const a = args();
        const data = a[i] as Float64Array | Uint8Array;
        const buffer = kind === "u8" ? k.allocUint8(data.length) : k.allocFloat64(data.length);
        buffer.array.set(data);
        a[i] = buffer;
        release(invoke(k, name, a)); // a live buffer in this place works
        buffer.free();
        const e = thrown(() => invoke(k, name, a), `${name} with ${what} freed`);
        expect(e, `${name} with ${what} freed: ${e.message}`).toBeInstanceOf(DisposedError);
      });
    });
  });

  describe("disposed streaming objects: every later use throws DisposedError, dispose() again is harmless", () => {
    test.each(Object.entries(STREAMING))("%s", (name, spec) => {
      const o = spec.make(k);
      if ("bookInput" in o) (o as ConfluenceCore).bookInput.set([100, 99, 1, 1, 101, 102, 1, 1]);
      const members = Object.entries(spec.members) as [string, ((x: object) => unknown) | null][];
      for (const [, use] of members) if (use) use(o); // every use works while it is live
      const config = Object.fromEntries(
        members.filter(([, use]) => use === null).map(([member]) => [member, (o as Record<string, unknown>)[member]]),
      );
      (o as { dispose(): void }).dispose();
      for (const [member, use] of members) {
        if (use) expect(() => use(o), `${name}.${member} after dispose`).toThrow(DisposedError);
        else expect((o as Record<string, unknown>)[member], `${name}.${member}: configuration stays readable`).toBe(config[member]);
      }
      expect(() => (o as { dispose(): void }).dispose(), `${name}: a second dispose`).not.toThrow();
    });
  });
});
