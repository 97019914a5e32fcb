/**
 * book/priceGrid.ts: the tick grid learnt from a depth snapshot, the twin of
 * src/book/priceGrid.ts. Every expected value below is what the JS grid gives for the same
 * input (test/book/priceGrid.test.ts checks the JS grid against the same values, and the
 * values were first copied from src/book/priceGrid.ts run under node); here they are checked
 * bit for bit. The references: the first levels of the real BTCUSDT spot and ETHUSD_PERP
 * COIN-M snapshots in data/ (tick 0.01), a 0.1 futures grid, 8-decimal prices, prices off
 * the grid and past 2^52 units, −0 and NaN. Then what the twins' bits rest on: Math.round
 * against JavaScript's on the doubles where a floor(x + 0.5) would differ, and the powers of
 * ten. Last, the seeded run of test/book/priceGrid.test.ts hashes to the same constant.
 */
import { PriceGrid, priceGridNew, priceGridFree } from "../book/priceGrid";
import { f64s, f64buf, at, put, bits, XorShift32, Fold } from "./helpers";

/**
 * The hash of the seeded run (twinHash below): 1706509480 is what the JS grid gives
 * (`npx vitest run test/book/priceGrid.test.ts`, where the same constant is checked).
 */
const TWIN_HASH: u32 = 1706509480;

/** 2^−30: a level "a hair above the grid" is p·(1 + 2^−30). */
const HAIR: f64 = 9.313225746154785e-10;

/** A level of the seeded run: tick t of the grid, one in eight off it (a hair above, or half a unit finer). */
function level(rng: XorShift32, origin: f64, step: f64, unit: f64, t: f64): f64 {
  const p = (origin + t * step) / unit;
  const r = rng.next() & 7;
  return r == 0 ? p * (1 + HAIR) : r == 1 ? p + 0.5 / unit : p;
}

/** The seeded run of test/book/priceGrid.test.ts, operation for operation. */
function twinHash(): u32 {
  const steps: f64[] = [1, 2, 5, 10, 25];
  const scales: f64[] = [1, 1, 1000, 1e6, 1e8];
  const rng = new XorShift32(0x2545f491);
  const fold = new Fold();
  const g = priceGridNew();
  const bids = f64buf(16), asks = f64buf(16), prices = f64buf(16);
  for (let n = 0; n < 3000; n++) {
    const d = rng.next() % 9;
    let unit: f64 = 1;
    for (let e: u32 = 0; e < d; e++) unit *= 10;
    const step = steps[rng.next() % 5];
    const origin = <f64>(10000 + rng.next() % 100000000) * scales[rng.next() % 5];
    const nb = <i32>(rng.next() % 8), na = <i32>(rng.next() % 8);
    let np = 0;
    for (let i = 0; i < nb; i++) {
      const t = -<f64>(rng.next() % 300);
      put(bids, 2 * i, level(rng, origin, step, unit, t));
      put(bids, 2 * i + 1, <f64>(rng.next() % 4));
      put(prices, np++, at(bids, 2 * i));
    }
    for (let i = 0; i < na; i++) {
      const t = <f64>(1 + rng.next() % 300);
      put(asks, 2 * i, level(rng, origin, step, unit, t));
      put(asks, 2 * i + 1, <f64>(rng.next() % 4));
      put(prices, np++, at(asks, 2 * i));
    }
    g.learn(bids, nb, asks, na);
    fold.add(g.tickSize);
    for (let i = 0; i < np; i++) {
      const p = at(prices, i);
      fold.add(g.tickOf(p));
      fold.add(g.tickOf(p + g.tickSize / 2));
    }
    for (let k = 0; k < 4; k++) {
      const p = g.priceOf(<f64>(rng.next() % 2001) - 1000);
      fold.add(p);
      fold.add(g.tickOf(p));
    }
    fold.add(g.tickOf(-0.0));
    fold.add(g.tickOf(NaN));
  }
  priceGridFree(g);
  return fold.h;
}

/** Learns flat [price, qty, …] lists (levels = length / 2). */
function learn(g: PriceGrid, b: f64[], a: f64[]): PriceGrid {
  g.learn(f64s(b), b.length >> 1, f64s(a), a.length >> 1);
  return g;
}

/** tickOf of each price, bit for bit against the JS grid's answers. */
function ticks(g: PriceGrid, prices: f64[], expected: f64[], what: string): void {
  for (let i = 0; i < prices.length; i++) bits(g.tickOf(prices[i]), expected[i], what + ": tickOf(" + prices[i].toString() + ")");
}

/** priceOf of each tick, bit for bit against the JS grid's answers. */
function priceOfs(g: PriceGrid, t: f64[], expected: f64[], what: string): void {
  for (let i = 0; i < t.length; i++) bits(g.priceOf(t[i]), expected[i], what + ": priceOf(" + t[i].toString() + ")");
}

/** The first six levels a side of data/binance-spot-btcusdt-2024-08-08.jsonl.gz's REST snapshot (lastUpdateId 50093239218). */
const BTCUSDT_BIDS: f64[] = [61837.63, 3.78826, 61837.62, 0.617, 61837.24, 0.1061, 61836.01, 0.0157, 61836.0, 0.54369, 61835.99, 0.64666];
const BTCUSDT_ASKS: f64[] = [61837.64, 1.54698, 61837.65, 0.00843, 61837.68, 0.00016, 61838.13, 0.00086, 61838.95, 0.00082, 61839.87, 0.32331];
/** The first six levels a side of data/binance-coinm-ethusd_perp-2024-08-08.jsonl.gz's REST snapshot (lastUpdateId 1007198635066; contracts). */
const ETHUSD_PERP_BIDS: f64[] = [2682.17, 159, 2682.12, 63, 2682.07, 268, 2681.96, 1, 2681.9, 56, 2681.85, 1];
const ETHUSD_PERP_ASKS: f64[] = [2682.18, 3793, 2682.19, 281, 2682.23, 449, 2682.45, 125, 2682.5, 57, 2682.54, 689];

describe("priceGrid: named references (the JS grid's answers)", () => {
  it("a new grid knows no tick: tick size 0, every tickOf NaN", () => {
    const g = priceGridNew();
    bits(g.tickSize, 0, "tickSize");
    ticks(g, [1, 0], [NaN, NaN], "new");
    bits(g.priceOf(5), 0, "priceOf (origin 0, step 0, scale 1)");
    priceGridFree(g);
  });

  it("BTCUSDT spot (tick 0.01 at ~61,800): ticks from the best bid; off-grid prices and prices past 2^52 units have none", () => {
    const g = learn(priceGridNew(), BTCUSDT_BIDS, BTCUSDT_ASKS);
    bits(g.tickSize, 0.01, "tickSize");
    ticks(
      g,
      [61837.63, 61837.64, 61835.99, 61839.87, 61000.01, 0.01, 0, -0.0, -61837.63, 45035996273704.25],
      [0, 1, -164, 224, -83762, -6183762, -6183763, -6183763, -12367526, 4503599621186662],
      "BTCUSDT: units of 0.01 from the first bid, 61837.63",
    );
    ticks(
      g,
      [61837.635, 61000.00000001, 45035996273704.96, 45035996273704.95, 4503599627370496, NaN, Infinity],
      [NaN, NaN, NaN, NaN, NaN, NaN, NaN],
      "BTCUSDT: half a tick, 8 decimals, 2^52 units and more, NaN, ∞",
    );
    priceOfs(
      g,
      [0, 1, -1, -164, 224, -83763, 6183763],
      [61837.63, 61837.64, 61837.62, 61835.99, 61839.87, 61000, 123675.26],
      "BTCUSDT",
    );
    priceGridFree(g);
  });

  it("ETHUSD_PERP COIN-M (tick 0.01 at ~2,682)", () => {
    const g = learn(priceGridNew(), ETHUSD_PERP_BIDS, ETHUSD_PERP_ASKS);
    bits(g.tickSize, 0.01, "tickSize");
    ticks(g, [2682.17, 2682.18, 2681.85, 2682.54, 2682.175, 2700, 0.3], [0, 1, -32, 37, NaN, 1783, -268187], "ETHUSD_PERP");
    priceOfs(g, [0, 1, 37, -32, 268217], [2682.17, 2682.18, 2682.54, 2681.85, 5364.34], "ETHUSD_PERP");
    priceGridFree(g);
  });

  it("a 0.1 futures grid: 0.3 is on it, 0.1 + 0.2 (0.30000000000000004) is not", () => {
    const g = learn(priceGridNew(), [61000.1, 2, 61000, 1, 60999.5, 1], [61000.2, 1, 61001.3, 1]);
    bits(g.tickSize, 0.1, "tickSize");
    ticks(
      g,
      [61000.1, 61000.2, 60999.5, 61000.15, 61000.12, 0.1, 0.3, 0.30000000000000004],
      [0, 1, -6, NaN, NaN, -610000, -609998, NaN],
      "0.1 grid",
    );
    priceOfs(g, [0, 1, -6, 13, -610001], [61000.1, 61000.2, 60999.5, 61001.4, 0], "0.1 grid");
    priceGridFree(g);
  });

  it("prices of 8 decimals (tick 1e-8)", () => {
    const g = learn(priceGridNew(), [0.00012345, 10, 0.00012344, 5], [0.00012347, 3, 0.00012349, 1]);
    bits(g.tickSize, 1e-8, "tickSize");
    ticks(g, [0.00012345, 0.00012347, 0.00012346, 0.000123455, 1.5, 0.00000001], [0, 2, 1, NaN, 149987655, -12344], "1e-8 grid");
    priceOfs(g, [0, 1, 2, -12345], [0.00012345, 0.00012346, 0.00012347, 0], "1e-8 grid");
    priceGridFree(g);
  });

  it("snapshots without a usable level keep or clear the grid as they should; −0 and NaN", () => {
    const g = learn(priceGridNew(), [0.00012345, 10, 0.00012344, 5], []);
    learn(g, [], []);
    bits(g.tickSize, 1e-8, "an empty snapshot keeps the grid");
    learn(g, [100, 0, 200, NaN], [300, -1]);
    bits(g.tickSize, 1e-8, "levels of quantity 0, NaN or < 0 are no levels");
    learn(g, [NaN, 1, 100, 1], [101, 1]);
    bits(g.tickSize, 1, "a NaN price is passed over");
    learn(g, [0.30000000000000004, 1], []);
    bits(g.tickSize, 0, "0.30000000000000004 has 17 decimals: no grid");
    bits(g.tickOf(0.30000000000000004), NaN, "no grid: no tick");
    learn(g, [4503599627370497, 1], []);
    bits(g.tickSize, 0, "2^52 + 1 units: no grid");
    learn(g, [450359962737049.6, 1, 450359962737049.5, 1], []);
    bits(g.tickSize, 0, "the best price × 10 is 2^52 exactly: no decimal fits, no grid");
    bits(g.tickOf(450359962737049.5), NaN, "no grid: 450359962737049.5 has no tick");
    learn(g, [4503599627370495, 1, 4503599627370493, 1], []);
    bits(g.tickSize, 2, "just below 2^52: a step of 2");
    ticks(g, [4503599627370495, 4503599627370494], [0, NaN], "step 2 below 2^52");
    learn(g, [-0.0, 1, 0.5, 1], []);
    bits(g.tickSize, 0.5, "origin −0, step 5 tenths");
    ticks(g, [-0.0, 0], [0, 0], "origin −0: −0 − −0 is +0");
    priceOfs(g, [0, -0.0], [0, -0.0], "origin −0");
    learn(g, [0, 1, 1, 1], []);
    bits(g.tickOf(-0.0), -0.0, "origin +0 and step 1: −0 − 0 is −0");
    learn(g, [1e-12, 1, 2e-12, 1], []);
    bits(g.tickSize, 1e-12, "1e-12 grid");
    bits(g.tickOf(3e-12), 2, "1e-12 grid");
    learn(g, [1e12, 1, 1e12 - 1, 1], []);
    bits(g.tickSize, 1, "1e12 grid");
    bits(g.tickOf(1e12 - 0.5), NaN, "1e12 grid: half a unit");
    priceGridFree(g);
  });
});

describe("priceGrid: what the bits rest on", () => {
  it("Math.round is JavaScript's: halves up towards +∞, −0 for [−0.5, −0], exact past 2^52", () => {
    // [x, Math.round(x) in JavaScript (node 20)]; floor(x + 0.5) gives 1 for 0.49999999999999994 and 2^52 for 2^52 − 0.5 + …
    const cases: f64[] = [
      -0.5, -0.0, -0.3, -0.0, 0.49999999999999994, 0, -0.49999999999999994, -0.0, 0.5, 1, -0.5000000000000001, -1,
      0.5000000000000001, 1, 1.5, 2, 2.5, 3, -1.5, -1, -2.5, -2, 4503599627370495.5, 4503599627370496,
      -4503599627370495.5, -4503599627370495, 4503599627370497, 4503599627370497, 9007199254740994, 9007199254740994,
      -0.0, -0.0, 0, 0, 5e-324, 0, -5e-324, -0.0, 1e300, 1e300, -1e-300, -0.0, Infinity, Infinity, -Infinity, -Infinity,
      NaN, NaN, 2251799813685247.5, 2251799813685248, -2251799813685247.5, -2251799813685247, 6183763.499999999, 6183763,
      6183763.5, 6183764,
    ];
    for (let i = 0; i < cases.length; i += 2) bits(Math.round(cases[i]), cases[i + 1], "Math.round(" + cases[i].toString() + ")");
  });

  it("the unit 10^d is the exact double 1e{d}, d = 0 … 22 (a single price of d decimals learns it)", () => {
    const exact: f64[] = [
      1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
      1e21, 1e22,
    ];
    const g = priceGridNew();
    for (let d = 0; d < exact.length; d++) {
      learn(g, [1 / exact[d], 1], []);
      // @ts-ignore: private, read to see the power of ten itself
      bits(g.scale, exact[d], "10^" + d.toString());
    }
    priceGridFree(g);
  });
});

describe("priceGrid: the JS twin", () => {
  it("the seeded run hashes to what the JS grid gives", () => {
    expect<u32>(twinHash()).toBe(TWIN_HASH, "same tick sizes, ticks and prices as src/book/priceGrid.ts on 3,000 random snapshots");
  });
});
