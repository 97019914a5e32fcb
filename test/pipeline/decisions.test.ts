/**
 * Decisions that hold, on the four real captures of 2024-08-08 (spot BTCUSDT and ETHUSDT,
 * USD-M ETHUSDT, COIN-M ETHUSD_PERP) with both presets, through the streaming engine:
 * at most 10 side changes a minute (the target of issue 12; the sign of the bias changed
 * 30–124 times a minute), every change witnessed by the update's directional bias beyond
 * the threshold the hysteresis names and at least minHoldMs after the previous one, every
 * urgency level in use, and plans of seconds (0.5–1.5 × horizonMs).
 */
import { describe, expect, test } from "vitest";
import { loadKernels, PRESETS, type PresetName, type ScoreUpdate } from "../../src/index.js";
import type { Side } from "../../src/strategy/execution.js";
import { BTCUSDT, COINM_ETHUSD, ETHUSDT, USDM_ETHUSDT } from "../support/capture.js";
import { runEngine } from "../support/engineRun.js";

const k = await loadKernels();
const CAPTURES = { BTCUSDT, ETHUSDT, "USD-M ETHUSDT": USDM_ETHUSDT, "COIN-M ETHUSD_PERP": COINM_ETHUSD };
const TARGET_PER_MINUTE = 10;

const perMinute = (n: number, updates: readonly ScoreUpdate[]) => (60_000 * n) / (updates.at(-1)!.time - updates[0]!.time);
const percent = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;

describe.each(["default", "ultraFast"] as PresetName[])("decisions on the real captures, preset %s", (preset) => {
  const { enter, exit, minHoldMs, horizonMs } = PRESETS[preset].decision;

  test.each(Object.entries(CAPTURES))("%s", async (name, file) => {
    const { updates: all, engine } = await runEngine(k, [file], { config: { preset } });
    engine.dispose();
    const updates = all.filter((u) => u.decision !== null);
    expect(updates.length, `${name}: score updates with a decision`).toBeGreaterThan(3000);

    let changes = 0,
      signChanges = 0,
      lastChange = -Infinity,
      side: Side = "none";
    const urgency = { low: 0, medium: 0, high: 0 };
    for (let i = 0; i < updates.length; i++) {
      const u = updates[i]!;
      const d = u.decision!;
      const bias = u.composite.directionalBias;
      if (i > 0 && Math.sign(bias) !== Math.sign(updates[i - 1]!.composite.directionalBias)) signChanges++;
      urgency[d.urgency]++;
      expect(
        d.timeHorizonMs >= 0.5 * horizonMs && d.timeHorizonMs <= 1.5 * horizonMs,
        `${name} at ${u.time}: a plan of ${d.timeHorizonMs} ms, expected 0.5–1.5 × ${horizonMs}`,
      ).toBe(true);
      if (d.side === side) continue;
      const witness = d.side === "buy" ? bias > enter : d.side === "sell" ? bias < -enter : side === "buy" ? bias < exit : bias > -exit;
      expect(witness, `${name} at ${u.time}: ${side} → ${d.side} with a directional bias of ${bias}`).toBe(true);
      expect(u.time - lastChange, `${name} at ${u.time}: a change ${u.time - lastChange} ms after the previous one`).toBeGreaterThanOrEqual(
        minHoldMs,
      );
      changes++;
      lastChange = u.time;
      side = d.side;
    }
    const rate = perMinute(changes, updates);
    const shares = `low ${percent(urgency.low, updates.length)}, medium ${percent(urgency.medium, updates.length)}, high ${percent(urgency.high, updates.length)}`;
    expect(
      rate,
      `${name}: ${changes} side changes = ${rate.toFixed(2)} a minute (the sign of the bias changed ${perMinute(signChanges, updates).toFixed(1)} times a minute); target ≤ ${TARGET_PER_MINUTE}`,
    ).toBeLessThanOrEqual(TARGET_PER_MINUTE);
    expect(changes, `${name}: the side does change (${changes} times)`).toBeGreaterThan(10);
    for (const level of ["low", "medium", "high"] as const)
      expect(urgency[level] / updates.length, `${name}: every urgency level in use, at least 5% each (${shares})`).toBeGreaterThanOrEqual(
        0.05,
      );
  });
});

describe("decision keys given with the composite options", () => {
  test("override the configured preset's key by key: ultraFast keeps its 5 s plan horizon when only enter is given", async () => {
    const { updates } = await runEngine(k, [BTCUSDT], { config: { preset: "ultraFast" }, composite: { decision: { enter: 0.4 } } });
    const horizons = updates.flatMap((u) => (u.decision ? [u.decision.timeHorizonMs] : []));
    expect(horizons.length).toBeGreaterThan(1000);
    // horizonMs·(1.5 − strength): 2.5–7.5 s from ultraFast's 5 s; the default preset's 3 s would stay ≤ 4.5 s
    expect(Math.max(...horizons), "the plan horizon comes from ultraFast's horizonMs").toBeGreaterThan(4500);
    expect(Math.min(...horizons)).toBeGreaterThanOrEqual(2500);
  });
});
