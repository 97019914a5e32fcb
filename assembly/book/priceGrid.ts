/**
 * The tick grid of one instrument, learnt from a depth snapshot: exchanges quote prices as
 * decimals on a fixed tick (0.01 USDT for BTCUSDT, 0.1 on some futures), so the levels a
 * trader sees near the touch are consecutive ticks, and a book can index them by tick
 * number in an array instead of searching by price.
 *
 * The twin of src/book/priceGrid.ts, operation for operation, with the same bits: only
 * correctly rounded operations (× ÷ − and the exact remainder), `Math.round` (AssemblyScript's
 * is ceil(x) − (ceil(x) − 0.5 > x), which rounds halves up towards +∞ and keeps −0 as
 * JavaScript's does, for every double) and comparisons.
 *
 * Tick t stands for the decimal (origin + t·step) · 10^−decimals, i.e. the double
 * (origin + t·step) / 10^decimals: integers below 2^52 and a power of ten up to 10^22 are
 * exact doubles, so that correctly rounded quotient is the double nearest the decimal —
 * exactly what parsing the exchange's price string gives. A price is on the grid only if
 * that round trip gives back its very bits; any other price (off the grid, too many
 * digits, too large for the unit) has no tick and the book stores it by its exact value
 * instead. So a stray price never changes the grid, and the grid never changes a price.
 *
 * Learning (from the snapshot's levels with a quantity > 0): the unit is the finest
 * decimal any price needs (10^−decimals, at most as fine as keeps the best price's
 * integer below 2^52), and the step is the greatest common divisor of the prices'
 * distances from one of them in that unit — the tick size, or a multiple of it that the
 * snapshot cannot tell apart.
 */
import { alloc } from "../memory";

const MAX_DECIMALS: i32 = 22;
/** Integers in the unit stay below this, so that distinct ticks are distinct doubles (below 2^52 the spacing of k/10^e, 10^−e, exceeds half an ulp of it). */
const MAX_UNITS: f64 = 4503599627370496; // 2^52

/** 10^0 … 10^22 in static memory, built by exact multiplications (every one of them is a double). */
const POW10: usize = memory.data((MAX_DECIMALS + 1) << 3);
store<f64>(POW10, 1);
for (let e: i32 = 1; e <= MAX_DECIMALS; e++) store<f64>(POW10 + (<usize>e << 3), load<f64>(POW10 + (<usize>(e - 1) << 3)) * 10);

/** 10^e for 0 ≤ e ≤ 22. */
// @ts-ignore: decorator
@inline function pow10(e: i32): f64 {
  return load<f64>(POW10 + (<usize>e << 3));
}

function gcd(a: f64, b: f64): f64 {
  while (b != 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** The fewest decimals (≤ maxDecimals) that write `price` exactly, −1 when none do. */
function decimalsOf(price: f64, maxDecimals: i32): i32 {
  for (let e: i32 = 0; e <= maxDecimals; e++) {
    const k = Math.round(price * pow10(e));
    if (!(k < MAX_UNITS)) return -1;
    if (k / pow10(e) == price) return e;
  }
  return -1;
}

@unmanaged
export class PriceGrid {
  /** 10^decimals. */
  private scale: f64;
  /** The integer (in the unit) of tick 0. */
  private origin: f64;
  /** Units per tick; 0 while no grid is known (no price has a tick). */
  private step: f64;
  /** 1 / step: a multiplication finds the tick (rounding absorbs its last-bit error; the product check below is exact). */
  private perUnit: f64;

  /** The tick size as a price (0 while no grid is known). */
  get tickSize(): f64 {
    return this.step / this.scale;
  }

  /** The tick of an exact price; NaN when the price is not on the grid. */
  tickOf(price: f64): f64 {
    const k = Math.round(price * this.scale);
    // the round trip through the decimal must give back the very bits of the price
    if (!(k < MAX_UNITS && k / this.scale == price)) return NaN;
    const d = k - this.origin;
    if (this.step == 1) return d;
    const t = Math.round(d * this.perUnit);
    // t·step and d are exact integers: equal only when d is a whole number of steps
    return t * this.step == d ? t : NaN;
  }

  /** The exact price of a tick (the double the exchange's decimal parses to). */
  priceOf(tick: f64): f64 {
    return (this.origin + tick * this.step) / this.scale;
  }

  /** The grid's defining numbers for a checkpoint: 0 10^decimals, 1 the origin, 2 the step. */
  part(i: i32): f64 {
    return i == 0 ? this.scale : i == 1 ? this.origin : this.step;
  }

  /** Takes back the numbers `part` gave (checked by the caller); the rest follows from them. */
  restore(scale: f64, origin: f64, step: f64): void {
    this.scale = scale;
    this.origin = origin;
    this.step = step;
    this.perUnit = step > 0 ? 1 / step : NaN;
  }

  /**
   * Learns the grid from a snapshot's levels: `nBids` and `nAsks` levels as flat
   * [price, qty, …] f64 at `bids` and `asks` (prices > 0). A snapshot with no level keeps
   * the grid that was known.
   */
  learn(bids: usize, nBids: i32, asks: usize, nAsks: i32): void {
    let best: f64 = NaN;
    for (let i: i32 = 0; i < nBids; i++) {
      const p = load<f64>(bids + (<usize>i << 4));
      if (load<f64>(bids + (<usize>i << 4), 8) > 0 && !(p <= best)) best = p;
    }
    if (best != best) {
      for (let i: i32 = 0; i < nAsks; i++) {
        const p = load<f64>(asks + (<usize>i << 4));
        if (load<f64>(asks + (<usize>i << 4), 8) > 0 && !(p >= best)) best = p;
      }
    }
    if (best != best) return;
    let cap: i32 = 0;
    while (cap < MAX_DECIMALS && best * pow10(cap + 1) < MAX_UNITS) cap++;
    const decimals = max(this.finest(bids, nBids, cap), this.finest(asks, nAsks, cap));
    this.step = 0;
    this.perUnit = NaN;
    if (decimals < 0) return;
    this.scale = pow10(decimals);
    this.origin = NaN;
    const g = this.spacing(asks, nAsks, this.spacing(bids, nBids, 0));
    // a single price on the grid: the unit is the step; none (only at the edge of 2^52): no grid
    this.step = this.origin != this.origin ? 0 : g > 0 ? g : 1;
    this.perUnit = this.step > 0 ? 1 / this.step : NaN;
  }

  /** The most decimals a level needs (−1 when no level is on a decimal grid within `cap`). */
  private finest(levels: usize, n: i32, cap: i32): i32 {
    let most: i32 = -1;
    for (let i: i32 = 0; i < n; i++) {
      const at = levels + (<usize>i << 4);
      if (load<f64>(at, 8) > 0) most = max(most, decimalsOf(load<f64>(at), cap));
    }
    return most;
  }

  /** Folds the distances of the levels from the origin (the first level on the unit grid) into the gcd g. */
  private spacing(levels: usize, n: i32, g: f64): f64 {
    for (let i: i32 = 0; i < n; i++) {
      const at = levels + (<usize>i << 4);
      if (!(load<f64>(at, 8) > 0)) continue;
      const p = load<f64>(at),
        k = Math.round(p * this.scale);
      if (!(k < MAX_UNITS && k / this.scale == p)) continue;
      if (this.origin != this.origin) this.origin = k;
      else g = gcd(g, Math.abs(k - this.origin));
    }
    return g;
  }
}

/** A grid that knows no tick yet (scale 1, no step): a zeroed header in the heap, as `new PriceGrid()` in JS. */
export function priceGridNew(): PriceGrid {
  const g = changetype<PriceGrid>(alloc(offsetof<PriceGrid>()));
  // the JS field initialisers (origin and step stay 0)
  g.scale = 1;
  g.perUnit = NaN;
  return g;
}

/** Releases a grid. */
export function priceGridFree(g: PriceGrid): void {
  heap.free(changetype<usize>(g));
}
