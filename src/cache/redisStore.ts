/**
 * Redis as the tiered cache's shared layer (L2), through ioredis. Node only.
 *
 * Set up to fail fast rather than wait: commands time out after `commandTimeoutMs`
 * (default 100 ms; a local round trip takes tens of µs), a connection attempt after
 * `connectTimeoutMs` (500 ms), and while disconnected commands are refused at once
 * (enableOfflineQueue false, maxRetriesPerRequest 0, nothing resent after a reconnect)
 * instead of queueing behind a dead server. ioredis reconnects by itself, forever, with
 * exponential backoff: min(retryMaxMs, retryBaseMs · 2^(attempt − 1)) = 50, 100, 200, …
 * 2,000 ms by default. Every connection change reaches the `onStatus` listeners (the
 * tiered cache turns them into its `degraded` state); connection errors never throw.
 * A timeout also fires when this process's own event loop is blocked for longer than
 * `commandTimeoutMs` (a long synchronous replay): that call counts as failed, the next
 * one that is answered ends the degradation.
 *
 * To a trader: a Redis that dies mid-session costs each lookup at most one failed call,
 * the scores keep coming, and the cache is shared again as soon as Redis is back.
 */
import { Redis, type RedisOptions } from "ioredis";
import { InvalidParameterError, UnknownConfigKeyError } from "../errors.js";
import type { RemoteEntry, RemoteStore } from "./tieredCache.js";

export interface RedisStoreOptions {
  /** Default redis://127.0.0.1:6379. */
  readonly url?: string;
  /** Default 100. */
  readonly commandTimeoutMs?: number;
  /** Default 500. */
  readonly connectTimeoutMs?: number;
  /** First reconnect delay; doubles per failed attempt. Default 50. */
  readonly retryBaseMs?: number;
  /** Longest reconnect delay. Default 2,000. */
  readonly retryMaxMs?: number;
  /** More ioredis options (keyPrefix, password, db, tls…); they override the ones above. */
  readonly redis?: RedisOptions;
}

const OPTION_KEYS = ["url", "commandTimeoutMs", "connectTimeoutMs", "retryBaseMs", "retryMaxMs", "redis"];

function positiveInteger(name: string, value: number): number {
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new InvalidParameterError(name, value, "an integer ≥ 1 (ms)");
}

export class RedisStore implements RemoteStore {
  /** The ioredis client (for commands of your own; do not close it behind the store's back). */
  readonly client: Redis;
  private readonly listeners: ((up: boolean, reason: string) => void)[] = [];
  private lastError = "";
  private closing = false;

  constructor(options: RedisStoreOptions = {}) {
    for (const key of Object.keys(options)) if (!OPTION_KEYS.includes(key)) throw new UnknownConfigKeyError(key, OPTION_KEYS);
    const base = positiveInteger("retryBaseMs", options.retryBaseMs ?? 50);
    const max = positiveInteger("retryMaxMs", options.retryMaxMs ?? 2_000);
    this.client = new Redis(options.url ?? "redis://127.0.0.1:6379", {
      commandTimeout: positiveInteger("commandTimeoutMs", options.commandTimeoutMs ?? 100),
      connectTimeout: positiveInteger("connectTimeoutMs", options.connectTimeoutMs ?? 500),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(max, base * 2 ** Math.min(attempt - 1, 30)),
      ...options.redis,
    });
    // an 'error' event without a listener would crash the process: keep it as the reason
    this.client.on("error", (err: Error) => {
      this.lastError = err.message;
    });
    this.client.on("ready", () => {
      this.lastError = "";
      this.emit(true, "connected");
    });
    this.client.on("close", () => this.emit(false, this.lastError || "connection closed"));
  }

  /** Whether commands can be sent now. */
  get up(): boolean {
    return this.client.status === "ready";
  }

  /** Resolves true once connected, false if that takes longer than `timeoutMs`. */
  connected(timeoutMs = 2_000): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onReady = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.client.off("ready", onReady);
        resolve(false);
      }, timeoutMs);
      this.client.once("ready", onReady);
    });
  }

  /** GET and PTTL, sent together (one round trip). */
  async get(key: string): Promise<RemoteEntry | null> {
    const [value, pttl] = await Promise.all([this.client.get(key), this.client.pttl(key)]);
    if (value === null) return null;
    // PTTL: −1 no expiry; −2 the key expired between the two commands (keep the value, cache it nowhere)
    return { value, ttlMs: pttl === -1 ? null : Math.max(pttl, 0) };
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(key, value, "PX", ttlMs);
  }

  onStatus(listener: (up: boolean, reason: string) => void): void {
    this.listeners.push(listener);
  }

  /** Disconnects at once (no reconnects afterwards, no status reported). */
  async close(): Promise<void> {
    this.closing = true;
    this.client.disconnect();
  }

  private emit(up: boolean, reason: string): void {
    if (this.closing) return;
    for (const listener of this.listeners) listener(up, reason);
  }
}
