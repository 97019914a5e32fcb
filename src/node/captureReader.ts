/**
 * Reads recorded captures in the hftbacktest collector format: one message a line,
 * `<local receive time, ns since epoch> <raw JSON>`, gzip or plain text (detected by
 * the gzip magic bytes, not the file name). Several files given together are one
 * continuous stream, read in the order given. Node-only (node:fs, node:zlib).
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type { Readable } from "node:stream";

export interface CaptureLine {
  /** The file the line came from, as given. */
  readonly file: string;
  /** 1-based line number within that file. */
  readonly lineNo: number;
  /** Local receive time in ns since the epoch (as a double: ~256 ns resolution today). */
  readonly localNs: number;
  /** The raw JSON text after the timestamp (not parsed here). */
  readonly json: string;
}

/** A line that does not have the `<ns> <json>` shape. */
export interface MalformedLine {
  readonly file: string;
  readonly lineNo: number;
  readonly reason: string;
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

export async function openCapture(path: string): Promise<Readable> {
  const raw = createReadStream(path);
  return (await isGzip(path)) ? raw.pipe(createGunzip()) : raw;
}

/**
 * Yields every line of the files as a CaptureLine, or a MalformedLine (with its
 * reason) for a line without a numeric timestamp and a JSON body. Blank lines are
 * skipped. A stream error (unreadable file, corrupt gzip) rejects the iteration.
 */
export async function* readCapture(files: readonly string[]): AsyncGenerator<CaptureLine | MalformedLine> {
  for (const file of files) {
    const input = await openCapture(file);
    const lines = createInterface({ input, crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of lines) {
      lineNo++;
      if (line.length === 0) continue;
      const space = line.indexOf(" ");
      const localNs = space > 0 ? Number(line.slice(0, space)) : NaN;
      if (!Number.isFinite(localNs)) {
        yield { file, lineNo, reason: "expected '<local ns> <json>': no numeric timestamp" };
        continue;
      }
      const json = line.slice(space + 1);
      if (json[0] !== "{") {
        yield { file, lineNo, reason: "expected '<local ns> <json>': body is not a JSON object" };
        continue;
      }
      yield { file, lineNo, localNs, json };
    }
  }
}

export function isMalformed(line: CaptureLine | MalformedLine): line is MalformedLine {
  return "reason" in line;
}
