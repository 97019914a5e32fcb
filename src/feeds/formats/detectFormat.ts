/**
 * Tells the input formats apart by their content, never by a file's name (a tardis file
 * renamed, a capture piped in): from the first lines of the decompressed bytes. The
 * first non-blank line that has the shape of a format decides (so a capture whose first
 * line is damaged is still a capture):
 *  - `<digits> {` — the capture format (receive time in ns, then the JSON);
 *  - `{` — a raw Binance websocket message;
 *  - a tardis.dev CSV header (trades, quotes, incremental_book_L2, book_snapshot_N);
 *  - a Binance public-data header, or a headerless row of its columns (6 or 7 for trades,
 *    7 or 8 for aggTrades: the types of the columns tell the two 7s apart).
 * Nothing matching — another CSV, binary data, an empty file — is an UnknownFormatError
 * naming the file and what it held.
 */
import { UnknownFormatError } from "../../errors.js";
import { BINANCE_AGG_TRADES_HEADER, BINANCE_TRADES_HEADER } from "./binancePublicTrades.js";
import type { InputFormat } from "./lineDecoder.js";
import { tardisBookSnapshotHeader } from "./tardisBookSnapshot.js";
import { TARDIS_INCREMENTAL_BOOK_L2_HEADER } from "./tardisIncrementalBookL2.js";
import { TARDIS_QUOTES_HEADER } from "./tardisQuotes.js";
import { TARDIS_TRADES_HEADER } from "./tardisTrades.js";

export interface DetectedFormat {
  readonly format: InputFormat;
  /** Levels a side of a tardis book snapshot file (0 for the other formats). */
  readonly depth: number;
}

/** Bytes of the head that detection looks at. */
export const DETECT_BYTES = 1 << 16;
/** Non-blank lines it looks at. */
const DETECT_LINES = 8;

const HEADERS: Readonly<Record<string, InputFormat>> = {
  [TARDIS_TRADES_HEADER]: "tardis-trades",
  [TARDIS_QUOTES_HEADER]: "tardis-quotes",
  [TARDIS_INCREMENTAL_BOOK_L2_HEADER]: "tardis-incremental-book-l2",
  [BINANCE_TRADES_HEADER]: "binance-trades",
  [BINANCE_AGG_TRADES_HEADER]: "binance-agg-trades",
};

const INT = /^[0-9]+$/;
const DEC = /^[0-9]+(?:\.[0-9]+)?$/;
const BOOL = /^(?:true|false)$/i;

/**
 * The format of a file whose decompressed bytes begin with `head` (the first
 * DETECT_BYTES are read; a line cut by the end of the head is still looked at).
 * Throws UnknownFormatError naming `file` when no line has the shape of a format.
 */
export function detectFormat(head: Uint8Array, file: string): DetectedFormat {
  const bytes = head.subarray(0, DETECT_BYTES);
  if (bytes.length === 0) throw new UnknownFormatError(file, "an empty file");
  if (binary(bytes)) throw new UnknownFormatError(file, `binary data (${hex(bytes.subarray(0, 8))}…)`);
  let text = new TextDecoder("utf-8").decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text
    .split("\n")
    .map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
    .filter((l) => l.trim() !== "")
    .slice(0, DETECT_LINES);
  if (lines.length === 0) throw new UnknownFormatError(file, "only blank lines");
  for (const line of lines) {
    const found = formatOf(line);
    if (found !== null) return found;
  }
  const first = lines[0]!;
  throw new UnknownFormatError(
    file,
    `no line in a known format (first: ${JSON.stringify(first.length > 80 ? `${first.slice(0, 77)}...` : first)})`,
  );
}

function formatOf(line: string): DetectedFormat | null {
  if (/^[0-9]{1,19} \{/.test(line)) return { format: "capture", depth: 0 };
  if (line.startsWith("{")) return { format: "binance-ws", depth: 0 };
  const header = HEADERS[line];
  if (header !== undefined) return { format: header, depth: 0 };
  const snapshot = /^exchange,symbol,timestamp,local_timestamp,asks\[0\]\.price,/.test(line) ? (line.split(",").length - 4) / 4 : 0;
  if (snapshot >= 1 && Number.isInteger(snapshot) && line === tardisBookSnapshotHeader(snapshot))
    return { format: "tardis-book-snapshot", depth: snapshot };
  return headerlessBinance(line.split(","));
}

/** A headerless data.binance.vision row: the column count and types say trades or aggTrades. */
function headerlessBinance(f: readonly string[]): DetectedFormat | null {
  const is = (re: RegExp, ...at: number[]): boolean => at.every((i) => re.test(f[i]!));
  if (f.length < 6 || f.length > 8 || !is(INT, 0) || !is(DEC, 1, 2)) return null;
  const trades = is(DEC, 3) && is(INT, 4) && is(BOOL, 5) && (f.length === 6 || (f.length === 7 && is(BOOL, 6)));
  if (trades) return { format: "binance-trades", depth: 0 };
  const agg = is(INT, 3, 4, 5) && is(BOOL, 6) && (f.length === 7 || (f.length === 8 && is(BOOL, 7)));
  return agg ? { format: "binance-agg-trades", depth: 0 } : null;
}

/** Text files of market data hold no NUL and few control bytes; compressed or random bytes hold many. */
function binary(b: Uint8Array): boolean {
  let control = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  return control > b.length / 100;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}
