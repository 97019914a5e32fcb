/**
 * The time each symbol's events cover in a replay: the first and the last receive time
 * (ms since the epoch, the clock every capture line has — spot best quotes carry no
 * exchange time), so a trader sees which minutes a score summarizes. At most `limit`
 * symbols are tracked (the engine's own symbol limit): symbols past it are not.
 */
import type { EventBatch } from "../feeds/eventBatch.js";
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
    if (routable(e)) this.at(e.symbol, e.receiveTime);
  }

  /** Events `from` to `to` (excluded) of a decoded batch. */
  addBatch(batch: EventBatch, from: number, to: number): void {
    const c = batch.columnsNow();
    for (let k = from; k < to; k++) this.at(batch.symbolName(c.symbol[k]!), c.receiveTime[k]!);
  }

  private at(symbol: string, t: number): void {
    if (!Number.isFinite(t)) return;
    let span = symbol === this.lastSymbol ? this.lastSpan : this.spans.get(symbol);
    if (!span) {
      if (this.spans.size >= this.limit) return;
      span = { first: t, last: t };
      this.spans.set(symbol, span);
    }
    this.lastSymbol = symbol;
    this.lastSpan = span;
    if (t < span.first) span.first = t;
    if (t > span.last) span.last = t;
  }

  get(symbol: string): TimeSpan | null {
    return this.spans.get(symbol) ?? null;
  }
}
