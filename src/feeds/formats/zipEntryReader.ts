/**
 * Streams the first file of a zip archive (data.binance.vision ships one CSV a zip) out of
 * the archive's bytes as they arrive, with fflate (browser-safe): a 1 GB zip is never held
 * in memory — what is held at once is what one pushed chunk inflates to. The entry's name
 * is known once its header was read (`name`), before its first bytes come out: the symbol
 * of a Binance public-data file is in it. Later entries are skipped. A corrupt or
 * truncated archive, one with no file, or an entry compressed other than stored or
 * deflate is a CaptureFileError naming the file.
 */
import { Unzip, UnzipInflate, type UnzipFile } from "fflate";
import { CaptureFileError } from "../../errors.js";

export class ZipEntryReader {
  /** The first entry's name, once its header was read; null before. */
  name: string | null = null;

  constructor(private readonly file: string) {}

  /** The first entry's bytes, from the archive's chunks. */
  async *read(archive: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const out: Uint8Array[] = [];
    let failure: string | null = null;
    let done = false;
    const unzip = new Unzip((entry: UnzipFile) => {
      if (this.name !== null || entry.name.endsWith("/")) return;
      this.name = entry.name;
      entry.ondata = (err, data, final) => {
        if (err) failure = err.message;
        else {
          if (data.length > 0) out.push(data);
          if (final) done = true;
        }
      };
      try {
        entry.start();
      } catch (e) {
        failure = `zip entry ${entry.name} compressed with method ${entry.compression}: expected stored or deflate (${(e as Error).message})`;
      }
    });
    unzip.register(UnzipInflate);
    const step = (chunk: Uint8Array, final: boolean): void => {
      try {
        unzip.push(chunk, final);
      } catch (e) {
        failure ??= (e as Error).message;
      }
      if (failure !== null) throw new CaptureFileError(this.file, `unreadable zip: ${failure}`);
    };
    for await (const chunk of archive) {
      step(chunk, false);
      while (out.length > 0) yield out.shift()!;
      if (done) return;
    }
    step(new Uint8Array(0), true);
    while (out.length > 0) yield out.shift()!;
    if (this.name === null) throw new CaptureFileError(this.file, "unreadable zip: no file in the archive");
    if (!done) throw new CaptureFileError(this.file, "unreadable zip: unexpected end of file");
  }
}
