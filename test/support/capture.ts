/** Loads the bundled real captures (data/) into plain arrays for kernel tests. */
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import type { DepthSnapshotEvent } from "../../src/feeds/events.js";

export const BTCUSDT = new URL("../../data/binance-spot-btcusdt-2024-08-08.jsonl.gz", import.meta.url).pathname;
export const ETHUSDT = new URL("../../data/binance-spot-ethusdt-2024-08-08.jsonl.gz", import.meta.url).pathname;
/** USD-M perpetual futures (depth diffs chained by `pu`). */
export const USDM_ETHUSDT = new URL("../../data/binance-usdm-ethusdt-2024-08-08.jsonl.gz", import.meta.url).pathname;
/** COIN-M perpetual futures (quantities in contracts). */
export const COINM_ETHUSD = new URL("../../data/binance-coinm-ethusd_perp-2024-08-08.jsonl.gz", import.meta.url).pathname;

export interface CaptureArrays {
  trades: { price: Float64Array; qty: Float64Array; buyer: Uint8Array; time: Float64Array };
  quotes: { bidPx: Float64Array; bidQty: Float64Array; askPx: Float64Array; askQty: Float64Array };
  snapshot: { bidPx: Float64Array; bidQty: Float64Array; askPx: Float64Array; askQty: Float64Array };
}

export async function loadCapture(file: string): Promise<CaptureArrays> {
  const tp: number[] = [],
    tq: number[] = [],
    tb: number[] = [],
    tt: number[] = [];
  const qbp: number[] = [],
    qbq: number[] = [],
    qap: number[] = [],
    qaq: number[] = [];
  let snap = undefined as DepthSnapshotEvent | undefined;
  const stats = await replayCaptureFiles([file], (e) => {
    if (e.type === "snapshot") snap = e;
    else if (e.type === "trade") {
      tp.push(e.price);
      tq.push(e.qty);
      tb.push(e.buyerInitiated ? 1 : 0);
      tt.push(e.exchangeTime);
    } else if (e.type === "quote") {
      qbp.push(e.bidPx);
      qbq.push(e.bidQty);
      qap.push(e.askPx);
      qaq.push(e.askQty);
    }
  });
  const bad = stats.rejections[0];
  if (bad) throw new Error(`${bad.file}:${bad.line}: ${bad.message}`);
  if (!snap) throw new Error(`${file}: no depth snapshot`);
  const col = (levels: Float64Array, k: number): Float64Array => levels.filter((_, i) => i % 2 === k);
  return {
    trades: { price: Float64Array.from(tp), qty: Float64Array.from(tq), buyer: Uint8Array.from(tb), time: Float64Array.from(tt) },
    quotes: {
      bidPx: Float64Array.from(qbp),
      bidQty: Float64Array.from(qbq),
      askPx: Float64Array.from(qap),
      askQty: Float64Array.from(qaq),
    },
    snapshot: { bidPx: col(snap.bids, 0), bidQty: col(snap.bids, 1), askPx: col(snap.asks, 0), askQty: col(snap.asks, 1) },
  };
}
