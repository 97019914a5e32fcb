/**
 * One line of the capture format (`<local receive time, ns since epoch> <JSON>`, the
 * hftbacktest collector's, what CaptureParser reads) for a message the live connection
 * delivered: how `confluence live --record` writes what arrived so that the recording
 * replays to exactly the scores seen live. A REST depth snapshot names no symbol, so it
 * is written inside the envelope `{"stream":"<symbol lowercase>@depthSnapshot","data":…}`
 * that decodeBinanceMessage reads: a recording of several symbols gives each snapshot
 * its own symbol back. Browser-safe.
 */
import { SNAPSHOT_STREAM_SUFFIX } from "../feeds/binance.js";
import type { RawMessage } from "./binanceConnection.js";

/** The capture line for `raw`, without its newline. */
export function captureLine(raw: RawMessage): string {
  // JSON allows a line break only as whitespace between tokens (never raw inside a string): a space is the same JSON
  const text = raw.text.includes("\n") || raw.text.includes("\r") ? raw.text.replace(/[\r\n]/g, " ") : raw.text;
  if (raw.kind === "stream") return `${raw.receiveTimeNs} ${text}`;
  return `${raw.receiveTimeNs} {"stream":"${raw.symbol.toLowerCase()}${SNAPSHOT_STREAM_SUFFIX}","data":${text}}`;
}
