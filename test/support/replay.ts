/**
 * A deliberately simple, independent replay of a Binance capture for tests: a Map-based
 * L2 book synced by Binance's documented procedure (buffer diffs until the snapshot,
 * drop u ≤ lastUpdateId, the first applied diff bridges lastUpdateId + 1, then
 * U == previous u + 1), with trades and best quotes passed through in order.
 * Slow and obvious on purpose: the engine's book is checked against it.
 */
import { isMalformed, readCapture } from "../../src/node/captureReader.js";

export type Event =
  | { kind: "trade"; price: number; qty: number; buyerInitiated: boolean; time: number }
  | { kind: "quote"; bidPx: number; bidQty: number; askPx: number; askQty: number; time: number }
  | { kind: "book"; bids: [number, number][]; asks: [number, number][]; time: number };

export class SimpleBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  lastUpdateId = -1;
  synced = false;
  gaps = 0;

  snapshot(msg: { lastUpdateId: number; bids: string[][]; asks: string[][] }): void {
    this.bids.clear();
    this.asks.clear();
    for (const [p, q] of msg.bids) if (Number(q) > 0) this.bids.set(Number(p), Number(q));
    for (const [p, q] of msg.asks) if (Number(q) > 0) this.asks.set(Number(p), Number(q));
    this.lastUpdateId = msg.lastUpdateId;
    this.synced = true;
  }

  /** Applies a diff if it continues the sequence; returns whether it was applied. */
  diff(d: { U: number; u: number; b: string[][]; a: string[][] }, first: boolean): boolean {
    if (d.u <= this.lastUpdateId) return false;
    const continues = first ? d.U <= this.lastUpdateId + 1 && this.lastUpdateId + 1 <= d.u : d.U === this.lastUpdateId + 1;
    if (!continues) {
      this.synced = false;
      this.gaps++;
      return false;
    }
    for (const [p, q] of d.b) Number(q) === 0 ? this.bids.delete(Number(p)) : this.bids.set(Number(p), Number(q));
    for (const [p, q] of d.a) Number(q) === 0 ? this.asks.delete(Number(p)) : this.asks.set(Number(p), Number(q));
    this.lastUpdateId = d.u;
    return true;
  }

  top(n: number): { bids: [number, number][]; asks: [number, number][] } {
    const bids = [...this.bids.entries()].sort((a, b) => b[0] - a[0]).slice(0, n);
    const asks = [...this.asks.entries()].sort((a, b) => a[0] - b[0]).slice(0, n);
    return { bids, asks };
  }
}

/** Replays a capture into events: trades, quotes, and the top `depth` levels after each applied diff. */
export async function captureEvents(file: string, depth: number): Promise<{ events: Event[]; book: SimpleBook }> {
  const book = new SimpleBook();
  const buffered: { U: number; u: number; b: string[][]; a: string[][]; E: number }[] = [];
  const events: Event[] = [];
  let first = true;
  for await (const line of readCapture([file])) {
    if (isMalformed(line)) continue;
    const msg = JSON.parse(line.json);
    if ("lastUpdateId" in msg) {
      book.snapshot(msg);
      for (const d of buffered.splice(0)) {
        if (book.diff(d, first)) first = false;
      }
      continue;
    }
    const d = msg.data;
    if (msg.stream.endsWith("@trade")) {
      events.push({ kind: "trade", price: Number(d.p), qty: Number(d.q), buyerInitiated: !d.m, time: d.T });
    } else if (msg.stream.endsWith("@bookTicker")) {
      events.push({ kind: "quote", bidPx: Number(d.b), bidQty: Number(d.B), askPx: Number(d.a), askQty: Number(d.A), time: line.localNs / 1e6 });
    } else if (d.e === "depthUpdate") {
      if (!book.synced && book.lastUpdateId < 0) {
        buffered.push(d);
        continue;
      }
      if (book.diff(d, first)) {
        first = false;
        events.push({ kind: "book", ...book.top(depth), time: d.E });
      }
    }
  }
  return { events, book };
}
