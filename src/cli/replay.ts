/**
 * `confluence replay <files…>`: replays recorded captures (`-`: standard input) through the
 * streaming engine — or, with `--workers N`, the ParallelEngine, with the same results —
 * under the scoring configuration given (`--preset`, `--config`), and reports per
 * symbol: as a table for a trader (default; replayTable.ts), as one JSON object (`--json`: `{ symbols, input }`, the
 * input part counting per file the lines the capture reader rejected, by reason, and the
 * events the engine could not file under a symbol), as JSON lines of every score update
 * (`--out`; with workers, the lines of different symbols interleave differently), and as
 * an HTML report with charts (`--report`; report.ts). Output files appear whole or not at all
 * (outputFile.ts). What only some runs need — the progress bar, the worker threads — is
 * imported when they need it. Node-only.
 */
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { CaptureFileStats } from "../feeds/capture.js";
import type { EventBatch } from "../feeds/eventBatch.js";
import { FORMAT_NAMES } from "../feeds/formats/lineDecoder.js";
import { jsKernels, loadKernels } from "../kernels/index.js";
import type { Kernels } from "../kernels/types.js";
import { StreamingEngine, type DropCounts, type ScoreUpdate } from "../pipeline/engine.js";
import { summarize, type SymbolSummary } from "../pipeline/summary.js";
import { replayCaptureFiles } from "../node/captureReader.js";
import type { ParallelEngine } from "../parallel/parallelEngine.js";
import { scoreContext, type ScoreContext } from "../parallel/scoreContext.js";
import { OutputFile } from "./outputFile.js";
import { replayTable } from "./replayTable.js";
import { downsample, renderReport, type ReportRow, type SymbolSeries } from "./report.js";
import type { ScoringConfig } from "./scoringConfig.js";
import { SeriesCollector } from "./seriesCollector.js";
import { SymbolSpans } from "./symbolSpans.js";
import { traderView } from "./traderView.js";

/** What `confluence replay --json` prints (docs/replay-summary.schema.json). */
export interface ReplaySummary {
  /** Per symbol, in order of first appearance (a null-prototype object). */
  readonly symbols: Record<string, SymbolSummary>;
  readonly input: {
    /** Per capture file: lines, events, and the lines rejected by reason. */
    readonly files: readonly CaptureFileStats[];
    /** Events the engine could not file under a symbol. */
    readonly dropped: DropCounts;
  };
}

export interface ReplayOptions {
  /** Capture files; `-` is standard input. */
  readonly files: readonly string[];
  readonly json: boolean;
  readonly out?: string;
  readonly report?: string;
  readonly backend: "wasm" | "js";
  /** Spread symbols over this many worker threads (src/parallel/). */
  readonly workers?: number;
  readonly scoring: ScoringConfig;
  /** The symbol of input that names none (a Binance public trades CSV piped in or renamed). */
  readonly symbol?: string;
  /** Merge the files by receive time instead of reading them one after another. */
  readonly merge?: boolean;
}

/**
 * How the input went, in words: per file not in the capture format its format and clock,
 * per file the lines rejected by reason, and the events dropped.
 */
function inputNotes(files: readonly CaptureFileStats[], dropped: DropCounts): string[] {
  const formats = files
    .filter((f) => f.format !== "capture")
    .map(
      (f) =>
        `${f.file}: ${FORMAT_NAMES[f.format]}; clock: ${f.clock === "receive" ? "the recorded receive time" : "the exchange time (the format records no receive time)"}`,
    );
  const notes = files
    .filter((f) => f.rejected > 0)
    .map(
      (f) =>
        `${f.file}: ${f.rejected} of ${f.lines} lines rejected (${Object.entries(f.rejectedBy)
          .map(([r, n]) => `${r} ${n}`)
          .join(", ")})`,
    );
  notes.unshift(...formats);
  if (dropped.unroutable + dropped.symbolLimit > 0)
    notes.push(`events dropped: ${dropped.unroutable} without a symbol, ${dropped.symbolLimit} beyond the symbol limit`);
  return notes;
}

export async function replay(options: ReplayOptions, stdout: (s: string) => void): Promise<void> {
  // outputs first: an unwritable path is a usage error before any work
  const out = options.out ? await OutputFile.open(options.out, "--out") : null;
  let report: OutputFile | null = null;
  try {
    report = options.report ? await OutputFile.open(options.report, "--report") : null;
  } catch (e) {
    await out?.discard();
    throw e;
  }
  let pending: string[] = [];
  const collector = report ? new SeriesCollector() : null;
  const onScore =
    out || collector
      ? (u: ScoreUpdate, ctx?: ScoreContext): void => {
          if (out) {
            pending.push(JSON.stringify(u));
            if (pending.length >= 512) {
              out.write(`${pending.join("\n")}\n`);
              pending = [];
            }
          }
          collector?.score(u, ctx!);
        }
      : undefined;
  // one engine on this thread, or the symbols spread over worker threads: the same results
  let engine: StreamingEngine | null = null,
    parallel: ParallelEngine | null = null,
    backend: string;
  // the backend's kernels: the engine's, and on WASM the decoder of the capture's lines (in linear memory)
  const kernels: Kernels = options.backend === "js" ? jsKernels() : await loadKernels();
  const config = options.scoring.input;
  if (options.workers) {
    const { ParallelEngine } = await import("../parallel/parallelEngine.js");
    parallel = new ParallelEngine({
      workers: options.workers,
      backend: options.backend,
      config,
      ...(onScore ? { onScore, context: collector !== null } : {}),
    });
    backend = `${options.backend} on ${options.workers} worker thread${options.workers > 1 ? "s" : ""}`;
  } else {
    const single: StreamingEngine = new StreamingEngine(kernels, {
      config,
      ...(onScore ? { onScore: (u: ScoreUpdate) => onScore(u, collector ? scoreContext(single.symbolState(u.symbol)!) : undefined) } : {}),
    });
    engine = single;
    backend = kernels.backend;
  }
  let failed = false;
  try {
    // a progress bar on a terminal, when the total is known (standard input has none)
    let bar: import("cli-progress").SingleBar | null = null;
    if (process.stderr.isTTY && !options.json && !options.files.includes("-")) {
      const { default: cliProgress } = await import("cli-progress");
      bar = new cliProgress.SingleBar(
        { format: "replay [{bar}] {percentage}% | {events} events | {eta_formatted}", stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(
        options.files.reduce((s, f) => s + statSync(f).size, 0),
        0,
        { events: 0 },
      );
    }
    let events = 0;
    const sink = (engine ?? parallel)!;
    const spans = new SymbolSpans();
    const t0 = performance.now();
    let counters: Awaited<ReturnType<typeof replayCaptureFiles>>;
    try {
      counters = await replayCaptureFiles(
        options.files,
        (e) => {
          events++;
          spans.add(e);
          sink.process(e);
        },
        {
          ...(options.files.includes("-") ? { stdin: process.stdin } : {}),
          ...(options.symbol ? { symbol: options.symbol } : {}),
          ...(options.merge ? { merge: true } : {}),
          // the lines decoded into columns (on WASM in linear memory, on JS by the plain-TS twin) and, with one
          // engine, taken by it as batches: no object per event (on WASM the levels are never read by JavaScript).
          // Worker threads take objects: on JS FastDecoder's, its fastest path to objects
          ...(engine || kernels.backend !== "js" ? { decoders: kernels } : {}),
          ...(engine
            ? {
                onBatch: (batch: EventBatch, from: number, to: number) => {
                  events += to - from;
                  spans.addBatch(batch, from, to);
                  engine!.processBatch(batch, from, to);
                },
              }
            : {}),
          onProgress: (bytes: number) => bar?.update(bytes, { events }),
        },
      );
    } finally {
      bar?.stop();
    }
    await parallel?.flush();
    const wall = (performance.now() - t0) / 1000;
    if (out && pending.length) out.write(`${pending.join("\n")}\n`);
    const symbols = parallel ? await parallel.summary(wall) : summarize(engine!, wall);
    const dropped = { ...(parallel ?? engine)!.droppedBy };
    const updates = parallel ? (s: string) => parallel.scoreUpdates(s) : (s: string) => engine!.symbolState(s)!.scoreUpdates;
    const threshold = options.scoring.resolved.confidenceThreshold;
    if (report && collector) {
      const series = Object.create(null) as Record<string, SymbolSeries>;
      const rows = Object.create(null) as Record<string, ReportRow>;
      for (const symbol of Object.keys(symbols)) {
        const sum = symbols[symbol]!;
        const collected = collector.series.get(symbol);
        if (collected) series[symbol] = downsample(collected, 1500);
        rows[symbol] = {
          ...traderView(symbol, sum, spans.get(symbol), threshold),
          updates: updates(symbol),
          notes: `${sum.events.trade} trades, ${sum.events.depth} depth diffs, ${sum.events.quote} quotes; book ${sum.book.synced ? "synced" : "unsynced"}, ${sum.book.gaps} gaps`,
        };
      }
      report.write(
        renderReport({
          title: `confluence-hft replay: ${counters.files.map((f) => f.file.split("/").pop()).join(", ")}`,
          generated: new Date().toISOString(),
          threshold,
          scoring: options.scoring.label,
          symbols: series,
          rows,
        }),
      );
    }
    await out?.commit();
    await report?.commit();
    if (options.json) {
      const summary: ReplaySummary = { symbols, input: { files: counters.files, dropped } };
      stdout(JSON.stringify(summary));
    } else {
      const notes = [
        `input: ${counters.lines} lines, ${counters.rejected} rejected${counters.rejections.length ? ` (first: ${counters.rejections.map((r) => `${r.file}:${r.line} ${r.reason}`).join("; ")})` : ""}`,
        ...inputNotes(counters.files, dropped),
        ...(options.out ? [`score updates written to ${options.out}`] : []),
        ...(options.report ? [`report written to ${options.report}`] : []),
      ];
      stdout(
        replayTable({ symbols, spans, updates, threshold, scoring: options.scoring.label, backend, wallSeconds: wall, events, notes }),
      );
    }
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    engine?.dispose();
    // after an error, that error is the one to report: closing the workers or the files must not replace it
    if (failed) {
      await out?.discard();
      await report?.discard();
      await parallel?.close().catch(() => {});
    } else await parallel?.close();
  }
}
