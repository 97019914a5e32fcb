/**
 * `evaluate` on worker threads (src/parallel/evaluateOnWorkers.ts; the built
 * dist/parallel/evaluateThread.js: npm test builds first): on the real spot captures the report
 * is the one `evaluate` makes in this thread, whatever the number of threads, and bad input is a
 * typed error before any thread starts.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { InvalidParameterError } from "../../src/errors.js";
import { evaluate, type EvaluateOptions } from "../../src/evaluate/evaluate.js";
import type { SampleSet } from "../../src/evaluate/sampleSet.js";
import { loadKernels } from "../../src/kernels/index.js";
import { captureSamples } from "../../src/node/captureSamples.js";
import { evaluateOnWorkers } from "../../src/parallel/evaluateOnWorkers.js";
import { BTCUSDT, ETHUSDT } from "../support/capture.js";

const OPTIONS = { horizonsMs: [100, 1000], replicates: 30 };
let sets: readonly SampleSet[];
beforeAll(async () => {
  sets = (await captureSamples([BTCUSDT, ETHUSDT], await loadKernels())).sets;
});

describe("evaluateOnWorkers", () => {
  test("one, two or more threads than parts: the report evaluate makes here, bit for bit", async () => {
    const here = evaluate(sets, OPTIONS);
    expect(here.captures).toHaveLength(2);
    for (const workers of [1, 2, 8]) {
      const report = await evaluateOnWorkers(sets, OPTIONS, workers);
      expect(report, `${workers} workers`).toEqual(here);
      expect(JSON.stringify(report)).toBe(JSON.stringify(here));
    }
    // no sets: the pooled part alone
    expect(await evaluateOnWorkers([], OPTIONS, 2)).toEqual(evaluate([], OPTIONS));
  }, 60_000);

  test("a bad thread count or a bad option is a typed error, before any thread starts", async () => {
    // an error a thread throws arrives as a plain Error: these are InvalidParameterErrors, so they were thrown here
    await expect(evaluateOnWorkers(sets, OPTIONS, 0)).rejects.toThrow(/workers = 0: expected an integer from 1 to 256/);
    await expect(evaluateOnWorkers(sets, OPTIONS, 1.5)).rejects.toBeInstanceOf(InvalidParameterError);
    for (const bad of [{ horizonsMs: [] }, { replicates: 0 }, { horizonsMs: [1000, -1] }]) {
      const error = await evaluateOnWorkers(sets, bad, 2).catch((e: unknown) => e);
      expect(error, JSON.stringify(bad)).toBeInstanceOf(InvalidParameterError);
    }
  });

  test("what a thread is sent is what this thread reads: inherited options, getters and extra properties change nothing", async () => {
    const options = Object.create({ horizonsMs: [1000], replicates: 20 }) as EvaluateOptions;
    const here = evaluate(sets, options);
    expect(here.captures[0]!.horizons).toHaveLength(1);
    expect(await evaluateOnWorkers(sets, options, 2)).toEqual(here);
    // a set whose fields are getters on a class, with a function beside them; a column that is a view of a larger buffer
    class Wrapped {
      constructor(private readonly s: SampleSet) {}
      readonly describe = () => this.s.capture;
      get capture() {
        return this.s.capture;
      }
      get symbol() {
        return this.s.symbol;
      }
      get length() {
        return this.s.length;
      }
      get receiveTime() {
        return this.s.receiveTime;
      }
      get time() {
        return this.s.time;
      }
      get score() {
        const big = new Float64Array(this.s.length + 10);
        big.set(this.s.score, 5);
        return big.subarray(5, 5 + this.s.length);
      }
      get confidence() {
        return this.s.confidence;
      }
      get actionable() {
        return this.s.actionable;
      }
      get bias() {
        return this.s.bias;
      }
      get urgencyInput() {
        return this.s.urgencyInput;
      }
      get components() {
        return this.s.components;
      }
      get baselines() {
        return this.s.baselines;
      }
      get side() {
        return this.s.side;
      }
      get urgency() {
        return this.s.urgency;
      }
      get algorithm() {
        return this.s.algorithm;
      }
      get quoteIndex() {
        return this.s.quoteIndex;
      }
      get quotes() {
        return this.s.quotes;
      }
      get counts() {
        return this.s.counts;
      }
    }
    const wrapped = sets.map((s) => new Wrapped(s) as unknown as SampleSet);
    expect(await evaluateOnWorkers(wrapped, options, 3)).toEqual(evaluate(wrapped, options));
    expect(evaluate(wrapped, options)).toEqual(here);
  }, 60_000);
});
