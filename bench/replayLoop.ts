/**
 * Looping a capture for benchmarks: each pass shifts update ids and times so the next
 * pass is a valid continuation of the stream (it re-syncs on its own snapshot), and one
 * pass measures events/s and the engine's latency quantiles. Shared by the Node engine
 * benchmark and the browser one. Browser-safe.
 */
import type { MarketEvent, StreamingEngine } from "../src/index.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface PassResult {
  eventsPerSec: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** How far ids and times must move for the events to follow themselves. */
export function spans(events: readonly MarketEvent[]): { idSpan: number; timeSpan: number } {
  let lo = Infinity,
    hi = -Infinity,
    tlo = Infinity,
    thi = -Infinity;
  for (const e of events) {
    if (e.type === "depth" || e.type === "snapshot") {
      lo = Math.min(lo, e.type === "depth" ? e.firstUpdateId : e.lastUpdateId);
      hi = Math.max(hi, e.lastUpdateId);
    }
    tlo = Math.min(tlo, e.receiveTime, e.exchangeTime === e.exchangeTime ? e.exchangeTime : Infinity);
    thi = Math.max(thi, e.receiveTime, e.exchangeTime === e.exchangeTime ? e.exchangeTime : -Infinity);
  }
  return { idSpan: hi - lo + 1_000_000, timeSpan: Math.ceil(thi - tlo) + 60_000 };
}

/** Shifts ids and times by one pass, in place. */
export function shift(events: MarketEvent[], idSpan: number, timeSpan: number): void {
  for (const e of events as Mutable<MarketEvent>[]) {
    e.exchangeTime += timeSpan;
    e.receiveTime += timeSpan;
    if (e.type === "depth") {
      e.firstUpdateId += idSpan;
      e.lastUpdateId += idSpan;
      if (e.prevUpdateId === e.prevUpdateId) e.prevUpdateId += idSpan;
    } else if (e.type === "snapshot") e.lastUpdateId += idSpan;
  }
}

/** One pass of `events` through `engine`: events/s and the worst symbol's latency quantiles. */
export function pass(engine: StreamingEngine, events: readonly MarketEvent[]): PassResult {
  for (const s of engine.symbols) engine.symbolState(s)!.latency.reset();
  const t0 = performance.now();
  for (let i = 0; i < events.length; i++) engine.process(events[i]!);
  const seconds = (performance.now() - t0) / 1000;
  let p50 = 0,
    p99 = 0,
    p999 = 0,
    max = 0;
  for (const s of engine.symbols) {
    const h = engine.symbolState(s)!.latency;
    p50 = Math.max(p50, h.quantile(0.5));
    p99 = Math.max(p99, h.quantile(0.99));
    p999 = Math.max(p999, h.quantile(0.999));
    max = Math.max(max, h.max);
  }
  return { eventsPerSec: events.length / seconds, p50, p99, p999, max };
}
