/**
 * connectBinance for Node: the browser-safe connection (src/live/binanceConnection.ts)
 * with the `ws` package's WebSocket, frames bounded (boundedWebSocket.ts), as its default,
 * since Node 20 has no WebSocket built in. `ws` answers the server's pings itself, as
 * browsers do.
 */
import { connectBinance as connect, type BinanceConnection, type BinanceConnectionOptions } from "../live/binanceConnection.js";
import { BoundedWebSocket } from "./boundedWebSocket.js";

/** Opens a live Binance connection; `options.webSocket` defaults to the `ws` package's, frames bounded to 16 MiB. */
export function connectBinance(options: BinanceConnectionOptions): BinanceConnection {
  return connect({ ...options, webSocket: options.webSocket ?? BoundedWebSocket });
}
