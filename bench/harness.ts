/**
 * A small benchmark harness: variants of one measurement run side by side in
 * interleaved rounds (A, B, C, A, B, C, … with the starting variant rotated each
 * round), so machine drift lands on every variant alike and ratios are paired.
 *
 * Per variant: warm-up (until the JIT has settled), calibration of the calls per
 * sample (each sample lasts at least `minSampleMs`), then one sample per round.
 * Reported: median ns per call with p25/p75, ns per element, and against the marked
 * baseline both the ratio of medians and the median of the per-round ratios.
 *
 * Dead-code elimination: every call's return value is summed and the sum goes to a
 * sink that is printed at the end, so no work can be proven unused. Each variant
 * gets its own sampling loop (made with `new Function`), so the call inside it
 * stays monomorphic and no variant pays for another's type feedback.
 */
import { readFileSync } from "node:fs";
import { arch, availableParallelism, loadavg, platform, totalmem } from "node:os";

export interface Variant {
  /** Short stable name (used as the JSON key). */
  readonly name: string;
  /** One operation; return something that depends on the result. */
  readonly run: () => number;
  /** The reference the other variants are compared with (exactly one per group). */
  readonly baseline?: boolean;
  /** Shown in the table; not used in ratios. */
  readonly note?: string;
}

export interface GroupSpec {
  /** e.g. "volumeDelta". */
  readonly group: string;
  /** Parameters of this measurement (n, depth, window, …). */
  readonly params: Readonly<Record<string, number | string>>;
  /** Elements processed per call (n, snapshots, ticks): gives ns per element. */
  readonly elements: number;
  /** Name of the unit "element" (element, snapshot, tick). */
  readonly unit: string;
  readonly variants: readonly Variant[];
}

export interface HarnessOptions {
  /** Minimum duration of one sample. */
  readonly minSampleMs: number;
  /** Warm-up time per variant (at least 3 calls). */
  readonly warmupMs: number;
  /** Time budget for the sampling rounds of one group. */
  readonly groupBudgetMs: number;
  readonly minRounds: number;
  readonly maxRounds: number;
}

export const DEFAULT_OPTIONS: HarnessOptions = {
  minSampleMs: 1,
  warmupMs: 120,
  groupBudgetMs: 3_000,
  minRounds: 9,
  maxRounds: 61,
};

export interface Quartiles {
  readonly p25: number;
  readonly median: number;
  readonly p75: number;
}

export interface VariantResult {
  readonly name: string;
  readonly baseline: boolean;
  readonly note?: string;
  /** ns per call. */
  readonly ns: Quartiles;
  /** ns per element (ns per call / elements). */
  readonly nsPerElement: Quartiles;
  /** baseline median / this median (> 1: faster than the baseline). */
  readonly speedup: number;
  /** Quartiles over rounds of baseline sample / this sample (paired, same round). */
  readonly pairedSpeedup: Quartiles;
  readonly callsPerSample: number;
  readonly samples: number;
}

export interface GroupResult {
  readonly group: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly elements: number;
  readonly unit: string;
  readonly baseline: string;
  readonly rounds: number;
  readonly variants: VariantResult[];
}

let sinkValue = 0;

/** Folds a value into the sink (call with anything a benchmark must not discard). */
export function sink(x: number): void {
  sinkValue += x === x ? x * 1e-9 : 1;
}

/** The sink's value; print it so the work feeding it is observable. */
export function sinkResult(): number {
  return sinkValue;
}

type Sampler = (fn: () => number, calls: number) => number;

function makeSampler(): Sampler {
  // A fresh function per variant: its own feedback, so `fn()` is monomorphic and inlinable.
  return new Function("fn", "calls", "let acc = 0; for (let k = 0; k < calls; k++) acc += fn(); return acc;") as Sampler;
}

const now = (): bigint => process.hrtime.bigint();

export function quartiles(values: readonly number[]): Quartiles {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    const pos = (s.length - 1) * q;
    const lo = Math.floor(pos),
      hi = Math.ceil(pos);
    return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
  };
  return { p25: at(0.25), median: at(0.5), p75: at(0.75) };
}

interface Live {
  readonly v: Variant;
  readonly sampler: Sampler;
  calls: number;
  readonly samples: number[];
}

/** Runs one group; returns its medians and ratios. */
/** Calibration: the next number of calls per sample after `calls` took `dt` ns (aiming 20 % above minSampleMs). */
export function nextCalls(calls: number, dt: number, options: HarnessOptions): number {
  return Math.min(calls * 10, Math.max(calls * 2, Math.ceil((calls * options.minSampleMs * 1.2e6) / Math.max(dt, 1))));
}

/** Rounds for a group whose variants take `roundNs` per round together: the budget, within [minRounds, maxRounds]. */
export function roundsFor(roundNs: number, options: HarnessOptions): number {
  return Math.max(options.minRounds, Math.min(options.maxRounds, Math.floor((options.groupBudgetMs * 1e6) / roundNs)));
}

export function runGroup(spec: GroupSpec, options: HarnessOptions = DEFAULT_OPTIONS): GroupResult {
  const baselines = spec.variants.filter((v) => v.baseline);
  if (baselines.length !== 1) throw new Error(`group ${spec.group}: exactly one baseline variant expected, got ${baselines.length}`);
  const live: Live[] = spec.variants.map((v) => ({ v, sampler: makeSampler(), calls: 1, samples: [] }));

  // Warm-up and calibration, one variant after the other.
  let roundNs = 0;
  for (const l of live) {
    const warmEnd = now() + BigInt(Math.round(options.warmupMs * 1e6));
    let warmCalls = 0;
    while (warmCalls < 3 || now() < warmEnd) {
      sink(l.sampler(l.v.run, 1));
      warmCalls++;
    }
    let calls = 1;
    for (;;) {
      const t0 = now();
      sink(l.sampler(l.v.run, calls));
      const dt = Number(now() - t0);
      if (dt >= options.minSampleMs * 1e6) {
        l.calls = calls;
        roundNs += dt;
        break;
      }
      calls = nextCalls(calls, dt, options);
    }
  }

  const rounds = roundsFor(roundNs, options);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < live.length; k++) {
      const l = live[(r + k) % live.length]!;
      const t0 = now();
      const acc = l.sampler(l.v.run, l.calls);
      const dt = Number(now() - t0);
      sink(acc);
      l.samples.push(dt / l.calls);
    }
  }

  const base = live.find((l) => l.v.baseline)!;
  const baseMedian = quartiles(base.samples).median;
  const variants = live.map((l): VariantResult => {
    const ns = quartiles(l.samples);
    const perElement = (x: number): number => x / spec.elements;
    return {
      name: l.v.name,
      baseline: l.v.baseline === true,
      ...(l.v.note === undefined ? {} : { note: l.v.note }),
      ns,
      nsPerElement: { p25: perElement(ns.p25), median: perElement(ns.median), p75: perElement(ns.p75) },
      speedup: baseMedian / ns.median,
      pairedSpeedup: quartiles(l.samples.map((s, i) => base.samples[i]! / s)),
      callsPerSample: l.calls,
      samples: l.samples.length,
    };
  });
  return { group: spec.group, params: spec.params, elements: spec.elements, unit: spec.unit, baseline: base.v.name, rounds, variants };
}

/** The median ns per call of one variant of a group. */
export function medianOf(result: GroupResult, name: string): number {
  const v = result.variants.find((x) => x.name === name);
  if (!v) throw new Error(`no variant ${name} in ${result.group}`);
  return v.ns.median;
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} ms`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(2)} µs`;
  return `${x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2)} ns`;
}

/** A plain-text table of one group (medians, quartiles, ratios against the baseline). */
export function formatGroup(result: GroupResult): string {
  const params = Object.entries(result.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  const head = `${result.group} ${params}  (${result.rounds} rounds; baseline = ${result.baseline})`;
  const rows = result.variants.map((v) => [
    (v.baseline ? "* " : "  ") + v.name,
    fmt(v.ns.median),
    `${fmt(v.ns.p25)} … ${fmt(v.ns.p75)}`,
    `${v.nsPerElement.median.toFixed(3)} ns/${result.unit}`,
    `${v.speedup.toFixed(2)}x`,
    `${v.pairedSpeedup.median.toFixed(2)}x [${v.pairedSpeedup.p25.toFixed(2)}–${v.pairedSpeedup.p75.toFixed(2)}]`,
  ]);
  const header = ["variant", "median/call", "p25 … p75", "median/elem", "vs base", "paired vs base [p25–p75]"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [head, line(header), ...rows.map(line)].join("\n");
}

/** The same table as Markdown (for bench/RESULTS.md). */
export function formatGroupMarkdown(result: GroupResult): string {
  const params = Object.entries(result.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  const rows = result.variants.map(
    (v) =>
      `| ${v.baseline ? `**${v.name}** (baseline)` : v.name} | ${fmt(v.ns.median)} | ${fmt(v.ns.p25)} … ${fmt(v.ns.p75)} | ` +
      `${v.nsPerElement.median.toFixed(3)} | ${v.speedup.toFixed(2)}× | ${v.pairedSpeedup.median.toFixed(2)}× ` +
      `[${v.pairedSpeedup.p25.toFixed(2)}–${v.pairedSpeedup.p75.toFixed(2)}] |`,
  );
  return [
    `**${result.group}** (${params}; ${result.rounds} rounds)`,
    "",
    `| variant | median / call | p25 … p75 | median ns / ${result.unit} | vs baseline | paired vs baseline [p25–p75] |`,
    "|---|---:|---:|---:|---:|---:|",
    ...rows,
  ].join("\n");
}

/** What every result file records about the run: when, on what, under which load, by which command. */
export interface MachineMeta {
  readonly date: string;
  readonly cpu: string;
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cores: number;
  readonly memoryGiB: number;
  /** 1/5/15-minute load averages when the run started: above ~1 on 2 cores, other work shared the CPU. */
  readonly loadavgStart: number[];
  readonly command: string;
}

/** The first lines of a bench's markdown results: which bench, when, where, the command, the load, how long. */
export function reportHeader(bench: string, meta: MachineMeta, loadavgEnd: readonly number[], seconds: number): string[] {
  return [
    `Generated by ${bench} — ${meta.date} — ${meta.cpu} — Node ${meta.node} — \`${meta.command}\``,
    `Load average at start ${meta.loadavgStart.join(" ")}, at end ${loadavgEnd.join(" ")} (${meta.cores} cores); ${seconds.toFixed(0)} s.`,
    "",
  ];
}

export function machineMeta(command: string): MachineMeta {
  let cpu = "unknown";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {
    // not Linux: the model stays unknown
  }
  return {
    date: new Date().toISOString(),
    cpu,
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${arch()}`,
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadavgStart: loadavg().map((x) => Math.round(x * 100) / 100),
    command,
  };
}
