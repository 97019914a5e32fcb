/**
 * The book's tick grid (src/book/priceGrid.ts) on named references — the first levels of
 * the real BTCUSDT spot and ETHUSD_PERP COIN-M snapshots in data/ (tick 0.01), a 0.1
 * futures grid, prices of 8 decimals, prices off the grid, past 2^52 units, −0 and NaN —
 * and pinned to its AssemblyScript twin (assembly/book/priceGrid.ts): the expected values
 * here are the ones assembly/__tests__/priceGrid.spec.ts checks bit for bit, and a seeded
 * run of random grids (learn, tickOf, priceOf) hashes to the same constant in both files.
 */
import { describe, expect, test } from "vitest";
import { PriceGrid } from "../../src/book/priceGrid.js";
import { Fold, XorShift32 } from "../support/twinHash.js";

/** The hash of the seeded run; the same constant is in assembly/__tests__/priceGrid.spec.ts. */
const TWIN_HASH = 1706509480;

/** The seeded run: 3,000 snapshots of random grids (steps 1 to 25 units of 10^0 … 10^−8, origins up to 10^16 units), perturbed prices among them. */
function twinHash(): number {
  const steps = [1, 2, 5, 10, 25];
  const scales = [1, 1, 1000, 1e6, 1e8];
  const rng = new XorShift32(0x2545f491);
  const fold = new Fold();
  const g = new PriceGrid();
  const prices: number[] = [];
  const level = (origin: number, step: number, unit: number, t: number): number => {
    const p = (origin + t * step) / unit;
    const r = rng.next() & 7;
    // one level in eight is off the grid: a hair above it, or half a unit finer
    return r === 0 ? p * (1 + 2 ** -30) : r === 1 ? p + 0.5 / unit : p;
  };
  for (let n = 0; n < 3000; n++) {
    const d = rng.next() % 9;
    let unit = 1;
    for (let e = 0; e < d; e++) unit *= 10;
    const step = steps[rng.next() % 5]!;
    const origin = (10000 + (rng.next() % 100000000)) * scales[rng.next() % 5]!;
    const nb = rng.next() % 8,
      na = rng.next() % 8;
    const bids = new Float64Array(2 * nb),
      asks = new Float64Array(2 * na);
    prices.length = 0;
    for (let i = 0; i < nb; i++) {
      bids[2 * i] = level(origin, step, unit, -(rng.next() % 300));
      bids[2 * i + 1] = rng.next() % 4;
      prices.push(bids[2 * i]!);
    }
    for (let i = 0; i < na; i++) {
      asks[2 * i] = level(origin, step, unit, 1 + (rng.next() % 300));
      asks[2 * i + 1] = rng.next() % 4;
      prices.push(asks[2 * i]!);
    }
    g.learn(bids, asks);
    fold.add(g.tickSize);
    for (const p of prices) {
      fold.add(g.tickOf(p));
      fold.add(g.tickOf(p + g.tickSize / 2));
    }
    for (let k = 0; k < 4; k++) {
      const p = g.priceOf((rng.next() % 2001) - 1000);
      fold.add(p);
      fold.add(g.tickOf(p));
    }
    fold.add(g.tickOf(-0));
    fold.add(g.tickOf(Number.NaN));
  }
  return fold.h;
}

function learnt(bids: number[], asks: number[], grid = new PriceGrid()): PriceGrid {
  grid.learn(Float64Array.from(bids), Float64Array.from(asks));
  return grid;
}

/** The first six levels a side of data/binance-spot-btcusdt-2024-08-08.jsonl.gz's REST snapshot (lastUpdateId 50093239218). */
const BTCUSDT_BIDS = [61837.63, 3.78826, 61837.62, 0.617, 61837.24, 0.1061, 61836.01, 0.0157, 61836.0, 0.54369, 61835.99, 0.64666];
const BTCUSDT_ASKS = [61837.64, 1.54698, 61837.65, 0.00843, 61837.68, 0.00016, 61838.13, 0.00086, 61838.95, 0.00082, 61839.87, 0.32331];
/** The first six levels a side of data/binance-coinm-ethusd_perp-2024-08-08.jsonl.gz's REST snapshot (lastUpdateId 1007198635066; contracts). */
const ETHUSD_PERP_BIDS = [2682.17, 159, 2682.12, 63, 2682.07, 268, 2681.96, 1, 2681.9, 56, 2681.85, 1];
const ETHUSD_PERP_ASKS = [2682.18, 3793, 2682.19, 281, 2682.23, 449, 2682.45, 125, 2682.5, 57, 2682.54, 689];

describe("PriceGrid on named references", () => {
  test("a new grid knows no tick: tick size 0, every tickOf NaN", () => {
    const g = new PriceGrid();
    expect([g.tickSize, g.tickOf(1), g.tickOf(0), g.priceOf(5)]).toEqual([0, Number.NaN, Number.NaN, 0]);
  });

  test("BTCUSDT spot (tick 0.01 at ~61,800): ticks from the best bid, off-grid prices and prices past 2^52 units have none", () => {
    const g = learnt(BTCUSDT_BIDS, BTCUSDT_ASKS);
    expect(g.tickSize).toBe(0.01);
    const ticks = [61837.63, 61837.64, 61835.99, 61839.87, 61000.01, 0.01, 0, -61837.63, 45035996273704.25].map((p) => g.tickOf(p));
    expect(ticks, "units of 0.01 from the first bid, 61837.63").toEqual([
      0, 1, -164, 224, -83762, -6183762, -6183763, -12367526, 4503599621186662,
    ]);
    const off = [61837.635, 61000.00000001, 45035996273704.96, 4503599627370496, Number.NaN, Number.POSITIVE_INFINITY].map((p) =>
      g.tickOf(p),
    );
    expect(off, "half a tick, 8 decimals, 2^52 units and more, NaN, ∞: no tick").toEqual(Array(6).fill(Number.NaN));
    expect([0, 1, -1, -164, 224, -83763, 6183763].map((t) => g.priceOf(t))).toEqual([
      61837.63, 61837.64, 61837.62, 61835.99, 61839.87, 61000, 123675.26,
    ]);
  });

  test("ETHUSD_PERP COIN-M (tick 0.01 at ~2,682)", () => {
    const g = learnt(ETHUSD_PERP_BIDS, ETHUSD_PERP_ASKS);
    expect(g.tickSize).toBe(0.01);
    expect([2682.17, 2682.18, 2681.85, 2682.54, 2682.175, 2700, 0.3].map((p) => g.tickOf(p))).toEqual([
      0,
      1,
      -32,
      37,
      Number.NaN,
      1783,
      -268187,
    ]);
    expect([0, 1, 37, -32, 268217].map((t) => g.priceOf(t))).toEqual([2682.17, 2682.18, 2682.54, 2681.85, 5364.34]);
  });

  test("a 0.1 futures grid: 0.3 is on it, 0.1 + 0.2 (0.30000000000000004) is not", () => {
    const g = learnt([61000.1, 2, 61000, 1, 60999.5, 1], [61000.2, 1, 61001.3, 1]);
    expect(g.tickSize).toBe(0.1);
    expect([61000.1, 61000.2, 60999.5, 61000.15, 61000.12, 0.1, 0.3, 0.1 + 0.2].map((p) => g.tickOf(p))).toEqual([
      0,
      1,
      -6,
      Number.NaN,
      Number.NaN,
      -610000,
      -609998,
      Number.NaN,
    ]);
    expect([0, 1, -6, 13, -610001].map((t) => g.priceOf(t))).toEqual([61000.1, 61000.2, 60999.5, 61001.4, 0]);
  });

  test("prices of 8 decimals (tick 1e-8)", () => {
    const g = learnt([0.00012345, 10, 0.00012344, 5], [0.00012347, 3, 0.00012349, 1]);
    expect(g.tickSize).toBe(1e-8);
    expect([0.00012345, 0.00012347, 0.00012346, 0.000123455, 1.5, 0.00000001].map((p) => g.tickOf(p))).toEqual([
      0,
      2,
      1,
      Number.NaN,
      149987655,
      -12344,
    ]);
    expect([0, 1, 2, -12345].map((t) => g.priceOf(t))).toEqual([0.00012345, 0.00012346, 0.00012347, 0]);
  });

  test("snapshots without a usable level keep or clear the grid as they should; −0 and NaN", () => {
    const g = learnt([0.00012345, 10, 0.00012344, 5], []);
    learnt([], [], g);
    expect(g.tickSize, "an empty snapshot keeps the grid").toBe(1e-8);
    learnt([100, 0, 200, Number.NaN], [300, -1], g);
    expect(g.tickSize, "levels of quantity 0, NaN or < 0 are no levels").toBe(1e-8);
    learnt([Number.NaN, 1, 100, 1], [101, 1], g);
    expect(g.tickSize, "a NaN price is passed over").toBe(1);
    learnt([0.1 + 0.2, 1], [], g);
    expect([g.tickSize, g.tickOf(0.1 + 0.2)], "0.30000000000000004 has 17 decimals: no grid").toEqual([0, Number.NaN]);
    learnt([4503599627370497, 1], [], g);
    expect(g.tickSize, "2^52 + 1 units: no grid").toBe(0);
    learnt([450359962737049.6, 1, 450359962737049.5, 1], [], g);
    expect([g.tickSize, g.tickOf(450359962737049.5)], "the best price × 10 is 2^52 exactly: no decimal fits, no grid").toEqual([
      0,
      Number.NaN,
    ]);
    learnt([4503599627370495, 1, 4503599627370493, 1], [], g);
    expect([g.tickSize, g.tickOf(4503599627370495), g.tickOf(4503599627370494)], "just below 2^52: a step of 2").toEqual([
      2,
      0,
      Number.NaN,
    ]);
    learnt([-0, 1, 0.5, 1], [], g);
    expect([g.tickSize, g.tickOf(-0), g.tickOf(0), g.priceOf(0), g.priceOf(-0)], "origin −0, step 5 tenths").toEqual([0.5, 0, 0, 0, -0]);
    learnt([0, 1, 1, 1], [], g);
    expect(g.tickOf(-0), "origin +0 and step 1: −0 − 0 is −0").toBe(-0);
    learnt([1e-12, 1, 2e-12, 1], [], g);
    expect([g.tickSize, g.tickOf(3e-12)]).toEqual([1e-12, 2]);
    learnt([1e12, 1, 1e12 - 1, 1], [], g);
    expect([g.tickSize, g.tickOf(1e12 - 0.5)]).toEqual([1, Number.NaN]);
  });
});

describe("PriceGrid and its AssemblyScript twin", () => {
  test("the seeded run hashes to the constant the as-pect spec checks", () => {
    expect(twinHash(), "update TWIN_HASH here and in assembly/__tests__/priceGrid.spec.ts only for a deliberate change to both").toBe(
      TWIN_HASH,
    );
  });
});
