/**
 * A live connection to Binance's public market data (spot, USD-M or COIN-M futures) that
 * keeps every symbol's book right: what a trader's engine needs to score the market as
 * it moves, not a recording of it. One implementation of the protocol for Node (the `ws`
 * package, src/node/connectBinance.ts) and browsers (their native WebSocket); browser-safe.
 *
 * Protocol (Binance API docs: "WebSocket Market Streams", "How to manage a local order
 * book correctly", spot and futures; "LIMITS"):
 *  - one combined-stream connection for all symbols: `<sym>@trade` (spot) or `@aggTrade`
 *    (futures), `<sym>@depth@100ms` or `@depth@0ms`, `<sym>@bookTicker`;
 *  - the REST depth snapshot is fetched once diffs are arriving (the first diff of a chain),
 *    at most one request in flight per symbol; 429 and 418 answers are backed off for
 *    at least their `Retry-After`, for every symbol (request weight is per IP);
 *  - the client follows each symbol's diff chain itself (spot: U == previous u + 1;
 *    futures: pu == previous u): a break is a gap, counted, and a fresh snapshot is
 *    fetched; a snapshot that no diff received since the chain began can bridge (older
 *    than the buffered diffs) is counted and fetched again, never delivered;
 *  - a dropped connection (closed, failed, or silent for `staleMs`: ws and browsers
 *    answer the server's pings themselves, the timer catches a dead link) is reopened
 *    with exponential backoff and jitter, and every symbol resnapshots (the chain broke);
 *  - before Binance's 24-hour limit (`maxConnectionMs`) a planned reconnect opens the new
 *    connection first, holds what it receives until the old one has delivered past the
 *    new one's first diff of every symbol, then switches, skipping by update and trade id
 *    what both delivered: no gap, and no message reaches `onEvent` twice.
 * Every event goes to `onEvent` in arrival order with its raw text and local receive time
 * in ns (src/live/captureLine.ts records it): snapshots as DepthSnapshotEvents with their
 * symbol. Frames that are not market data are counted by reason, never fatal. Everything
 * is bounded: the held frames of a planned switch, the snapshot retries (exponential
 * backoff up to `reconnect.maxMs`, one request per symbol), the symbols per connection.
 */
import { readBounded } from "./readBounded.js";
import { DuplicateSymbolError, FeedDecodeError, InvalidParameterError, type FeedDecodeReason } from "../errors.js";
import { decodeBinanceMessage } from "../feeds/binance.js";
import type { DepthDiffEvent, MarketEvent } from "../feeds/events.js";
import { backoffDelay, retryAfterMs } from "./backoff.js";

export type BinanceMarket = "spot" | "usdm" | "coinm";

/** What the connection needs of a WebSocket: the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

export interface BinanceConnectionOptions {
  /** Symbols, e.g. "BTCUSDT", "ETHUSD_PERP" (letters, digits, "_" or "-"; case-insensitive; each once). */
  readonly symbols: readonly string[];
  /** Default "spot". */
  readonly market?: BinanceMarket;
  /** Depth diff speed; default "100ms"; "0ms" only on futures. */
  readonly depthSpeed?: "100ms" | "0ms";
  /** WebSocket base; defaults wss://stream.binance.com:9443, wss://fstream.binance.com, wss://dstream.binance.com. */
  readonly endpoint?: string;
  /** REST base; defaults https://api.binance.com, https://fapi.binance.com, https://dapi.binance.com. */
  readonly restEndpoint?: string;
  /** Default globalThis.WebSocket. */
  readonly webSocket?: WebSocketConstructorLike;
  /** Default globalThis.fetch. */
  readonly fetch?: typeof fetch;
  /** REST depth levels a side: 1–5000 on spot; 5, 10, 20, 50, 100, 500 or 1000 on futures. Default 1000. */
  readonly snapshotLimit?: number;
  /** A planned reconnect after this long on one connection (Binance closes at 24 h). Default 23 h 30 m. */
  readonly maxConnectionMs?: number;
  /** Reconnect and snapshot-retry backoff: initial delay (default 1 s) doubling up to max (default 60 s), with jitter. */
  readonly reconnect?: { readonly initialMs?: number; readonly maxMs?: number };
  /** No frame for this long: the connection is taken for dropped and reopened. Default 60 s. */
  readonly staleMs?: number;
  /** Wall clock in ms (timers, server-time offset, Retry-After). Default performance.timeOrigin + performance.now(). */
  readonly now?: () => number;
  /** Local receive time in ns since the epoch, stamped on every message. Default: now() in ns. */
  readonly nowNs?: () => bigint;
  /** Every market event as it arrived, in order: decoded event, the raw text, its local receive time in ns. */
  readonly onEvent: (event: MarketEvent, raw: RawMessage) => void;
  /** Connecting, open, reconnecting, closed; per-symbol sync; the server-time offset; errors. */
  readonly onStatus?: (status: ConnectionStatus) => void;
}

export interface RawMessage {
  readonly text: string;
  readonly receiveTimeNs: bigint;
  readonly kind: "stream" | "snapshot";
  readonly symbol: string;
}

export type ConnectionStatus =
  | { readonly type: "connecting"; readonly url: string; readonly planned: boolean }
  | { readonly type: "open"; readonly planned: boolean }
  | { readonly type: "switched" }
  | { readonly type: "reconnecting"; readonly delayMs: number; readonly reason: string }
  | { readonly type: "closed" }
  | { readonly type: "sync"; readonly symbol: string; readonly synced: boolean; readonly reason: string }
  | { readonly type: "serverTime"; readonly offsetMs: number; readonly roundTripMs: number }
  | { readonly type: "error"; readonly message: string };

/** Why a frame was not market data. */
export type GarbageReason = FeedDecodeReason | "binary" | "unknown-symbol" | "unexpected-snapshot";

export interface SymbolConnectionStats {
  /** The book can be trusted: a snapshot was delivered and the chain has not broken since. */
  synced: boolean;
  /** Breaks in the diff chain. */
  gaps: number;
  snapshotsRequested: number;
  snapshotsReceived: number;
  /** Snapshots answered but older than every diff since the chain began: fetched again, not delivered. */
  staleSnapshots: number;
  /** Snapshot requests that failed (HTTP error, network, bad body) and were retried. */
  snapshotRetries: number;
  /** Snapshots delivered after the first: each re-syncs the book after a gap or a reconnect. */
  resyncs: number;
  /** Messages both connections of a planned switch delivered, skipped by id. */
  duplicatesSkipped: number;
}

export interface ConnectionStats {
  /** Frames received, over every connection (garbage and held frames included). */
  messages: number;
  /** Events delivered to onEvent (snapshots included). */
  events: number;
  garbage: number;
  garbageBy: Partial<Record<GarbageReason, number>>;
  readonly reconnects: { unplanned: number; planned: number };
  /** Connections dropped because no frame came for `staleMs`. */
  staleConnections: number;
  /** Snapshot requests retried after a failure (all symbols). */
  snapshotRetries: number;
  /** 429 (request weight exceeded) and 418 (IP banned) answers. */
  rateLimited: number;
  banned: number;
  /** Frames a planned switch held back (all delivered or skipped at the switch). */
  held: number;
  /** Server time − the midpoint of the request's local send and receive times, ms (NaN before one was measured). */
  serverTimeOffsetMs: number;
  serverTimeRoundTripMs: number;
  readonly symbols: Record<string, SymbolConnectionStats>;
}

export interface BinanceConnection {
  readonly stats: ConnectionStats;
  /** Closes the connections and stops every timer and request; no event is delivered after it. */
  close(): Promise<void>;
}

const WS_DEFAULT: Record<BinanceMarket, string> = {
  spot: "wss://stream.binance.com:9443",
  usdm: "wss://fstream.binance.com",
  coinm: "wss://dstream.binance.com",
};
const REST_DEFAULT: Record<BinanceMarket, string> = {
  spot: "https://api.binance.com",
  usdm: "https://fapi.binance.com",
  coinm: "https://dapi.binance.com",
};
const REST_PREFIX: Record<BinanceMarket, string> = { spot: "/api/v3", usdm: "/fapi/v1", coinm: "/dapi/v1" };
const FUTURES_LIMITS = [5, 10, 20, 50, 100, 500, 1000];
/** Binance allows 1024 streams on one connection; three a symbol. */
const MAX_SYMBOLS = 300;
/** A REST snapshot is at most a few hundred KB (5,000 levels a side); an answer beyond this is refused and retried. */
const MAX_SNAPSHOT_BYTES = 8 << 20;
/** Frames held by a planned switch at most: beyond, it switches at once (the chain check catches what it missed). */
const MAX_HELD = 100_000;
/** A planned switch whose streams do not overlap in this long switches anyway. */
const SWITCH_DEADLINE_MS = 30_000;
/** A snapshot request that has not answered in this long is aborted and retried. */
const REQUEST_TIMEOUT_MS = 30_000;
const SYMBOL = /^[A-Za-z0-9_-]{1,40}$/;

function ms(ns: bigint): number {
  // as CaptureParser reads a capture's ns: whole ms plus the last six digits as a fraction, each exact
  return Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
}

function defaultNow(): number {
  return performance.timeOrigin + performance.now();
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(typeof value === "number" && value > 0 && value < Infinity)) throw new InvalidParameterError(name, value, "a finite number > 0");
  return value;
}

interface Settings {
  readonly market: BinanceMarket;
  readonly symbols: readonly string[];
  readonly url: string;
  readonly restBase: string;
  readonly limit: number;
  readonly maxConnectionMs: number;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly staleMs: number;
}

function settings(o: BinanceConnectionOptions): Settings {
  const market = o.market ?? "spot";
  if (market !== "spot" && market !== "usdm" && market !== "coinm")
    throw new InvalidParameterError("market", market, '"spot", "usdm" or "coinm"');
  if (!Array.isArray(o.symbols) || o.symbols.length === 0 || o.symbols.length > MAX_SYMBOLS)
    throw new InvalidParameterError("symbols", o.symbols, `an array of 1 to ${MAX_SYMBOLS} symbols`);
  const symbols: string[] = [];
  for (const given of o.symbols) {
    if (typeof given !== "string" || !SYMBOL.test(given))
      throw new InvalidParameterError("symbol", given, 'letters, digits, "_" or "-" (e.g. "BTCUSDT", "ETHUSD_PERP")');
    const symbol = given.toUpperCase();
    const first = symbols.indexOf(symbol);
    if (first >= 0) throw new DuplicateSymbolError(symbol, first, symbols.length);
    symbols.push(symbol);
  }
  const speed = o.depthSpeed ?? "100ms";
  if (speed !== "100ms" && speed !== "0ms") throw new InvalidParameterError("depthSpeed", speed, '"100ms" or "0ms"');
  if (speed === "0ms" && market === "spot") throw new InvalidParameterError("depthSpeed", speed, '"100ms" on spot ("0ms" is futures only)');
  const limit = o.snapshotLimit ?? 1000;
  if (market === "spot" ? !(Number.isInteger(limit) && limit >= 1 && limit <= 5000) : !FUTURES_LIMITS.includes(limit))
    throw new InvalidParameterError("snapshotLimit", limit, market === "spot" ? "an integer from 1 to 5000" : FUTURES_LIMITS.join(", "));
  const trade = market === "spot" ? "trade" : "aggTrade";
  const streams = symbols.flatMap((s) => {
    const name = s.toLowerCase();
    return [`${name}@${trade}`, `${name}@depth@${speed}`, `${name}@bookTicker`];
  });
  const base = (o.endpoint ?? WS_DEFAULT[market]).replace(/\/+$/, "");
  const initialMs = positive("reconnect.initialMs", o.reconnect?.initialMs, 1000);
  const maxMs = positive("reconnect.maxMs", o.reconnect?.maxMs, 60_000);
  if (maxMs < initialMs) throw new InvalidParameterError("reconnect.maxMs", maxMs, `at least reconnect.initialMs (${initialMs})`);
  return {
    market,
    symbols,
    url: `${base}/stream?streams=${streams.join("/")}`,
    restBase: (o.restEndpoint ?? REST_DEFAULT[market]).replace(/\/+$/, "") + REST_PREFIX[market],
    limit,
    maxConnectionMs: positive("maxConnectionMs", o.maxConnectionMs, 23.5 * 3_600_000),
    initialMs,
    maxMs,
    staleMs: positive("staleMs", o.staleMs, 60_000),
  };
}

/** Opens the connection (asynchronously: events and status follow through the callbacks). Throws a typed error for bad options. */
export function connectBinance(options: BinanceConnectionOptions): BinanceConnection {
  return new Client(options);
}

/** A received frame held by a planned switch, with its receive time. */
interface Held {
  readonly data: unknown;
  readonly ns: bigint;
}

/** One WebSocket. */
class Link {
  /** now() of the last frame (or of the open). */
  lastFrameAt: number;
  /** The first diff's u per symbol (a planned switch's candidate only). */
  readonly firstDiff = new Map<string, number>();
  readonly held: Held[] = [];
  opened = false;
  constructor(
    readonly socket: WebSocketLike,
    readonly planned: boolean,
    now: number,
  ) {
    this.lastFrameAt = now;
  }
}

/** One symbol's chain and snapshot state. */
class SymbolState {
  /** u of the last diff delivered (−1: none since the chain began). */
  lastU = -1;
  /** U and pu of the first diff of the current chain (−1 / NaN before one). */
  chainU = -1;
  chainPu = NaN;
  /** A snapshot must be delivered before the book can be trusted. */
  needSnapshot = true;
  inFlight = false;
  retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Failed or stale answers in a row. */
  failures = 0;
  /** Ids already delivered by the connection a planned switch left: what the new one repeats is skipped. */
  skipDepth = -1;
  skipTrade = -1;
  skipQuote = -1;
  lastTradeId = -1;
  lastQuoteU = -1;
  /** Snapshots delivered. */
  delivered = 0;
  constructor(
    readonly symbol: string,
    readonly stats: SymbolConnectionStats,
  ) {}
}

class Client implements BinanceConnection {
  readonly stats: ConnectionStats;
  private readonly s: Settings;
  private readonly WS: WebSocketConstructorLike;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private readonly nowNs: () => bigint;
  private readonly futures: boolean;
  private readonly symbols = new Map<string, SymbolState>();
  private active: Link | null = null;
  private candidate: Link | null = null;
  private closed = false;
  private attempt = 0;
  /** No snapshot request before this now() (a 429/418's Retry-After). */
  private restNotBefore = 0;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private staleTimer: ReturnType<typeof setInterval> | null = null;
  private readonly requests = new Set<AbortController>();
  private readonly closing = new Set<Promise<void>>();

  constructor(private readonly o: BinanceConnectionOptions) {
    this.s = settings(o);
    const WS = o.webSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    if (WS === undefined)
      throw new InvalidParameterError(
        "webSocket",
        undefined,
        "a WebSocket constructor (Node 20 has none built in: use confluence-hft/node)",
      );
    this.WS = WS;
    const f = o.fetch ?? globalThis.fetch;
    if (typeof f !== "function") throw new InvalidParameterError("fetch", f, "a fetch function");
    // called as a method of this object, a browser's own fetch throws "Illegal invocation": bind the default to its global
    this.fetch = o.fetch ?? globalThis.fetch.bind(globalThis);
    if (typeof o.onEvent !== "function") throw new InvalidParameterError("onEvent", o.onEvent, "a function");
    this.now = o.now ?? defaultNow;
    this.nowNs = o.nowNs ?? (() => BigInt(Math.round(this.now() * 1e6)));
    this.futures = this.s.market !== "spot";
    const perSymbol: Record<string, SymbolConnectionStats> = {};
    for (const symbol of this.s.symbols) {
      const stats: SymbolConnectionStats = {
        synced: false,
        gaps: 0,
        snapshotsRequested: 0,
        snapshotsReceived: 0,
        staleSnapshots: 0,
        snapshotRetries: 0,
        resyncs: 0,
        duplicatesSkipped: 0,
      };
      perSymbol[symbol] = stats;
      this.symbols.set(symbol, new SymbolState(symbol, stats));
    }
    this.stats = {
      messages: 0,
      events: 0,
      garbage: 0,
      garbageBy: {},
      reconnects: { unplanned: 0, planned: 0 },
      staleConnections: 0,
      snapshotRetries: 0,
      rateLimited: 0,
      banned: 0,
      held: 0,
      serverTimeOffsetMs: NaN,
      serverTimeRoundTripMs: NaN,
      symbols: perSymbol,
    };
    this.open(false);
    this.staleTimer = setInterval(() => this.checkStale(), Math.max(10, Math.min(1000, this.s.staleMs / 4)));
  }

  async close(): Promise<void> {
    if (this.closed) return Promise.all(this.closing).then(() => undefined);
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.staleTimer !== null) clearInterval(this.staleTimer);
    for (const state of this.symbols.values()) if (state.retryTimer !== null) clearTimeout(state.retryTimer);
    for (const r of this.requests) r.abort();
    for (const link of [this.active, this.candidate]) if (link !== null) this.shut(link);
    this.active = this.candidate = null;
    await Promise.all(this.closing);
    this.status({ type: "closed" });
  }

  private status(status: ConnectionStatus): void {
    this.o.onStatus?.(status);
  }

  private later(ms: number, run: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) run();
    }, ms);
    this.timers.add(t);
  }

  // ---- connections ---------------------------------------------------------------

  private open(planned: boolean): void {
    this.status({ type: "connecting", url: this.s.url, planned });
    let socket: WebSocketLike;
    try {
      socket = new this.WS(this.s.url);
    } catch (e) {
      this.status({ type: "error", message: `cannot open ${this.s.url}: ${(e as Error).message}` });
      if (!planned) this.reconnectLater("the connection could not be opened");
      return;
    }
    const link = new Link(socket, planned, this.now());
    if (planned) this.candidate = link;
    else this.active = link;
    socket.onopen = (() => this.onOpen(link)) as (event: never) => void;
    socket.onmessage = ((event: { data: unknown }) => this.onFrame(link, event.data)) as (event: never) => void;
    socket.onerror = ((event: { message?: string }) =>
      this.status({ type: "error", message: `WebSocket error${event?.message ? `: ${event.message}` : ""}` })) as (event: never) => void;
    socket.onclose = (() => this.onClose(link)) as (event: never) => void;
  }

  private onOpen(link: Link): void {
    if (this.closed) return;
    link.opened = true;
    link.lastFrameAt = this.now();
    this.status({ type: "open", planned: link.planned });
    if (link.planned) {
      this.later(SWITCH_DEADLINE_MS, () => {
        if (this.candidate === link) this.switchOver();
      });
      return;
    }
    this.later(this.s.maxConnectionMs, () => {
      if (this.active === link && this.candidate === null) this.open(true);
    });
    void this.measureServerTime();
  }

  private onClose(link: Link): void {
    if (this.closed) return;
    if (link === this.candidate) {
      this.candidate = null;
      this.status({ type: "error", message: "the planned connection closed before the switch; retrying it" });
      this.later(this.s.initialMs, () => {
        if (this.candidate === null && this.active !== null) this.open(true);
      });
    } else if (link === this.active) {
      this.dropped(link, "the connection closed");
    }
  }

  /** The active connection is gone: forget it, reopen later; every chain is broken. */
  private dropped(link: Link, reason: string): void {
    this.shut(link);
    this.active = null;
    if (this.candidate !== null) {
      // the planned connection becomes the one in use, all it held with it
      this.switchOver();
      return;
    }
    this.reconnectLater(reason);
  }

  private reconnectLater(reason: string): void {
    this.stats.reconnects.unplanned++;
    for (const state of this.symbols.values()) this.breakChain(state, reason);
    const delayMs = backoffDelay(this.attempt++, this.s.initialMs, this.s.maxMs);
    this.status({ type: "reconnecting", delayMs, reason });
    this.later(delayMs, () => this.open(false));
  }

  /** Detaches and closes a socket; close() waits for it. */
  private shut(link: Link): void {
    const socket = link.socket;
    this.closing.add(
      new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        // a peer that never answers the close handshake: give up waiting (the socket is unusable anyway)
        const timer = setTimeout(() => {
          (socket as { terminate?: () => void }).terminate?.();
          resolve();
        }, 2000);
        socket.onopen = null;
        socket.onmessage = null;
        socket.onerror = (() => undefined) as (event: never) => void;
        socket.onclose = done as (event: never) => void;
        try {
          socket.close(1000);
        } catch {
          done();
        }
      }),
    );
  }

  private checkStale(): void {
    if (this.closed) return;
    const link = this.active;
    if (link === null || this.now() - link.lastFrameAt <= this.s.staleMs) return;
    this.stats.staleConnections++;
    this.dropped(link, `no frame for ${this.s.staleMs} ms`);
  }

  // ---- frames --------------------------------------------------------------------

  private onFrame(link: Link, data: unknown): void {
    if (this.closed) return;
    const ns = this.nowNs();
    this.stats.messages++;
    link.lastFrameAt = this.now();
    if (link === this.active) this.attempt = 0;
    if (link === this.candidate) {
      this.hold(link, data, ns);
      return;
    }
    if (link !== this.active) return;
    this.frame(data, ns);
    if (this.candidate !== null && this.overlaps(this.candidate)) this.switchOver();
  }

  /** A frame of the active connection: decoded, checked and delivered (or counted as garbage). */
  private frame(data: unknown, ns: bigint): void {
    if (typeof data !== "string") return this.garbage("binary");
    let e: MarketEvent;
    try {
      e = decodeBinanceMessage(data, ms(ns), null);
    } catch (err) {
      if (!(err instanceof FeedDecodeError)) throw err;
      return this.garbage(err.reason);
    }
    const state = this.symbols.get(e.symbol);
    if (state === undefined) return this.garbage("unknown-symbol");
    const raw: RawMessage = { text: data, receiveTimeNs: ns, kind: "stream", symbol: e.symbol };
    switch (e.type) {
      case "snapshot":
        return this.garbage("unexpected-snapshot");
      case "depth":
        return this.diff(state, e, raw);
      case "trade":
        if (state.skipTrade >= 0) {
          if (e.tradeId <= state.skipTrade) return this.skipped(state);
          state.skipTrade = -1;
        }
        state.lastTradeId = e.tradeId;
        return this.deliver(e, raw);
      case "quote":
        if (state.skipQuote >= 0) {
          if (e.updateId <= state.skipQuote) return this.skipped(state);
          state.skipQuote = -1;
        }
        state.lastQuoteU = e.updateId;
        return this.deliver(e, raw);
    }
  }

  private diff(state: SymbolState, d: DepthDiffEvent, raw: RawMessage): void {
    if (state.skipDepth >= 0) {
      if (d.lastUpdateId <= state.skipDepth) return this.skipped(state);
      state.skipDepth = -1;
    }
    const last = state.lastU;
    if (last < 0) {
      state.chainU = d.firstUpdateId;
      state.chainPu = d.prevUpdateId;
    } else if (this.futures ? d.prevUpdateId !== last : d.firstUpdateId !== last + 1) {
      state.stats.gaps++;
      this.breakChain(state, `gap: ${this.futures ? `pu ${d.prevUpdateId}` : `U ${d.firstUpdateId}`} after u ${last}`);
      state.chainU = d.firstUpdateId;
      state.chainPu = d.prevUpdateId;
    }
    state.lastU = d.lastUpdateId;
    this.deliver(d, raw);
    if (state.needSnapshot) this.requestSnapshot(state);
  }

  private breakChain(state: SymbolState, reason: string): void {
    state.lastU = -1;
    state.chainU = -1;
    state.chainPu = NaN;
    state.needSnapshot = true;
    if (state.stats.synced) {
      state.stats.synced = false;
      this.status({ type: "sync", symbol: state.symbol, synced: false, reason });
    }
  }

  private deliver(e: MarketEvent, raw: RawMessage): void {
    this.stats.events++;
    this.o.onEvent(e, raw);
  }

  private skipped(state: SymbolState): void {
    state.stats.duplicatesSkipped++;
  }

  private garbage(reason: GarbageReason): void {
    this.stats.garbage++;
    this.stats.garbageBy[reason] = (this.stats.garbageBy[reason] ?? 0) + 1;
  }

  // ---- the planned switch --------------------------------------------------------

  private hold(link: Link, data: unknown, ns: bigint): void {
    if (link.held.length >= MAX_HELD) {
      this.switchOver();
      this.frame(data, ns);
      return;
    }
    link.held.push({ data, ns });
    this.stats.held++;
    if (typeof data === "string" && data.includes('"depthUpdate"')) {
      try {
        const e = decodeBinanceMessage(data, ms(ns), null);
        if (e.type === "depth" && !link.firstDiff.has(e.symbol)) link.firstDiff.set(e.symbol, e.lastUpdateId);
      } catch {
        // garbage is counted when the held frames are delivered
      }
    }
    if (this.overlaps(link)) this.switchOver();
  }

  /** Whether the active connection has delivered, for every symbol, the candidate's first diff (their streams overlap). */
  private overlaps(candidate: Link): boolean {
    for (const state of this.symbols.values()) {
      const first = candidate.firstDiff.get(state.symbol);
      if (first === undefined || state.lastU < first) return false;
    }
    return true;
  }

  /** The candidate becomes the connection in use: what it held is delivered, what the old one delivered already is skipped. */
  private switchOver(): void {
    const next = this.candidate;
    if (next === null) return;
    const old = this.active;
    this.candidate = null;
    this.active = next;
    if (old !== null) this.shut(old);
    this.stats.reconnects.planned++;
    for (const state of this.symbols.values()) {
      state.skipDepth = state.lastU;
      state.skipTrade = state.lastTradeId;
      state.skipQuote = state.lastQuoteU;
    }
    this.status({ type: "switched" });
    const held = next.held.splice(0);
    for (const h of held) {
      if (this.closed || this.active !== next) return;
      this.frame(h.data, h.ns);
    }
    if (next.opened) {
      this.later(this.s.maxConnectionMs, () => {
        if (this.active === next && this.candidate === null) this.open(true);
      });
    }
  }

  // ---- snapshots and server time -------------------------------------------------

  private requestSnapshot(state: SymbolState): void {
    if (state.inFlight || state.retryTimer !== null || this.closed) return;
    const wait = this.restNotBefore - this.now();
    if (wait > 0) return this.retrySnapshot(state, wait);
    state.inFlight = true;
    state.stats.snapshotsRequested++;
    void this.fetchSnapshot(state).finally(() => {
      state.inFlight = false;
    });
  }

  private retrySnapshot(state: SymbolState, delayMs: number): void {
    if (this.closed || state.retryTimer !== null) return;
    state.retryTimer = setTimeout(() => {
      state.retryTimer = null;
      if (!this.closed && state.needSnapshot && state.lastU >= 0) this.requestSnapshot(state);
    }, delayMs);
  }

  /** A failed or stale answer: retried at once the first time, then with backoff (and never before a Retry-After). */
  private failed(state: SymbolState, minimumMs: number): void {
    const delay = state.failures++ === 0 ? 0 : backoffDelay(state.failures - 2, this.s.initialMs, this.s.maxMs);
    this.retrySnapshot(state, Math.max(delay, minimumMs, this.restNotBefore - this.now()));
  }

  private async fetchSnapshot(state: SymbolState): Promise<void> {
    const url = `${this.s.restBase}/depth?symbol=${state.symbol}&limit=${this.s.limit}`;
    const abort = new AbortController();
    this.requests.add(abort);
    const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    let text: string;
    try {
      const response = await this.fetch(url, { signal: abort.signal });
      if (response.status === 429 || response.status === 418) {
        if (response.status === 429) this.stats.rateLimited++;
        else this.stats.banned++;
        const after = retryAfterMs(response.headers.get("Retry-After"), this.now()) ?? 0;
        this.restNotBefore = Math.max(this.restNotBefore, this.now() + after);
        await response.body?.cancel();
        if (this.closed) return;
        this.snapshotRetry(state, `HTTP ${response.status}, Retry-After ${after} ms`);
        return this.failed(state, after);
      }
      text = await readBounded(response, MAX_SNAPSHOT_BYTES);
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 120)}`);
    } catch (e) {
      if (this.closed) return;
      this.snapshotRetry(state, `snapshot request failed: ${(e as Error).message}`);
      return this.failed(state, 0);
    } finally {
      clearTimeout(timeout);
      this.requests.delete(abort);
    }
    if (this.closed) return;
    const ns = this.nowNs();
    let e: MarketEvent;
    try {
      e = decodeBinanceMessage(text, ms(ns), state.symbol);
      if (e.type !== "snapshot") throw new FeedDecodeError("unknown-kind", `the depth endpoint answered a ${e.type}`, "a depth snapshot");
    } catch (err) {
      if (!(err instanceof FeedDecodeError)) throw err;
      this.snapshotRetry(state, `bad snapshot: ${err.message}`);
      return this.failed(state, 0);
    }
    state.stats.snapshotsReceived++;
    if (!state.needSnapshot) return;
    if (state.lastU < 0) return; // the connection dropped meanwhile: the next chain fetches its own
    const id = e.lastUpdateId;
    const bridgeable = this.futures ? id >= state.chainU || id === state.chainPu : id + 1 >= state.chainU;
    if (!bridgeable) {
      state.stats.staleSnapshots++;
      this.status({
        type: "sync",
        symbol: state.symbol,
        synced: false,
        reason: `stale snapshot ${id} before the chain's first update ${state.chainU}`,
      });
      return this.failed(state, 0);
    }
    state.failures = 0;
    state.needSnapshot = false;
    if (state.delivered++ > 0) state.stats.resyncs++;
    this.deliver(e, { text, receiveTimeNs: ns, kind: "snapshot", symbol: state.symbol });
    state.stats.synced = true;
    this.status({ type: "sync", symbol: state.symbol, synced: true, reason: `snapshot ${id}` });
  }

  private snapshotRetry(state: SymbolState, message: string): void {
    state.stats.snapshotRetries++;
    this.stats.snapshotRetries++;
    this.status({ type: "error", message: `${state.symbol}: ${message}` });
  }

  private async measureServerTime(): Promise<void> {
    const abort = new AbortController();
    this.requests.add(abort);
    const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    try {
      const t0 = this.now();
      const response = await this.fetch(`${this.s.restBase}/time`, { signal: abort.signal });
      const body = (await response.json()) as { serverTime?: unknown };
      const t1 = this.now();
      if (this.closed) return;
      if (!response.ok || typeof body.serverTime !== "number" || !Number.isFinite(body.serverTime))
        throw new Error(`HTTP ${response.status}, serverTime ${JSON.stringify(body.serverTime)}`);
      this.stats.serverTimeOffsetMs = body.serverTime - (t0 + t1) / 2;
      this.stats.serverTimeRoundTripMs = t1 - t0;
      this.status({ type: "serverTime", offsetMs: this.stats.serverTimeOffsetMs, roundTripMs: this.stats.serverTimeRoundTripMs });
    } catch (e) {
      if (!this.closed) this.status({ type: "error", message: `server time: ${(e as Error).message}` });
    } finally {
      clearTimeout(timeout);
      this.requests.delete(abort);
    }
  }
}
