/**
 * Runs the live connection against the fake exchange (fakeBinance.ts) with a
 * StreamingEngine on what it delivers, recording every message through captureLine.
 * The receive clock is the fake's: each frame is stamped with the capture receive time of
 * the line it carries (a snapshot with the last frame's), so what the client delivers can
 * be compared bit for bit with a replay of the capture itself.
 */
import WebSocket from "ws";
import { CaptureParser } from "../../src/feeds/capture.js";
import type { MarketEvent } from "../../src/feeds/events.js";
import type { Kernels } from "../../src/kernels/types.js";
import {
  connectBinance,
  type BinanceConnection,
  type BinanceConnectionOptions,
  type ConnectionStatus,
  type RawMessage,
} from "../../src/live/binanceConnection.js";
import { captureLine } from "../../src/live/captureLine.js";
import { StreamingEngine, type ScoreUpdate } from "../../src/pipeline/engine.js";
import type { FakeBinance } from "./fakeBinance.js";
import { EVERY_COMPONENT } from "./weights.js";

export interface Live {
  readonly client: BinanceConnection;
  readonly engine: StreamingEngine;
  readonly updates: ScoreUpdate[];
  readonly events: MarketEvent[];
  readonly raws: RawMessage[];
  /** The recording: one capture line per message delivered. */
  readonly recording: string[];
  readonly statuses: ConnectionStatus[];
  /** fake.position when each symbol's first snapshot was delivered. */
  readonly syncedAt: Map<string, number>;
}

/** Every component weighted, so every one of them is compared. */
const ENGINE_CONFIG = { weights: EVERY_COMPONENT };

export function startLive(
  kernels: Kernels,
  fake: FakeBinance,
  options: Omit<BinanceConnectionOptions, "onEvent" | "webSocket" | "fetch">,
): Live {
  const updates: ScoreUpdate[] = [];
  const engine = new StreamingEngine(kernels, { config: ENGINE_CONFIG, onScore: (u) => updates.push(u) });
  const events: MarketEvent[] = [];
  const raws: RawMessage[] = [];
  const recording: string[] = [];
  const statuses: ConnectionStatus[] = [];
  const syncedAt = new Map<string, number>();
  let current = 0n;
  let sockets = 0;
  // the k-th frame on the i-th socket carries the line the fake sent k-th on its i-th connection
  class CaptureClockSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      const index = sockets++;
      let k = 0;
      this.on("message", () => {
        current = fake.connections[index]!.sentNs[k++]!;
      });
    }
  }
  const client = connectBinance({
    ...options,
    endpoint: fake.wsUrl,
    restEndpoint: fake.restUrl,
    webSocket: CaptureClockSocket,
    nowNs: () => current,
    onEvent: (e, raw) => {
      events.push(e);
      raws.push(raw);
      recording.push(captureLine(raw));
      if (e.type === "snapshot" && !syncedAt.has(e.symbol)) syncedAt.set(e.symbol, fake.position);
      engine.process(e);
    },
    onStatus: (s) => statuses.push(s),
  });
  return { client, engine, updates, events, raws, recording, statuses, syncedAt };
}

/** Waits for `condition` (polled between event-loop turns); fails with `what` after a generous time. */
export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!condition()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Every frame the fake sent has reached the client, and no snapshot request is unanswered. */
export function settled(fake: FakeBinance, client: BinanceConnection): boolean {
  if (client.stats.messages !== fake.framesSent + garbageSent(fake)) return false;
  for (const s of Object.values(client.stats.symbols)) if (s.snapshotsRequested !== s.snapshotsReceived + pendingRetries(s)) return false;
  return true;
}

function garbageSent(fake: FakeBinance): number {
  let n = 0;
  for (const c of fake.connections) n += c.sentNs.length;
  return n - fake.framesSent;
}

/** Requests answered with an error count as retried, not received. */
function pendingRetries(s: { snapshotRetries: number }): number {
  return s.snapshotRetries;
}

/** Steps the fake one line at a time, each delivered (and any snapshot answered) before the next, until `done`. */
export async function stepUntil(fake: FakeBinance, client: BinanceConnection, done: () => boolean, what: string): Promise<void> {
  await until(() => settled(fake, client), `${what}: the client to settle`);
  while (!done()) {
    if (fake.done) throw new Error(`the capture ended before ${what}`);
    await fake.step(1);
    await until(() => settled(fake, client), `${what}: the client to settle`);
  }
}

/** Score updates of a StreamingEngine fed the capture `lines` through CaptureParser. */
export function replayLines(kernels: Kernels, lines: readonly string[]): ScoreUpdate[] {
  const updates: ScoreUpdate[] = [];
  const engine = new StreamingEngine(kernels, { config: ENGINE_CONFIG, onScore: (u) => updates.push(u) });
  const parser = new CaptureParser((e) => engine.process(e));
  parser.startFile("recording");
  parser.push(new TextEncoder().encode(`${lines.join("\n")}\n`));
  parser.end();
  const bad = parser.rejections[0];
  if (bad !== undefined) throw new Error(`replay rejected line ${bad.line}: ${bad.message}`);
  engine.dispose();
  return updates;
}
