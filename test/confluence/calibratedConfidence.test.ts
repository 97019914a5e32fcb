/**
 * A preset with a calibration: the analyzer's confidence is the calibrated probability of the
 * score's strength |score − 50|/50, `actionable` compares that probability with the threshold,
 * on every backend with the same bits; without one, confidence is the core's product as before.
 * Replayed on the real BTCUSDT capture.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { ConfluenceAnalyzer, type ConfluenceUpdate } from "../../src/confluence/analyzer.js";
import { calibratedConfidence, type ConfidenceCalibration } from "../../src/confluence/calibration.js";
import { resolveConfig } from "../../src/confluence/config.js";
import { FITTED } from "../../src/confluence/fittedPresets.js";
import { ConfluenceError, InvalidConfigError } from "../../src/errors.js";
import type { Kernels } from "../../src/kernels/types.js";
import { backends } from "../support/backends.js";
import { expectIdentical } from "../support/close.js";
import { BTCUSDT } from "../support/capture.js";
import { captureEvents, type Event } from "../support/replay.js";

const calibration: ConfidenceCalibration = { strength: [0.02, 0.1, 0.3], probability: [0.52, 0.6, 0.75] };

let events: Event[];
beforeAll(async () => {
  ({ events } = await captureEvents(BTCUSDT, 10));
});

function replay(k: Kernels, withCalibration: boolean): ConfluenceUpdate[] {
  const a = new ConfluenceAnalyzer(k, { confidenceThreshold: 0.6, calibration: withCalibration ? calibration : null });
  const out: ConfluenceUpdate[] = [];
  for (const e of events.slice(0, 20_000)) {
    if (e.kind === "trade") a.onTrade(e);
    else if (e.kind === "quote") a.onQuote(e);
    else a.onBook(e.bids, e.asks);
    const u = a.compute(e.time);
    if (u) out.push(u);
  }
  a.dispose();
  return out;
}

describe("calibrated confidence in the analyzer", () => {
  test("confidence is the curve at |score − 50|/50 and actionable follows it; the same bits on every backend", () => {
    const runs = backends.map((k) => replay(k, true));
    const updates = runs[0]!;
    expect(updates.length, "the capture produces updates").toBeGreaterThan(1000);
    let actionable = 0;
    for (const u of updates) {
      expect(u.confidence).toBe(calibratedConfidence(calibration, Math.abs(u.score - 50) / 50));
      expect(u.actionable).toBe(u.confidence >= 0.6);
      if (u.actionable) actionable++;
    }
    expect(actionable, "some but not all updates pass the threshold").toBeGreaterThan(0);
    expect(actionable).toBeLessThan(updates.length);
    for (const [i, run] of runs.entries()) {
      expectIdentical(
        run.map((u) => u.confidence),
        updates.map((u) => u.confidence),
        `${backends[i]!.backend} confidences`,
      );
    }
  });

  test("without a calibration the confidence is the core's product, unchanged", () => {
    const [k] = backends;
    const plain = replay(k!, false);
    const calibrated = replay(k!, true);
    expect(plain.map((u) => u.score)).toEqual(calibrated.map((u) => u.score));
    expect(plain.some((u, i) => u.confidence !== calibrated[i]!.confidence)).toBe(true);
    for (const u of plain) expect(u.confidence).toBeCloseTo(u.agreement * u.sufficiency * u.regime * u.coverage, 12);
  });

  test("a bad calibration in a config is a typed error naming the knot", () => {
    expect(() => resolveConfig({ calibration: { strength: [0.5, 0.4], probability: [0.5, 0.6] } })).toThrow(
      "calibration.strength[1] = 0.4",
    );
    expect(() => resolveConfig({ calibration: "yes" } as never)).toThrow(InvalidConfigError);
    expect(resolveConfig({ calibration }).calibration).toEqual(calibration);
    expect(Object.isFrozen(resolveConfig({ calibration }).calibration!.strength)).toBe(true);
    expect(resolveConfig({ calibration: null }).calibration, "null: confidence from the components' agreement").toBeNull();
    expect(resolveConfig({}).calibration, "the presets carry their fitted calibration").toEqual(FITTED.default.calibration);
    expect(FITTED.default.calibration!.strength.length).toBeGreaterThan(1);
  });
});

describe("trainedOn: what the fitted values were fitted on", () => {
  const capture = { file: "mine.jsonl.gz", sha256: "0123456789abcdef".repeat(4) };

  test("inherited from the preset, replaced when given, frozen", () => {
    expect(resolveConfig({}).trainedOn).toEqual(FITTED.default.trainedOn);
    const inherited = resolveConfig({}).trainedOn;
    expect(
      Object.isFrozen(inherited) && inherited.every((c) => Object.isFrozen(c)),
      "a preset's list cannot be changed through a config",
    ).toBe(true);
    expect(resolveConfig({ preset: "ultraFast", depth: 3 }).trainedOn).toEqual(FITTED.ultraFast.trainedOn);
    expect(FITTED.default.trainedOn.length, "the bundled captures").toBeGreaterThan(1);
    const own = resolveConfig({ trainedOn: [capture] }).trainedOn;
    expect(own).toEqual([capture]);
    expect(Object.isFrozen(own) && Object.isFrozen(own[0])).toBe(true);
    expect(resolveConfig({ trainedOn: [] }).trainedOn).toEqual([]);
  });

  test.each([
    [{ trainedOn: "data/x.gz" }, 'trainedOn = "data/x.gz": expected an array'],
    [{ trainedOn: [null] }, "trainedOn[0] = null"],
    [{ trainedOn: [{ file: "", sha256: capture.sha256 }] }, "trainedOn[0].file"],
    [{ trainedOn: [capture, { file: "b", sha256: "AB".repeat(32) }] }, "trainedOn[1].sha256"],
    [{ trainedOn: [{ ...capture, sha256: "ab" }] }, "64 lowercase hex digits"],
    [{ trainedOn: [{ ...capture, size: 3 }] }, "trainedOn[0].size"],
    [{ trainedOn: Array.from({ length: 10_001 }, () => capture) }, "trainedOn.length = 10001: expected at most 10000"],
    // own fields only: a worker thread's structured copy would drop inherited ones
    [{ trainedOn: [Object.create(capture)] }, "trainedOn[0].file = undefined"],
    // a hole is no entry
    [{ trainedOn: Object.assign(new Array(3), { 0: capture, 2: capture }) }, "trainedOn[1] = undefined"],
    [{ trainedOn: [{ ...capture, file: "x".repeat(5000) }] }, 'trainedOn[0].file = "xxxx'],
  ])("%# a bad list is a typed error naming the entry", (input, message) => {
    expect(() => resolveConfig(input as never)).toThrow(ConfluenceError);
    expect(() => resolveConfig(input as never)).toThrow(message);
  });

  test("the list is read by index, once: an array's own map property decides nothing", () => {
    const list = [capture];
    Object.defineProperty(list, "map", { value: () => "not a list" });
    expect(resolveConfig({ trainedOn: list }).trainedOn).toEqual([capture]);
  });

  test("values JSON cannot write, or too long to quote, still give a typed error with a short message", () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    for (const input of [
      { depth: 10n },
      { preset: circular },
      { trainedOn: 1n },
      { trainedOn: [{ file: 1n, sha256: capture.sha256 }] },
      { preset: "p".repeat(1 << 20) },
    ]) {
      let thrown: unknown;
      try {
        resolveConfig(input as never);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, JSON.stringify(Object.keys(input))).toBeInstanceOf(InvalidConfigError);
      expect((thrown as Error).message.length).toBeLessThan(400);
    }
    expect(() => resolveConfig({ depth: 10n } as never)).toThrow("depth = 10n: expected an integer");
  });

  test("a resolved configuration is taken as it is (not checked and copied again); the engine resolves once for all symbols", () => {
    const resolved = resolveConfig({ trainedOn: [capture] });
    expect(resolveConfig(resolved)).toBe(resolved);
    expect(resolveConfig({ ...resolved, depth: 3 }).depth, "a changed copy is resolved afresh").toBe(3);
  });
});
