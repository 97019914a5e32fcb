/**
 * The messages between the dashboard page and its worker. The page starts a replay
 * (captures, speed, backend) or a live session (symbols, market, endpoints), changes
 * speed or pauses a replay, stops a live session, and acknowledges each frame once it
 * has drawn it; the worker answers with load progress (a replay) or the connection
 * opening (live), then frames (at most one per animation frame of the page: what
 * changed since the last one; live frames carry the connection's state), then a final
 * frame with the summary — or one error message, after which nothing runs. Types only:
 * both sides are bundled separately.
 */
import type { BinanceMarket, ConnectionStats } from "../live/binanceConnection.js";
import type { BookSummary, EventCounts, ScoreUpdate } from "../pipeline/engine.js";
import type { SymbolSummary } from "../pipeline/summary.js";

/** Replay pace: event time × 1 or × 10, or as fast as the engine goes. */
export type Speed = 1 | 10 | "max";

/** A capture to replay: a URL to fetch (the bundled ones) or a file the user gave. */
export type CaptureSource = { readonly name: string; readonly url: string } | { readonly name: string; readonly file: Blob };

/** A live session: the public streams of these symbols, through connectBinance in the worker. */
export interface LiveSource {
  readonly symbols: readonly string[];
  readonly market: BinanceMarket;
  /** WebSocket and REST bases (testnets, tests); Binance's by default. */
  readonly endpoint?: string;
  readonly restEndpoint?: string;
  /** Keep what arrives as capture lines (bounded), to save and replay later. */
  readonly record: boolean;
}

export type ToWorker =
  | {
      readonly type: "start";
      readonly sources: readonly CaptureSource[];
      readonly speed: Speed;
      readonly backend: "wasm" | "js";
      readonly scalar: boolean;
    }
  | { readonly type: "live"; readonly live: LiveSource; readonly backend: "wasm" | "js"; readonly scalar: boolean }
  /** Ends a live session: the worker closes the connection and answers "done". */
  | { readonly type: "stop" }
  | { readonly type: "speed"; readonly speed: Speed }
  | { readonly type: "pause"; readonly paused: boolean }
  /** The page drew the last frame: the worker may send the next. */
  | { readonly type: "ack" };

/** Chart points since the previous frame, one per time bucket (the last may be revised by the next frame). */
export interface SeriesPoints {
  /** Seconds since the epoch (lightweight-charts' time unit), non-decreasing. */
  readonly time: number[];
  readonly mid: (number | null)[];
  /** Null until the analyzer has warmed up. */
  readonly score: (number | null)[];
  /** The score's exponential average over ~10 s of event time (reads the trend through the noise). */
  readonly scoreEma: (number | null)[];
  readonly confidence: (number | null)[];
  /** Top-5 plain book imbalance. */
  readonly imbalance: (number | null)[];
  /** Cumulative volume delta: buyer- minus seller-initiated volume so far. */
  readonly cvd: number[];
}

export interface LatencyNs {
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface SymbolFrame {
  readonly symbol: string;
  readonly points: SeriesPoints;
  readonly score: ScoreUpdate | null;
  readonly scoreUpdates: number;
  readonly book: BookSummary;
  readonly events: EventCounts;
  readonly buyVolume: number;
  readonly sellVolume: number;
  readonly latencyNs: LatencyNs;
  /** The first few rejection reasons. */
  readonly rejections: readonly string[];
}

/** Where a live connection stands. */
export type LinkState = "connecting" | "open" | "reconnecting" | "closed";

export interface LiveFrame {
  readonly state: LinkState;
  /** The stream URL. */
  readonly url: string;
  /** The connection's counters (per-symbol sync, gaps, resyncs, garbage, reconnects, server-time offset), copied. */
  readonly stats: ConnectionStats;
  /** The last non-fatal trouble the connection reported (a failed snapshot, a drop), with its local time (ms). */
  readonly lastIssue: { readonly time: number; readonly message: string } | null;
  /** Messages kept for the recording, and those the recording's bound turned away. */
  readonly recorded: number;
  readonly recordDropped: number;
}

export interface Frame {
  readonly symbols: readonly SymbolFrame[];
  /** Events processed so far, of `total` (live: total = processed). */
  readonly processed: number;
  readonly total: number;
  /** Receive time (ms since the epoch) of the last event replayed. */
  readonly eventTime: number;
  /** Time spent replaying (the engine and the chart sampling), ms; idle pacing excluded. */
  readonly busyMs: number;
  /** Wall time since the replay started, ms. */
  readonly wallMs: number;
  /** processed / busy seconds: what this browser sustains. */
  readonly eventsPerSec: number;
  /** All symbols' latency histograms merged. */
  readonly latencyNs: LatencyNs;
  /** Live sessions only. */
  readonly live?: LiveFrame;
}

export interface FileStats {
  readonly name: string;
  readonly bytes: number;
  readonly lines: number;
  readonly events: number;
  readonly rejected: number;
}

export type FromWorker =
  | { readonly type: "loading"; readonly file: string; readonly bytes: number; readonly events: number }
  | {
      readonly type: "ready";
      /** The kernels' backend: "wasm-simd", "wasm" or "js". */
      readonly backend: string;
      readonly files: readonly FileStats[];
      readonly total: number;
      readonly decodeMs: number;
      readonly firstTime: number;
      readonly lastTime: number;
      /** Width of a chart point, ms of event time. */
      readonly bucketMs: number;
      /** The smallest step performance.now() takes in the worker, µs (browsers coarsen it). */
      readonly timerResolutionUs: number;
      /** Lines rejected while decoding, with where and why (the replay goes on without them). */
      readonly warnings: readonly string[];
    }
  | {
      readonly type: "connecting";
      readonly backend: string;
      readonly url: string;
      readonly bucketMs: number;
      readonly timerResolutionUs: number;
    }
  | { readonly type: "frame"; readonly frame: Frame }
  | {
      readonly type: "done";
      readonly frame: Frame;
      readonly summary: Record<string, SymbolSummary>;
      /** A live session with recording on: what arrived, in the capture format (one line per message). */
      readonly recording?: string;
    }
  | { readonly type: "error"; readonly message: string };
