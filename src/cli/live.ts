/**
 * `confluence live <symbols…>`: the scores of a live Binance market. One connection
 * (src/live/binanceConnection.ts, `ws` in Node) carries the symbols' trades, depth diffs and
 * best quotes, keeps each book right (REST snapshot, resync after a gap, reconnect) and hands
 * every event to the streaming engine, as `replay` does from a file. What it shows: a view per
 * symbol that refreshes in place on a terminal (liveView.ts), or with `--json` every score
 * update as a JSON line. What it keeps: `--out` every score update as JSON lines, `--record`
 * what arrived in the capture format (gzip when the name ends in .gz; snapshots included, so
 * that `replay` of the recording gives the scores seen live), `--redis` (or `--redis-cluster`)
 * the events published to the scale-out's input streams (as `publish` does from files). It
 * runs until Ctrl-C (or `--duration`), then closes the connection, finishes the files and
 * prints a last view. Node-only.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { once } from "node:events";
import { createGzip, type Gzip } from "node:zlib";
import type { Cluster, Redis } from "ioredis";
import { DuplicateSymbolError, InvalidParameterError, OutputWriteError } from "../errors.js";
import type { BinanceConnection, BinanceMarket } from "../live/binanceConnection.js";
import { captureLine } from "../live/captureLine.js";
import { connectBinance } from "../node/connectBinance.js";
import { jsKernels, loadKernels } from "../kernels/index.js";
import { LatencyHistogram } from "../pipeline/latencyHistogram.js";
import { StreamingEngine, type ScoreUpdate } from "../pipeline/engine.js";
import type { StreamPublisher } from "../cluster/publisher.js";
import { liveView, type LiveRow } from "./liveView.js";
import type { ScoringConfig } from "./scoringConfig.js";
import { redisTarget } from "./redisTarget.js";
import { UsageError } from "./usageError.js";

export interface LiveOptions {
  readonly symbols: readonly string[];
  readonly market: BinanceMarket;
  readonly depthSpeed: "100ms" | "0ms";
  readonly scoring: ScoringConfig;
  readonly backend: "wasm" | "js";
  readonly json: boolean;
  readonly out?: string;
  readonly record?: string;
  /** Publish every event to the scale-out's input streams on this Redis server (a URL)… */
  readonly redis?: string;
  /** …or on this Redis Cluster (seed nodes host:port,…). */
  readonly redisCluster?: string;
  readonly endpoint?: string;
  readonly restEndpoint?: string;
  /** Stop after this long (ms); default: until a signal. */
  readonly durationMs?: number;
  /** How often the view is drawn (ms). */
  readonly refreshMs: number;
}

export interface LiveIo {
  readonly stdout: (s: string) => void;
  /** True when stdout is a terminal: the view is redrawn in place. */
  readonly tty: boolean;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
}

/** A file written as events arrive (not all-or-nothing: a recording of a live market is worth keeping up to a crash). */
async function openStream(
  path: string,
  flag: string,
  gzip: boolean,
  onFailure: (e: OutputWriteError) => void,
): Promise<{ write: (s: string) => void; end: () => Promise<void> }> {
  const file: WriteStream = createWriteStream(path, { flags: "w" });
  try {
    await once(file, "open");
  } catch (e) {
    throw new UsageError(`${flag} ${path}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const zip: Gzip | null = gzip ? createGzip() : null;
  if (zip) zip.pipe(file);
  const sink = zip ?? file;
  // a write that fails (a full disk) is the run's end, reported as such — never an unhandled 'error' event
  let failed = false;
  const fail = (e: Error): void => {
    if (failed) return;
    failed = true;
    onFailure(new OutputWriteError(path, e.message));
  };
  file.on("error", fail);
  zip?.on("error", fail);
  return {
    write: (s) => {
      if (!failed) sink.write(s);
    },
    end: async () => {
      if (file.closed || file.destroyed) return;
      const closed = once(file, "close").catch(() => undefined);
      if (failed) file.destroy();
      else sink.end();
      await closed;
    },
  };
}

/** Recent exchange-time → score latencies of one symbol (ms, on the exchange clock). */
class RecentLatency {
  private histogram = new LatencyHistogram();

  record(ms: number): void {
    // the histogram counts ns; a negative latency (clock offset not measured yet) counts as 0
    this.histogram.record(Math.max(0, ms) * 1e6);
    if (this.histogram.count >= 10_000) this.histogram = new LatencyHistogram();
  }

  quantileMs(q: number): number | null {
    return this.histogram.count === 0 ? null : this.histogram.quantile(q) / 1e6;
  }
}

export async function live(options: LiveOptions, io: LiveIo): Promise<void> {
  const target = redisTarget(options, false);
  let failure: OutputWriteError | null = null;
  let stopNow = (): void => {};
  const onFailure = (e: OutputWriteError): void => {
    failure ??= e;
    stopNow();
  };
  const out = options.out ? await openStream(options.out, "--out", options.out.endsWith(".gz"), onFailure) : null;
  const record = options.record ? await openStream(options.record, "--record", options.record.endsWith(".gz"), onFailure) : null;
  let redis: Redis | Cluster | null = null;
  let publisher: StreamPublisher | null = null;
  if (target) {
    const { connectRedisTarget } = await import("../cluster/connect.js");
    const { StreamPublisher } = await import("../cluster/publisher.js");
    redis = await connectRedisTarget(target);
    publisher = new StreamPublisher(redis, { live: true });
  }
  const kernels = options.backend === "js" ? jsKernels() : await loadKernels();
  const latency = new Map<string, RecentLatency>();
  let connection: BinanceConnection | null = null;
  const onScore = (u: ScoreUpdate): void => {
    const line = JSON.stringify(u);
    out?.write(`${line}\n`);
    if (options.json) io.stdout(line);
    let l = latency.get(u.symbol);
    if (!l) latency.set(u.symbol, (l = new RecentLatency()));
    const offset = connection?.stats.serverTimeOffsetMs ?? Number.NaN;
    l.record(Date.now() + (Number.isNaN(offset) ? 0 : offset) - u.time);
  };
  const engine = new StreamingEngine(kernels, { config: options.scoring.input, onScore });
  const eventsAt = new Map<string, number>();
  const started = Date.now();
  try {
    connection = connectBinance({
      symbols: options.symbols,
      market: options.market,
      depthSpeed: options.depthSpeed,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.restEndpoint ? { restEndpoint: options.restEndpoint } : {}),
      onEvent: (event, raw) => {
        record?.write(`${captureLine(raw)}\n`);
        publisher?.push(event);
        engine.process(event);
      },
    });
  } catch (e) {
    // the connection checks its options before it connects: a bad symbol is the user's, and leaves no files
    redis?.disconnect();
    engine.dispose();
    await out?.end();
    await record?.end();
    await Promise.all([options.out, options.record].map((p) => (p ? rm(p, { force: true }) : undefined)));
    if (e instanceof InvalidParameterError || e instanceof DuplicateSymbolError) throw new UsageError(e.message);
    throw e;
  }
  /** Per symbol: events a second since the last view, or over the whole run for the last one. */
  const rows = (intervalMs: number, final: boolean): LiveRow[] =>
    options.symbols.map((symbol) => {
      const s = engine.symbolState(symbol);
      const events = s ? s.events.trade + s.events.depth + s.events.quote + s.events.snapshot : 0;
      const perSecond = final
        ? (events * 1000) / Math.max(Date.now() - started, 1)
        : ((events - (eventsAt.get(symbol) ?? 0)) * 1000) / Math.max(intervalMs, 1);
      eventsAt.set(symbol, events);
      const book = s?.book();
      const symbolStats = connection!.stats.symbols[symbol];
      const l = latency.get(symbol);
      return {
        symbol,
        bestBid: book?.synced ? (book.bestBid ?? null) : null,
        bestAsk: book?.synced ? (book.bestAsk ?? null) : null,
        book: book ? (book.synced ? "synced" : (s?.sync?.state ?? "waiting")) : "waiting",
        gaps: symbolStats?.gaps ?? 0,
        resyncs: symbolStats?.resyncs ?? 0,
        score: s?.lastScore ?? null,
        eventsPerSecond: perSecond,
        latencyP50Ms: l?.quantileMs(0.5) ?? null,
        latencyP99Ms: l?.quantileMs(0.99) ?? null,
      };
    });
  let drawnLines = 0;
  let lastDraw = Date.now();
  const draw = (final: boolean): void => {
    const stats = connection!.stats;
    const now = Date.now();
    const text = liveView(
      {
        market: options.market,
        endpoint: options.endpoint ?? "Binance",
        uptimeMs: now - started,
        serverOffsetMs: Number.isNaN(stats.serverTimeOffsetMs) ? null : stats.serverTimeOffsetMs,
        reconnects: stats.reconnects.unplanned + stats.reconnects.planned,
        garbage: stats.garbage,
        threshold: options.scoring.resolved.confidenceThreshold,
        scoring: options.scoring.label,
      },
      rows(now - lastDraw, final),
    );
    lastDraw = now;
    // on a terminal, move up over the previous view and clear to the end of the screen
    io.stdout(io.tty && drawnLines > 0 ? `\u001b[${drawnLines}F\u001b[J${text}` : text);
    drawnLines = text.split("\n").length;
  };
  // with --json, standard output is the score updates' alone
  const timer = options.json ? null : setInterval(() => draw(false), options.refreshMs);
  await new Promise<void>((resolve) => {
    stopNow = resolve;
    if (failure !== null || io.signal.aborted) return resolve();
    io.signal.addEventListener("abort", () => resolve(), { once: true });
    if (options.durationMs !== undefined) setTimeout(resolve, options.durationMs).unref();
  });
  if (timer) clearInterval(timer);
  await connection.close();
  try {
    await publisher?.flush();
  } finally {
    if (publisher && publisher.overflowed > 0)
      process.stderr.write(
        `confluence live: ${publisher.overflowed} events not published to Redis: it fell more than ${publisher.maxHeld} events behind the exchange\n`,
      );
    redis?.disconnect();
    await out?.end();
    await record?.end();
    if (!options.json) draw(true);
    engine.dispose();
  }
  if (failure !== null) throw failure;
}
