/**
 * `evaluate` on worker threads (src/parallel/evaluateOnWorkers.ts; the built
 * dist/parallel/evaluateThread.js: npm test builds first): on the real spot captures the report
 * is the one `evaluate` makes in this thread, whatever the number of threads, and bad input is a
 * typed error before any thread starts.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { evaluate } from "../../src/evaluate/evaluate.js";
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
    await expect(evaluateOnWorkers(sets, OPTIONS, 0)).rejects.toThrow(/workers = 0: expected an integer from 1 to 256/);
    await expect(evaluateOnWorkers(sets, OPTIONS, 1.5)).rejects.toThrow(/workers = 1.5/);
    await expect(evaluateOnWorkers(sets, { horizonsMs: [] }, 2)).rejects.toThrow(/horizonsMs/);
    await expect(evaluateOnWorkers(sets, { replicates: 0 }, 2)).rejects.toThrow(/replicates = 0/);
  });
});
