/**
 * The labelled sample sets of capture files, for `evaluate` (src/evaluate/): each file is a
 * capture of its own — its own engine, its own labels, so one day's end never labels the next
 * one's start — and each symbol in it a set of its own (the spot BTCUSDT and ETHUSDT files are
 * two captures of one symbol each; a file holding both symbols gives two sets) — or, with
 * `merge`, all the files are one capture, merged by receive time. A file named
 * `-` is `stdin` when one is given. Node-only (reads files through captureReader.ts).
 */
import type { CaptureFileStats } from "../feeds/capture.js";
import type { ConfluenceConfigInput } from "../confluence/config.js";
import type { Kernels } from "../kernels/types.js";
import { SampleCollector, type SampleCollectorOptions } from "../evaluate/sampleCollector.js";
import type { SampleSet } from "../evaluate/sampleSet.js";
import { replayCaptureFiles } from "./captureReader.js";
import { STDIN_NAME } from "./openInput.js";

export interface CaptureSamplesOptions {
  /** The scoring configuration under test. */
  readonly config?: ConfluenceConfigInput;
  /** The stream read for a file named `-`. */
  readonly stdin?: NodeJS.ReadableStream;
  /** The symbol of input that names none (replayCaptureFiles). */
  readonly symbol?: string;
  /**
   * The files were recorded side by side (a tardis.dev book, trades and quotes of one day): one
   * capture, merged by receive time (replayCaptureFiles' `merge`), named after all of them.
   */
  readonly merge?: boolean;
  /** Also record the multi-timeframe composite at each update (SampleCollectorOptions.multiTimeframe). */
  readonly multiTimeframe?: SampleCollectorOptions["multiTimeframe"];
}

export interface CaptureSamples {
  /** One per (file, symbol), in the order of the files and of each file's symbols' first appearance. */
  readonly sets: readonly SampleSet[];
  /** Per file: lines, events and lines rejected by reason. */
  readonly files: readonly CaptureFileStats[];
}

/** Reads `files` one by one into sample sets; errors as replayCaptureFiles (CaptureFileError, EmptyCaptureError). */
export async function captureSamples(
  files: readonly string[],
  kernels: Kernels,
  options: CaptureSamplesOptions = {},
): Promise<CaptureSamples> {
  const sets: SampleSet[] = [];
  const stats: CaptureFileStats[] = [];
  const nameOf = (file: string): string => (file === "-" && options.stdin !== undefined ? STDIN_NAME : (file.split(/[\\/]/).pop() ?? file));
  // one capture per file, or all of them as one when they were recorded side by side
  for (const group of options.merge ? [files] : files.map((f) => [f])) {
    const collector = new SampleCollector(kernels, {
      capture: group.map(nameOf).join("+"),
      ...(options.config ? { config: options.config } : {}),
      ...(options.multiTimeframe !== undefined ? { multiTimeframe: options.multiTimeframe } : {}),
    });
    const read = await replayCaptureFiles(group, (e) => collector.process(e), {
      ...(group.includes("-") && options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.symbol ? { symbol: options.symbol } : {}),
      ...(options.merge ? { merge: true } : {}),
      // on WASM the lines are decoded in linear memory too
      ...(kernels.backend === "js" ? {} : { decoders: kernels }),
    });
    stats.push(...read.files);
    sets.push(...collector.finish());
  }
  return { sets, files: stats };
}
