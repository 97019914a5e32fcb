/**
 * What the engine achieves in this browser: events per second of replay work, per-event
 * latency percentiles from the engine's histograms (all symbols merged), decode time,
 * and the totals (events, rejected, books synced, sequence gaps). Browsers coarsen
 * performance.now() (Chromium: 5 µs steps when cross-origin isolated, 100 µs otherwise),
 * so a percentile below one timer step is shown as "< step", not as a false 1 ns.
 */
import { fixed, int, nanos, rate } from "./format.js";
import type { Frame, LatencyNs } from "./pageProtocol.js";

export class PerfPanel {
  private timerNs = 0;

  constructor(private readonly root: HTMLElement) {}

  setTimer(resolutionUs: number): void {
    this.timerNs = resolutionUs * 1000;
    this.root.querySelector("#timer-note")!.textContent = `timer step ${nanos(this.timerNs)}`;
  }

  setDecode(ms: number, events: number): void {
    this.field("decode").textContent = `${fixed(ms, 0)} ms · ${rate(events / (ms / 1000))}`;
  }

  update(frame: Frame): void {
    const l: LatencyNs = frame.latencyNs;
    const q = (ns: number): string => (frame.processed === 0 ? "–" : ns < this.timerNs ? `<${nanos(this.timerNs)}` : nanos(ns));
    this.root.querySelector("#perf-rate")!.textContent = rate(frame.eventsPerSec);
    this.root.querySelector("#perf-p50")!.textContent = q(l.p50);
    this.root.querySelector("#perf-p99")!.textContent = q(l.p99);
    this.root.querySelector("#perf-p999")!.textContent = q(l.p999);
    this.field("max").textContent = frame.processed === 0 ? "–" : nanos(l.max);
    let rejected = 0,
      synced = 0,
      gaps = 0;
    for (const s of frame.symbols) {
      rejected += s.events.rejected;
      if (s.book.synced) synced++;
      gaps += s.book.gaps;
    }
    this.field("events").textContent = frame.live ? int(frame.processed) : `${int(frame.processed)} / ${int(frame.total)}`;
    this.field("rejected").textContent = int(rejected);
    this.field("synced").textContent = `${synced} / ${frame.symbols.length}`;
    this.field("gaps").textContent = int(gaps);
    this.field("busy").textContent = `${fixed(frame.busyMs, 0)} ms`;
    this.field("wall").textContent = `${fixed(frame.wallMs / 1000, 1)} s`;
  }

  clear(): void {
    for (const el of this.root.querySelectorAll<HTMLElement>("#counts [data-f], .perf .mid")) el.textContent = "–";
  }

  private field(name: string): HTMLElement {
    return this.root.querySelector<HTMLElement>(`#counts [data-f="${name}"]`)!;
  }
}
