/**
 * Turns a symbol's readings — at each score update, and at book changes that gave none
 * (while the analyzer warms up, the price is already there) — into chart points: one
 * point per bucket of event time (the bucket's last reading: mid price, score, its
 * exponential average, confidence, top-5 book imbalance, cumulative volume delta), so a
 * six-minute or a six-hour capture draws a few thousand points, not one per event. `take()` hands over the points since
 * the previous take; the still-open bucket is included and re-sent, revised, by the next.
 *
 * The average is continuous in event time, ema += (1 − e^(−Δt/τ))·(score − ema) with
 * τ = 10 s, so it weighs each stretch of time alike however bursty the updates are
 * (e^x by the library's own exp, so the line is the same in every browser).
 */
import type { BookSummary, ScoreUpdate } from "../pipeline/engine.js";
import { exp } from "../kernels/js/common/transcendental.js";
import type { SeriesPoints } from "./pageProtocol.js";

/** Chart points a capture should produce at most (the bucket width follows from it). */
const TARGET_POINTS = 4000;
const BUCKETS_MS = [100, 250, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000];
const EMA_TAU_MS = 10_000;

/** The narrowest bucket that keeps a capture lasting `durationMs` within the target. */
export function bucketWidth(durationMs: number): number {
  return BUCKETS_MS.find((b) => durationMs / b <= TARGET_POINTS) ?? BUCKETS_MS[BUCKETS_MS.length - 1]!;
}

type Point = readonly [
  time: number,
  mid: number | null,
  score: number | null,
  scoreEma: number | null,
  confidence: number | null,
  imbalance: number | null,
  cvd: number,
];

export class SeriesCollector {
  private out = empty();
  private bucket = -Infinity;
  /** The open bucket's reading. */
  private open: Point | null = null;
  private ema = 0;
  private emaTime = -Infinity;
  /** The latest score update: a reading without one carries it forward. */
  private last: ScoreUpdate | null = null;

  constructor(private readonly bucketMs: number) {}

  /** A reading at event time `time` (ms); `u` null when the book changed without a score update. */
  add(time: number, u: ScoreUpdate | null, book: BookSummary, cvd: number): void {
    const bucket = Math.floor(time / this.bucketMs);
    // event time may step back a little (trade and depth clocks differ); a point never goes back
    if (bucket > this.bucket) {
      this.close();
      this.bucket = bucket;
    }
    if (u) {
      if (this.last === null) {
        this.ema = u.score;
      } else if (u.time > this.emaTime) {
        this.ema += (1 - exp(-(u.time - this.emaTime) / EMA_TAU_MS)) * (u.score - this.ema);
      }
      this.emaTime = Math.max(this.emaTime, u.time);
      this.last = u;
    }
    const s = this.last;
    const mid = book.bestBid != null && book.bestAsk != null ? (book.bestBid + book.bestAsk) / 2 : null;
    this.open = [
      (this.bucket * this.bucketMs) / 1000,
      mid,
      s?.score ?? null,
      s ? this.ema : null,
      s?.confidence ?? null,
      book.imbalance5 ?? null,
      cvd,
    ];
  }

  /** The points since the previous take (the open bucket last). */
  take(): SeriesPoints {
    const taken = this.out;
    this.out = empty();
    if (this.open) push(taken, this.open);
    return taken;
  }

  private close(): void {
    if (this.open) push(this.out, this.open);
    this.open = null;
  }
}

function empty(): { -readonly [K in keyof SeriesPoints]: SeriesPoints[K] } {
  return { time: [], mid: [], score: [], scoreEma: [], confidence: [], imbalance: [], cvd: [] };
}

function push(s: SeriesPoints, p: Point): void {
  s.time.push(p[0]);
  s.mid.push(p[1]);
  s.score.push(p[2]);
  s.scoreEma.push(p[3]);
  s.confidence.push(p[4]);
  s.imbalance.push(p[5]);
  s.cvd.push(p[6]);
}
