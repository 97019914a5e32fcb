/**
 * Replays recorded capture files (hftbacktest collector format, gzip or plain text,
 * detected by the gzip magic bytes, not the name) into typed events: the way to run a
 * strategy or the engine over a day the market already had. Several files given
 * together are ONE continuous stream, read in the order given (a capture split across
 * files has one snapshot, in its first part). Decompression runs on libuv's thread pool
 * while the main thread parses, so the two overlap. Node-only (node:fs, node:zlib).
 */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CaptureFileError, EmptyCaptureError } from "../errors.js";
import { CaptureParser, type CaptureParserOptions, type CaptureStats } from "../feeds/capture.js";
import type { MarketEvent } from "../feeds/events.js";

export interface ReplayOptions extends CaptureParserOptions {
  /** Called as the files are read, with the bytes read so far (as stored, i.e. compressed), over all files. */
  readonly onProgress?: (bytesRead: number) => void;
}

/** Decompressed chunks of at most this size: fewer, larger pushes into the parser. */
const CHUNK_BYTES = 1 << 20;

/**
 * Parses `files` in order into `onEvent`; resolves to the parser's counters. Malformed
 * lines are counted, not thrown. A missing or unreadable file or a corrupt or truncated
 * gzip rejects with a CaptureFileError, and a file without a single valid capture line
 * with an EmptyCaptureError (the events before either were delivered). What `onEvent`
 * throws is rethrown as it is: it is not the file's fault.
 */
export async function replayCaptureFiles(
  files: readonly string[], onEvent: (event: MarketEvent) => void, options: ReplayOptions = {},
): Promise<CaptureStats> {
  const parser = new CaptureParser(onEvent, options);
  const onProgress = options.onProgress;
  let done = 0;
  for (const file of files) {
    parser.startFile(file);
    const { input, raw } = await openCapture(file);
    const chunks = input[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (e) {
          throw captureFileError(file, e);
        }
        if (next.done) break;
        parser.push(next.value);
        onProgress?.(done + raw.bytesRead);
      }
    } finally {
      input.destroy();
    }
    done += raw.bytesRead;
    parser.end();
    const stats = parser.stats().files.at(-1)!;
    if (stats.events === 0) {
      const first = parser.rejections.find((r) => r.file === file);
      throw new EmptyCaptureError(file, stats.lines, first ? `line ${first.line}: ${first.message}` : null);
    }
  }
  return parser.stats();
}

async function openCapture(file: string): Promise<{ input: Readable; raw: Readable & { bytesRead: number } }> {
  let handle: FileHandle;
  let gzip: boolean;
  try {
    handle = await open(file, "r");
  } catch (e) {
    throw captureFileError(file, e);
  }
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    gzip = bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } catch (e) {
    await handle.close();
    throw captureFileError(file, e);
  }
  const raw = handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES });
  if (!gzip) return { input: raw, raw };
  // pipeline: an error on either side destroys both and surfaces in the iteration.
  const input = pipeline(raw, createGunzip({ chunkSize: CHUNK_BYTES }), () => {});
  return { input, raw };
}

function captureFileError(file: string, e: unknown): CaptureFileError {
  if (e instanceof CaptureFileError) return e;
  const err = e as NodeJS.ErrnoException;
  const zlib = typeof err.code === "string" && err.code.startsWith("Z_");
  return new CaptureFileError(file, `${zlib ? "unreadable gzip" : "unreadable file"}: ${err.message ?? String(e)}`);
}
