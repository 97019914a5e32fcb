/**
 * The tick grid of one instrument, learnt from a depth snapshot: exchanges quote prices as
 * decimals on a fixed tick (0.01 USDT for BTCUSDT, 0.1 on some futures), so the levels a
 * trader sees near the touch are consecutive ticks, and a book can index them by tick
 * number in an array instead of searching by price.
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

const MAX_DECIMALS = 22;
/** Integers in the unit stay below this, so that distinct ticks are distinct doubles (below 2^52 the spacing of k/10^e, 10^−e, exceeds half an ulp of it). */
const MAX_UNITS = 2 ** 52;

/** 10^0 … 10^22, built by exact multiplications (every one of them is a double). */
const POW10 = new Float64Array(MAX_DECIMALS + 1);
POW10[0] = 1;
for (let e = 1; e <= MAX_DECIMALS; e++) POW10[e] = POW10[e - 1]! * 10;

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** The fewest decimals (≤ maxDecimals) that write `price` exactly, −1 when none do. */
function decimalsOf(price: number, maxDecimals: number): number {
  for (let e = 0; e <= maxDecimals; e++) {
    const k = Math.round(price * POW10[e]!);
    if (!(k < MAX_UNITS)) return -1;
    if (k / POW10[e]! === price) return e;
  }
  return -1;
}

export class PriceGrid {
  /** 10^decimals. */
  private scale = 1;
  /** The integer (in the unit) of tick 0. */
  private origin = 0;
  /** Units per tick; 0 while no grid is known (no price has a tick). */
  private step = 0;
  /** 1 / step: a multiplication finds the tick (rounding absorbs its last-bit error; the product check below is exact). */
  private perUnit = NaN;

  /** The tick size as a price (0 while no grid is known). */
  get tickSize(): number {
    return this.step / this.scale;
  }

  /** The tick of an exact price; NaN when the price is not on the grid. */
  tickOf(price: number): number {
    const k = Math.round(price * this.scale);
    // the round trip through the decimal must give back the very bits of the price
    if (!(k < MAX_UNITS && k / this.scale === price)) return NaN;
    const d = k - this.origin;
    if (this.step === 1) return d;
    const t = Math.round(d * this.perUnit);
    // t·step and d are exact integers: equal only when d is a whole number of steps
    return t * this.step === d ? t : NaN;
  }

  /** The exact price of a tick (the double the exchange's decimal parses to). */
  priceOf(tick: number): number {
    return (this.origin + tick * this.step) / this.scale;
  }

  /** The grid's defining numbers, for a checkpoint (src/book/bookState.ts): 10^decimals, the origin, the step. */
  parts(): [scale: number, origin: number, step: number] {
    return [this.scale, this.origin, this.step];
  }

  /** Takes back the numbers `parts` gave (checked by the caller); the rest follows from them. */
  restore(scale: number, origin: number, step: number): void {
    this.scale = scale;
    this.origin = origin;
    this.step = step;
    this.perUnit = step > 0 ? 1 / step : NaN;
  }

  /**
   * Learns the grid from a snapshot's levels (flat [price, qty, …], prices > 0). A
   * snapshot with no level keeps the grid that was known.
   */
  learn(bids: Float64Array, asks: Float64Array): void {
    let best = NaN;
    for (let i = 0; i < bids.length; i += 2) if (bids[i + 1]! > 0 && !(bids[i]! <= best)) best = bids[i]!;
    if (best !== best) for (let i = 0; i < asks.length; i += 2) if (asks[i + 1]! > 0 && !(asks[i]! >= best)) best = asks[i]!;
    if (best !== best) return;
    let cap = 0;
    while (cap < MAX_DECIMALS && best * POW10[cap + 1]! < MAX_UNITS) cap++;
    const decimals = Math.max(this.finest(bids, cap), this.finest(asks, cap));
    this.step = 0;
    this.perUnit = NaN;
    if (decimals < 0) return;
    this.scale = POW10[decimals]!;
    this.origin = NaN;
    const g = this.spacing(asks, this.spacing(bids, 0));
    // a single price on the grid: the unit is the step; none (only at the edge of 2^52): no grid
    this.step = this.origin !== this.origin ? 0 : g > 0 ? g : 1;
    this.perUnit = this.step > 0 ? 1 / this.step : NaN;
  }

  /** The most decimals a level of `levels` needs (−1 when no level is on a decimal grid within `cap`). */
  private finest(levels: Float64Array, cap: number): number {
    let most = -1;
    for (let i = 0; i < levels.length; i += 2) if (levels[i + 1]! > 0) most = Math.max(most, decimalsOf(levels[i]!, cap));
    return most;
  }

  /** Folds the distances of the levels from the origin (the first level on the unit grid) into the gcd g. */
  private spacing(levels: Float64Array, g: number): number {
    for (let i = 0; i < levels.length; i += 2) {
      if (!(levels[i + 1]! > 0)) continue;
      const p = levels[i]!,
        k = Math.round(p * this.scale);
      if (!(k < MAX_UNITS && k / this.scale === p)) continue;
      if (this.origin !== this.origin) this.origin = k;
      else g = gcd(g, Math.abs(k - this.origin));
    }
    return g;
  }
}
