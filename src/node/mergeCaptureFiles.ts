/**
 * Replays files recorded side by side — tardis.dev's incremental_book_L2, trades and
 * quotes of one day, or captures of several markets — as the market delivered them:
 * merged by receive time, each file keeping its own order (ties go to the file given
 * first). Every file has a parser of its own; the merge holds at most the events of one
 * decoded chunk (1 MiB) per file, whatever the files' sizes. The counters are the files'
 * together, as replayCaptureFiles gives them. Node-only.
 */
import { EmptyCaptureError } from "../errors.js";
import { CaptureParser, type CaptureStats } from "../feeds/capture.js";
import type { MarketEvent } from "../feeds/events.js";
import type { ReplayOptions } from "./captureReader.js";
import { type OpenInput, openInput } from "./openInput.js";

/** One file of the merge: its parser, and the events it decoded that are not delivered yet (from `at` on). */
class Lane {
  queue: MarketEvent[] = [];
  at = 0;
  ended = false;
  readonly parser: CaptureParser;

  constructor(
    readonly input: OpenInput,
    options: ReplayOptions,
  ) {
    // every event as an object into the merge: batches would pass it by
    const { onBatch: _objectsOnly, ...objects } = options;
    this.parser = new CaptureParser((e) => this.queue.push(e), objects);
    this.parser.startFile(input.file, input.decoder);
    this.parser.push(input.first);
  }
}

/** Rejections kept with their reason when the options say nothing (CaptureParser's default). */
const DEFAULT_KEPT = 5;

export async function mergeCaptureFiles(
  files: readonly string[],
  onEvent: (event: MarketEvent) => void,
  options: ReplayOptions = {},
): Promise<CaptureStats> {
  const lanes: Lane[] = [];
  const bytesRead = (): number => lanes.reduce((n, l) => n + l.input.raw.bytesRead, 0);
  try {
    for (const given of files) {
      lanes.push(new Lane(await openInput(given, options), options));
    }
    for (;;) {
      let best: Lane | null = null;
      for (const lane of lanes) {
        if (!(await fill(lane))) continue;
        if (best === null || lane.queue[lane.at]!.receiveTime < best.queue[best.at]!.receiveTime) best = lane;
      }
      if (best === null) break;
      onEvent(best.queue[best.at++]!);
      options.onProgress?.(bytesRead());
      const wait = options.drain?.();
      if (wait) await wait;
    }
  } finally {
    for (const lane of lanes) {
      lane.input.close();
      lane.parser.dispose();
    }
  }
  return combined(
    lanes.map((l) => l.parser.stats()),
    options.maxRejections ?? DEFAULT_KEPT,
  );
}

/** Whether the lane has an event to deliver, reading its file further when it has none. */
async function fill(lane: Lane): Promise<boolean> {
  while (lane.at >= lane.queue.length) {
    if (lane.ended) return false;
    lane.queue = [];
    lane.at = 0;
    const chunk = await lane.input.next();
    if (chunk !== null) {
      lane.parser.push(chunk);
      continue;
    }
    lane.parser.end();
    lane.ended = true;
    const stats = lane.parser.stats();
    if (stats.events === 0) {
      const first = stats.rejections[0];
      throw new EmptyCaptureError(
        lane.input.file,
        stats.lines,
        first ? `line ${first.line}: ${first.message}` : null,
        lane.input.decoder?.expected,
      );
    }
  }
  return true;
}

/** The counters of several files' parsers as one stream's. */
function combined(all: readonly CaptureStats[], kept: number): CaptureStats {
  const rejectedBy: Partial<Record<keyof CaptureStats["rejectedBy"], number>> = {};
  for (const s of all)
    for (const [reason, n] of Object.entries(s.rejectedBy) as [keyof CaptureStats["rejectedBy"], number][])
      rejectedBy[reason] = (rejectedBy[reason] ?? 0) + n;
  const sum = (k: "lines" | "events" | "rejected" | "fastDecoded"): number => all.reduce((n, s) => n + s[k], 0);
  return {
    lines: sum("lines"),
    events: sum("events"),
    rejected: sum("rejected"),
    rejectedBy,
    fastDecoded: sum("fastDecoded"),
    rejections: all.flatMap((s) => s.rejections).slice(0, kept),
    files: all.flatMap((s) => s.files),
  };
}
