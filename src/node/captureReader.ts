/**
 * Replays recorded market-data files into typed events: the way to run a strategy or the
 * engine over a day the market already had. Reads every format the feeds know, told
 * apart by content, not name (feeds/formats/detectFormat.ts): hftbacktest captures, raw
 * Binance websocket lines, tardis.dev CSV, Binance public-data trades CSV — each plain,
 * gzip (magic bytes 1f 8b) or zip (50 4b 03 04; its first entry, streamed). Several files
 * given together are ONE continuous stream, read in the order given (a capture split
 * across files has one snapshot, in its first part). Gzip is decompressed on libuv's
 * thread pool while the main thread parses, so the two overlap. A file named `-` is the
 * `stdin` stream when one is given (`zcat a.gz | confluence replay -`), detected by its
 * first bytes as a file is. Node-only (node:fs, node:zlib).
 */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CaptureFileError, EmptyCaptureError } from "../errors.js";
import { CaptureParser, type CaptureParserOptions, type CaptureStats } from "../feeds/capture.js";
import type { MarketEvent } from "../feeds/events.js";
import { DETECT_BYTES, detectFormat } from "../feeds/formats/detectFormat.js";
import { lineDecoderFor } from "../feeds/formats/lineDecoderFor.js";
import { isZip } from "../feeds/formats/isZip.js";

export interface ReplayOptions extends CaptureParserOptions {
  /** Called as the files are read, with the bytes read so far (as stored, i.e. compressed), over all files. */
  readonly onProgress?: (bytesRead: number) => void;
  /** The stream read for a file named `-` (the CLI passes process.stdin); without it, `-` is a file name like any other. */
  readonly stdin?: NodeJS.ReadableStream;
  /** The symbol of a file that names none (a Binance public-data trades CSV piped in or renamed); default: from the file's name. */
  readonly symbol?: string;
}

/** The name a file given as `-` has in the counters and errors when it is read from `stdin`. */
export const STDIN_NAME = "<stdin>";

/** Decompressed chunks of at most this size: fewer, larger pushes into the parser. */
const CHUNK_BYTES = 1 << 20;

/**
 * Parses `files` in order into `onEvent`; resolves to the parser's counters (per file its
 * format and clock). Malformed lines are counted, not thrown. A file in no known format
 * rejects with an UnknownFormatError; a Binance public trades CSV whose symbol is nowhere
 * with a MissingSymbolError; a missing or unreadable file or a corrupt or truncated gzip
 * or zip with a CaptureFileError; a file without a single valid line of its format with
 * an EmptyCaptureError (the events before any of these were delivered). What `onEvent`
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
    const source = fromStdin ? await openStream(options.stdin!) : await openFile(file);
    let expected: string | undefined;
    try {
      const chunks = source.input[Symbol.asyncIterator]();
      const next = async (): Promise<Uint8Array | null> => {
        try {
          const r = await chunks.next();
          return r.done ? null : r.value;
        } catch (e) {
          throw captureFileError(file, e);
        }
      };
      // enough of the decoded bytes to tell the format
      const head: Uint8Array[] = [];
      let headBytes = 0;
      for (let c = await next(); c !== null; c = headBytes < DETECT_BYTES ? await next() : null) {
        head.push(c);
        headBytes += c.length;
      }
      const first = head.length === 1 ? head[0]! : Buffer.concat(head);
      const decoder = lineDecoderFor(detectFormat(first, file), {
        file,
        name: source.entry() ?? file.split(/[\\/]/).pop() ?? file,
        symbol: options.symbol,
      });
      expected = decoder?.expected;
      parser.startFile(file, decoder);
      parser.push(first);
      onProgress?.(done + source.raw.bytesRead);
      for (let c = await next(); c !== null; c = await next()) {
        parser.push(c);
        onProgress?.(done + source.raw.bytesRead);
      }
    } finally {
      source.close();
    }
    done += source.raw.bytesRead;
    parser.end();
    const stats = parser.stats().files.at(-1)!;
    if (stats.events === 0) {
      const first = parser.rejections.find((r) => r.file === file);
      throw new EmptyCaptureError(file, stats.lines, first ? `line ${first.line}: ${first.message}` : null, expected);
    }
  }
  return parser.stats();
}

/** The decoded bytes (`input`), the stored bytes read so far (`raw.bytesRead`), and a zip's entry name. */
interface OpenSource {
  readonly input: AsyncIterable<Uint8Array>;
  readonly raw: { readonly bytesRead: number };
  /** The name of the zip entry read (null for gzip and plain). */
  entry(): string | null;
  close(): void;
}

async function openFile(file: string): Promise<OpenSource> {
  let handle: FileHandle;
  const magic = Buffer.alloc(4);
  try {
    handle = await open(file, "r");
  } catch (e) {
    throw captureFileError(file, e);
  }
  let length: number;
  try {
    length = (await handle.read(magic, 0, 4, 0)).bytesRead;
  } catch (e) {
    await handle.close();
    throw captureFileError(file, e);
  }
  const raw = handle.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES });
  return await decompress(raw, magic.subarray(0, length), raw, file);
}

/** A stream (stdin): its first bytes, read before anything is decoded, say whether it is gzip or zip. */
async function openStream(stream: NodeJS.ReadableStream): Promise<OpenSource> {
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
  for (let c = await next(); c !== null; c = head.length < 4 ? await next() : null) head = Buffer.concat([head, c]);
  async function* bytes(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let c = await next(); c !== null; c = await next()) yield c;
  }
  return await decompress(Readable.from(bytes(), { objectMode: false }), head.subarray(0, 4), raw, STDIN_NAME);
}

/** The stored bytes `stored` as decoded bytes, by their first bytes `magic`: gzip, zip (fflate, loaded only then) or plain. */
async function decompress(stored: Readable, magic: Uint8Array, raw: { readonly bytesRead: number }, file: string): Promise<OpenSource> {
  if (magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
    // pipeline: an error on either side destroys both and surfaces in the iteration.
    const input = pipeline(stored, createGunzip({ chunkSize: CHUNK_BYTES }), () => {});
    return { input, raw, entry: () => null, close: () => input.destroy() };
  }
  if (isZip(magic)) {
    const { ZipEntryReader } = await import("../feeds/formats/zipEntryReader.js");
    const zip = new ZipEntryReader(file);
    return { input: zip.read(stored), raw, entry: () => zip.name, close: () => stored.destroy() };
  }
  return { input: stored, raw, entry: () => null, close: () => stored.destroy() };
}

function captureFileError(file: string, e: unknown): CaptureFileError {
  if (e instanceof CaptureFileError) return e;
  const err = e as NodeJS.ErrnoException;
  const zlib = typeof err.code === "string" && err.code.startsWith("Z_");
  return new CaptureFileError(file, `${zlib ? "unreadable gzip" : "unreadable file"}: ${err.message ?? String(e)}`);
}
