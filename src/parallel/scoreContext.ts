/**
 * What the book and the tape looked like when a score was computed: best bid and ask,
 * the top-5 book imbalance, and the symbol's traded buy and sell volume so far. A chart
 * of scores against the market (the replay report) needs these at each update; with a
 * worker-thread engine they can only be read inside the worker, at that moment.
 */
import type { SymbolView } from "../pipeline/engine.js";

export interface ScoreContext {
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
  readonly imbalance5: number | null;
  readonly buyVolume: number;
  readonly sellVolume: number;
}

/** The context of the symbol `view` shows, now. */
export function scoreContext(view: SymbolView): ScoreContext {
  const book = view.book(),
    trades = view.trades;
  return {
    bestBid: book.bestBid ?? null,
    bestAsk: book.bestAsk ?? null,
    imbalance5: book.imbalance5 ?? null,
    buyVolume: trades.buyVolume,
    sellVolume: trades.sellVolume,
  };
}
