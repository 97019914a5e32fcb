/**
 * One live session in the dashboard's worker: connectBinance (the worker's own WebSocket
 * and fetch) feeds every event, as it arrives, to the same engine the replay runs
 * (chartedEngine.ts), so the page shows a live market exactly as it shows a capture.
 * Frames go to the page at most every 16 ms and only once it has drawn the previous
 * one; each carries the connection's state (connecting, open, reconnecting; per-symbol
 * sync, gaps and resyncs; the server-time offset; garbage counted by reason) and the
 * last trouble it reported. With recording on, what arrives is kept as capture lines
 * (src/live/captureLine.ts, what `confluence live --record` writes), bounded, so the
 * session can be saved and replayed to the same scores.
 *
 * Why the connection lives in the worker, not on the page: every message is decoded and
 * scored where it arrives, off the page's thread, so a burst of the market never delays
 * drawing or input, and a long frame on the page never delays a message's receive
 * timestamp (the latency and the recording stay honest). Timers in a dedicated worker
 * are not throttled like a background tab's page timers, so reconnect backoff and the
 * stale-connection timer keep their meaning when the tab is hidden.
 */
import type { Kernels } from "../kernels/types.js";
import type { MarketEvent } from "../feeds/events.js";
import { connectBinance, type BinanceConnection, type ConnectionStatus, type RawMessage } from "../live/binanceConnection.js";
import { captureLine } from "../live/captureLine.js";
import { ChartedEngine } from "./chartedEngine.js";
import type { Frame, FromWorker, LinkState, LiveFrame, LiveSource } from "./pageProtocol.js";

const FRAME_MS = 16;
/** One chart point per second of local receive time: a day is 86,400 points a series (the chart keeps the latest). */
export const LIVE_BUCKET_MS = 1000;
/** The recording holds at most this many characters of capture lines (~128 MB in the browser); later messages are counted, not kept. */
const MAX_RECORD_CHARS = 64 * 2 ** 20;

export class LiveSession {
  private readonly engine: ChartedEngine;
  private connection: BinanceConnection | null = null;
  private url = "";
  private state: LinkState = "connecting";
  private lastIssue: LiveFrame["lastIssue"] = null;
  private processed = 0;
  private busyMs = 0;
  private lastReceiveTime = NaN;
  private readonly started = performance.now();
  private acked = true;
  private dirty = true;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private finished = false;
  private readonly recording: string[] | null;
  private recordChars = 0;
  private recordDropped = 0;

  constructor(
    kernels: Kernels,
    private readonly source: LiveSource,
    private readonly post: (message: FromWorker) => void,
  ) {
    this.engine = new ChartedEngine(kernels, LIVE_BUCKET_MS, "receive");
    this.recording = source.record ? [] : null;
  }

  /** Opens the connection; throws connectBinance's typed error for bad symbols, market or endpoints. */
  start(): string {
    this.connection = connectBinance({
      symbols: this.source.symbols,
      market: this.source.market,
      ...(this.source.endpoint !== undefined && { endpoint: this.source.endpoint }),
      ...(this.source.restEndpoint !== undefined && { restEndpoint: this.source.restEndpoint }),
      // connectBinance calls its fetch as a method, and a browser's fetch called on another `this` throws "Illegal invocation"
      fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
      onEvent: (e, raw) => this.onEvent(e, raw),
      onStatus: (s) => this.onStatus(s),
    });
    this.ticker = setInterval(() => this.tick(), FRAME_MS);
    return this.url;
  }

  ack(): void {
    this.acked = true;
  }

  /** Closes the connection and sends the final frame, the summary and the recording. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    await this.connection?.close();
    this.state = "closed";
    this.post({
      type: "done",
      frame: this.frame(),
      summary: this.engine.summary(this.busyMs / 1000),
      ...(this.recording && { recording: this.recording.length > 0 ? `${this.recording.join("\n")}\n` : "" }),
    });
    this.engine.dispose();
  }

  /** Stops without a final message (a new session, or a failure). */
  stop(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.ticker !== null) clearInterval(this.ticker);
    const closing = this.connection?.close() ?? Promise.resolve();
    void closing.finally(() => this.engine.dispose());
  }

  private onEvent(e: MarketEvent, raw: RawMessage): void {
    if (this.finished) return;
    const t0 = performance.now();
    this.engine.process(e);
    this.processed++;
    this.lastReceiveTime = e.receiveTime;
    this.busyMs += performance.now() - t0;
    this.dirty = true;
    if (this.recording === null) return;
    const line = captureLine(raw);
    if (this.recordChars + line.length + 1 > MAX_RECORD_CHARS) {
      this.recordDropped++;
      return;
    }
    this.recording.push(line);
    this.recordChars += line.length + 1;
  }

  private onStatus(s: ConnectionStatus): void {
    this.dirty = true;
    switch (s.type) {
      case "connecting":
        if (!s.planned) this.state = "connecting";
        this.url = s.url;
        break;
      case "open":
        if (!s.planned) this.state = "open";
        break;
      case "reconnecting":
        this.state = "reconnecting";
        this.issue(`reconnecting in ${Math.round(s.delayMs)} ms: ${s.reason}`);
        break;
      case "closed":
        this.state = "closed";
        break;
      case "sync":
        if (!s.synced) this.issue(`${s.symbol}: ${s.reason}`);
        break;
      case "error":
        this.issue(s.message);
        break;
      case "switched":
      case "serverTime":
        // counted in the connection's stats, which every frame carries
        break;
    }
  }

  private issue(message: string): void {
    this.lastIssue = { time: Date.now(), message };
  }

  private tick(): void {
    if (this.finished || !this.acked || !this.dirty) return;
    this.acked = false;
    this.dirty = false;
    this.post({ type: "frame", frame: this.frame() });
  }

  private frame(): Frame {
    return {
      ...this.engine.symbolFrames(),
      processed: this.processed,
      total: this.processed,
      eventTime: this.lastReceiveTime,
      busyMs: this.busyMs,
      wallMs: performance.now() - this.started,
      eventsPerSec: this.busyMs > 0 ? Math.round(this.processed / (this.busyMs / 1000)) : 0,
      live: {
        state: this.state,
        url: this.url,
        stats: this.connection!.stats,
        lastIssue: this.lastIssue,
        recorded: this.recording?.length ?? 0,
        recordDropped: this.recordDropped,
      },
    };
  }
}
