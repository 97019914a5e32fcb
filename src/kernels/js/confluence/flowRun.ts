/**
 * The JS twin of assembly/confluence/flowRun.ts, statement for statement: a run of one
 * symbol's best quotes and trades of a batch's columns, checked as the streaming engine
 * checks them and given to the core, stopping before the first event the engine must see on
 * its own path. The record's slots are coreSpec.json's flowRun (RUN_*).
 */
import * as O from "../../coreLayout.js";
import type { EventColumns } from "../../../feeds/eventBatch.js";
import type { CoreState } from "./coreState.js";
import { validId, validPrice, validQty, validTime } from "../../../feeds/validate.js";
import { slotOf } from "../../../book/recentIds.js";

/** Event kinds of a batch (src/feeds/eventBatch.ts). */
const TRADE = 0,
  QUOTE = 1;
/** src/pipeline/clockCheck.ts's DOWN (a layer above: the differential tests hold the two together). */
const DOWN = 1 / 1024;

/** Whether `id` (NaN: none) is new to `ids` (src/book/recentIds.ts's slots), remembered then. */
function remember(ids: Float64Array, id: number): boolean {
  if (id !== id) return true;
  const slot = slotOf(id, ids.length);
  if (ids[slot] === id) return false;
  ids[slot] = id;
  return true;
}

export type QuoteFn = (s: CoreState, pb: number, qb: number, pa: number, qa: number) => void;
export type TradeFn = (s: CoreState, price: number, qty: number, buyer: boolean, time: number) => void;

/** The run from `from` (to `to` at most) into core state `s`; the index of the first event not taken. */
export function flowRun(
  s: CoreState,
  quote: QuoteFn,
  trade: TradeFn,
  c: EventColumns,
  from: number,
  to: number,
  symbol: number,
  rec: Float64Array,
  tIds: Float64Array,
  qIds: Float64Array,
): number {
  const last = Math.min(to, from + rec[O.RUN_MAX]!);
  let offset = rec[O.RUN_CLOCK_OFFSET]!,
    streak = rec[O.RUN_CLOCK_STREAK]!;
  const ahead = rec[O.RUN_CLOCK_AHEAD]!,
    behind = rec[O.RUN_CLOCK_BEHIND]!;
  let lastTradeTime = rec[O.RUN_LAST_TRADE_TIME]!,
    outOfOrder = rec[O.RUN_OUT_OF_ORDER]!,
    buyVolume = rec[O.RUN_BUY_VOLUME]!,
    sellVolume = rec[O.RUN_SELL_VOLUME]!,
    analyzerTime = rec[O.RUN_ANALYZER_TIME]!;
  const lastRecalc = rec[O.RUN_LAST_RECALC]!,
    interval = rec[O.RUN_INTERVAL]!,
    synced = rec[O.RUN_SYNCED] === 1;
  let quotes = 0,
    trades = 0;
  let k = from;
  for (; k < last; k++) {
    if (c.symbol[k] !== symbol) break;
    const kind = c.kind[k];
    if (kind !== QUOTE && kind !== TRADE) break;
    const x = c.exchangeTime[k]!,
      r = c.receiveTime[k]!,
      id = c.id[k]!,
      a = c.a[k]!,
      b = c.b[k]!;
    if ((x === x && !validTime(x)) || (r === r && !validTime(r)) || (x !== x && r !== r)) break;
    if (id === id && !validId(id)) break;
    let o = offset,
      st = streak;
    const d = x - r;
    if (d === d) {
      if (o !== o) o = d;
      else {
        const dev = d - o;
        if (!(dev <= ahead && dev >= -behind)) break;
        o = dev > 0 ? d : o + dev * DOWN;
        st = 0;
      }
    }
    if (kind === QUOTE) {
      const cc = c.c[k]!,
        dd = c.d[k]!;
      if (!(validPrice(a) && validPrice(cc) && validQty(b) && validQty(dd) && a < cc)) break;
      if (!remember(qIds, id)) break;
      offset = o;
      streak = st;
      quotes++;
      quote(s, a, b, cc, dd);
    } else {
      if (!(validPrice(a) && validQty(b))) break;
      const time = x === x ? x : r;
      if (time < lastTradeTime) break;
      if (synced && time - lastRecalc >= interval) break;
      if (!remember(tIds, id)) break;
      offset = o;
      streak = st;
      trades++;
      outOfOrder = 0;
      lastTradeTime = time;
      const buyer = c.c[k] === 1;
      if (buyer) buyVolume += b;
      else sellVolume += b;
      if (time > analyzerTime) analyzerTime = time;
      trade(s, a, b, buyer, analyzerTime);
    }
  }
  rec[O.RUN_QUOTES] = quotes;
  rec[O.RUN_TRADES] = trades;
  rec[O.RUN_CLOCK_OFFSET] = offset;
  rec[O.RUN_CLOCK_STREAK] = streak;
  rec[O.RUN_LAST_TRADE_TIME] = lastTradeTime;
  rec[O.RUN_OUT_OF_ORDER] = outOfOrder;
  rec[O.RUN_BUY_VOLUME] = buyVolume;
  rec[O.RUN_SELL_VOLUME] = sellVolume;
  rec[O.RUN_ANALYZER_TIME] = analyzerTime;
  return k;
}
