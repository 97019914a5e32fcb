import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { CaptureFileError } from "../../src/errors.js";
import { ZipEntryReader } from "../../src/feeds/formats/zipEntryReader.js";
import { replayCaptureFiles } from "../../src/node/captureReader.js";

const ZIP = new URL("../fixtures/formats/BTCUSDT-aggTrades-2024-08-08.zip", import.meta.url).pathname;

/** The entry's bytes, the archive pushed in the given chunks; and how many chunks had been pushed when the first bytes came out. */
async function unzip(chunks: Uint8Array[]): Promise<{ bytes: Uint8Array; name: string | null; firstOutputAfter: number }> {
  const reader = new ZipEntryReader("test.zip");
  let pushed = 0;
  async function* feed(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) {
      pushed++;
      yield c;
    }
  }
  const out: Uint8Array[] = [];
  let firstOutputAfter = -1;
  for await (const c of reader.read(feed())) {
    if (firstOutputAfter < 0) firstOutputAfter = pushed;
    out.push(c);
  }
  return { bytes: Buffer.concat(out), name: reader.name, firstOutputAfter };
}

describe("ZipEntryReader", () => {
  const archive = new Uint8Array(readFileSync(ZIP));

  test("streams: the first entry's bytes come out before the archive has all arrived, its name known", async () => {
    const text = "id,price\n".repeat(50_000);
    const big = zipSync({ "ETHUSDT-trades-2024-08-08.csv": new TextEncoder().encode(text), "second.csv": new Uint8Array(10) });
    const chunks = Array.from({ length: Math.ceil(big.length / 64) }, (_, i) => big.subarray(i * 64, (i + 1) * 64));
    const { bytes, name, firstOutputAfter } = await unzip(chunks);
    expect(new TextDecoder().decode(bytes)).toBe(text);
    expect(name).toBe("ETHUSDT-trades-2024-08-08.csv");
    expect(firstOutputAfter, `first output after ${firstOutputAfter} of ${chunks.length} chunks`).toBeLessThan(chunks.length);
  });

  test("fast-check: the same bytes wherever the chunks split the archive", async () => {
    const whole = await unzip([archive]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(archive.length), { maxLength: 20 }), async (cuts) => {
        const at = [0, ...[...cuts].sort((a, b) => a - b), archive.length];
        const chunks = at.slice(1).map((end, i) => archive.subarray(at[i]!, end));
        const got = await unzip(chunks);
        expect(Buffer.compare(got.bytes, whole.bytes)).toBe(0);
        expect(got.name).toBe("BTCUSDT-aggTrades-2024-08-08.csv");
      }),
      { numRuns: 40 },
    );
  });

  test("an archive with no file, or cut short: CaptureFileError", async () => {
    const empty = zipSync({});
    await expect(unzip([empty])).rejects.toThrow(CaptureFileError);
    await expect(unzip([archive.subarray(0, archive.length - 200)])).rejects.toThrow(/unreadable zip/);
  });

  test("a renamed Binance public-data zip takes its symbol from the entry's name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "confluence-zip-"));
    try {
      const file = join(dir, "download.zip");
      writeFileSync(file, archive);
      const symbols = new Set<string>();
      const stats = await replayCaptureFiles([file], (e) => symbols.add(e.symbol));
      expect([...symbols]).toEqual(["BTCUSDT"]);
      expect(stats.files[0]).toMatchObject({ format: "binance-agg-trades", rejected: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
