/**
 * Replays recorded capture files (hftbacktest collector format, gzip or plain text,
 * detected by the gzip magic bytes, not the name) into typed events: the way to run a
 * strategy or the engine over a day the market already had. Several files given
 * together are ONE continuous stream, read in the order given (a capture split across
 * files has one snapshot, in its first part). Decompression runs on libuv's thread pool
 * while the main thread parses, so the two overlap. A file named `-` is the `stdin`
 * stream when one is given (a capture piped in: `zcat a.gz | confluence replay -`), its
 * gzip detected by its first bytes as a file's is. Node-only (node:fs, node:zlib).
 */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CaptureFileError, EmptyCaptureError } from "../errors.js";
import { CaptureParser, type CaptureParserOptions, type CaptureStats } from "../feeds/capture.js";
import type { MarketEvent } from "../feeds/events.js";

export interface ReplayOptions extends CaptureParserOptions {
  /** Called as the files are read, with the bytes read so far (as stored, i.e. compressed), over all files. */
  readonly onProgress?: (bytesRead: number) => void;
  /** The stream read for a file named `-` (the CLI passes process.stdin); without it, `-` is a file name like any other. */
  readonly stdin?: NodeJS.ReadableStream;
}

/** The name a file given as `-` has in the counters and errors when it is read from `stdin`. */
export const STDIN_NAME = "<stdin>";

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
  files: readonly string[],
  onEvent: (event: MarketEvent) => void,
  options: ReplayOptions = {},
): Promise<CaptureStats> {
  const parser = new CaptureParser(onEvent, options);
  const onProgress = options.onProgress;
  let done = 0;
  for (const given of files) {
    const fromStdin = given === "-" && options.stdin !== undefined;
    const file = fromStdin ? STDIN_NAME : given;
    parser.startFile(file);
    const { input, raw } = fromStdin ? await openStream(options.stdin!) : await openCapture(file);
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

/** The decoded bytes (`input`), and the stored bytes read so far (`raw.bytesRead`). */
interface OpenCapture {
  readonly input: Readable;
  readonly raw: { readonly bytesRead: number };
}

async function openCapture(file: string): Promise<OpenCapture> {
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

/** A stream (stdin): its first two bytes, read before anything is decoded, say whether it is gzip. */
async function openStream(stream: NodeJS.ReadableStream): Promise<OpenCapture> {
  const chunks = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const raw = { bytesRead: 0 };
  const next = async (): Promise<Buffer | null> => {
    let r: IteratorResult<Buffer | string>;
    try {
      r = await chunks.next();
    } catch (e) {
      throw captureFileError(STDIN_NAME, e);
    }
    if (r.done) return null;
    const chunk = typeof r.value === "string" ? Buffer.from(r.value) : r.value;
    raw.bytesRead += chunk.length;
    return chunk;
  };
  let head = Buffer.alloc(0);
  for (let c = await next(); c !== null; c = head.length < 2 ? await next() : null) head = Buffer.concat([head, c]);
  async function* bytes(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let c = await next(); c !== null; c = await next()) yield c;
  }
  const plain = Readable.from(bytes(), { objectMode: false });
  if (!(head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)) return { input: plain, raw };
  return { input: pipeline(plain, createGunzip({ chunkSize: CHUNK_BYTES }), () => {}), raw };
}

function captureFileError(file: string, e: unknown): CaptureFileError {
  if (e instanceof CaptureFileError) return e;
  const err = e as NodeJS.ErrnoException;
  const zlib = typeof err.code === "string" && err.code.startsWith("Z_");
  return new CaptureFileError(file, `${zlib ? "unreadable gzip" : "unreadable file"}: ${err.message ?? String(e)}`);
}
