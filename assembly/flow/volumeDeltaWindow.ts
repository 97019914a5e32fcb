/**
 * Streaming volume delta over the most recent trades: either the last `count`
 * trades, or every trade in the last `span` of time (by trade timestamp: a trade at
 * t is inside while t > now − span). Same outputs as the batch kernel: buy and sell
 * volume of the aggressors, delta and imbalance (NaN with no volume).
 *
 * The ring holds each trade's quantity, side and timestamp. Buy and sell totals are
 * Neumaier-compensated sliding sums, rebuilt from the ring when their error budget
 * says so (see common/neumaier.ts) and reset to exactly 0 whenever a side has no trade left, so
 * they never drift. A time window
 * whose ring is full of trades still inside the span answers CAPACITY_EXCEEDED
 * instead of silently dropping one.
 */
import { neumaierAdd, neumaierValue, neumaierSet, neumaierNeedsRebuild } from "../common/neumaier";
import { OK, OUT_OF_ORDER, CAPACITY_EXCEEDED } from "../common/status";

@unmanaged
export class VolumeDeltaWindow {
  // Outputs, read by the JS side in this order.
  buy: f64;
  sell: f64;
  delta: f64;
  imbalance: f64;
  count: f64;
  lastTime: f64;
  firstTime: f64; // first push or advance since reset (−Infinity before)
  span: f64; // +Infinity for a count window
  buyAcc: f64; // Neumaier sums, 4 × f64 each (common/neumaier.ts)
  buyC: f64;
  buyOps: f64;
  buyMass: f64;
  sellAcc: f64;
  sellC: f64;
  sellOps: f64;
  sellMass: f64;
  capacity: i32;
  n: i32;
  head: i32;
  buys: i32;
  sells: i32;
  qtyRing: usize;
  timeRing: usize;
  sideRing: usize;
}

// @ts-ignore: decorator
@inline function headerSize(): usize {
  return (offsetof<VolumeDeltaWindow>() + 15) & ~15;
}

export function volumeWindowSize(capacity: i32): usize {
  return headerSize() + <usize>capacity * 17;
}

export function volumeWindowInit(p: usize, capacity: i32, span: f64): void {
  const s = changetype<VolumeDeltaWindow>(p);
  s.capacity = capacity;
  s.span = span;
  s.qtyRing = p + headerSize();
  s.timeRing = s.qtyRing + (<usize>capacity << 3);
  s.sideRing = s.timeRing + (<usize>capacity << 3);
  volumeWindowReset(p);
}

export function volumeWindowReset(p: usize): void {
  const s = changetype<VolumeDeltaWindow>(p);
  s.n = 0;
  s.head = 0;
  s.buys = 0;
  s.sells = 0;
  s.lastTime = -Infinity;
  s.firstTime = -Infinity;
  neumaierSet(p + offsetof<VolumeDeltaWindow>("buyAcc"), 0);
  neumaierSet(p + offsetof<VolumeDeltaWindow>("sellAcc"), 0);
  publish(p);
}

function publish(p: usize): void {
  const s = changetype<VolumeDeltaWindow>(p);
  const buy = neumaierValue(p + offsetof<VolumeDeltaWindow>("buyAcc"));
  const sell = neumaierValue(p + offsetof<VolumeDeltaWindow>("sellAcc"));
  s.buy = buy;
  s.sell = sell;
  s.delta = buy - sell;
  s.imbalance = (buy - sell) / (buy + sell);
  s.count = <f64>s.n;
}

/**
 * Rebuilds buy and sell from the ring: compensated sums replayed oldest first, so the
 * rebuilt totals carry their own residual and error budget (common/neumaier.ts).
 */
function rebuild(p: usize): void {
  const s = changetype<VolumeDeltaWindow>(p);
  const buyAcc = p + offsetof<VolumeDeltaWindow>("buyAcc"), sellAcc = p + offsetof<VolumeDeltaWindow>("sellAcc");
  neumaierSet(buyAcc, 0);
  neumaierSet(sellAcc, 0);
  let idx = s.head;
  for (let j: i32 = 0; j < s.n; j++) {
    const q = load<f64>(s.qtyRing + (<usize>idx << 3));
    neumaierAdd(load<u8>(s.sideRing + <usize>idx) ? buyAcc : sellAcc, q);
    if (++idx == s.capacity) idx = 0;
  }
}

function rebuildIfNeeded(p: usize): void {
  const buy = p + offsetof<VolumeDeltaWindow>("buyAcc"), sell = p + offsetof<VolumeDeltaWindow>("sellAcc");
  if (neumaierNeedsRebuild(buy, neumaierValue(buy)) || neumaierNeedsRebuild(sell, neumaierValue(sell))) rebuild(p);
}

function evictOldest(p: usize): void {
  const s = changetype<VolumeDeltaWindow>(p);
  const idx = s.head;
  const q = load<f64>(s.qtyRing + (<usize>idx << 3));
  if (load<u8>(s.sideRing + <usize>idx)) {
    if (--s.buys == 0) neumaierSet(p + offsetof<VolumeDeltaWindow>("buyAcc"), 0);
    else neumaierAdd(p + offsetof<VolumeDeltaWindow>("buyAcc"), -q);
  } else {
    if (--s.sells == 0) neumaierSet(p + offsetof<VolumeDeltaWindow>("sellAcc"), 0);
    else neumaierAdd(p + offsetof<VolumeDeltaWindow>("sellAcc"), -q);
  }
  s.head = idx + 1 == s.capacity ? 0 : idx + 1;
  s.n--;
}

/** Drops trades that have left the time span as of `now`. */
function expire(p: usize, now: f64): void {
  const s = changetype<VolumeDeltaWindow>(p);
  const cutoff = now - s.span;
  while (s.n > 0 && load<f64>(s.timeRing + (<usize>s.head << 3)) <= cutoff) evictOldest(p);
}

/**
 * Adds one valid trade (qty ≥ 0 finite, time finite). Returns OK, OUT_OF_ORDER
 * (time before the previous one; nothing changes) or CAPACITY_EXCEEDED (a time
 * window full of trades still inside the span; the trade is not added).
 */
export function volumeWindowPush(p: usize, qty: f64, buyer: i32, time: f64): i32 {
  const s = changetype<VolumeDeltaWindow>(p);
  if (time < s.lastTime) return OUT_OF_ORDER;
  expire(p, time);
  if (s.n == s.capacity) {
    if (s.span != Infinity) return CAPACITY_EXCEEDED;
    evictOldest(p);
  }
  let idx = s.head + s.n;
  if (idx >= s.capacity) idx -= s.capacity;
  store<f64>(s.qtyRing + (<usize>idx << 3), qty);
  store<f64>(s.timeRing + (<usize>idx << 3), time);
  store<u8>(s.sideRing + <usize>idx, buyer ? 1 : 0);
  if (buyer) {
    neumaierAdd(p + offsetof<VolumeDeltaWindow>("buyAcc"), qty);
    s.buys++;
  } else {
    neumaierAdd(p + offsetof<VolumeDeltaWindow>("sellAcc"), qty);
    s.sells++;
  }
  s.n++;
  s.lastTime = time;
  if (s.firstTime == -Infinity) s.firstTime = time;
  rebuildIfNeeded(p);
  publish(p);
  return OK;
}

/** Advances the clock without a trade (a time window forgets what has aged out). */
export function volumeWindowAdvance(p: usize, now: f64): i32 {
  const s = changetype<VolumeDeltaWindow>(p);
  if (now < s.lastTime) return OUT_OF_ORDER;
  expire(p, now);
  s.lastTime = now;
  if (s.firstTime == -Infinity) s.firstTime = now;
  rebuildIfNeeded(p);
  publish(p);
  return OK;
}
