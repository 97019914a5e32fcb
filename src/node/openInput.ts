/**
 * Opens one input of a replay — a file, or the `stdin` stream for `-` — to its decoded
 * bytes and its reader: gzip (magic bytes 1f 8b; decompressed on libuv's thread pool while
 * the main thread parses) or zip (50 4b 03 04; its first entry streamed, fflate loaded
 * only then) or plain, told apart by the first bytes; then the format, by the content of
 * the first decoded bytes (feeds/formats/detectFormat.ts). Node-only (node:fs, node:zlib).
 */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { CaptureFileError } from "../errors.js";
import { DETECT_BYTES, detectFormat } from "../feeds/formats/detectFormat.js";
import { isZip } from "../feeds/formats/isZip.js";
import type { LineDecoder } from "../feeds/formats/lineDecoder.js";
import { lineDecoderFor } from "../feeds/formats/lineDecoderFor.js";

/** The name a file given as `-` has in the counters and errors when it is read from `stdin`. */
export const STDIN_NAME = "<stdin>";

/** Decompressed chunks of at most this size: fewer, larger pushes into the parser. */
const CHUNK_BYTES = 1 << 20;

export interface InputOptions {
  /** The stream read for a file named `-`; without it, `-` is a file name like any other. */
  readonly stdin?: NodeJS.ReadableStream;
  /** The symbol of a file that names none; default: from the file's (or zip entry's) name. */
  readonly symbol?: string;
}

/** An opened input: its reader, the decoded bytes read to detect it, and the rest to come. */
export interface OpenInput {
  /** The name in counters and errors (STDIN_NAME for standard input). */
  readonly file: string;
  /** The line decoder of its format; null for the capture format. */
  readonly decoder: LineDecoder | null;
  /** The first decoded bytes (read to tell the format). */
  readonly first: Uint8Array;
  /** The next decoded chunk; null at the end. A read error rejects with a CaptureFileError naming the file. */
  next(): Promise<Uint8Array | null>;
  /** The stored bytes read so far. */
  readonly raw: { readonly bytesRead: number };
  close(): void;
}

/** Opens `given` and detects its format: UnknownFormatError, MissingSymbolError or CaptureFileError when it cannot be read. */
export async function openInput(given: string, options: InputOptions): Promise<OpenInput> {
  const fromStdin = given === "-" && options.stdin !== undefined;
  const file = fromStdin ? STDIN_NAME : given;
  const source = fromStdin ? await openStream(options.stdin!) : await openFile(file);
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
    return { file, decoder, first, next, raw: source.raw, close: () => source.close() };
  } catch (e) {
    source.close();
    throw e;
  }
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
