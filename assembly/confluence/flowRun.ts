/**
 * The streaming engine's path for best quotes and trades (src/pipeline/engine.ts, `quote` and
 * `trade`) over a run of one symbol's events in a decoded batch (src/feeds/eventBatch.ts):
 * each event checked as the engine checks it — the validator's bounds, the clock check, the
 * duplicate filter, trade time order — and given to the confluence core, without a return to
 * JavaScript per event. The JS twin is src/kernels/js/confluence/flowRun.ts.
 *
 * A run takes only events the engine would take without a word: it stops before the first
 * event that is not a valid, plausible, new quote or trade of `symbol`, or a trade that would
 * trigger a recalculation, or after RUN_MAX events. That event is left untouched, and the
 * engine handles it on its own path (rejection messages, duplicates, recalculations and
 * timing stay there), so both paths give the same bits by construction.
 *
 * The engine's state of the symbol comes in and goes back in a record of RUN_SLOTS f64
 * (coreSpec.json, flowRun); the duplicate filters are the engine's RecentIds, untagged,
 * their ids in linear memory.
 */
import * as O from "../generated/coreLayout";
import { coreQuote, coreTrade } from "./core";
import { validId, validPrice, validQty, validTime } from "../feeds/levelBounds";

/** Event kinds of a batch (src/feeds/eventBatch.ts). */
const TRADE: u8 = 0,
  QUOTE: u8 = 1;
/** How much of the way down toward a lower offset one event moves the clock's (src/pipeline/clockCheck.ts). */
const DOWN: f64 = 1.0 / 1024;
/** src/book/recentIds.ts's slotOf: `id` mod `size` without a remainder of doubles. */
// @ts-ignore: decorator
@inline function slotOf(id: f64, size: i32): i32 {
  const n = <f64>size;
  return <i32>(id - Math.floor(id / n) * n);
}

/** Whether `id` (NaN: none) is new to the ids at `p` (`size` slots, src/book/recentIds.ts), remembered then. */
// @ts-ignore: decorator
@inline function remember(p: usize, size: i32, id: f64): bool {
  if (id != id) return true;
  const slot = slotOf(id, size);
  if (get(p, slot) == id) return false;
  set(p, slot, id);
  return true;
}

// @ts-ignore: decorator
@inline function get(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline function set(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/**
 * Takes events from `from` on (to `to` at most) as the engine would: the core at `core`, the
 * batch's columns at kinds (u8), symbols (i32), exchange and receive times, ids, a–d (f64),
 * the record at `rec`, the trade and quote ids at tIds/qIds (tSize/qSize slots). Returns the
 * index of the first event not taken.
 */
export function coreFlow(
  core: usize,
  kinds: usize,
  symbols: usize,
  xs: usize,
  rs: usize,
  ids: usize,
  as: usize,
  bs: usize,
  cs: usize,
  ds: usize,
  from: i32,
  to: i32,
  symbol: i32,
  rec: usize,
  tIds: usize,
  tSize: i32,
  qIds: usize,
  qSize: i32,
): i32 {
  // in f64: RUN_MAX may be any count below 2^53 (latencySample is); the result is at most `to`
  const last = <i32>min(<f64>to, <f64>from + get(rec, O.RUN_MAX));
  let offset = get(rec, O.RUN_CLOCK_OFFSET),
    streak = get(rec, O.RUN_CLOCK_STREAK);
  const ahead = get(rec, O.RUN_CLOCK_AHEAD),
    behind = get(rec, O.RUN_CLOCK_BEHIND);
  let lastTradeTime = get(rec, O.RUN_LAST_TRADE_TIME),
    outOfOrder = get(rec, O.RUN_OUT_OF_ORDER),
    buyVolume = get(rec, O.RUN_BUY_VOLUME),
    sellVolume = get(rec, O.RUN_SELL_VOLUME),
    analyzerTime = get(rec, O.RUN_ANALYZER_TIME);
  const lastRecalc = get(rec, O.RUN_LAST_RECALC),
    interval = get(rec, O.RUN_INTERVAL),
    synced = get(rec, O.RUN_SYNCED) == 1;
  let quotes = 0,
    trades = 0;
  let k = from;
  for (; k < last; k++) {
    if (load<i32>(symbols + (<usize>k << 2)) != symbol) break;
    const kind = load<u8>(kinds + <usize>k);
    if (kind != QUOTE && kind != TRADE) break;
    const x = get(xs, k),
      r = get(rs, k),
      id = get(ids, k),
      a = get(as, k),
      b = get(bs, k);
    // the validator's times: each present one in range, at least one
    if ((x == x && !validTime(x)) || (r == r && !validTime(r)) || (x != x && r != r)) break;
    if (id == id && !validId(id)) break;
    // the clock check's verdict, not yet applied: an implausible time goes to the engine
    let o = offset,
      s = streak;
    const d = x - r;
    if (d == d) {
      if (o != o) o = d;
      else {
        const dev = d - o;
        if (!(dev <= ahead && dev >= -behind)) break;
        o = dev > 0 ? d : o + dev * DOWN;
        s = 0;
      }
    }
    if (kind == QUOTE) {
      const c = get(cs, k),
        e = get(ds, k);
      if (!(validPrice(a) && validPrice(c) && validQty(b) && validQty(e) && a < c)) break;
      if (!remember(qIds, qSize, id)) break;
      offset = o;
      streak = s;
      quotes++;
      coreQuote(core, a, b, c, e);
    } else {
      if (!(validPrice(a) && validQty(b))) break;
      const time = x == x ? x : r;
      if (time < lastTradeTime) break;
      if (synced && time - lastRecalc >= interval) break;
      if (!remember(tIds, tSize, id)) break;
      offset = o;
      streak = s;
      trades++;
      outOfOrder = 0;
      lastTradeTime = time;
      const buyer = get(cs, k) == 1;
      if (buyer) buyVolume += b;
      else sellVolume += b;
      if (time > analyzerTime) analyzerTime = time;
      coreTrade(core, a, b, buyer ? 1 : 0, analyzerTime);
    }
  }
  set(rec, O.RUN_QUOTES, <f64>quotes);
  set(rec, O.RUN_TRADES, <f64>trades);
  set(rec, O.RUN_CLOCK_OFFSET, offset);
  set(rec, O.RUN_CLOCK_STREAK, streak);
  set(rec, O.RUN_LAST_TRADE_TIME, lastTradeTime);
  set(rec, O.RUN_OUT_OF_ORDER, outOfOrder);
  set(rec, O.RUN_BUY_VOLUME, buyVolume);
  set(rec, O.RUN_SELL_VOLUME, sellVolume);
  set(rec, O.RUN_ANALYZER_TIME, analyzerTime);
  return k;
}
