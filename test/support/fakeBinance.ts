/**
 * A fake Binance exchange for the live connection's tests: an HTTP + WebSocket server on
 * 127.0.0.1 (port 0) that serves recorded captures (data/) with Binance's protocol, and
 * misbehaves on command, so every recovery path runs against real sockets without the
 * internet.
 *
 * Served: combined streams at `/stream?streams=…` (only the subscribed ones; a capture's
 * `@trade` lines are also served as `@aggTrade`, one trade per aggregate, the futures
 * default), REST depth snapshots (`/api/v3/depth`, `/fapi/v1/depth`, `/dapi/v1/depth`)
 * from a book the fake keeps — the capture's snapshot plus every diff it has emitted — so
 * they are consistent with the stream position, and server time (`…/time`). The stream
 * starts after each capture's snapshot line; several captures are merged by receive time
 * into one timeline, broadcast to every connection open at the time.
 *
 * Pacing: "fast" emits everything as fast as the sockets take it once a client is
 * connected; "step" emits only on step(n) / run(), so a test can interleave misbehaviour
 * deterministically. Misbehaviour: dropDepth (a gap), closeConnections, holdSnapshots
 * (slow answers), rejectSnapshots (429/418 + Retry-After), staleSnapshotNext (a snapshot
 * older than the diffs already sent), hugeSnapshotNext (an answer too big to take), sendGarbage, ping.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { WebSocketServer, type WebSocket } from "ws";

type Market = "spot" | "usdm" | "coinm";
type Json = Record<string, unknown>;

/** One served line of a capture. */
export interface FakeLine {
  readonly ns: bigint;
  readonly text: string;
  readonly symbol: string;
  /** The capture's stream name, e.g. "btcusdt@depth@100ms". */
  readonly stream: string;
  readonly kind: "trade" | "depth" | "bookTicker";
  readonly data: Json;
}

interface Book {
  readonly bids: Map<string, string>;
  readonly asks: Map<string, string>;
  lastUpdateId: number;
  /** Exchange times of the book's latest change (futures snapshots carry them). */
  E: number | undefined;
  T: number | undefined;
  readonly extra: Json;
  /** The last snapshot text served (or the capture's): what staleSnapshotNext serves. */
  lastServed: string;
}

export interface SnapshotRequest {
  readonly symbol: string;
  /** performance.now() when it arrived and when its answer was sent. */
  readonly arrivedAt: number;
  answeredAt: number;
  status: number;
}

export interface FakeConnection {
  readonly socket: WebSocket;
  readonly streams: ReadonlySet<string>;
  /** The capture receive time of every line frame sent on it, in order (garbage frames repeat the last). */
  readonly sentNs: bigint[];
}

export interface FakeBinanceOptions {
  readonly captures: readonly string[];
  readonly market: Market;
  readonly pace?: "fast" | "step";
  /** Server time = Date.now() + this. Default 0. */
  readonly serverTimeOffsetMs?: number;
}

const PREFIX: Record<Market, string> = { spot: "/api/v3", usdm: "/fapi/v1", coinm: "/dapi/v1" };

export class FakeBinance {
  readonly lines: FakeLine[] = [];
  /** Lines emitted so far (sent or dropped). */
  position = 0;
  /** Line frames sent, over every connection. */
  framesSent = 0;
  readonly connections: FakeConnection[] = [];
  readonly snapshotRequests: SnapshotRequest[] = [];
  /** The most snapshot requests of one symbol in flight at once. */
  readonly maxInFlight = new Map<string, number>();
  pongs = 0;
  wsUrl = "";
  restUrl = "";
  private readonly books = new Map<string, Book>();
  private readonly inFlight = new Map<string, number>();
  private readonly drops = new Map<string, number>();
  private readonly staleNext = new Set<string>();
  private readonly huge = new Map<string, number>();
  private held: (() => void)[] | null = null;
  private rejections: { count: number; status: number; retryAfterS: number } | null = null;
  private running = false;
  private readonly http: Server;
  private readonly wss: WebSocketServer;

  private constructor(private readonly o: FakeBinanceOptions) {
    for (const file of o.captures) this.load(file);
    this.lines.sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
    this.http = createServer((req, res) => this.rest(req, res));
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on("connection", (socket, req) => this.connected(socket, req));
  }

  static async start(options: FakeBinanceOptions): Promise<FakeBinance> {
    const fake = new FakeBinance(options);
    await new Promise<void>((resolve) => fake.http.listen(0, "127.0.0.1", resolve));
    const port = (fake.http.address() as AddressInfo).port;
    fake.wsUrl = `ws://127.0.0.1:${port}`;
    fake.restUrl = `http://127.0.0.1:${port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.running = false;
    for (const release of this.held ?? []) release();
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private book(symbol: string): Book {
    return this.books.get(symbol)!;
  }

  get done(): boolean {
    return this.position >= this.lines.length;
  }

  /** Emits the next `n` lines; resolves when the sockets have taken them. */
  async step(n: number): Promise<void> {
    const sends: Promise<void>[] = [];
    for (let k = 0; k < n && !this.done; k++) this.emit(this.lines[this.position++]!, sends);
    await Promise.all(sends);
  }

  /** Emits the rest of the timeline, batch by batch, letting the client run in between. */
  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.running && !this.done) {
      await this.step(256);
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.running = false;
  }

  /** The next `n` depth diffs of `symbol` are applied to the book but not sent: a gap. */
  dropDepth(symbol: string, n: number): void {
    this.drops.set(symbol, (this.drops.get(symbol) ?? 0) + n);
  }

  closeConnections(): void {
    for (const c of this.wss.clients) c.terminate();
  }

  /** Snapshot requests wait (slow answers) until releaseSnapshots(). */
  holdSnapshots(): void {
    this.held ??= [];
  }

  releaseSnapshots(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const release of held) release();
  }

  /** The next `count` snapshot requests are answered `status` (429 or 418) with Retry-After. */
  rejectSnapshots(count: number, status: number, retryAfterS: number): void {
    this.rejections = { count, status, retryAfterS };
  }

  /** The next snapshot of `symbol` is the previous one served again (older than the diffs sent since). */
  staleSnapshotNext(symbol: string): void {
    this.staleNext.add(symbol);
  }

  /** The next snapshot answer of `symbol` is `bytes` long (a valid snapshot padded with spaces): too big for a client to take. */
  hugeSnapshotNext(symbol: string, bytes: number): void {
    this.huge.set(symbol, bytes);
  }

  /** Frames that are not market data, to every connection. */
  sendGarbage(frames: readonly (string | Buffer)[]): void {
    for (const c of this.connections) {
      if (c.socket.readyState !== c.socket.OPEN) continue;
      for (const f of frames) {
        c.socket.send(f);
        c.sentNs.push(c.sentNs.at(-1) ?? 0n);
      }
    }
  }

  ping(): void {
    for (const c of this.wss.clients) c.ping();
  }

  // ---- loading ----------------------------------------------------------------------

  private load(file: string): void {
    const text = gunzipSync(readFileSync(file)).toString("utf8");
    let symbol: string | null = null;
    let started = false;
    // diffs received before the snapshot line but newer than it: the book starts with them applied
    const before: FakeLine[] = [];
    for (const line of text.split("\n")) {
      if (line === "") continue;
      const space = line.indexOf(" ");
      const ns = BigInt(line.slice(0, space));
      const json = line.slice(space + 1);
      const msg = JSON.parse(json) as Json;
      if (msg.lastUpdateId !== undefined) {
        if (symbol === null) throw new Error(`${file}: a snapshot before any diff`);
        this.books.set(symbol, this.bookOf(msg));
        for (const diff of before) this.apply(diff);
        this.book(symbol).lastServed = this.snapshotText(this.book(symbol), 1_000_000);
        started = true;
        continue;
      }
      const stream = msg.stream as string;
      const data = msg.data as Json;
      const s = data.s as string;
      const kind = stream.includes("@depth") ? "depth" : stream.endsWith("@trade") ? "trade" : "bookTicker";
      if (kind === "depth") symbol = s;
      const served: FakeLine = { ns, text: json, symbol: s, stream, kind, data };
      if (started) this.lines.push(served);
      else if (kind === "depth") before.push(served);
    }
  }

  private bookOf(msg: Json): Book {
    const side = (levels: unknown): Map<string, string> => new Map((levels as [string, string][]).filter(([, q]) => Number(q) > 0));
    const { lastUpdateId, E, T, bids, asks, ...extra } = msg;
    const book: Book = {
      bids: side(bids),
      asks: side(asks),
      lastUpdateId: lastUpdateId as number,
      E: E as number | undefined,
      T: T as number | undefined,
      extra,
      lastServed: "",
    };
    return book;
  }

  // ---- the stream -------------------------------------------------------------------

  private connected(socket: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    const streams = new Set((url.searchParams.get("streams") ?? "").split("/").filter((s) => s !== ""));
    if (url.pathname !== "/stream" || streams.size === 0) {
      socket.close(1008, "expected /stream?streams=…");
      return;
    }
    const connection: FakeConnection = { socket, streams, sentNs: [] };
    this.connections.push(connection);
    socket.on("pong", () => this.pongs++);
    socket.on("error", () => undefined);
    if (this.o.pace !== "step") void this.run();
  }

  private emit(line: FakeLine, sends: Promise<void>[]): void {
    if (line.kind === "depth") {
      this.apply(line);
      const dropping = this.drops.get(line.symbol) ?? 0;
      if (dropping > 0) {
        this.drops.set(line.symbol, dropping - 1);
        return;
      }
    }
    const name = line.symbol.toLowerCase();
    const agg = line.kind === "trade" ? `${name}@aggTrade` : null;
    for (const c of this.connections) {
      if (c.socket.readyState !== c.socket.OPEN) continue;
      let text: string | null = null;
      if (c.streams.has(line.stream)) text = line.text;
      else if (agg !== null && c.streams.has(agg)) text = aggTradeText(line, agg);
      if (text === null) continue;
      c.sentNs.push(line.ns);
      this.framesSent++;
      sends.push(new Promise((resolve) => c.socket.send(text, () => resolve())));
    }
  }

  private apply(line: FakeLine): void {
    const book = this.books.get(line.symbol)!;
    const d = line.data;
    if ((d.u as number) <= book.lastUpdateId) return;
    for (const [p, q] of d.b as [string, string][]) Number(q) > 0 ? book.bids.set(p, q) : book.bids.delete(p);
    for (const [p, q] of d.a as [string, string][]) Number(q) > 0 ? book.asks.set(p, q) : book.asks.delete(p);
    book.lastUpdateId = d.u as number;
    if (book.E !== undefined) {
      book.E = d.E as number;
      book.T = d.T as number;
    }
  }

  // ---- REST -------------------------------------------------------------------------

  private rest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    const prefix = PREFIX[this.o.market];
    if (url.pathname === `${prefix}/time`) return json(res, 200, `{"serverTime":${Date.now() + (this.o.serverTimeOffsetMs ?? 0)}}`);
    if (url.pathname !== `${prefix}/depth`) return json(res, 404, `{"code":-1,"msg":"not found"}`);
    const symbol = url.searchParams.get("symbol") ?? "";
    const limit = Number(url.searchParams.get("limit") ?? "100");
    const request: SnapshotRequest = { symbol, arrivedAt: performance.now(), answeredAt: NaN, status: 0 };
    this.snapshotRequests.push(request);
    const inFlight = (this.inFlight.get(symbol) ?? 0) + 1;
    this.inFlight.set(symbol, inFlight);
    this.maxInFlight.set(symbol, Math.max(this.maxInFlight.get(symbol) ?? 0, inFlight));
    const answer = (): void => {
      this.inFlight.set(symbol, this.inFlight.get(symbol)! - 1);
      request.answeredAt = performance.now();
      const book = this.books.get(symbol);
      if (book === undefined) {
        request.status = 400;
        return json(res, 400, `{"code":-1121,"msg":"Invalid symbol."}`);
      }
      const reject = this.rejections;
      if (reject !== null && reject.count > 0) {
        reject.count--;
        request.status = reject.status;
        res.setHeader("Retry-After", String(reject.retryAfterS));
        return json(res, reject.status, `{"code":-1003,"msg":"Too many requests."}`);
      }
      request.status = 200;
      if (this.staleNext.delete(symbol)) return json(res, 200, book.lastServed);
      const padTo = this.huge.get(symbol);
      if (padTo !== undefined) {
        this.huge.delete(symbol);
        const text = this.snapshotText(book, limit);
        // streamed without a Content-Length: the client must count what it reads
        res.writeHead(200, { "Content-Type": "application/json", ...CORS });
        res.write(text.slice(0, -1));
        for (let sent = text.length; sent < padTo; sent += 1 << 16) res.write(" ".repeat(1 << 16));
        return void res.end("}");
      }
      book.lastServed = this.snapshotText(book, limit);
      json(res, 200, book.lastServed);
    };
    if (this.held !== null) this.held.push(answer);
    else answer();
  }

  /** The book as Binance's depth endpoint answers: levels best first, `limit` a side. */
  private snapshotText(book: Book, limit: number): string {
    const side = (levels: Map<string, string>, bid: boolean): string =>
      JSON.stringify(
        [...levels.entries()].sort((a, b) => (bid ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0]))).slice(0, limit),
      );
    const times = book.E === undefined ? "" : `,"E":${book.E},"T":${book.T}`;
    const extra = Object.entries(book.extra)
      .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join("");
    return `{"lastUpdateId":${book.lastUpdateId}${times}${extra},"bids":${side(book.bids, true)},"asks":${side(book.asks, false)}}`;
  }
}

/** Binance's REST API answers any origin (a dashboard page fetches it); Retry-After must be exposed for a page's script to read it. */
const CORS = { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Retry-After" };

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "application/json", ...CORS });
  res.end(body);
}

/** A recorded trade as an aggTrade of one trade (aggregate id = trade id). */
function aggTradeText(line: FakeLine, stream: string): string {
  const d = line.data;
  return JSON.stringify({
    stream,
    data: { e: "aggTrade", E: d.E, a: d.t, s: d.s, p: d.p, q: d.q, f: d.t, l: d.t, T: d.T, m: d.m },
  });
}
