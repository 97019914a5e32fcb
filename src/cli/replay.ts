/**
 * `confluence replay <files…>`: replays recorded captures through the streaming engine
 * — or, with `--workers N`, the ParallelEngine, with the same results — and reports per
 * symbol: as a table (default), as one JSON object (`--json`: `{ symbols, input }`, the
 * input part counting per file the lines the capture reader rejected, by reason, and the
 * events the engine could not file under a symbol), as JSON lines of every score update
 * (`--out`; with workers, the lines of different symbols interleave differently), and as
 * an HTML report with charts (`--report`). Output files appear whole or not at all
 * (outputFile.ts). Node-only.
 */
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";
import type { CaptureFileStats } from "../feeds/capture.js";
import { jsKernels, loadKernels } from "../kernels/index.js";
import type { Kernels } from "../kernels/types.js";
import { StreamingEngine, type DropCounts, type ScoreUpdate } from "../pipeline/engine.js";
import { summarize, type SymbolSummary } from "../pipeline/summary.js";
import { replayCaptureFiles } from "../node/captureReader.js";
import { ParallelEngine } from "../parallel/parallelEngine.js";
import { scoreContext, type ScoreContext } from "../parallel/scoreContext.js";
import { OutputFile } from "./outputFile.js";
import { downsample, renderReport, type SymbolSeries } from "./report.js";

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
  readonly files: readonly string[];
  readonly json: boolean;
  readonly out?: string;
  readonly report?: string;
  readonly backend: "wasm" | "js";
  /** Spread symbols over this many worker threads (src/parallel/). */
  readonly workers?: number;
}

class SeriesCollector {
  readonly series = new Map<string, SymbolSeries & { time: number[] }>();

  score(u: ScoreUpdate, ctx: ScoreContext): void {
    let s = this.series.get(u.symbol);
    if (!s) {
      s = { time: [], mid: [], score: [], confidence: [], imbalance: [], volumeDelta: [] };
      this.series.set(u.symbol, s);
    }
    const t = u.time / 1000;
    const mid = ctx.bestBid !== null && ctx.bestAsk !== null ? (ctx.bestBid + ctx.bestAsk) / 2 : null;
    const row = [mid, u.score, u.confidence, ctx.imbalance5, ctx.buyVolume - ctx.sellVolume] as const;
    const n = s.time.length;
    // lightweight-charts needs strictly increasing times: a later update at the same time replaces the point
    const at = n > 0 && s.time[n - 1]! >= t ? n - 1 : n;
    s.time[at] = n > 0 && at === n - 1 ? s.time[n - 1]! : t;
    s.mid[at] = row[0];
    s.score[at] = row[1];
    s.confidence[at] = row[2];
    s.imbalance[at] = row[3];
    s.volumeDelta[at] = row[4];
  }
}

const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : "–");
const ns = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(1)}ms` : x >= 1e3 ? `${(x / 1e3).toFixed(1)}µs` : `${Math.round(x)}ns`);

function table(summary: Record<string, SymbolSummary>, updates: (symbol: string) => number, wall: number, totalEvents: number, lines: string[]): string {
  const rows = Object.keys(summary).map((symbol) => {
    const s = summary[symbol]!;
    const e = s.events;
    const score = s.score;
    return [
      symbol, String(e.trade + e.depth + e.quote + e.snapshot), String(e.trade), String(e.rejected), String(e.duplicates),
      s.book.synced ? `synced ${s.book.bidLevels}×${s.book.askLevels}` : "unsynced", String(s.book.gaps),
      score ? fmt(score.score, 1) : "–", score ? fmt(score.confidence, 2) : "–",
      score?.decision ? `${score.decision.side} ${score.decision.urgency}` : "–",
      String(updates(symbol)),
      String(s.perf.eventsPerSec), `${ns(s.perf.latencyNs.p50)}/${ns(s.perf.latencyNs.p99)}/${ns(s.perf.latencyNs.p999)}/${ns(s.perf.latencyNs.max)}`,
    ];
  });
  const head = ["symbol", "events", "trades", "rejected", "dups", "book", "gaps", "score", "conf", "decision", "updates", "events/s", "p50/p99/p99.9/max"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [
    line(head), ...rows.map(line), "",
    `${totalEvents} events in ${wall.toFixed(2)} s (${Math.round(totalEvents / wall)} events/s, decoding included)`, ...lines,
  ].join("\n");
}

/** How the input went, in words: per file the lines rejected by reason, and the events dropped. */
function inputNotes(files: readonly CaptureFileStats[], dropped: DropCounts): string[] {
  const notes = files.filter((f) => f.rejected > 0).map((f) =>
    `${f.file}: ${f.rejected} of ${f.lines} lines rejected (${Object.entries(f.rejectedBy).map(([r, n]) => `${r} ${n}`).join(", ")})`);
  if (dropped.unroutable + dropped.symbolLimit > 0) notes.push(`events dropped: ${dropped.unroutable} without a symbol, ${dropped.symbolLimit} beyond the symbol limit`);
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
  const onScore = out || collector
    ? (u: ScoreUpdate, ctx?: ScoreContext): void => {
      if (out) {
        pending.push(JSON.stringify(u));
        if (pending.length >= 512) {
          out.write(pending.join("\n") + "\n");
          pending = [];
        }
      }
      collector?.score(u, ctx!);
    }
    : undefined;
  // one engine on this thread, or the symbols spread over worker threads: the same results
  let engine: StreamingEngine | null = null, parallel: ParallelEngine | null = null, backend: string;
  if (options.workers) {
    parallel = new ParallelEngine({ workers: options.workers, backend: options.backend, ...(onScore ? { onScore, context: collector !== null } : {}) });
    backend = `${options.backend} on ${options.workers} worker thread${options.workers > 1 ? "s" : ""}`;
  } else {
    const kernels: Kernels = options.backend === "js" ? jsKernels() : await loadKernels();
    const single: StreamingEngine = new StreamingEngine(kernels, {
      ...(onScore ? { onScore: (u: ScoreUpdate) => onScore(u, collector ? scoreContext(single.symbolState(u.symbol)!) : undefined) } : {}),
    });
    engine = single;
    backend = kernels.backend;
  }
  let failed = false;
  try {
    const totalBytes = options.files.reduce((s, f) => s + statSync(f).size, 0);
    const bar = process.stderr.isTTY && !options.json
      ? new cliProgress.SingleBar({ format: "replay [{bar}] {percentage}% | {events} events | {eta_formatted}", stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
      : null;
    bar?.start(totalBytes, 0, { events: 0 });
    let events = 0;
    const sink = (engine ?? parallel)!;
    const t0 = performance.now();
    let counters;
    try {
      counters = await replayCaptureFiles(options.files, (e) => {
        events++;
        sink.process(e);
      }, { onProgress: (bytes: number) => bar?.update(bytes, { events }) });
    } finally {
      bar?.stop();
    }
    await parallel?.flush();
    const wall = (performance.now() - t0) / 1000;
    if (out && pending.length) out.write(pending.join("\n") + "\n");
    const symbols = parallel ? await parallel.summary(wall) : summarize(engine!, wall);
    const dropped = { ...(parallel ?? engine)!.droppedBy };
    const updates = parallel ? (s: string) => parallel.scoreUpdates(s) : (s: string) => engine!.symbolState(s)!.scoreUpdates;
    if (report && collector) {
      const series = Object.create(null) as Record<string, SymbolSeries>;
      const notes = Object.create(null) as Record<string, string>;
      for (const [symbol, s] of collector.series) {
        series[symbol] = downsample(s, 1500);
        const sum = symbols[symbol]!;
        notes[symbol] = `${sum.events.trade} trades, ${sum.events.depth} depth diffs, ${sum.events.quote} quotes; ` +
          `book ${sum.book.synced ? "synced" : "unsynced"}, ${sum.book.gaps} gaps; final score ${sum.score ? sum.score.score.toFixed(1) : "–"}`;
      }
      report.write(renderReport({
        title: `confluence-hft replay: ${options.files.map((f) => f.split("/").pop()).join(", ")}`,
        generated: new Date().toISOString(), symbols: series, notes,
      }));
    }
    await out?.commit();
    await report?.commit();
    if (options.json) {
      const summary: ReplaySummary = { symbols, input: { files: counters.files, dropped } };
      stdout(JSON.stringify(summary));
    } else {
      const notes = [
        `backend ${backend}; ${counters.lines} lines, ${counters.rejected} rejected${counters.rejections.length ? ` (first: ${counters.rejections.map((r) => `${r.file}:${r.line} ${r.reason}`).join("; ")})` : ""}`,
        ...inputNotes(counters.files, dropped),
        ...(options.out ? [`score updates written to ${options.out}`] : []),
        ...(options.report ? [`report written to ${options.report}`] : []),
      ];
      stdout(table(symbols, updates, wall, events, notes));
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
