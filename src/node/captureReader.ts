/**
 * Replays recorded market-data files into typed events: the way to run a strategy or the
 * engine over a day the market already had. Reads every format the feeds know, told
 * apart by content, not name (openInput.ts): hftbacktest captures, raw Binance websocket
 * lines, tardis.dev CSV, Binance public-data trades CSV — each plain, gzip or zip.
 * Several files given together are ONE continuous stream, read in the order given (a
 * capture split across files has one snapshot, in its first part); with `merge`, files
 * recorded side by side (tardis.dev's incremental_book_L2, trades and quotes of one day)
 * are merged by receive time instead (mergeCaptureFiles.ts). A file named `-` is the
 * `stdin` stream when one is given (`zcat a.gz | confluence replay -`). Node-only.
 */
import { EmptyCaptureError } from "../errors.js";
import { CaptureParser, type CaptureParserOptions, type CaptureStats } from "../feeds/capture.js";
import type { MarketEvent } from "../feeds/events.js";
import { mergeCaptureFiles } from "./mergeCaptureFiles.js";
import { type InputOptions, openInput } from "./openInput.js";

export interface ReplayOptions extends CaptureParserOptions, InputOptions {
  /** Called as the files are read, with the bytes read so far (as stored, i.e. compressed), over all files. */
  readonly onProgress?: (bytesRead: number) => void;
  /** Merge the files by receive time (each keeps its order) instead of reading them one after another. */
  readonly merge?: boolean;
  /**
   * Backpressure: called after each chunk of input (each event when merging); while it returns a
   * promise, reading waits for it (a consumer that must not be outrun, like a Redis publisher).
   */
  readonly drain?: () => Promise<void> | null;
}

/**
 * Parses `files` in order into `onEvent` (merged by receive time with `merge`); resolves
 * to the parser's counters (per file its format and clock). Malformed lines are counted,
 * not thrown. A file in no known format rejects with an UnknownFormatError; a Binance
 * public trades CSV whose symbol is nowhere with a MissingSymbolError; a missing or
 * unreadable file or a corrupt or truncated gzip or zip with a CaptureFileError; a file
 * without a single valid line of its format with an EmptyCaptureError (the events before
 * any of these were delivered). What `onEvent` throws is rethrown as it is: it is not the
 * file's fault.
 */
export async function replayCaptureFiles(
  files: readonly string[],
  onEvent: (event: MarketEvent) => void,
  options: ReplayOptions = {},
): Promise<CaptureStats> {
  if (options.merge && files.length > 1) return mergeCaptureFiles(files, onEvent, options);
  const parser = new CaptureParser(onEvent, options);
  try {
    return await parse(parser, files, options);
  } finally {
    parser.dispose();
  }
}

async function parse(parser: CaptureParser, files: readonly string[], options: ReplayOptions): Promise<CaptureStats> {
  const onProgress = options.onProgress;
  let done = 0;
  for (const given of files) {
    const input = await openInput(given, options);
    const file = input.file;
    try {
      parser.startFile(file, input.decoder);
      parser.push(input.first);
      onProgress?.(done + input.raw.bytesRead);
      await options.drain?.();
      for (let c = await input.next(); c !== null; c = await input.next()) {
        parser.push(c);
        onProgress?.(done + input.raw.bytesRead);
        await options.drain?.();
      }
    } finally {
      input.close();
    }
    done += input.raw.bytesRead;
    parser.end();
    const stats = parser.stats().files.at(-1)!;
    if (stats.events === 0) {
      const first = parser.rejections.find((r) => r.file === file);
      throw new EmptyCaptureError(file, stats.lines, first ? `line ${first.line}: ${first.message}` : null, input.decoder?.expected);
    }
  }
  return parser.stats();
}
