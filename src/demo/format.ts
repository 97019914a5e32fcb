/**
 * Number formatting for the dashboard: fixed decimals, thousands separators, signed
 * values, prices at the precision their tick needs, durations in ns/µs/ms, and "–" for
 * anything missing — so every column lines up in tabular figures.
 */
export const DASH = "–";

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function int(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : grouped.format(Math.round(x));
}

export function fixed(x: number | null | undefined, digits: number): string {
  return x === null || x === undefined || !Number.isFinite(x) ? DASH : x.toFixed(digits);
}

/** With an explicit sign (a minus sign, not a hyphen). */
export function signed(x: number | null | undefined, digits: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const s = Math.abs(x).toFixed(digits);
  return Number(s) === 0 ? s : `${x > 0 ? "+" : "−"}${s}`;
}

/** Decimals a price needs: 2 above 1,000, more for smaller prices. */
export function priceDigits(price: number): number {
  return price >= 1000 ? 2 : price >= 10 ? 3 : price >= 1 ? 4 : 6;
}

export function price(x: number | null | undefined, digits?: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const d = digits ?? priceDigits(x);
  return x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** A duration in ns, scaled: 840ns, 4.6µs, 1.2ms. */
export function nanos(ns: number): string {
  if (!Number.isFinite(ns)) return DASH;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(1)}ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(1)}µs`;
  return `${Math.round(ns)}ns`;
}

/** Events per second as 1.23M/s, 456k/s, 789/s. */
export function rate(x: number): string {
  if (!Number.isFinite(x) || x <= 0) return DASH;
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M/s`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(0)}k/s`;
  return `${Math.round(x)}/s`;
}

/** ms since the epoch as HH:MM:SS.mmm UTC. */
export function clock(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(11, 23) : DASH;
}

export function bytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(0)} kB` : `${n} B`;
}

/** A duration in ms as 250ms, 2.5s, 30s, 2m, 5.8m. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return ms >= 60_000 ? `${(ms / 60_000).toFixed(ms % 60_000 === 0 ? 0 : 1)}m` : `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)}s`;
}
