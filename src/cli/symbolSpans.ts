/**
 * The time each symbol's events cover in a replay: the first and the last receive time
 * (ms since the epoch, the clock every capture line has — spot best quotes carry no
 * exchange time), so a trader sees which minutes a score summarizes. At most `limit`
 * symbols are tracked (the engine's own symbol limit): symbols past it are not.
 */
import type { MarketEvent } from "../feeds/events.js";
import { routable } from "../feeds/validate.js";

export interface TimeSpan {
  first: number;
  last: number;
}

export class SymbolSpans {
  private readonly spans = new Map<string, TimeSpan>();
  private lastSymbol = "";
  private lastSpan: TimeSpan | null = null;

  constructor(private readonly limit = 10_000) {}

  add(e: MarketEvent): void {
    if (!routable(e)) return;
    const t = e.receiveTime;
    if (!Number.isFinite(t)) return;
    let span = e.symbol === this.lastSymbol ? this.lastSpan : this.spans.get(e.symbol);
    if (!span) {
      if (this.spans.size >= this.limit) return;
      span = { first: t, last: t };
      this.spans.set(e.symbol, span);
    }
    this.lastSymbol = e.symbol;
    this.lastSpan = span;
    if (t < span.first) span.first = t;
    if (t > span.last) span.last = t;
  }

  get(symbol: string): TimeSpan | null {
    return this.spans.get(symbol) ?? null;
  }
}
