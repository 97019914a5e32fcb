/**
 * Whether an event's exchange time is plausible against its receive time, judged by the
 * offset between the two clocks that this stream itself has shown.
 *
 * On a real feed exchange time − receive time is the clocks' skew minus the latency: on
 * the Binance captures +1.05 … +1.28 s, steady. An exchange time far ahead of that (a
 * trade dated in the year 33,658) or far behind it is not this stream's clock; accepted,
 * it would become the reference every later event is judged against (the previous trade
 * time, the recalculation interval) and block the symbol. So it is rejected on its own,
 * and the offset learnt from the stream does not move.
 *
 * The offset starts at the first event's and follows the stream: up at once (the
 * smallest latency seen so far wins), down slowly (a latency spike barely moves it). A
 * lone outlier is rejected; a consistent new offset — CONFIRM events in a row that
 * agree with each other but not with the old offset (the local clock was stepped, or
 * the first event was the outlier) — is adopted. Events with one clock only pass.
 */
import type { StateReader, StateWriter } from "../checkpoint/stateCodec.js";
import * as O from "../kernels/coreLayout.js";
export interface ClockLimits {
  /** How far an exchange time may run ahead of the receive clock plus the learnt offset, ms. Default 10,000. */
  readonly maxAheadMs?: number;
  /** How far it may lag behind, ms (a delayed feed is still data). Default 3,600,000. */
  readonly maxBehindMs?: number;
}

/** Disagreeing events in a row, agreeing with each other, that move the offset. */
const CONFIRM = 8;
/** How much of the way down toward a lower offset one event moves it. */
const DOWN = 1 / 1024;

export class ClockCheck {
  private offset = NaN;
  private candidate = NaN;
  private streak = 0;
  private readonly ahead: number;
  private readonly behind: number;

  constructor(limits: ClockLimits = {}) {
    this.ahead = limits.maxAheadMs ?? 10_000;
    this.behind = limits.maxBehindMs ?? 3_600_000;
  }

  /** The learnt exchange − receive offset, ms (NaN before the first event with both clocks). */
  get offsetMs(): number {
    return this.offset;
  }

  /** Whether (exchangeTime, receiveTime) agree with the stream's clocks; learns from the ones that do. */
  plausible(exchangeTime: number, receiveTime: number): boolean {
    const d = exchangeTime - receiveTime;
    if (d !== d) return true;
    const o = this.offset;
    if (o !== o) {
      this.offset = d;
      return true;
    }
    const dev = d - o;
    if (dev <= this.ahead && dev >= -this.behind) {
      this.offset = dev > 0 ? d : o + dev * DOWN;
      this.streak = 0;
      return true;
    }
    if (this.streak > 0 && Math.abs(d - this.candidate) <= this.ahead) {
      if (++this.streak >= CONFIRM) {
        this.offset = d;
        this.streak = 0;
        return true;
      }
    } else {
      this.candidate = d;
      this.streak = 1;
    }
    return false;
  }

  /** Puts this check into a run record (coreSpec.json's flowRun, RUN_CLOCK_*: a run of quotes and trades applies it as plausible() does). */
  toRun(rec: Float64Array): void {
    rec[O.RUN_CLOCK_OFFSET] = this.offset;
    rec[O.RUN_CLOCK_AHEAD] = this.ahead;
    rec[O.RUN_CLOCK_BEHIND] = this.behind;
    rec[O.RUN_CLOCK_STREAK] = this.streak;
  }

  /** Takes back what a run left: the offset and the streak (a run takes only events that agree, so the candidate stays). */
  fromRun(rec: Float64Array): void {
    this.offset = rec[O.RUN_CLOCK_OFFSET]!;
    this.streak = rec[O.RUN_CLOCK_STREAK]!;
  }

  /** Appends the learnt offset and the candidate for a new one (a checkpoint part, src/checkpoint/stateCodec.ts). */
  writeState(w: StateWriter): void {
    w.tag("CLCK");
    w.f64(this.ahead);
    w.f64(this.behind);
    w.f64(this.offset);
    w.f64(this.candidate);
    w.u32(this.streak);
  }

  /** Restores what writeState wrote into this check (same limits); a CheckpointError when the bytes do not fit. */
  readState(r: StateReader): void {
    r.tag("CLCK");
    const ahead = r.f64(),
      behind = r.f64();
    if (ahead !== this.ahead || behind !== this.behind)
      throw r.fail(`clock limits ${ahead}/${behind} ms where this engine has ${this.ahead}/${this.behind}`);
    const offset = r.f64(),
      candidate = r.f64();
    const streak = r.u32In("clock streak", 0, CONFIRM - 1);
    if (Math.abs(offset) === Infinity || Math.abs(candidate) === Infinity) throw r.fail("an infinite clock offset");
    this.offset = offset;
    this.candidate = candidate;
    this.streak = streak;
  }

  /** How far `exchangeTime` is from the receive clock plus the learnt offset, ms (for messages). */
  deviation(exchangeTime: number, receiveTime: number): number {
    return exchangeTime - receiveTime - this.offset;
  }
}
