/**
 * The dashboard's engine, in its worker: a StreamingEngine whose score updates (and book
 * changes that gave none: while the analyzer warms up or the book waits for a snapshot,
 * the price already moves) are sampled into chart points per symbol, and whose state is
 * turned into the frames the page draws. The replay and the live session feed it the
 * same way, event by event. Sampling happens outside the engine's own latency timing.
 *
 * The chart's time axis: a replay draws on event time (the market's own clock); a live
 * session on the local receive time, which every live message has — the exchange's
 * clocks differ between the streams and the REST snapshot (a spot snapshot has none, so
 * its point would fall at the local time among exchange times: on a recording served
 * later, years apart), and on a live screen "now" is the browser's clock.
 */
import type { Kernels } from "../kernels/types.js";
import { eventTime, type MarketEvent } from "../feeds/events.js";
import { StreamingEngine, type ScoreUpdate } from "../pipeline/engine.js";
import { LatencyHistogram } from "../pipeline/latencyHistogram.js";
import { summarize, type SymbolSummary } from "../pipeline/summary.js";
import { SeriesCollector } from "./seriesCollector.js";
import type { LatencyNs, SymbolFrame } from "./pageProtocol.js";

export class ChartedEngine {
  private readonly engine: StreamingEngine;
  private readonly collectors = new Map<string, SeriesCollector>();
  /** Score updates of the event being processed, sampled once it is done. */
  private readonly scored: ScoreUpdate[] = [];

  constructor(
    kernels: Kernels,
    private readonly bucketMs: number,
    private readonly axis: "event" | "receive",
  ) {
    this.engine = new StreamingEngine(kernels, { onScore: (u) => this.scored.push(u) });
  }

  process(e: MarketEvent): void {
    this.engine.process(e);
    if (this.scored.length > 0) this.sample();
    else if (e.type === "depth" || e.type === "snapshot") this.sampleBook(e);
  }

  /** Every symbol's state and the chart points since the previous call, with all symbols' latencies merged. */
  symbolFrames(): { symbols: SymbolFrame[]; latencyNs: LatencyNs } {
    const all = new LatencyHistogram();
    const symbols: SymbolFrame[] = [];
    for (const symbol of this.engine.symbols) {
      const v = this.engine.symbolState(symbol)!;
      all.merge(v.latency);
      const t = v.trades;
      symbols.push({
        symbol,
        points: this.collector(symbol).take(),
        score: v.lastScore,
        scoreUpdates: v.scoreUpdates,
        book: v.book(),
        events: { ...v.events },
        buyVolume: t.buyVolume,
        sellVolume: t.sellVolume,
        latencyNs: quantiles(v.latency),
        rejections: [...v.rejections],
      });
    }
    return { symbols, latencyNs: quantiles(all) };
  }

  summary(busySeconds: number): Record<string, SymbolSummary> {
    return summarize(this.engine, busySeconds);
  }

  dispose(): void {
    this.engine.dispose();
  }

  private sample(): void {
    for (const u of this.scored) {
      const view = this.engine.symbolState(u.symbol)!;
      const t = view.trades;
      this.collector(u.symbol).add(this.axis === "receive" ? u.receiveTime : u.time, u, view.book(), t.buyVolume - t.sellVolume);
    }
    this.scored.length = 0;
  }

  /** A book event that gave no score (warming up, or buffered until a snapshot): the price still moves. */
  private sampleBook(e: MarketEvent): void {
    const view = this.engine.symbolState(e.symbol)!;
    const t = view.trades;
    this.collector(e.symbol).add(this.axis === "receive" ? e.receiveTime : eventTime(e), null, view.book(), t.buyVolume - t.sellVolume);
  }

  private collector(symbol: string): SeriesCollector {
    let c = this.collectors.get(symbol);
    if (!c) this.collectors.set(symbol, (c = new SeriesCollector(this.bucketMs)));
    return c;
  }
}

function quantiles(h: LatencyHistogram): LatencyNs {
  return { p50: h.quantile(0.5), p99: h.quantile(0.99), p999: h.quantile(0.999), max: Math.round(h.max) };
}
