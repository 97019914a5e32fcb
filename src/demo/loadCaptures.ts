/**
 * Reads the captures to replay — fetched or given as files, in any format the feeds know
 * (detected by content: captures, raw websocket lines, tardis.dev and Binance public CSV),
 * gzip (detected by its magic bytes 1f 8b, decompressed with the browser's
 * DecompressionStream), zip (its first entry, fflate) or plain — and decodes every line
 * with CaptureParser before anything is replayed, so a bad file
 * (unreadable, a truncated gzip, no valid capture line) stops the replay before it
 * starts. Files are decoded as one stream (CaptureParser's rules for snapshots), then
 * merged by receive time, the way the markets recorded side by side really arrived;
 * each file keeps its own order.
 */
import { CaptureFileError } from "../errors.js";
import { CaptureParser } from "../feeds/capture.js";
import type { CaptureDecoderSource } from "../feeds/captureBlockDecoder.js";
import type { MarketEvent } from "../feeds/events.js";
import { DETECT_BYTES, detectFormat } from "../feeds/formats/detectFormat.js";
import { lineDecoderFor } from "../feeds/formats/lineDecoderFor.js";
import { isZip } from "../feeds/formats/isZip.js";
import { ZipEntryReader } from "../feeds/formats/zipEntryReader.js";
import type { CaptureSource, FileStats } from "./pageProtocol.js";

export interface LoadedCaptures {
  /** Every event of every file, in receive-time order. */
  readonly events: MarketEvent[];
  readonly files: FileStats[];
  /** Rejected lines, with file, line number and reason (the first few). */
  readonly warnings: string[];
  readonly decodeMs: number;
}

/** Rejections kept with their reason across all files (all are counted). */
const KEEP_REJECTIONS = 1000;

/** `decoders`: decode capture lines with these (the WASM kernels: in linear memory) instead of FastDecoder. */
export async function loadCaptures(
  sources: readonly CaptureSource[],
  onProgress: (file: string, bytes: number, events: number) => void,
  decoders?: CaptureDecoderSource,
): Promise<LoadedCaptures> {
  const t0 = performance.now();
  let current: MarketEvent[] = [];
  const parser = new CaptureParser((e) => current.push(e), { maxRejections: KEEP_REJECTIONS, ...(decoders ? { decoders } : {}) });
  const perFile: MarketEvent[][] = [];
  const files: FileStats[] = [];
  // the parser's decoder holds linear memory on the WASM backend: freed whatever happens
  try {
    for (const source of sources) {
      const bytes = await read(source);
      if (bytes.length === 0) throw new CaptureFileError(source.name, "empty file");
      current = [];
      perFile.push(current);
      const before = { lines: parser.lines, rejected: parser.rejected, kept: parser.rejections.length };
      // the decoded bytes' head tells the format (feeds/formats/detectFormat.ts), then everything goes to the parser
      const input = decoded(source.name, bytes);
      const chunks = input.chunks[Symbol.asyncIterator]();
      const head: Uint8Array[] = [];
      let headBytes = 0;
      for (let r = await chunks.next(); !r.done; r = headBytes < DETECT_BYTES ? await chunks.next() : { done: true, value: undefined }) {
        head.push(r.value);
        headBytes += r.value.length;
      }
      const first = concat(head, headBytes);
      const decoder = lineDecoderFor(detectFormat(first, source.name), { file: source.name, name: input.entry() ?? source.name });
      parser.startFile(source.name, decoder);
      parser.push(first);
      let inflated = first.length;
      onProgress(source.name, inflated, current.length);
      for (let r = await chunks.next(); !r.done; r = await chunks.next()) {
        parser.push(r.value);
        inflated += r.value.length;
        onProgress(source.name, inflated, current.length);
      }
      parser.end();
      const stats: FileStats = {
        name: source.name,
        bytes: bytes.length,
        lines: parser.lines - before.lines,
        events: current.length,
        rejected: parser.rejected - before.rejected,
      };
      if (stats.events === 0) {
        const first = parser.rejections[before.kept];
        const why = first && first.file === source.name ? ` (first error: line ${first.line}: ${first.message})` : "";
        throw new CaptureFileError(
          source.name,
          `no valid ${decoder ? "lines" : "capture lines"} in ${stats.lines} line${stats.lines === 1 ? "" : "s"}${why}${decoder ? `: expected ${decoder.expected}` : ""}`,
        );
      }
      files.push(stats);
      onProgress(source.name, bytes.length, current.length);
    }
    const warnings = parser.rejections.map((r) => `${r.file}:${r.line}: ${r.message}`);
    if (parser.rejected > parser.rejections.length) warnings.push(`… ${parser.rejected - parser.rejections.length} more rejected lines`);
    return { events: mergeByReceiveTime(perFile), files, warnings, decodeMs: performance.now() - t0 };
  } finally {
    parser.dispose();
  }
}

/** The file's bytes decoded — a zip's first entry (`entry` its name, once read), gunzipped, or as they are. */
function decoded(name: string, bytes: Uint8Array<ArrayBuffer>): { chunks: AsyncIterable<Uint8Array>; entry: () => string | null } {
  if (!isZip(bytes)) return { chunks: gunzipped(name, bytes), entry: () => null };
  const zip = new ZipEntryReader(name);
  return { chunks: zip.read([bytes]), entry: () => zip.name };
}

/** Gzip (magic bytes 1f 8b) decompressed by the browser's DecompressionStream; other bytes as they are. */
async function* gunzipped(name: string, bytes: Uint8Array<ArrayBuffer>): AsyncGenerator<Uint8Array> {
  if (!(bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)) {
    yield bytes;
    return;
  }
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
  let inflated = 0;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      inflated += r.value.length;
      yield r.value;
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    // Chromium's DecompressionStream reads one gzip member and calls what follows junk
    if (/junk/i.test(why) && inflated > 0) {
      throw new CaptureFileError(
        name,
        "several gzip members (concatenated .gz files): the browser decompresses only one — " +
          "replay it with the CLI, or recompress it as one member (gunzip -c file | gzip > file2)",
      );
    }
    throw new CaptureFileError(name, `truncated or corrupt gzip (${why})`);
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function read(source: CaptureSource): Promise<Uint8Array<ArrayBuffer>> {
  if ("file" in source) {
    try {
      return new Uint8Array(await source.file.arrayBuffer());
    } catch (e) {
      throw new CaptureFileError(source.name, `unreadable file (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  let response: Response;
  try {
    response = await fetch(source.url);
  } catch (e) {
    throw new CaptureFileError(source.name, `fetch failed (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!response.ok) throw new CaptureFileError(source.name, `HTTP ${response.status} for ${source.url}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A k-way merge on receive time; ties go to the earlier file, and each file keeps its order. */
function mergeByReceiveTime(lists: readonly MarketEvent[][]): MarketEvent[] {
  if (lists.length === 1) return lists[0]!;
  const total = lists.reduce((n, l) => n + l.length, 0);
  const out: MarketEvent[] = new Array(total);
  const at = new Array<number>(lists.length).fill(0);
  for (let k = 0; k < total; k++) {
    let best = -1,
      bestTime = Infinity;
    for (let f = 0; f < lists.length; f++) {
      const e = lists[f]![at[f]!];
      if (e !== undefined && (best < 0 || e.receiveTime < bestTime)) {
        best = f;
        bestTime = e.receiveTime;
      }
    }
    out[k] = lists[best]![at[best]!++]!;
  }
  return out;
}
