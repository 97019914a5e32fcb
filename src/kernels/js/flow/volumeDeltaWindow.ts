/**
 * Streaming volume delta over the last N trades or the last span of time; plain-JS
 * twin of assembly/flow/volumeDeltaWindow.ts (same compensated sums, error budget,
 * exact rebuilds and capacity rule).
 */
import type { VolumeDeltaWindow } from "../../types.js";
import { CapacityExceededError, OutOfOrderError } from "../../../errors.js";
import { NeumaierSum } from "../common/neumaier.js";
import { checkTrade, requireFinite, requireLive, requireStateReader, requireStateWriter } from "../../validate.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { readVolumeWindow, writeVolumeWindow } from "../../state/volumeWindowState.js";

/** pushRaw's codes, as assembly/common/status.ts numbers them (0 is OK). */
const OUT_OF_ORDER = 3,
  CAPACITY_EXCEEDED = 4;

export class JsVolumeDeltaWindow implements VolumeDeltaWindow {
  /** The results, read unchecked by the owners of internal windows (see JsRollingStats.results). */
  readonly results = { buyVolume: 0, sellVolume: 0, delta: 0, imbalance: NaN, count: 0 };
  /** Time of the latest trade or clock move (−Infinity before any), read unchecked by the confluence core (its last trade's). */
  lastTime = -Infinity;
  private firstTime = -Infinity;
  private readonly buyAcc = new NeumaierSum();
  private readonly sellAcc = new NeumaierSum();
  private n = 0;
  private head = 0;
  private buys = 0;
  private sells = 0;
  private qty: Float64Array | null;
  private readonly time: Float64Array;
  private readonly side: Uint8Array;

  /** `span` is +Infinity for a count window (capacity = count). */
  constructor(
    readonly capacity: number,
    readonly span: number,
  ) {
    this.qty = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
    this.side = new Uint8Array(capacity);
  }

  get buyVolume(): number {
    requireLive(this.qty, "VolumeDeltaWindow");
    return this.results.buyVolume;
  }
  get sellVolume(): number {
    requireLive(this.qty, "VolumeDeltaWindow");
    return this.results.sellVolume;
  }
  get delta(): number {
    requireLive(this.qty, "VolumeDeltaWindow");
    return this.results.delta;
  }
  get imbalance(): number {
    requireLive(this.qty, "VolumeDeltaWindow");
    return this.results.imbalance;
  }
  get count(): number {
    requireLive(this.qty, "VolumeDeltaWindow");
    return this.results.count;
  }

  get isStable(): boolean {
    requireLive(this.qty, "VolumeDeltaWindow");
    return this.span === Infinity ? this.n === this.capacity : this.lastTime - this.firstTime >= this.span;
  }

  reset(): void {
    requireLive(this.qty, "VolumeDeltaWindow");
    this.n = 0;
    this.head = 0;
    this.buys = 0;
    this.sells = 0;
    this.lastTime = -Infinity;
    this.firstTime = -Infinity;
    this.buyAcc.set(0);
    this.sellAcc.set(0);
    this.publish();
  }

  dispose(): void {
    this.qty = null;
  }

  writeState(w: StateWriter): void {
    requireLive(this.qty, "VolumeDeltaWindow");
    requireStateWriter(w);
    const n = this.n,
      qty = new Float64Array(n),
      time = new Float64Array(n),
      side = new Uint8Array(n);
    for (let j = 0, idx = this.head; j < n; j++, idx = idx + 1 === this.capacity ? 0 : idx + 1) {
      qty[j] = this.qty[idx]!;
      time[j] = this.time[idx]!;
      side[j] = this.side[idx]!;
    }
    const { buyVolume: buy, sellVolume: sell, delta, imbalance } = this.results;
    writeVolumeWindow(w, this.capacity, this.span, {
      head: this.head,
      qty,
      time,
      side,
      lastTime: this.lastTime,
      firstTime: this.firstTime,
      buy,
      sell,
      delta,
      imbalance,
      buyAcc: this.buyAcc,
      sellAcc: this.sellAcc,
    });
  }

  readState(r: StateReader): void {
    requireLive(this.qty, "VolumeDeltaWindow");
    requireStateReader(r);
    const s = readVolumeWindow(r, this.capacity, this.span);
    const n = s.qty.length;
    this.head = s.head;
    this.n = n;
    this.buys = 0;
    for (let j = 0, idx = s.head; j < n; j++, idx = idx + 1 === this.capacity ? 0 : idx + 1) {
      this.qty[idx] = s.qty[j]!;
      this.time[idx] = s.time[j]!;
      this.side[idx] = s.side[j]!;
      this.buys += s.side[j]!;
    }
    this.sells = n - this.buys;
    this.lastTime = s.lastTime;
    this.firstTime = s.firstTime;
    Object.assign(this.buyAcc, s.buyAcc);
    Object.assign(this.sellAcc, s.sellAcc);
    Object.assign(this.results, { buyVolume: s.buy, sellVolume: s.sell, delta: s.delta, imbalance: s.imbalance, count: n });
  }

  private publish(): void {
    const buy = this.buyAcc.value,
      sell = this.sellAcc.value;
    this.results.buyVolume = buy;
    this.results.sellVolume = sell;
    this.results.delta = buy - sell;
    this.results.imbalance = (buy - sell) / (buy + sell);
    this.results.count = this.n;
  }

  /** Compensated sums replayed oldest first (mirror of the AssemblyScript rebuild). */
  private rebuild(): void {
    const qty = this.qty!,
      side = this.side;
    this.buyAcc.set(0);
    this.sellAcc.set(0);
    let idx = this.head;
    for (let j = 0; j < this.n; j++) {
      (side[idx] ? this.buyAcc : this.sellAcc).add(qty[idx]!);
      if (++idx === this.capacity) idx = 0;
    }
  }

  private evictOldest(): void {
    const idx = this.head;
    const q = this.qty![idx]!;
    if (this.side[idx]) {
      if (--this.buys === 0) this.buyAcc.set(0);
      else this.buyAcc.add(-q);
    } else {
      if (--this.sells === 0) this.sellAcc.set(0);
      else this.sellAcc.add(-q);
    }
    this.head = idx + 1 === this.capacity ? 0 : idx + 1;
    this.n--;
  }

  private expire(now: number): void {
    const cutoff = now - this.span;
    while (this.n > 0 && this.time[this.head]! <= cutoff) this.evictOldest();
  }

  push(qty: number, buyerInitiated: boolean, time: number): void {
    requireLive(this.qty, "VolumeDeltaWindow");
    checkTrade(qty, buyerInitiated, time);
    const code = this.pushRaw(qty, buyerInitiated, time);
    if (code === OUT_OF_ORDER) throw new OutOfOrderError("trade", time, this.lastTime);
    if (code === CAPACITY_EXCEEDED) throw new CapacityExceededError("VolumeDeltaWindow", this.capacity);
  }

  /**
   * push without the checks, for callers that validated the trade already (the confluence core),
   * twin of assembly's volumeWindowPush: a trade out of order or beyond a full time-span window
   * changes nothing and returns its code.
   */
  pushRaw(qty: number, buyerInitiated: boolean, time: number): number {
    if (time < this.lastTime) return OUT_OF_ORDER;
    this.expire(time);
    if (this.n === this.capacity) {
      if (this.span !== Infinity) return CAPACITY_EXCEEDED;
      this.evictOldest();
    }
    let idx = this.head + this.n;
    if (idx >= this.capacity) idx -= this.capacity;
    this.qty![idx] = qty;
    this.time[idx] = time;
    this.side[idx] = buyerInitiated ? 1 : 0;
    if (buyerInitiated) {
      this.buyAcc.add(qty);
      this.buys++;
    } else {
      this.sellAcc.add(qty);
      this.sells++;
    }
    this.n++;
    this.lastTime = time;
    if (this.firstTime === -Infinity) this.firstTime = time;
    if (this.buyAcc.needsRebuild(this.buyAcc.value) || this.sellAcc.needsRebuild(this.sellAcc.value)) this.rebuild();
    this.publish();
    return 0;
  }

  advance(time: number): void {
    requireLive(this.qty, "VolumeDeltaWindow");
    requireFinite("advance time", time);
    if (time < this.lastTime) throw new OutOfOrderError("clock", time, this.lastTime);
    this.expire(time);
    this.lastTime = time;
    if (this.firstTime === -Infinity) this.firstTime = time;
    if (this.buyAcc.needsRebuild(this.buyAcc.value) || this.sellAcc.needsRebuild(this.sellAcc.value)) this.rebuild();
    this.publish();
  }
}
