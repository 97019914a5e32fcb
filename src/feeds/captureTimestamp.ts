/**
 * The receive time a capture line starts with (`<ns since epoch> <json>`, the hftbacktest
 * collector format), read from bytes: when the message reached the recorder, the clock a
 * replay runs on. Shared by the capture parser and the column decoder so both read the
 * same milliseconds, sub-ms digits kept.
 */

const SPACE = 32;
/** 19 digits reach the year 2286 in ns since the epoch. */
const MAX_TIMESTAMP_DIGITS = 19;

/** The index of the space after the line's leading digits; −1 unless the line starts with 1 to 19 digits and a space. */
export function timestampEnd(b: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && (b[i]! - 48) >>> 0 < 10) i++;
  const digits = i - start;
  if (digits === 0 || digits > MAX_TIMESTAMP_DIGITS || i === end || b[i] !== SPACE) return -1;
  return i;
}

/** The ns digits b[start, space) in ms: the digits before the last six, plus the last six as a fraction (each part exact). */
export function receiveTimeOf(b: Uint8Array, start: number, space: number): number {
  const split = space - start > 6 ? space - 6 : start;
  let ms = 0,
    ns = 0;
  for (let k = start; k < split; k++) ms = ms * 10 + (b[k]! - 48);
  for (let k = split; k < space; k++) ns = ns * 10 + (b[k]! - 48);
  return ms + ns / 1e6;
}
