import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { Readable } from "node:stream";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { STDIN_NAME } from "../../src/node/openInput.js";
import { CaptureFileError } from "../../src/errors.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import { BTCUSDT } from "../support/capture.js";
import { captureBytes, firstDifference, parse } from "./support.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "confluence-feeds-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function replay(files: string[]): Promise<{ events: MarketEvent[]; stats: Awaited<ReturnType<typeof replayCaptureFiles>> }> {
  const events: MarketEvent[] = [];
  const stats = await replayCaptureFiles(files, (e) => events.push(e));
  return { events, stats };
}

async function failure(files: string[]): Promise<CaptureFileError> {
  const error = await replayCaptureFiles(files, () => {}).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "a typed error").toBeInstanceOf(CaptureFileError);
  expect((error as CaptureFileError).name).toBe("CaptureFileError");
  return error as CaptureFileError;
}

describe("replayCaptureFiles", () => {
  const bytes = captureBytes(BTCUSDT);
  const reference = parse([bytes]);

  test("the real gzip capture: the same events as the parser over its decompressed bytes", async () => {
    const { events, stats } = await replay([BTCUSDT]);
    expect(stats).toEqual({ ...reference.stats, rejections: [], files: [{ ...reference.stats.files[0], file: BTCUSDT }] });
    expect(stats.lines).toBe(41249);
    expect(firstDifference(events, reference.events)).toBeNull();
  });

  test("gzip is detected by its magic bytes, not the name: plain text named .gz, gzip named .jsonl", async () => {
    const plain = join(dir, "plain.gz"),
      gz = join(dir, "gzipped.jsonl");
    writeFileSync(plain, bytes);
    writeFileSync(gz, gzipSync(bytes));
    for (const file of [plain, gz]) {
      const { events, stats } = await replay([file]);
      expect(stats.events, file).toBe(reference.stats.events);
      expect(firstDifference(events, reference.events), file).toBeNull();
    }
  });

  test("a capture split after its snapshot into a plain and a gzip file replays exactly like the whole", async () => {
    const text = new TextDecoder().decode(bytes);
    const snapshotLine = text.split("\n").findIndex((l) => l.includes(`"lastUpdateId"`));
    let cut = 0;
    for (let i = 0; i <= snapshotLine + 100; i++) cut = text.indexOf("\n", cut) + 1;
    const part1 = join(dir, "part1.jsonl"),
      part2 = join(dir, "part2.jsonl.gz");
    writeFileSync(part1, bytes.subarray(0, cut));
    writeFileSync(part2, gzipSync(bytes.subarray(cut)));
    const { events, stats } = await replay([part1, part2]);
    expect(stats).toMatchObject({ lines: reference.stats.lines, events: reference.stats.events, rejected: 0 });
    expect(firstDifference(events, reference.events)).toBeNull();
  });

  test("malformed lines in a file: counted with the file's name and line numbers", async () => {
    const file = join(dir, "damaged.jsonl.gz");
    const lines = new TextDecoder().decode(bytes.subarray(0, 600_000)).split("\n").slice(0, 300);
    lines[3] = "garbage";
    const trade = lines.findIndex((l, i) => i > 10 && l.includes(`"e":"trade"`));
    lines[trade] = lines[trade]!.replace(`"e":"trade"`, `"e":"trades"`);
    writeFileSync(file, gzipSync(lines.join("\n")));
    const { stats } = await replay([file]);
    expect(stats).toMatchObject({ lines: 300, rejected: 2 });
    expect(stats.rejections.map((r) => [r.file, r.line, r.reason])).toEqual([
      [file, 4, "bad-timestamp"],
      [file, trade + 1, "unknown-kind"],
    ]);
  });

  test("onProgress reports the stored bytes read, up to the total size of all files", async () => {
    const small = join(dir, "small.jsonl");
    writeFileSync(small, bytes.subarray(0, 5000));
    const seen: number[] = [];
    await replayCaptureFiles([small, BTCUSDT], () => {}, { onProgress: (b) => seen.push(b) });
    expect(seen.length).toBeGreaterThan(1);
    expect(
      seen.every((b, i) => i === 0 || b >= seen[i - 1]!),
      "non-decreasing",
    ).toBe(true);
    expect(seen[seen.length - 1]).toBe(5000 + statSync(BTCUSDT).size);
  });

  test("a truncated gzip rejects with CaptureFileError naming the file", async () => {
    const file = join(dir, "truncated.jsonl.gz");
    const gz = readFileSync(BTCUSDT);
    writeFileSync(file, gz.subarray(0, gz.length >> 1));
    const error = await failure([file]);
    expect(error.file).toBe(file);
    expect(error.reason).toBe("unreadable gzip: unexpected end of file");
    expect(error.message).toContain(file);
  });

  test("a corrupt gzip rejects with CaptureFileError", async () => {
    const file = join(dir, "corrupt.jsonl.gz");
    const gz = Buffer.from(gzipSync(bytes.subarray(0, 100_000)));
    gz.fill(0x55, 20, 200);
    writeFileSync(file, gz);
    expect((await failure([file])).reason).toMatch(/^unreadable gzip: /);
  });

  test("a missing file (also second in the list) or a directory rejects with CaptureFileError", async () => {
    const missing = join(dir, "nope.jsonl.gz");
    expect((await failure([missing])).reason).toMatch(/^unreadable file: ENOENT/);
    const second = await failure([BTCUSDT, missing]);
    expect(second.file).toBe(missing);
    expect((await failure([dir])).reason).toMatch(/^unreadable file: EISDIR/);
  });

  test("`-` with a stdin stream: gzip or plain detected by its first bytes (even a 1-byte first chunk), as one stream with the files around it", async () => {
    /** The bytes as a stream whose first chunk is a single byte, then chunks of 64 KiB. */
    const stream = (b: Uint8Array): Readable =>
      Readable.from([
        b.subarray(0, 1),
        ...Array.from({ length: Math.ceil((b.length - 1) / 65536) }, (_, i) => b.subarray(1 + i * 65536, 1 + (i + 1) * 65536)),
      ]);
    for (const [kind, stored] of [
      ["gzip", gzipSync(bytes)],
      ["plain", bytes],
    ] as const) {
      const events: MarketEvent[] = [];
      const seen: number[] = [];
      const stats = await replayCaptureFiles(["-"], (e) => events.push(e), { stdin: stream(stored), onProgress: (b) => seen.push(b) });
      expect(stats.files, kind).toEqual([{ ...reference.stats.files[0], file: STDIN_NAME }]);
      expect(firstDifference(events, reference.events), kind).toBeNull();
      expect(seen.at(-1), `${kind}: progress counts the stored bytes`).toBe(stored.length);
    }
    const text = new TextDecoder().decode(bytes);
    const cut = text.indexOf("\n", text.indexOf(`"lastUpdateId"`)) + 1;
    const part1 = join(dir, "stdin-part1.jsonl");
    writeFileSync(part1, bytes.subarray(0, cut));
    const events: MarketEvent[] = [];
    const stats = await replayCaptureFiles([part1, "-"], (e) => events.push(e), { stdin: stream(gzipSync(bytes.subarray(cut))) });
    expect(stats.files.map((f) => f.file)).toEqual([part1, STDIN_NAME]);
    expect(firstDifference(events, reference.events), "a file, then the rest of the capture piped in").toBeNull();
  });

  test("`-` on an empty or failing stdin: UnknownFormatError or CaptureFileError naming stdin; without a stdin stream `-` is a file name", async () => {
    await expect(replayCaptureFiles(["-"], () => {}, { stdin: Readable.from([]) })).rejects.toThrow(
      /^<stdin>: an empty file: expected a format confluence reads/,
    );
    const failing = new Readable({
      read() {
        this.destroy(new Error("the pipe broke"));
      },
    });
    const error = await replayCaptureFiles(["-"], () => {}, { stdin: failing }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CaptureFileError);
    expect((error as CaptureFileError).file).toBe(STDIN_NAME);
    expect((error as CaptureFileError).reason).toBe("unreadable file: the pipe broke");
    expect((await failure(["-"])).reason).toMatch(/^unreadable file: ENOENT/);
  });
});
