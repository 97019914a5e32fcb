/**
 * Collects, per symbol, what the replay report charts: at every score update the mid,
 * score, confidence, top-5 book imbalance and cumulative volume delta, and a marker
 * wherever an actionable decision takes a side it did not have on the update before
 * (a buy or a sell a trader would have acted on; its urgency and score with it). At most
 * MAX_MARKERS markers a symbol are kept; the rest are counted.
 */
import type { ScoreUpdate } from "../pipeline/engine.js";
import type { ScoreContext } from "../parallel/scoreContext.js";
import type { DecisionMarker, SymbolSeries } from "./report.js";

const MAX_MARKERS = 2_000;

interface Collecting extends SymbolSeries {
  time: number[];
  mid: (number | null)[];
  score: number[];
  confidence: number[];
  imbalance: (number | null)[];
  volumeDelta: number[];
  markers: DecisionMarker[];
  markersDropped: number;
  actionableUpdates: number;
  /** The side of the previous update's actionable decision, null when it had none. */
  side: "buy" | "sell" | null;
}

export class SeriesCollector {
  readonly series = new Map<string, Collecting>();

  score(u: ScoreUpdate, ctx: ScoreContext): void {
    let s = this.series.get(u.symbol);
    if (!s) {
      s = {
        time: [],
        mid: [],
        score: [],
        confidence: [],
        imbalance: [],
        volumeDelta: [],
        markers: [],
        markersDropped: 0,
        actionableUpdates: 0,
        side: null,
      };
      this.series.set(u.symbol, s);
    }
    const t = u.time / 1000;
    const mid = ctx.bestBid !== null && ctx.bestAsk !== null ? (ctx.bestBid + ctx.bestAsk) / 2 : null;
    const n = s.time.length;
    // lightweight-charts needs strictly increasing times: a later update at the same time replaces the point
    const at = n > 0 && s.time[n - 1]! >= t ? n - 1 : n;
    s.time[at] = at === n - 1 ? s.time[n - 1]! : t;
    s.mid[at] = mid;
    s.score[at] = u.score;
    s.confidence[at] = u.confidence;
    s.imbalance[at] = ctx.imbalance5;
    s.volumeDelta[at] = ctx.buyVolume - ctx.sellVolume;
    if (u.actionable) s.actionableUpdates++;
    const side = u.actionable && u.decision && u.decision.side !== "none" ? u.decision.side : null;
    if (side !== null && side !== s.side) {
      if (s.markers.length < MAX_MARKERS) s.markers.push({ time: s.time[at]!, side, urgency: u.decision!.urgency, score: u.score });
      else s.markersDropped++;
    }
    s.side = side;
  }
}
