/**
 * The messages between the dashboard page and its replay worker. The page starts a
 * replay (captures, speed, backend), changes speed or pauses, and acknowledges each
 * frame once it has drawn it; the worker answers with load progress, then frames (at
 * most one per animation frame of the page: what changed since the last one), then a
 * final frame with the replay summary — or one error message, after which nothing is
 * replayed. Types only: both sides are bundled separately.
 */
import type { BookSummary, EventCounts, ScoreUpdate } from "../pipeline/engine.js";
import type { SymbolSummary } from "../pipeline/summary.js";

/** Replay pace: event time × 1 or × 10, or as fast as the engine goes. */
export type Speed = 1 | 10 | "max";

/** A capture to replay: a URL to fetch (the bundled ones) or a file the user gave. */
export type CaptureSource = { readonly name: string; readonly url: string } | { readonly name: string; readonly file: Blob };

export type ToWorker =
  | {
      readonly type: "start";
      readonly sources: readonly CaptureSource[];
      readonly speed: Speed;
      readonly backend: "wasm" | "js";
      readonly scalar: boolean;
    }
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

export interface Frame {
  readonly symbols: readonly SymbolFrame[];
  /** Events replayed so far, of `total`. */
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
  | { readonly type: "frame"; readonly frame: Frame }
  | { readonly type: "done"; readonly frame: Frame; readonly summary: Record<string, SymbolSummary> }
  | { readonly type: "error"; readonly message: string };
