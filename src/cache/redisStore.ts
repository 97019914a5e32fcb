/**
 * Redis as the tiered cache's shared layer (L2), through ioredis: one Redis server, or a
 * Redis Cluster (`cluster`: its seed nodes) — every command the store sends names one key,
 * so ioredis sends it to the master of that key's slot, and a symbol's latest score
 * (`score:{SYMBOL}`, the braces a hash tag) lives in the same slot as the symbol's streams
 * of the scale-out. Node only.
 *
 * Set up to fail fast rather than wait: commands time out after `commandTimeoutMs`
 * (default 100 ms; a local round trip takes tens of µs), a connection attempt after
 * `connectTimeoutMs` (500 ms), and while disconnected commands are refused at once
 * (enableOfflineQueue false, maxRetriesPerRequest 0, nothing resent after a reconnect)
 * instead of queueing behind a dead server. ioredis reconnects by itself, forever, with
 * exponential backoff: min(retryMaxMs, retryBaseMs · 2^(attempt − 1)) = 50, 100, 200, …
 * 2,000 ms by default (a cluster: the same backoff to reconnect to the cluster, and a
 * command to a master that is gone, moving or down fails at once instead of being retried
 * elsewhere). Every connection change reaches the `onStatus` listeners (the
 * tiered cache turns them into its `degraded` state); connection errors never throw.
 * A timeout also fires when this process's own event loop is blocked for longer than
 * `commandTimeoutMs` (a long synchronous replay): that call counts as failed, the next
 * one that is answered ends the degradation.
 *
 * To a trader: a Redis that dies mid-session costs each lookup at most one failed call,
 * the scores keep coming, and the cache is shared again as soon as Redis is back.
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { parseClusterNode } from "../cluster/clusterNode.js";
import { InvalidParameterError, UnknownConfigKeyError } from "../errors.js";
import type { RemoteEntry, RemoteStore } from "./tieredCache.js";

export interface RedisStoreOptions {
  /** Default redis://127.0.0.1:6379 (when no `cluster` is given). */
  readonly url?: string;
  /** A Redis Cluster's seed nodes (`host:port`) instead of `url`; one reachable node is enough. */
  readonly cluster?: readonly string[];
  /** Default 100. */
  readonly commandTimeoutMs?: number;
  /** Default 500. */
  readonly connectTimeoutMs?: number;
  /** First reconnect delay; doubles per failed attempt. Default 50. */
  readonly retryBaseMs?: number;
  /** Longest reconnect delay. Default 2,000. */
  readonly retryMaxMs?: number;
  /**
   * More ioredis options (keyPrefix, password, db, tls…); they override the ones above. With
   * `cluster`, `keyPrefix` applies to the cluster and the rest to each node's connection
   * (ioredis's own reconnect and offline-queue options of a node are the cluster's to set).
   */
  readonly redis?: RedisOptions;
}

const OPTION_KEYS = ["url", "cluster", "commandTimeoutMs", "connectTimeoutMs", "retryBaseMs", "retryMaxMs", "redis"];

function positiveInteger(name: string, value: number): number {
  if (Number.isSafeInteger(value) && value >= 1) return value;
  throw new InvalidParameterError(name, value, "an integer ≥ 1 (ms)");
}

/** The seed nodes as ioredis takes them; InvalidParameterError for an empty list or a node that is not host:port. */
function clusterNodes(seeds: readonly string[]): { host: string; port: number }[] {
  if (seeds.length === 0) throw new InvalidParameterError("cluster", "[]", "at least one seed node host:port");
  return seeds.map((seed) => {
    const node = parseClusterNode(seed);
    if (!node) throw new InvalidParameterError("cluster", seed, "a seed node host:port (an IPv6 host in brackets)");
    return node;
  });
}

export class RedisStore implements RemoteStore {
  /** The ioredis client (for commands of your own; do not close it behind the store's back). */
  readonly client: Redis | Cluster;
  private readonly listeners: ((up: boolean, reason: string) => void)[] = [];
  private lastError = "";
  private closing = false;

  constructor(options: RedisStoreOptions = {}) {
    for (const key of Object.keys(options)) if (!OPTION_KEYS.includes(key)) throw new UnknownConfigKeyError(key, OPTION_KEYS);
    const base = positiveInteger("retryBaseMs", options.retryBaseMs ?? 50);
    const max = positiveInteger("retryMaxMs", options.retryMaxMs ?? 2_000);
    const connection = {
      commandTimeout: positiveInteger("commandTimeoutMs", options.commandTimeoutMs ?? 100),
      connectTimeout: positiveInteger("connectTimeoutMs", options.connectTimeoutMs ?? 500),
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
    };
    const retry = (attempt: number): number => Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
    if (options.cluster !== undefined) {
      if (options.url !== undefined) throw new InvalidParameterError("cluster", options.cluster, "either url or cluster, not both");
      const { keyPrefix, ...node } = options.redis ?? {};
      this.client = new Cluster(clusterNodes(options.cluster), {
        enableOfflineQueue: false,
        // fail at once, as a lost server does: no resend to another node after a closed connection or CLUSTERDOWN
        retryDelayOnFailover: 0,
        retryDelayOnClusterDown: 0,
        clusterRetryStrategy: retry,
        ...(keyPrefix !== undefined ? { keyPrefix } : {}),
        redisOptions: { ...connection, ...node },
      });
      // ioredis connects to a node on its first command and, without an offline queue, refuses a second one sent meanwhile: connect at once
      this.client.on("+node", (node: Redis) => void node.connect().catch(() => {}));
    } else {
      this.client = new Redis(options.url ?? "redis://127.0.0.1:6379", {
        ...connection,
        enableOfflineQueue: false,
        retryStrategy: retry,
        ...options.redis,
      });
    }
    // an 'error' event without a listener would crash the process: keep it as the reason
    const keep = (err: Error): void => {
      this.lastError = err.message;
    };
    this.client.on("error", keep);
    this.client.on("node error", keep);
    this.client.on("ready", () => {
      this.lastError = "";
      this.emit(true, "connected");
    });
    this.client.on("close", () => this.emit(false, this.lastError || "connection closed"));
  }

  /** Whether commands can be sent now (on a cluster: to every master). */
  get up(): boolean {
    const client = this.client;
    if (client.status !== "ready") return false;
    return !(client instanceof Cluster) || client.nodes("master").every((node) => node.status === "ready");
  }

  /** Resolves true once connected, false if that takes longer than `timeoutMs`. */
  async connected(timeoutMs = 2_000): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (!this.up) {
      if (performance.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
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
