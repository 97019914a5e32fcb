/**
 * The `ws` WebSocket with bounded frames, Node's default for the live connection: a Binance
 * message is a few KB (a 0ms depth diff of a busy book some tens), so a frame over
 * MAX_FRAME_BYTES closes the connection (1009 to the server) and the client reconnects,
 * instead of `ws`'s default of 100 MiB held in memory. A module of its own, imported by
 * connectBinance.ts only as a value: the package's declarations never name `ws`, whose
 * types a consumer need not have.
 */
import WebSocket from "ws";

export const MAX_FRAME_BYTES = 16 << 20;

export class BoundedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url, { maxPayload: MAX_FRAME_BYTES });
  }
}
