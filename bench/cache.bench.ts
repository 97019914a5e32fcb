/**
 * What each cache layer costs against recomputing, on the real BTCUSDT capture, so the
 * README can say which layer to use when. Per workload (one group each, the recompute
 * is the baseline):
 *   recompute          the computation itself
 *   key                cacheKey over the inputs (FNV-1a 64 of their canonical bytes)
 *   L1 hit             TieredCache.get, key already known (await included)
 *   L1 hit + key       the key derived from the inputs, then the L1 hit
 *   L2 hit             getFresh: a Redis round trip (GET + PTTL), JSON.parse, promotion into L1
 *   miss, L1 only      getOrCompute on a new key: lookup, compute, JSON.stringify, L1 set
 *   miss, L1 + L2      the same with Redis: GET + PTTL miss, compute, SET … PX, awaited
 *   L1 hit + id key    (window only) the key from a small window id instead of the events
 * Workloads: bookImbalance over 10 levels (a kernel call), one confluence core update
 * (one event in + the score), and the batch scoring of a 1,000-event window through a
 * fresh StreamingEngine (scoreWindow, ultraFast). Also: publishing one score update (L1,
 * L1 + Redis), the streaming engine's
 * `caching` flag (a replay of the whole capture with latest scores going to L1, then to
 * L1 + Redis), and the L3 question — tanhApprox against Math.tanh, and what a level-weight
 * exp table could save (level weights are computed once per analyzer, never per event).
 *
 * Redis: a redis-server this bench starts on a free local port (test/support/redis.ts);
 * without /usr/bin/redis-server the L2 variants are left out and say so.
 *
 *   npm run bench:cache        (writes bench/results/cache.json)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import {
  ConfluenceAnalyzer,
  LatestScores,
  StreamingEngine,
  TieredCache,
  cacheKey,
  levelWeights,
  loadKernels,
  scoreKey,
  scoreWindow,
  tanhApprox,
  type Kernels,
  type MarketEvent,
} from "../src/index.js";
import { RedisStore } from "../src/cache/redisStore.js";
import { replayCaptureFiles } from "../src/node/captureReader.js";
import * as O from "../src/kernels/coreLayout.js";
import {
  DEFAULT_OPTIONS,
  machineMeta,
  formatGroup,
  nextCalls,
  roundsFor,
  quartiles,
  runGroup,
  sink,
  sinkResult,
  type GroupResult,
  type HarnessOptions,
  type VariantResult,
} from "./harness.js";
import { captureEvents } from "../test/support/replay.js";
import { RedisServer, hasRedis } from "../test/support/redis.js";

const file = "data/binance-spot-btcusdt-2024-08-08.jsonl.gz"; // run from the repository root
const DEPTH = 10;
const WINDOW_EVENTS = 1_000;

interface AsyncVariant {
  readonly name: string;
  readonly note?: string;
  readonly baseline?: boolean;
  readonly run: () => number | Promise<number>;
}

interface AsyncGroupSpec {
  readonly group: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly elements: number;
  readonly unit: string;
  readonly variants: readonly AsyncVariant[];
}

const now = (): bigint => process.hrtime.bigint();

async function sample(run: AsyncVariant["run"], calls: number): Promise<number> {
  let acc = 0;
  for (let k = 0; k < calls; k++) {
    const r = run();
    acc += typeof r === "number" ? r : await r;
  }
  return acc;
}

/**
 * harness.ts's method (warm-up, calibration, interleaved rounds with the start rotated,
 * medians and paired ratios) for variants that may be async: a sync result is added
 * directly, a promise is awaited, so sync variants pay no await.
 */
async function runAsyncGroup(spec: AsyncGroupSpec, options: HarnessOptions): Promise<GroupResult> {
  const live = spec.variants.map((v) => ({ v, calls: 1, samples: [] as number[] }));
  let roundNs = 0;
  for (const l of live) {
    const warmEnd = now() + BigInt(Math.round(options.warmupMs * 1e6));
    for (let n = 0; n < 3 || now() < warmEnd; n++) sink(await sample(l.v.run, 1));
    for (let calls = 1; ; ) {
      const t0 = now();
      sink(await sample(l.v.run, calls));
      const dt = Number(now() - t0);
      if (dt >= options.minSampleMs * 1e6) {
        l.calls = calls;
        roundNs += dt;
        break;
      }
      calls = nextCalls(calls, dt, options);
    }
  }
  const rounds = roundsFor(roundNs, options);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < live.length; k++) {
      const l = live[(r + k) % live.length]!;
      const t0 = now();
      sink(await sample(l.v.run, l.calls));
      l.samples.push(Number(now() - t0) / l.calls);
    }
  }
  const base = live.find((l) => l.v.baseline)!;
  const baseMedian = quartiles(base.samples).median;
  const variants = live.map((l): VariantResult => {
    const ns = quartiles(l.samples);
    const per = (x: number): number => x / spec.elements;
    return {
      name: l.v.name,
      baseline: l.v.baseline === true,
      ...(l.v.note === undefined ? {} : { note: l.v.note }),
      ns,
      nsPerElement: { p25: per(ns.p25), median: per(ns.median), p75: per(ns.p75) },
      speedup: baseMedian / ns.median,
      pairedSpeedup: quartiles(l.samples.map((s, i) => base.samples[i]! / s)),
      callsPerSample: l.calls,
      samples: l.samples.length,
    };
  });
  return { group: spec.group, params: spec.params, elements: spec.elements, unit: spec.unit, baseline: base.v.name, rounds, variants };
}

/** The cache variants of one workload; `compute` makes what is cached, `inputs` is what it is computed from. */
function cacheVariants(
  name: string,
  compute: () => number,
  inputs: unknown,
  l1: TieredCache,
  l2: TieredCache | null,
  id?: unknown,
): AsyncVariant[] {
  const key = cacheKey(name, "BTCUSDT", inputs);
  let fresh = 0;
  const variants: AsyncVariant[] = [
    { name: "recompute", baseline: true, note: "the computation itself", run: compute },
    { name: "key", note: "cacheKey(inputs): FNV-1a 64 of the canonical bytes", run: () => cacheKey(name, "BTCUSDT", inputs).length },
    { name: "L1 hit", note: "await get(key), key known", run: async () => (await l1.get<number>(key))! },
    {
      name: "L1 hit + key",
      note: "key from the inputs, then the L1 hit",
      run: async () => (await l1.get<number>(cacheKey(name, "BTCUSDT", inputs)))!,
    },
    ...(id === undefined
      ? []
      : [
          {
            name: "L1 hit + id key",
            note: "key from a small window id ({capture, from, to}), then the L1 hit",
            run: async () => (await l1.get<number>(cacheKey(name, "BTCUSDT", id)))!,
          },
        ]),
    {
      name: "miss, L1 only",
      note: "getOrCompute on a new key (compute + stringify + L1 set)",
      run: () => l1.getOrCompute(`${key}:${fresh++}`, compute),
    },
  ];
  if (l2) {
    variants.splice(4, 0, {
      name: "L2 hit",
      note: "getFresh: Redis GET+PTTL, parse, promote",
      run: async () => (await l2.getFresh<number>(key))!,
    });
    variants.push({
      name: "miss, L1 + L2",
      note: "getOrCompute on a new key with Redis, SET awaited",
      run: async () => {
        const v = await l2.getOrCompute(`${key}:${fresh++}`, compute);
        await l2.flush();
        return v;
      },
    });
  }
  return variants;
}

/** One confluence core update per call: the next capture event in, the score out (the analyzer bench's core path). */
function coreUpdate(k: Kernels, events: Awaited<ReturnType<typeof captureEvents>>["events"]): { run: () => number; input: () => unknown } {
  const a = new ConfluenceAnalyzer(k, { depth: DEPTH });
  const core = k.confluenceCore(
    {
      lookback: a.config.lookback,
      depth: DEPTH,
      ofiWindow: a.config.ofiWindow,
      flowWindow: a.config.flowWindow,
      sensitivity: a.config.sensitivity,
      signalShape: a.config.signalShape,
      staleMs: a.config.sentimentStaleMs,
      bookDepthWeight: a.config.bookDepthWeight,
      tradeFlowWeight: a.config.tradeFlowWeight,
      weights: Object.values(a.config.weights),
      levelWeights: levelWeights(DEPTH, 2 / DEPTH),
    },
    true,
  );
  a.dispose();
  const span = events[events.length - 1]!.time - events[0]!.time + 1_000;
  let i = 0,
    offset = 0;
  const run = (): number => {
    if (i === events.length) {
      i = 0;
      offset += span;
    }
    const e = events[i++]!;
    if (e.kind === "trade") core.trade(e.price, e.qty, e.buyerInitiated, e.time + offset);
    else if (e.kind === "quote") core.quote(e.bidPx, e.bidQty, e.askPx, e.askQty);
    else {
      const input = core.bookInput;
      e.bids.forEach(([p, q], j) => {
        input[j] = p;
        input[DEPTH + j] = q;
      });
      e.asks.forEach(([p, q], j) => {
        input[2 * DEPTH + j] = p;
        input[3 * DEPTH + j] = q;
      });
      core.book(e.bids.length, e.asks.length);
    }
    return core.compute(e.time + offset) ? core.output(O.SCORE) : 0;
  };
  // a book event as the inputs of one update (what a cache key would have to cover)
  const book = events.find((e) => e.kind === "book")!;
  return { run, input: () => book };
}

async function main(): Promise<void> {
  const k = await loadKernels();
  const marketEvents: MarketEvent[] = [];
  await replayCaptureFiles([file], (e) => void marketEvents.push(e));
  const { events } = await captureEvents(file, DEPTH);
  const window = marketEvents.slice(0, WINDOW_EVENTS);

  const server = hasRedis ? await RedisServer.start() : null;
  const store = server ? new RedisStore({ url: server.url }) : null;
  if (store && !(await store.connected())) throw new Error("could not connect to the bench's redis-server");
  const l1 = new TieredCache({ logger: () => {} });
  const l2 = store ? new TieredCache({ l2: store, logger: (m) => console.log(`  (cache) ${m}`) }) : null;

  const options = { ...DEFAULT_OPTIONS, minSampleMs: 2, warmupMs: 200, groupBudgetMs: 3_000, minRounds: 9, maxRounds: 61 };
  const meta = {
    ...machineMeta("npm run bench:cache (node dist/bench/cache.bench.js)"),
    backend: k.backend,
    redis: server ? `redis-server on 127.0.0.1:${server.port} (local, started by the bench)` : "none: L2 variants left out",
  };
  console.log(`cache bench — ${meta.date} — ${meta.cpu} — Node ${meta.node} — ${k.backend} — load ${meta.loadavgStart.join(" ")}\n`);
  const results: GroupResult[] = [];
  const report = (g: GroupResult): void => {
    console.log(`${formatGroup(g)}\n`);
    results.push(g);
  };

  // 1. a kernel call: bookImbalance over the top 10 levels of the snapshot
  const snapshot = marketEvents.find((e) => e.type === "snapshot")!;
  const bidQty = Float64Array.from({ length: DEPTH }, (_, i) => snapshot.bids[2 * i + 1]!);
  const askQty = Float64Array.from({ length: DEPTH }, (_, i) => snapshot.asks[2 * i + 1]!);
  const imbalance = (): number => k.bookImbalance(bidQty, askQty, DEPTH);
  const kernelInputs = { bidQty, askQty, depth: DEPTH };
  // 2. one confluence core update
  const core = coreUpdate(k, events);
  // 3. batch scoring of a window
  const scoreOf = (): number => scoreWindow(k, "BTCUSDT", window, { preset: "ultraFast" })!.score;
  const windowInputs = { config: { preset: "ultraFast" }, events: window };

  const windowId = { config: { preset: "ultraFast" }, capture: "binance-spot-btcusdt-2024-08-08", from: 0, to: WINDOW_EVENTS };

  const workloads: [string, () => number, unknown, Record<string, number | string>, unknown][] = [
    ["bookImbalance", imbalance, kernelInputs, { depth: DEPTH }, undefined],
    ["coreUpdate", core.run, core.input(), { preset: "default", depth: DEPTH }, undefined],
    ["windowScore", scoreOf, windowInputs, { events: WINDOW_EVENTS, preset: "ultraFast" }, windowId],
  ];
  for (const [name, compute, inputs, params, id] of workloads) {
    for (const keyed of id === undefined ? [inputs] : [inputs, id]) {
      await l1.set(cacheKey(name, "BTCUSDT", keyed), compute());
      if (l2) await l2.set(cacheKey(name, "BTCUSDT", keyed), compute());
    }
    report(
      await runAsyncGroup(
        { group: name, params, elements: 1, unit: "call", variants: cacheVariants(name, compute, inputs, l1, l2, id) },
        options,
      ),
    );
  }

  // the raw round trip, for scale: what every L2 call costs at least on this machine, now
  if (store) {
    const text = JSON.stringify(scoreWindow(k, "BTCUSDT", window, { preset: "ultraFast" }));
    await store.set("bench:rtt", text, 60_000);
    report(
      await runAsyncGroup(
        {
          group: "redisRoundTrip",
          params: { bytes: text.length },
          elements: 1,
          unit: "call",
          variants: [
            { name: "PING", baseline: true, run: async () => (await store.client.ping()).length },
            {
              name: "GET + PTTL",
              note: "RedisStore.get: two commands sent together",
              run: async () => (await store.get("bench:rtt"))!.value.length,
            },
            {
              name: "SET … PX",
              note: "RedisStore.set",
              run: async () => {
                await store.set("bench:rtt", text, 60_000);
                return 1;
              },
            },
          ],
        },
        options,
      ),
    );
  }

  // publishing one score update (what LatestScores does once per symbol per event-loop turn)
  const update = scoreWindow(k, "BTCUSDT", window, { preset: "ultraFast" })!;
  const publishVariants: AsyncVariant[] = [
    { name: "JSON.stringify", baseline: true, note: "the serialization L2 needs", run: () => JSON.stringify(update).length },
    {
      name: "L1 set",
      note: "TieredCache.set without L2 (stringify for the byte bound + LRU set)",
      run: () => {
        l1.set(scoreKey("BTCUSDT"), update);
        return 1;
      },
    },
  ];
  if (l2)
    publishVariants.push({
      name: "L1 + L2 set",
      note: "set, awaited until Redis has it (SET … PX)",
      run: async () => {
        await l2.set(scoreKey("BTCUSDT"), update);
        return 1;
      },
    });
  report(
    await runAsyncGroup(
      { group: "scorePublish", params: { bytes: JSON.stringify(update).length }, elements: 1, unit: "update", variants: publishVariants },
      options,
    ),
  );

  // the engine's caching flag: a replay of the whole capture, latest scores to nowhere / L1 / L1 + Redis
  const replay = (config: { caching: boolean }, latest: LatestScores | null) => (): number => {
    const engine = new StreamingEngine(k, { config, ...(latest ? { cache: latest } : {}) });
    for (const e of marketEvents) engine.process(e);
    const n = engine.symbolState("BTCUSDT")!.scoreUpdates;
    engine.dispose();
    return n;
  };
  const engineVariants: AsyncVariant[] = [
    { name: "caching off", baseline: true, run: replay({ caching: false }, null) },
    { name: "caching on, L1", note: "LatestScores on an L1-only TieredCache", run: replay({ caching: true }, new LatestScores(l1)) },
  ];
  if (l2) {
    const latest = new LatestScores(l2),
      run = replay({ caching: true }, latest);
    engineVariants.push({
      name: "caching on, L1 + L2",
      note: "LatestScores with Redis; the pending write flushed",
      run: async () => {
        const n = run();
        await latest.flush();
        return n;
      },
    });
  }
  report(
    await runAsyncGroup(
      {
        group: "engineReplay",
        params: { events: marketEvents.length, preset: "default" },
        elements: marketEvents.length,
        unit: "event",
        variants: engineVariants,
      },
      options,
    ),
  );

  // L3: the tanh table, and what a level-weight table could save
  const zs = Float64Array.from({ length: 1_000 }, (_, i) => ((i * 7919) % 1000) / 125 - 4);
  report(
    runGroup(
      {
        group: "tanh",
        params: { n: zs.length, range: "[-4, 4]" },
        elements: zs.length,
        unit: "value",
        variants: [
          {
            name: "Math.tanh",
            baseline: true,
            run: () => {
              let s = 0;
              for (let i = 0; i < zs.length; i++) s += Math.tanh(zs[i]!);
              return s;
            },
          },
          {
            name: "tanhApprox",
            note: "table, error ≤ 1.47e-6",
            run: () => {
              let s = 0;
              for (let i = 0; i < zs.length; i++) s += tanhApprox(zs[i]!);
              return s;
            },
          },
        ],
      },
      options,
    ),
  );
  const table = levelWeights(DEPTH, 2 / DEPTH);
  report(
    runGroup(
      {
        group: "levelWeights",
        params: { depth: DEPTH },
        elements: 1,
        unit: "call",
        variants: [
          {
            name: "Math.exp",
            baseline: true,
            note: "levelWeights(10, 0.2): what each analyzer does once",
            run: () => levelWeights(DEPTH, 2 / DEPTH)[DEPTH - 1]!,
          },
          { name: "table copy", note: "a precomputed table, copied", run: () => table.slice()[DEPTH - 1]! },
          {
            name: "analyzer setup",
            note: "new ConfluenceAnalyzer + dispose (where the weights are computed)",
            run: () => {
              const a = new ConfluenceAnalyzer(k, { depth: DEPTH });
              a.dispose();
              return 1;
            },
          },
        ],
      },
      options,
    ),
  );

  const median = (group: string, variant: string): number | null =>
    results.find((g) => g.group === group)?.variants.find((v) => v.name === variant)?.ns.median ?? null;
  const summary = Object.fromEntries(
    ["bookImbalance", "coreUpdate", "windowScore", "redisRoundTrip", "scorePublish"].flatMap((g) => {
      const r = results.find((x) => x.group === g);
      return r ? [[g, Object.fromEntries(r.variants.map((v) => [v.name, median(g, v.name)]))]] : [];
    }),
  );
  const perEvent = (v: string): number | null => {
    const m = median("engineReplay", v);
    return m === null ? null : m / marketEvents.length;
  };
  const engine = {
    nsPerEventOff: perEvent("caching off"),
    nsPerEventL1: perEvent("caching on, L1"),
    nsPerEventL1L2: perEvent("caching on, L1 + L2"),
  };
  console.log("summary (median ns per call)");
  console.log(JSON.stringify(summary, null, 1));
  console.log(`engine replay ns/event: ${JSON.stringify(engine)}`);
  console.log(`l2 cache stats: ${JSON.stringify(l2?.stats ?? null)}`);

  mkdirSync("bench/results", { recursive: true });
  const loadavgEnd = loadavg().map((x) => Math.round(x * 100) / 100);
  writeFileSync(
    "bench/results/cache.json",
    JSON.stringify({ meta: { ...meta, loadavgEnd }, summary, engine, results, sink: sinkResult() }, null, 1),
  );
  await l2?.close();
  await server?.stop();
  console.log(`\nwrote bench/results/cache.json (sink ${sinkResult()})`);
}

await main();
