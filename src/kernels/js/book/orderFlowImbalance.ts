/**
 * Order-flow imbalance (Cont, Kukanov & Stoikov 2014), plain-JS twin of
 * assembly/book/orderFlowImbalance.ts — batch e[n], and the streaming window that
 * keeps the rolling sum of the last `window` e values.
 */
import type { OrderFlowWindow } from "../../types.js";
import { checkResult, finiteness, valid } from "../common/check.js";
import { NeumaierSum } from "../common/neumaier.js";
import { checkQuote, requireLive, requireStateReader, requireStateWriter } from "../../validate.js";
import type { StateReader, StateWriter } from "../../../checkpoint/stateCodec.js";
import { readOfiWindow, writeOfiWindow } from "../../state/ofiWindowState.js";

function ofiStep(pb0: number, qb0: number, pa0: number, qa0: number, pb: number, qb: number, pa: number, qa: number): number {
  const t1 = pb >= pb0 ? qb : 0;
  const t2 = pb <= pb0 ? qb0 : 0;
  const t3 = pa <= pa0 ? qa : 0;
  const t4 = pa >= pa0 ? qa0 : 0;
  return t1 - t2 - t3 + t4;
}

/** e[0..n) into `out` (e[0] = NaN); returns the check value over all inputs. */
export function orderFlowImbalance(
  bidPx: Float64Array,
  bidQty: Float64Array,
  askPx: Float64Array,
  askQty: Float64Array,
  n: number,
  out: Float64Array,
): number {
  if (n <= 0) return 0;
  let negative = false;
  let fin = 0;
  for (let i = 0; i < n; i++) {
    const pb = bidPx[i]!,
      qb = bidQty[i]!,
      pa = askPx[i]!,
      qa = askQty[i]!;
    if (pb < 0 || qb < 0 || pa < 0 || qa < 0) negative = true;
    fin += finiteness(pb + qb + (pa + qa));
    out[i] = i === 0 ? NaN : ofiStep(bidPx[i - 1]!, bidQty[i - 1]!, askPx[i - 1]!, askQty[i - 1]!, pb, qb, pa, qa);
  }
  return checkResult(negative, fin);
}

export class JsOrderFlowWindow implements OrderFlowWindow {
  /** The results, read unchecked by the owners of internal windows (see JsRollingStats.results). */
  readonly results = { last: NaN, sum: NaN, absSum: NaN, count: 0 };
  private pb = 0;
  private qb = 0;
  private pa = 0;
  private qa = 0;
  private readonly acc = new NeumaierSum();
  /** Σ|e| over the window: the scale the signed sum's error budget is judged against. */
  private readonly absAcc = new NeumaierSum();
  private quotes = 0;
  private n = 0;
  private pos = 0;
  private ring: Float64Array | null;

  constructor(readonly window: number) {
    this.ring = new Float64Array(window);
  }

  get last(): number {
    requireLive(this.ring, "OrderFlowWindow");
    return this.results.last;
  }
  get sum(): number {
    requireLive(this.ring, "OrderFlowWindow");
    return this.results.sum;
  }
  get absSum(): number {
    requireLive(this.ring, "OrderFlowWindow");
    return this.results.absSum;
  }
  get count(): number {
    requireLive(this.ring, "OrderFlowWindow");
    return this.results.count;
  }

  get isStable(): boolean {
    requireLive(this.ring, "OrderFlowWindow");
    return this.n === this.window;
  }

  reset(): void {
    requireLive(this.ring, "OrderFlowWindow");
    this.n = 0;
    this.pos = 0;
    this.quotes = 0;
    this.results.last = NaN;
    this.results.sum = NaN;
    this.results.absSum = NaN;
    this.results.count = 0;
    this.acc.set(0);
    this.absAcc.set(0);
  }

  private rebuild(): void {
    const ring = this.ring!,
      w = this.window;
    this.acc.set(0);
    this.absAcc.set(0);
    let idx = this.n === w ? this.pos : 0;
    for (let j = 0; j < this.n; j++) {
      const e = ring[idx]!;
      this.acc.add(e);
      this.absAcc.add(Math.abs(e));
      if (++idx === w) idx = 0;
    }
  }

  dispose(): void {
    this.ring = null;
  }

  writeState(w: StateWriter): void {
    requireLive(this.ring, "OrderFlowWindow");
    requireStateWriter(w);
    const { last, sum, absSum } = this.results;
    writeOfiWindow(w, this.window, {
      ring: this.ring.subarray(0, this.n),
      pos: this.pos,
      quotes: this.quotes,
      pb: this.pb,
      qb: this.qb,
      pa: this.pa,
      qa: this.qa,
      last,
      sum,
      absSum,
      acc: this.acc,
      absAcc: this.absAcc,
    });
  }

  readState(r: StateReader): void {
    requireLive(this.ring, "OrderFlowWindow");
    requireStateReader(r);
    const s = readOfiWindow(r, this.window);
    this.ring.set(s.ring);
    this.n = s.ring.length;
    this.pos = s.pos;
    this.quotes = s.quotes;
    this.pb = s.pb;
    this.qb = s.qb;
    this.pa = s.pa;
    this.qa = s.qa;
    Object.assign(this.acc, s.acc);
    Object.assign(this.absAcc, s.absAcc);
    Object.assign(this.results, { last: s.last, sum: s.sum, absSum: s.absSum, count: this.n });
  }

  /** Pushes one best quote (validated by the caller or by pushChecked). */
  pushRaw(pb: number, qb: number, pa: number, qa: number): void {
    const ring = this.ring!;
    if (this.quotes > 0) {
      const e = ofiStep(this.pb, this.qb, this.pa, this.qa, pb, qb, pa, qa);
      const w = this.window;
      if (this.n === w) {
        const old = ring[this.pos]!;
        this.acc.add(-old);
        this.absAcc.add(-Math.abs(old));
      } else {
        this.n++;
      }
      ring[this.pos] = e;
      this.acc.add(e);
      this.absAcc.add(Math.abs(e));
      this.pos = this.pos + 1 === w ? 0 : this.pos + 1;
      const scale = this.absAcc.value;
      if (!(scale < Infinity) || this.acc.needsRebuild(scale) || this.absAcc.needsRebuild(scale)) this.rebuild();
      this.results.last = e;
      this.results.count = this.n;
      this.results.sum = this.n === w ? this.acc.value : NaN;
      this.results.absSum = this.n === w ? this.absAcc.value : NaN;
    }
    this.pb = pb;
    this.qb = qb;
    this.pa = pa;
    this.qa = qa;
    this.quotes += 1;
  }

  push(bidPx: number, bidQty: number, askPx: number, askQty: number): void {
    requireLive(this.ring, "OrderFlowWindow");
    checkQuote(bidPx, bidQty, askPx, askQty);
    this.pushRaw(bidPx, bidQty, askPx, askQty);
  }
}

/**
 * Batch through `win` (reset by the caller): e and its rolling sum for every quote
 * (either output may be null). Returns 0, or −1 at the first quote with a value that is
 * not finite and ≥ 0 (nothing from there on is pushed or written).
 */
export function ofiWindowBatch(
  win: JsOrderFlowWindow,
  bidPx: Float64Array,
  bidQty: Float64Array,
  askPx: Float64Array,
  askQty: Float64Array,
  n: number,
  outE: Float64Array | null,
  outSum: Float64Array | null,
): number {
  for (let i = 0; i < n; i++) {
    const pb = bidPx[i]!,
      qb = bidQty[i]!,
      pa = askPx[i]!,
      qa = askQty[i]!;
    if (!(valid(pb) && valid(qb) && valid(pa) && valid(qa))) return -1;
    win.pushRaw(pb, qb, pa, qa);
    if (outE) outE[i] = win.results.last;
    if (outSum) outSum[i] = win.results.sum;
  }
  return 0;
}
