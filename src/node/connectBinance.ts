/**
 * connectBinance for Node: the browser-safe connection (src/live/binanceConnection.ts)
 * with the `ws` package's WebSocket as its default, since Node 20 has no WebSocket built
 * in. `ws` answers the server's pings itself, as browsers do. Its frames are bounded: a
 * Binance message is a few KB (a 0ms depth diff of a busy book some tens), so a frame over
 * MAX_FRAME_BYTES closes the connection (code 1009) and the client reconnects, instead of
 * `ws`'s default of 100 MiB held in memory.
 */
import WebSocket from "ws";
import { connectBinance as connect, type BinanceConnection, type BinanceConnectionOptions } from "../live/binanceConnection.js";

export const MAX_FRAME_BYTES = 16 << 20;

/** The `ws` WebSocket with frames bounded to MAX_FRAME_BYTES. */
export class BoundedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url, { maxPayload: MAX_FRAME_BYTES });
  }
}

/** Opens a live Binance connection; `options.webSocket` defaults to BoundedWebSocket. */
export function connectBinance(options: BinanceConnectionOptions): BinanceConnection {
  return connect({ ...options, webSocket: options.webSocket ?? BoundedWebSocket });
}
