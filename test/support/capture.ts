/** Loads the bundled real captures (data/) into plain arrays for kernel tests. */
import { isMalformed, readCapture } from "../../src/node/captureReader.js";

export const BTCUSDT = new URL("../../data/binance-spot-btcusdt-2024-08-08.jsonl.gz", import.meta.url).pathname;
export const ETHUSDT = new URL("../../data/binance-spot-ethusdt-2024-08-08.jsonl.gz", import.meta.url).pathname;

export interface CaptureArrays {
  trades: { price: Float64Array; qty: Float64Array; buyer: Uint8Array; time: Float64Array };
  quotes: { bidPx: Float64Array; bidQty: Float64Array; askPx: Float64Array; askQty: Float64Array };
  snapshot: { bidPx: Float64Array; bidQty: Float64Array; askPx: Float64Array; askQty: Float64Array };
}

export async function loadCapture(file: string): Promise<CaptureArrays> {
  const tp: number[] = [], tq: number[] = [], tb: number[] = [], tt: number[] = [];
  const qbp: number[] = [], qbq: number[] = [], qap: number[] = [], qaq: number[] = [];
  let snap: { bids: string[][]; asks: string[][] } | undefined;
  for await (const line of readCapture([file])) {
    if (isMalformed(line)) throw new Error(`${line.file}:${line.lineNo}: ${line.reason}`);
    const msg = JSON.parse(line.json);
    if ("lastUpdateId" in msg) snap = msg;
    else if (msg.stream.endsWith("@trade")) {
      tp.push(Number(msg.data.p));
      tq.push(Number(msg.data.q));
      tb.push(msg.data.m ? 0 : 1); // m: the buyer was the maker, so the aggressor sold
      tt.push(msg.data.T);
    } else if (msg.stream.endsWith("@bookTicker")) {
      qbp.push(Number(msg.data.b));
      qbq.push(Number(msg.data.B));
      qap.push(Number(msg.data.a));
      qaq.push(Number(msg.data.A));
    }
  }
  if (!snap) throw new Error(`${file}: no depth snapshot`);
  const col = (rows: string[][], k: number): Float64Array => Float64Array.from(rows, (r) => Number(r[k]));
  return {
    trades: { price: Float64Array.from(tp), qty: Float64Array.from(tq), buyer: Uint8Array.from(tb), time: Float64Array.from(tt) },
    quotes: { bidPx: Float64Array.from(qbp), bidQty: Float64Array.from(qbq), askPx: Float64Array.from(qap), askQty: Float64Array.from(qaq) },
    snapshot: { bidPx: col(snap.bids, 0), bidQty: col(snap.bids, 1), askPx: col(snap.asks, 0), askQty: col(snap.asks, 1) },
  };
}
