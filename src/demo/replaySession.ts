/**
 * One replay in the worker: decoded events through the dashboard's engine
 * (chartedEngine.ts: a StreamingEngine sampled into chart points), paced at event
 * time × 1 or × 10 or as fast as possible, in short slices so speed changes and pauses
 * take effect at once. After each slice it may send the page a frame — only when the
 * page has drawn the previous one (its ack) and at most every 16 ms, so updates follow
 * the page's animation frames however fast events go.
 */
import type { Kernels } from "../kernels/types.js";
import type { MarketEvent } from "../feeds/events.js";
import { ChartedEngine } from "./chartedEngine.js";
import type { Frame, FromWorker, Speed } from "./pageProtocol.js";

/** Longest stretch of work between two looks at the message queue, ms. */
const SLICE_MS = { paced: 8, max: 25 };
const FRAME_MS = 16;
/** Events between two looks at the clock inside a slice. */
const CLOCK_EVERY = 256;

export class ReplaySession {
  private readonly engine: ChartedEngine;
  private next = 0;
  private busyMs = 0;
  private readonly started = performance.now();
  private speed: Speed;
  private paused = false;
  /** Pacing anchor: this event time was due at this wall time. */
  private anchorEvent: number;
  private anchorWall = performance.now();
  private acked = true;
  private lastPost = -Infinity;
  private finished = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly yieldChannel = new MessageChannel();

  constructor(
    kernels: Kernels,
    private readonly events: readonly MarketEvent[],
    bucketMs: number,
    speed: Speed,
    private readonly post: (message: FromWorker) => void,
  ) {
    this.engine = new ChartedEngine(kernels, bucketMs, "event");
    this.speed = speed;
    this.anchorEvent = events[0]!.receiveTime;
    this.yieldChannel.port1.onmessage = () => this.step();
  }

  start(): void {
    this.schedule(0);
  }

  setSpeed(speed: Speed): void {
    this.reanchor();
    this.speed = speed;
    this.wake();
  }

  setPaused(paused: boolean): void {
    if (!paused) this.reanchor();
    this.paused = paused;
    this.wake();
  }

  ack(): void {
    this.acked = true;
    if (this.paused || this.finished) return;
    this.wake();
  }

  stop(): void {
    this.finished = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.yieldChannel.port1.close();
    this.engine.dispose();
  }

  /** Pacing restarts from the last event replayed, now. */
  private reanchor(): void {
    this.anchorEvent = this.next > 0 ? this.events[this.next - 1]!.receiveTime : this.events[0]!.receiveTime;
    this.anchorWall = performance.now();
  }

  private wake(): void {
    if (this.finished) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Runs the next slice after `ms` (0: right after pending messages, without the timer clamp). */
  private schedule(ms: number): void {
    if (ms <= 0) {
      this.timer = null;
      this.yieldChannel.port2.postMessage(null);
    } else {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.step();
      }, ms);
    }
  }

  private step(): void {
    if (this.finished || this.paused) return;
    const t0 = performance.now();
    const speed = this.speed === "max" ? Infinity : this.speed;
    const deadline = t0 + (speed === Infinity ? SLICE_MS.max : SLICE_MS.paced);
    const due = speed === Infinity ? Infinity : this.anchorEvent + (t0 - this.anchorWall) * speed;
    const events = this.events,
      engine = this.engine;
    let i = this.next;
    while (i < events.length) {
      const e = events[i]!;
      if (e.receiveTime > due) break;
      engine.process(e);
      i++;
      if ((i & (CLOCK_EVERY - 1)) === 0 && performance.now() > deadline) break;
    }
    this.next = i;
    const now = performance.now();
    this.busyMs += now - t0;
    if (i >= events.length) return this.finish();
    if (this.acked && now - this.lastPost >= FRAME_MS) {
      this.acked = false;
      this.lastPost = now;
      this.post({ type: "frame", frame: this.frame() });
    }
    if (events[i]!.receiveTime <= due) return this.schedule(0);
    // paced: sleep until the next event is due (capped, to keep frames flowing)
    this.schedule(Math.min((events[i]!.receiveTime - due) / speed, FRAME_MS));
  }

  private finish(): void {
    this.finished = true;
    const frame = this.frame();
    const summary = this.engine.summary(this.busyMs / 1000);
    this.post({ type: "done", frame, summary });
    this.yieldChannel.port1.close();
    this.engine.dispose();
  }

  private frame(): Frame {
    const last = this.events[Math.max(this.next - 1, 0)]!;
    return {
      ...this.engine.symbolFrames(),
      processed: this.next,
      total: this.events.length,
      eventTime: last.receiveTime,
      busyMs: this.busyMs,
      wallMs: performance.now() - this.started,
      eventsPerSec: this.busyMs > 0 ? Math.round(this.next / (this.busyMs / 1000)) : 0,
    };
  }
}
