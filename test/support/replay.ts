/**
 * A deliberately simple, independent replay of a Binance capture for tests: a Map-based
 * L2 book synced by Binance's documented procedure (buffer diffs until the snapshot;
 * spot: drop u ≤ lastUpdateId, the first applied diff bridges lastUpdateId + 1, then
 * U == previous u + 1; futures, whose diffs carry pu: drop u < lastUpdateId, the first
 * applied diff has U ≤ lastUpdateId ≤ u, then pu == previous u), with trades and best
 * quotes passed through in order.
 * Slow and obvious on purpose: the engine's book is checked against it. Decoded by the
 * reference JSON.parse path (fastPath: false), independent of the byte-level fast path.
 */
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import type { DepthDiffEvent, DepthSnapshotEvent } from "../../src/feeds/events.js";

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

  snapshot(msg: DepthSnapshotEvent): void {
    this.bids.clear();
    this.asks.clear();
    for (let i = 0; i < msg.bids.length; i += 2) if (msg.bids[i + 1]! > 0) this.bids.set(msg.bids[i]!, msg.bids[i + 1]!);
    for (let i = 0; i < msg.asks.length; i += 2) if (msg.asks[i + 1]! > 0) this.asks.set(msg.asks[i]!, msg.asks[i + 1]!);
    this.lastUpdateId = msg.lastUpdateId;
    this.synced = true;
  }

  /** Applies a diff if it continues the sequence; returns whether it was applied. */
  diff(d: DepthDiffEvent, first: boolean): boolean {
    const futures = !Number.isNaN(d.prevUpdateId);
    const last = this.lastUpdateId;
    if (futures ? (first ? d.lastUpdateId < last : d.lastUpdateId <= last) : d.lastUpdateId <= last) return false;
    const continues = futures
      ? first
        ? d.firstUpdateId <= last && last <= d.lastUpdateId
        : d.prevUpdateId === last
      : first
        ? d.firstUpdateId <= last + 1 && last + 1 <= d.lastUpdateId
        : d.firstUpdateId === last + 1;
    if (!continues) {
      this.synced = false;
      this.gaps++;
      return false;
    }
    for (let i = 0; i < d.bids.length; i += 2)
      d.bids[i + 1] === 0 ? this.bids.delete(d.bids[i]!) : this.bids.set(d.bids[i]!, d.bids[i + 1]!);
    for (let i = 0; i < d.asks.length; i += 2)
      d.asks[i + 1] === 0 ? this.asks.delete(d.asks[i]!) : this.asks.set(d.asks[i]!, d.asks[i + 1]!);
    this.lastUpdateId = d.lastUpdateId;
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
  const buffered: DepthDiffEvent[] = [];
  const events: Event[] = [];
  let first = true;
  await replayCaptureFiles(
    [file],
    (e) => {
      if (e.type === "snapshot") {
        book.snapshot(e);
        for (const d of buffered.splice(0)) {
          if (book.diff(d, first)) first = false;
        }
      } else if (e.type === "trade") {
        events.push({ kind: "trade", price: e.price, qty: e.qty, buyerInitiated: e.buyerInitiated, time: e.exchangeTime });
      } else if (e.type === "quote") {
        events.push({ kind: "quote", bidPx: e.bidPx, bidQty: e.bidQty, askPx: e.askPx, askQty: e.askQty, time: e.receiveTime });
      } else if (!book.synced && book.lastUpdateId < 0) {
        buffered.push(e);
      } else if (book.diff(e, first)) {
        first = false;
        events.push({ kind: "book", ...book.top(depth), time: e.exchangeTime });
      }
    },
    { fastPath: false },
  );
  return { events, book };
}
