/**
 * Order-flow imbalance (Cont, Kukanov & Stoikov 2014, "The price impact of order
 * book events", eq. 10) from consecutive best quotes:
 *   e[n] = 1{Pb[n] ≥ Pb[n−1]}·qb[n] − 1{Pb[n] ≤ Pb[n−1]}·qb[n−1]
 *        − 1{Pa[n] ≤ Pa[n−1]}·qa[n] + 1{Pa[n] ≥ Pa[n−1]}·qa[n−1]
 * The inequalities are non-strict: a queue change at an unchanged price counts.
 * Positive e is net buying pressure at the touch (bid queue grew or ask queue
 * shrank); its sum over a window is linearly related to the mid-price change.
 *
 * e[0] is NaN (no previous quote). The four terms are combined left to right,
 * ((t1 − t2) − t3) + t4, in every build and in the JS twin. The rolling sum is
 * accurate relative to Σ|e| over the window (its condition number's scale).
 */
import { checkResultScalar, finiteness } from "../common/check";
import { neumaierAdd, neumaierValue, neumaierSet, neumaierNeedsRebuild } from "../common/neumaier";

// @ts-ignore: decorator
@inline export function ofiStep(pb0: f64, qb0: f64, pa0: f64, qa0: f64, pb: f64, qb: f64, pa: f64, qa: f64): f64 {
  const t1 = pb >= pb0 ? qb : 0.0;
  const t2 = pb <= pb0 ? qb0 : 0.0;
  const t3 = pa <= pa0 ? qa : 0.0;
  const t4 = pa >= pa0 ? qa0 : 0.0;
  return ((t1 - t2) - t3) + t4;
}

// @ts-ignore: decorator
@inline function valid(x: f64): bool {
  return x >= 0 && x <= F64.MAX_VALUE;
}

/** Batch e[0..n) into `out`; returns the check value (common/check.ts) over all inputs. */
export function orderFlowImbalance(bidPx: usize, bidQty: usize, askPx: usize, askQty: usize, n: i32, out: usize): f64 {
  if (n <= 0) return 0;
  let signs: i64 = 0;
  let fin: f64 = 0;
  {
    const pb = load<f64>(bidPx), qb = load<f64>(bidQty), pa = load<f64>(askPx), qa = load<f64>(askQty);
    signs = reinterpret<i64>(pb) | reinterpret<i64>(qb) | reinterpret<i64>(pa) | reinterpret<i64>(qa);
    fin = finiteness((pb + qb) + (pa + qa));
  }
  store<f64>(out, NaN);
  let i: i32 = 1;
  if (ASC_FEATURE_SIMD) {
    let sg = i64x2.splat(0);
    let vfin = f64x2.splat(0);
    const zero = f64x2.splat(0);
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const pb = v128.load(bidPx + o), qb = v128.load(bidQty + o);
      const pa = v128.load(askPx + o), qa = v128.load(askQty + o);
      const pb0 = v128.load(bidPx + o - 8), qb0 = v128.load(bidQty + o - 8);
      const pa0 = v128.load(askPx + o - 8), qa0 = v128.load(askQty + o - 8);
      sg = v128.or(sg, v128.or(v128.or(pb, qb), v128.or(pa, qa)));
      const all = f64x2.add(f64x2.add(pb, qb), f64x2.add(pa, qa));
      vfin = f64x2.add(vfin, f64x2.sub(all, all));
      const t1 = v128.bitselect(qb, zero, f64x2.ge(pb, pb0));
      const t2 = v128.bitselect(qb0, zero, f64x2.le(pb, pb0));
      const t3 = v128.bitselect(qa, zero, f64x2.le(pa, pa0));
      const t4 = v128.bitselect(qa0, zero, f64x2.ge(pa, pa0));
      v128.store(out + o, f64x2.add(f64x2.sub(f64x2.sub(t1, t2), t3), t4));
    }
    signs |= i64x2.extract_lane(sg, 0) | i64x2.extract_lane(sg, 1);
    fin += f64x2.extract_lane(vfin, 0) + f64x2.extract_lane(vfin, 1);
  }
  for (; i < n; i++) {
    const o = <usize>i << 3;
    const pb = load<f64>(bidPx + o), qb = load<f64>(bidQty + o);
    const pa = load<f64>(askPx + o), qa = load<f64>(askQty + o);
    signs |= reinterpret<i64>(pb) | reinterpret<i64>(qb) | reinterpret<i64>(pa) | reinterpret<i64>(qa);
    fin += finiteness((pb + qb) + (pa + qa));
    store<f64>(out + o, ofiStep(load<f64>(bidPx + o - 8), load<f64>(bidQty + o - 8), load<f64>(askPx + o - 8), load<f64>(askQty + o - 8), pb, qb, pa, qa));
  }
  return checkResultScalar(signs, fin);
}

/**
 * Streaming OFI: each best quote yields e (against the previous quote) and the
 * rolling sum of the last `window` e values (pandas rolling(window).sum() of e,
 * NaN until `window` values exist, i.e. until window + 1 quotes).
 */
@unmanaged
export class OfiWindow {
  // Outputs, read by the JS side in this order.
  last: f64;
  sum: f64;
  count: f64;
  absSum: f64; // Σ|e| over the window (the sum's scale; NaN until full)
  pb: f64;
  qb: f64;
  pa: f64;
  qa: f64;
  acc: f64; // Neumaier sum, 4 × f64 (common/neumaier.ts)
  accC: f64;
  accOps: f64;
  accMass: f64;
  absAcc: f64; // Σ|e| over the window, the rolling sum's condition (4 × f64 too)
  absC: f64;
  absOps: f64;
  absMass: f64;
  quotes: f64;
  window: i32;
  n: i32;
  pos: i32;
  ring: usize;
}

// @ts-ignore: decorator
@inline function headerSize(): usize {
  return (offsetof<OfiWindow>() + 15) & ~15;
}

export function ofiWindowSize(window: i32): usize {
  return headerSize() + (<usize>window << 3);
}

export function ofiWindowInit(p: usize, window: i32): void {
  const s = changetype<OfiWindow>(p);
  s.window = window;
  s.ring = p + headerSize();
  ofiWindowReset(p);
}

export function ofiWindowReset(p: usize): void {
  const s = changetype<OfiWindow>(p);
  s.n = 0;
  s.pos = 0;
  s.quotes = 0;
  s.last = NaN;
  s.sum = NaN;
  s.absSum = NaN;
  s.count = 0;
  neumaierSet(p + offsetof<OfiWindow>("acc"), 0);
  neumaierSet(p + offsetof<OfiWindow>("absAcc"), 0);
}

/** Rebuilds both sums from the ring, oldest first. */
function rebuild(s: OfiWindow, acc: usize, absAcc: usize): void {
  const w = s.window;
  neumaierSet(acc, 0);
  neumaierSet(absAcc, 0);
  let idx = s.n == w ? s.pos : 0;
  for (let j: i32 = 0; j < s.n; j++) {
    const e = load<f64>(s.ring + (<usize>idx << 3));
    neumaierAdd(acc, e);
    neumaierAdd(absAcc, abs(e));
    if (++idx == w) idx = 0;
  }
}

/** Pushes one valid best quote; refreshes last e and the rolling sum. */
export function ofiWindowPush(p: usize, pb: f64, qb: f64, pa: f64, qa: f64): void {
  const s = changetype<OfiWindow>(p);
  const acc = p + offsetof<OfiWindow>("acc"), absAcc = p + offsetof<OfiWindow>("absAcc");
  if (s.quotes > 0) {
    const e = ofiStep(s.pb, s.qb, s.pa, s.qa, pb, qb, pa, qa);
    const w = s.window;
    const slot = s.ring + (<usize>s.pos << 3);
    if (s.n == w) {
      const old = load<f64>(slot);
      neumaierAdd(acc, -old);
      neumaierAdd(absAcc, -abs(old));
    } else {
      s.n++;
    }
    store<f64>(slot, e);
    neumaierAdd(acc, e);
    neumaierAdd(absAcc, abs(e));
    s.pos = s.pos + 1 == w ? 0 : s.pos + 1;
    // rebuild when either compensated sum's error budget says so; the signed sum is
    // judged against Σ|e| (its condition), so an exactly-zero sum is no reason
    // (a non-finite scale means an overflowing e is or was in the window: rebuild until it leaves)
    const scale = neumaierValue(absAcc);
    if (!(scale < Infinity) || neumaierNeedsRebuild(acc, scale) || neumaierNeedsRebuild(absAcc, scale)) rebuild(s, acc, absAcc);
    s.last = e;
    s.count = <f64>s.n;
    s.sum = s.n == w ? neumaierValue(acc) : NaN;
    s.absSum = s.n == w ? neumaierValue(absAcc) : NaN;
  }
  s.pb = pb;
  s.qb = qb;
  s.pa = pa;
  s.qa = qa;
  s.quotes += 1;
}

/**
 * Batch through the streaming window: e and its rolling sum for every quote (either
 * output may be 0 to skip it). Returns 0, or −1 at the first quote with a value that
 * is not finite and ≥ 0 (nothing from there on is pushed or written).
 */
export function ofiWindowBatch(p: usize, bidPx: usize, bidQty: usize, askPx: usize, askQty: usize, n: i32, outE: usize, outSum: usize): f64 {
  const s = changetype<OfiWindow>(p);
  for (let i: i32 = 0; i < n; i++) {
    const o = <usize>i << 3;
    const pb = load<f64>(bidPx + o), qb = load<f64>(bidQty + o);
    const pa = load<f64>(askPx + o), qa = load<f64>(askQty + o);
    if (!(valid(pb) && valid(qb) && valid(pa) && valid(qa))) return -1;
    ofiWindowPush(p, pb, qb, pa, qa);
    if (outE) store<f64>(outE + o, s.last);
    if (outSum) store<f64>(outSum + o, s.sum);
  }
  return 0;
}
