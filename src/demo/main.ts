/**
 * The live dashboard page: replays the bundled Binance captures (or one the user drops
 * or picks) through the streaming engine in a worker and shows, per symbol, the mid
 * price, the confluence score and its confidence, the book imbalance and the volume
 * delta as they evolve, with the selected symbol's components, composite outputs and
 * execution decision, and what the engine sustains in this browser.
 *
 * Frames from the worker are drawn on animation frames; the page acknowledges each one
 * so the worker never sends faster than the page draws. One worker per replay: a new
 * replay terminates the previous one. URL parameters: speed=1|10|max, backend=wasm|js,
 * scalar=1 (the scalar WASM build), autoplay=0, symbol=<selected>.
 *
 * Live mode, `?live=BTCUSDT,ETHUSDT&market=spot|usdm|coinm` (and `endpoint=` / `rest=`
 * for a testnet or a local exchange, `record=1` to keep what arrives): the worker
 * connects to Binance's public streams itself and runs the same engine on them, drawing
 * the same charts and panels, plus the connection's state; "stop" closes it and gives
 * the summary (and the recording, to save and replay).
 * For tests: window.__confluence ({ done, summary, events, eventsPerSec, live, … }) and
 * body[data-state] = idle | running | done | error.
 */
import { PRESETS } from "../confluence/config.js";
import type { SymbolSummary } from "../pipeline/summary.js";
import type { BinanceMarket } from "../live/binanceConnection.js";
import { ConnectionPanel } from "./connectionPanel.js";
import { DetailPanel } from "./detailPanel.js";
import { bytes, clock, duration, fixed, int, price, priceDigits, rate } from "./format.js";
import { PerfPanel } from "./perfPanel.js";
import type { CaptureSource, Frame, FromWorker, LiveFrame, LiveSource, Speed, SymbolFrame, ToWorker } from "./pageProtocol.js";
import { SymbolChart } from "./symbolChart.js";
import { Watchlist } from "./watchlist.js";

type State = "idle" | "running" | "done" | "error";

/** What tests (and the curious, from the console) can read. */
interface Exposed {
  done: boolean;
  state: State;
  /** Events replayed so far. */
  events: number;
  eventsPerSec: number;
  /** summarize() of the engine once the replay is done (null before), keyed by symbol. */
  summary: Record<string, SymbolSummary> | null;
  error: string | null;
  backend: string | null;
  /** Chart points per symbol and series. */
  points: Record<string, ReturnType<SymbolChart["pointCounts"]>>;
  /** Chart points dropped per symbol to the chart's bound (a series keeps the latest 20,000). */
  trimmed: Record<string, number>;
  /** Score updates so far per symbol. */
  scoreUpdates: Record<string, number>;
  /** A live session's connection, as of the last frame (null in a replay). */
  live: LiveFrame | null;
  /** A stopped live session's recording (capture format), when recording was on. */
  recording: string | null;
}
declare global {
  interface Window {
    __confluence: Exposed;
  }
}

const params = new URLSearchParams(location.search);
const BACKEND = params.get("backend") === "js" ? "js" : "wasm";
const SCALAR = params.get("scalar") === "1";
const $ = <T extends HTMLElement = HTMLElement>(selector: string): T => document.querySelector<T>(selector)!;

/** The live session the URL asks for (`live=` symbols, comma-separated), or null for a replay. */
function liveSource(): LiveSource | null {
  const symbols = params.get("live");
  if (symbols === null) return null;
  const endpoint = params.get("endpoint"),
    rest = params.get("rest");
  return {
    symbols: symbols
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== ""),
    // checked by connectBinance in the worker: a bad value comes back as its typed error's message
    market: (params.get("market") ?? "spot") as BinanceMarket,
    ...(endpoint !== null && { endpoint }),
    ...(rest !== null && { restEndpoint: rest }),
    record: params.get("record") === "1",
  };
}

function parseSpeed(text: string | null): Speed {
  return text === "max" ? "max" : text === "10" ? 10 : 1;
}

class Dashboard {
  private worker: Worker | null = null;
  private readonly charts = new Map<string, SymbolChart>();
  private readonly latest = new Map<string, SymbolFrame>();
  private readonly watchlist = new Watchlist($<HTMLTableSectionElement>("#watchlist tbody"), (s) => this.select(s));
  private readonly detail = new DetailPanel($("#side"));
  private readonly perf = new PerfPanel($("#side"));
  private readonly connection = new ConnectionPanel($("#connection"));
  private linkState: LiveFrame["state"] | null = null;
  /** A stopped live session's recording, as a blob URL and a file name. */
  private recording: { url: string; name: string } | null = null;
  private queue: FromWorker[] = [];
  private drawing = false;
  private selected: string | null = params.get("symbol");
  private speed: Speed = parseSpeed(params.get("speed"));
  private paused = false;
  private total = 0;
  /** What was loaded, for the message bar. */
  private span = "";
  /** Lines were skipped while decoding: that warning stays up. */
  private warned = false;

  constructor() {
    this.expose(initial("idle"));
    this.showSpeed();
  }

  async playBundled(): Promise<void> {
    let names: string[] | null = null;
    let why = "";
    try {
      const r = await fetch("data/index.json");
      if (r.ok) names = (await r.json()) as string[];
      else why = `HTTP ${r.status}`;
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
    if (!names) {
      this.reset("bundled captures");
      return this.fail(`data/index.json: the bundled captures are not available (${why}): expected the demo server (npm run demo)`);
    }
    const label = names.map((n) => n.split("-")[2]?.toUpperCase() ?? n).join(" + ");
    this.start(
      names.map((name) => ({ name, url: new URL(`data/${name}`, location.href).href })),
      `${label} · bundled`,
    );
  }

  playFiles(files: readonly File[]): void {
    if (files.length === 0) return;
    this.start(
      files.map((file) => ({ name: file.name, file })),
      files.map((f) => f.name).join(", "),
    );
  }

  setSpeed(speed: Speed): void {
    this.speed = speed;
    this.showSpeed();
    this.send({ type: "speed", speed });
  }

  togglePause(): void {
    if (document.body.dataset.state !== "running" || this.linkState !== null) return;
    this.paused = !this.paused;
    document.body.classList.toggle("paused", this.paused);
    $("#pause").textContent = this.paused ? "▶" : "❚❚";
    this.send({ type: "pause", paused: this.paused });
    this.showState();
  }

  /** Connects to the live streams in a new worker. */
  goLive(live: LiveSource): void {
    this.spawn(`live · ${live.market} · ${live.symbols.join(", ")}`, true);
    this.send({ type: "live", live, backend: BACKEND, scalar: SCALAR });
  }

  /** Ends the live session: the worker closes the connection and sends the summary. */
  stopLive(): void {
    if (this.linkState === null || document.body.dataset.state !== "running") return;
    $<HTMLButtonElement>("#stop").disabled = true;
    this.send({ type: "stop" });
  }

  private start(sources: CaptureSource[], label: string): void {
    this.spawn(label, false);
    this.send({ type: "start", sources, speed: this.speed, backend: BACKEND, scalar: SCALAR });
  }

  /** A clean board and a new worker, for a replay or a live session. */
  private spawn(label: string, live: boolean): void {
    this.reset(label);
    document.body.classList.toggle("live", live);
    this.linkState = live ? "connecting" : null;
    this.setState("running");
    const worker = new Worker(new URL("./replayWorker.js", import.meta.url), { type: "module" });
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      if (worker !== this.worker) return;
      this.queue.push(e.data);
      this.requestDraw();
    };
    worker.onerror = (e) => {
      e.preventDefault();
      if (worker === this.worker) this.fail(`replay worker failed: ${e.message || "could not start (see the browser console)"}`);
    };
    worker.onmessageerror = () => {
      if (worker === this.worker) this.fail("replay worker sent a message the page could not read");
    };
  }

  /** Stops the current replay and clears the board. */
  private reset(label: string): void {
    this.worker?.terminate();
    this.worker = null;
    this.queue = [];
    for (const c of this.charts.values()) c.dispose();
    this.charts.clear();
    this.latest.clear();
    this.watchlist.clear();
    this.detail.show(undefined);
    this.perf.clear();
    this.connection.clear();
    this.linkState = null;
    if (this.recording !== null) URL.revokeObjectURL(this.recording.url);
    this.recording = null;
    $("#save").hidden = true;
    this.paused = false;
    document.body.classList.remove("paused");
    $("#pause").textContent = "❚❚";
    this.total = 0;
    this.span = "";
    this.warned = false;
    $("#source").textContent = label;
    $("#source").title = label;
    $("#clock").textContent = "–";
    $("#backend").textContent = "–";
    this.progress(0);
    this.message(null);
    this.expose(initial("running"));
  }

  /** Says what was decoded — or, when lines were skipped, which and why. */
  private described(m: FromWorker & { type: "ready" }): void {
    const skipped = m.files.reduce((n, f) => n + f.rejected, 0);
    this.span =
      `${m.files.length} file${m.files.length === 1 ? "" : "s"}, ${duration(m.lastTime - m.firstTime)} of market data ` +
      `(${clock(m.firstTime)} → ${clock(m.lastTime)} UTC), one chart point per ${duration(m.bucketMs)}`;
    $("#source").title = m.files
      .map((f) => `${f.name}: ${bytes(f.bytes)}, ${int(f.lines)} lines, ${int(f.events)} events, ${int(f.rejected)} skipped`)
      .join("\n");
    this.warned = skipped > 0;
    if (this.warned) {
      this.message(
        `${int(skipped)} line${skipped === 1 ? "" : "s"} skipped while decoding: ${m.warnings.slice(0, 3).join("; ")}${m.warnings.length > 3 ? "; …" : ""}`,
        "warn",
      );
    } else {
      this.message(`decoded ${int(m.total)} events in ${fixed(m.decodeMs, 0)} ms · ${this.span}`, "info");
    }
  }

  private send(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  private requestDraw(): void {
    if (this.drawing) return;
    this.drawing = true;
    requestAnimationFrame(() => this.draw());
  }

  /** Applies what arrived since the last animation frame, in order, then acks the frames. */
  private draw(): void {
    this.drawing = false;
    const queue = this.queue;
    this.queue = [];
    let framed = false;
    for (const m of queue) {
      switch (m.type) {
        case "loading":
          $("#state").textContent = "loading";
          this.message(`decoding ${m.file}: ${bytes(m.bytes)} inflated, ${int(m.events)} events`, "info");
          break;
        case "ready":
          this.total = m.total;
          $("#backend").textContent = m.backend;
          this.exposed().backend = m.backend;
          this.perf.setTimer(m.timerResolutionUs);
          this.perf.setDecode(m.decodeMs, m.total);
          this.described(m);
          this.showState();
          break;
        case "connecting":
          $("#backend").textContent = m.backend;
          this.exposed().backend = m.backend;
          this.perf.setTimer(m.timerResolutionUs);
          this.span = `one chart point per ${duration(m.bucketMs)} of local time`;
          this.message(`connecting to ${m.url}`, "info");
          this.showState();
          break;
        case "frame":
          this.apply(m.frame);
          framed = true;
          break;
        case "done":
          this.apply(m.frame);
          this.finish(m.frame, m.summary, m.recording);
          break;
        case "error":
          this.fail(m.message);
          break;
      }
    }
    if (framed && document.body.dataset.state === "running") this.send({ type: "ack" });
  }

  private apply(frame: Frame): void {
    for (const s of frame.symbols) {
      let chart = this.charts.get(s.symbol);
      if (!chart) {
        chart = new SymbolChart(s.symbol, $("#charts"), PRESETS.default.confidenceThreshold, (symbol) => this.select(symbol));
        this.charts.set(s.symbol, chart);
        if (this.selected === null || (!this.charts.has(this.selected) && this.charts.size === 1)) this.selected = s.symbol;
      }
      chart.apply(s.points);
      chart.setQuote(quote(s));
      this.latest.set(s.symbol, s);
      this.watchlist.update(s);
    }
    this.select(this.selected);
    this.perf.update(frame);
    $("#clock").textContent = frame.processed > 0 ? clock(frame.eventTime) : "–";
    this.progress(frame.live === undefined && frame.total > 0 ? frame.processed / frame.total : 0);
    const x = this.exposed();
    if (frame.live !== undefined) {
      this.connection.update(frame.live);
      x.live = frame.live;
      if (this.linkState !== frame.live.state) {
        this.linkState = frame.live.state;
        this.showState();
        if (frame.live.state === "open") this.message(`live from ${frame.live.url} · ${this.span}`, "info");
      }
    }
    x.events = frame.processed;
    x.eventsPerSec = frame.eventsPerSec;
    x.points = Object.fromEntries([...this.charts].map(([symbol, c]) => [symbol, c.pointCounts()]));
    for (const s of frame.symbols) x.scoreUpdates[s.symbol] = s.scoreUpdates;
    x.trimmed = Object.fromEntries([...this.charts].map(([symbol, c]) => [symbol, c.trimmed]));
  }

  private select(symbol: string | null): void {
    if (symbol === null) return;
    this.selected = symbol;
    for (const [s, c] of this.charts) c.setSelected(s === symbol);
    this.watchlist.select(symbol);
    this.detail.show(this.latest.get(symbol));
  }

  private finish(frame: Frame, summary: Record<string, SymbolSummary>, recording: string | undefined): void {
    this.worker?.terminate();
    this.worker = null;
    this.setState("done");
    const x = this.exposed();
    x.summary = summary;
    x.done = true;
    const rejected = frame.symbols.reduce((n, s) => n + s.events.rejected, 0);
    if (frame.live !== undefined) {
      if (recording !== undefined) this.offerRecording(recording, frame.live);
      this.message(
        `${int(frame.processed)} events scored live over ${fixed(frame.wallMs / 1000, 1)} s (${int(rejected)} rejected by the engine, ` +
          `${int(frame.live.stats.garbage)} garbage frames) · ${this.span}`,
        "info",
      );
    } else if (!this.warned) {
      this.message(
        `${int(frame.processed)} events replayed in ${fixed(frame.busyMs, 0)} ms of worker time (${rate(frame.eventsPerSec)}), ` +
          `${int(rejected)} rejected by the engine · ${this.span}`,
        "info",
      );
    }
  }

  /** Offers the recording as a capture file to save (drop it on the page to replay it). */
  private offerRecording(recording: string, live: LiveFrame): void {
    this.recording = {
      url: URL.createObjectURL(new Blob([recording], { type: "text/plain" })),
      name: `confluence-live-${Object.keys(live.stats.symbols).join("-").toLowerCase()}-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl`,
    };
    const save = $("#save");
    save.textContent = `save recording (${int(live.recorded)} messages)`;
    save.hidden = false;
    this.exposed().recording = recording;
  }

  saveRecording(): void {
    if (this.recording === null) return;
    const a = document.createElement("a");
    a.href = this.recording.url;
    a.download = this.recording.name;
    a.click();
  }

  private fail(message: string): void {
    this.worker?.terminate();
    this.worker = null;
    this.queue = [];
    this.setState("error");
    this.message(message, "error");
    this.exposed().error = message;
  }

  private setState(state: State): void {
    document.body.dataset.state = state;
    this.exposed().state = state;
    $<HTMLButtonElement>("#pause").disabled = state !== "running";
    $<HTMLButtonElement>("#stop").disabled = state !== "running";
    this.showState();
  }

  private showState(): void {
    const state = document.body.dataset.state as State;
    const pace = this.speed === "max" ? "max" : `${this.speed}×`;
    const running =
      this.linkState !== null
        ? this.linkState === "open"
          ? "live"
          : this.linkState
        : this.paused
          ? "paused"
          : this.total
            ? `replay ${pace}`
            : "loading";
    $("#state").textContent = state === "running" ? running : state;
  }

  private showSpeed(): void {
    for (const b of document.querySelectorAll<HTMLButtonElement>("#speed button")) {
      const on = parseSpeed(b.dataset.speed ?? null) === this.speed;
      b.classList.toggle("on", on);
      b.setAttribute("aria-checked", String(on));
    }
    this.showState();
  }

  private progress(fraction: number): void {
    $("#progress > div").style.width = `${(fraction * 100).toFixed(2)}%`;
  }

  private message(text: string | null, kind: "info" | "warn" | "error" = "info"): void {
    const el = $("#message");
    el.hidden = text === null;
    el.textContent = text ?? "";
    el.className = kind;
  }

  private exposed(): Exposed {
    return window.__confluence;
  }

  private expose(x: Exposed): void {
    window.__confluence = x;
  }
}

function initial(state: State): Exposed {
  return {
    done: false,
    state,
    events: 0,
    eventsPerSec: 0,
    summary: null,
    error: null,
    backend: null,
    points: {},
    trimmed: {},
    scoreUpdates: {},
    live: null,
    recording: null,
  };
}

/** The chart header's quote line. */
function quote(s: SymbolFrame): string {
  const b = s.book;
  if (b.bestBid == null || b.bestAsk == null) return `book ${b.synced ? "synced" : "waiting for a snapshot"}`;
  const mid = (b.bestBid + b.bestAsk) / 2,
    d = priceDigits(mid);
  const u = s.score;
  return (
    `<span class="pos">${price(b.bestBid, d)}</span> / <span class="neg">${price(b.bestAsk, d)}</span>` +
    ` · mid <b>${price(mid, d)}</b>` +
    (u
      ? ` · score <b class="${u.score > 50 ? "pos" : u.score < 50 ? "neg" : ""}">${fixed(u.score, 1)}</b> conf <b>${fixed(u.confidence, 2)}</b>`
      : " · warming up")
  );
}

const dashboard = new Dashboard();

$("#play-bundled").addEventListener("click", () => void dashboard.playBundled());
const input = $<HTMLInputElement>("#file");
input.addEventListener("change", () => {
  dashboard.playFiles([...(input.files ?? [])]);
  input.value = "";
});
for (const b of document.querySelectorAll<HTMLButtonElement>("#speed button")) {
  b.addEventListener("click", () => dashboard.setSpeed(parseSpeed(b.dataset.speed ?? null)));
}
$("#pause").addEventListener("click", () => dashboard.togglePause());
$("#stop").addEventListener("click", () => dashboard.stopLive());
$("#save").addEventListener("click", () => dashboard.saveRecording());
document.addEventListener("keydown", (e) => {
  if (e.code === "Space" && !(e.target instanceof HTMLInputElement || e.target instanceof HTMLButtonElement)) {
    e.preventDefault();
    dashboard.togglePause();
  }
});

// drop a capture anywhere on the page
const overlay = $("#drop");
let dragDepth = 0;
const hasFiles = (e: DragEvent): boolean => e.dataTransfer?.types.includes("Files") ?? false;
document.addEventListener("dragenter", (e) => {
  if (!hasFiles(e)) return;
  dragDepth++;
  overlay.hidden = false;
});
document.addEventListener("dragleave", () => {
  if (--dragDepth <= 0) {
    dragDepth = 0;
    overlay.hidden = true;
  }
});
document.addEventListener("dragover", (e) => {
  if (hasFiles(e)) e.preventDefault();
});
document.addEventListener("drop", (e) => {
  e.preventDefault();
  dragDepth = 0;
  overlay.hidden = true;
  dashboard.playFiles([...(e.dataTransfer?.files ?? [])]);
});

const live = liveSource();
if (live !== null) dashboard.goLive(live);
else if (params.get("autoplay") !== "0") void dashboard.playBundled();
