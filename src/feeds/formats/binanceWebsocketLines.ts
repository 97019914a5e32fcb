/**
 * Raw Binance websocket messages, one a line, as most people record them (`wscat`, a
 * logging client): a combined-stream envelope `{"stream":…,"data":{…}}` or a bare
 * payload, and REST depth snapshots, with no receive time. The exchange's own time stands
 * in for the receive time (clock "exchange"): a trade's `T`, a depth diff's or futures
 * bookTicker's `E`. Spot bookTicker and the spot REST snapshot carry no time: they get the
 * greatest exchange time seen so far for their symbol (the stream's clock where they
 * arrived, never moving back when a trade's T trails a diff's E); one
 * before any timed message of its symbol has no time to stand at and is rejected
 * ("bad-timestamp"). Decoding is the capture parser's: the byte-level fast path, then
 * decodeBinanceMessage, the reference. Bounded: the latest times of at most MAX_SYMBOLS
 * symbols are kept (a time-less message of a symbol past them is rejected the same way).
 */
import { FeedDecodeError } from "../../errors.js";
import { decodeBinanceMessage } from "../binance.js";
import type { MarketEvent } from "../events.js";
import { FastDecoder } from "../fastDecoder.js";
import type { LineDecoder, LineSink } from "./lineDecoder.js";

const MAX_SYMBOLS = 4096;

export class BinanceWebsocketLines implements LineDecoder {
  readonly format = "binance-ws";
  readonly clock = "exchange";
  readonly expected = "lines of one Binance websocket message (JSON), combined-stream or bare";
  private readonly fast = new FastDecoder();
  private readonly utf8 = new TextDecoder("utf-8", { fatal: true });
  /** The greatest exchange time seen per symbol. */
  private readonly latest = new Map<string, number>();

  line(b: Uint8Array, start: number, end: number, sink: LineSink): void {
    let event = this.fast.decode(b, start, end, NaN);
    if (event === null) {
      let text: string;
      try {
        text = this.utf8.decode(b.subarray(start, end));
      } catch {
        throw new FeedDecodeError("not-json", "the line is not valid UTF-8", "UTF-8 JSON text");
      }
      event = decodeBinanceMessage(text, NaN, sink.snapshotSymbol);
    }
    sink.emit(this.timed(event));
  }

  finish(): void {}

  /** The event with its receive time: its exchange time, or its symbol's latest. */
  private timed(e: MarketEvent): MarketEvent {
    const t = e.exchangeTime;
    if (t === t) {
      const known = this.latest.get(e.symbol);
      if (known === undefined ? this.latest.size < MAX_SYMBOLS : t > known) this.latest.set(e.symbol, t);
      return { ...e, receiveTime: t };
    }
    const stand = this.latest.get(e.symbol);
    if (stand === undefined)
      throw new FeedDecodeError(
        "bad-timestamp",
        `a ${e.type} of ${e.symbol} with no exchange time before any timed message of ${e.symbol}`,
        "a trade or depth update of the symbol first, whose exchange time it takes",
      );
    return { ...e, receiveTime: stand };
  }
}
