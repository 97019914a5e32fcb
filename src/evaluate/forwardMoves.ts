/**
 * What the market did after each score update: the forward mid move at a horizon h, from the
 * mid of the best quote at or before the update to the mid of the first quote at or after
 * receiveTime + h, in basis points of the first mid. Both ends are read on the local receive
 * clock, the one clock every event has: on spot captures the exchange clock runs more than a
 * second ahead of it (and the best-quote stream carries no exchange time at all), so pairing an
 * update's exchange time with quotes' receive times would shift every label by that offset —
 * on BTCUSDT it turns an IC of 0.28 into 0.03.
 *
 * An update with no quote before it, or whose horizon runs past the last quote of the capture,
 * has no label: counted, never guessed.
 */
import { InvalidParameterError } from "../errors.js";
import type { SampleSet } from "./sampleSet.js";

export interface ForwardMoves {
  readonly horizonMs: number;
  /** Per sample, the move in basis points of the starting mid; NaN when it has no label. */
  readonly move: Float64Array;
  /** Per sample, the receive time of the quote its move ends at; NaN when it has no label. */
  readonly end: Float64Array;
  /** Samples with a label. */
  readonly labelled: number;
  /** Samples whose horizon runs past the last quote. */
  readonly pastEnd: number;
  /** Samples made before the first quote. */
  readonly noQuote: number;
}

/** The first index of ascending `times` whose value is ≥ `t` (times.length when none): a binary search. */
export function firstAtOrAfter(times: Float64Array, t: number): number {
  let lo = 0,
    hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The forward mid moves of `set`'s samples at `horizonMs` (> 0). */
export function forwardMoves(set: Pick<SampleSet, "length" | "receiveTime" | "quoteIndex" | "quotes">, horizonMs: number): ForwardMoves {
  if (!(horizonMs > 0 && horizonMs < Infinity)) throw new InvalidParameterError("horizonMs", horizonMs, "a finite number of ms > 0");
  const { receiveTime: qt, mid } = set.quotes;
  const move = new Float64Array(set.length),
    end = new Float64Array(set.length).fill(Number.NaN);
  let labelled = 0,
    pastEnd = 0,
    noQuote = 0;
  // sample times ascend, so the first quote at or after t + h only moves forward
  let j = 0;
  for (let i = 0; i < set.length; i++) {
    const q = set.quoteIndex[i]!;
    if (q < 0) {
      move[i] = NaN;
      noQuote++;
      continue;
    }
    const target = set.receiveTime[i]! + horizonMs;
    while (j < qt.length && qt[j]! < target) j++;
    if (j === qt.length) {
      move[i] = NaN;
      pastEnd++;
      continue;
    }
    const from = mid[q]!;
    move[i] = ((mid[j]! - from) / from) * 10_000;
    end[i] = qt[j]!;
    labelled++;
  }
  return { horizonMs, move, end, labelled, pastEnd, noQuote };
}
