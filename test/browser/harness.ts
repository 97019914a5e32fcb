/**
 * The page the Chromium tests drive (dist/test/harness.js, loaded by
 * dist/test/harness.html): the library's browser bundle, exposed as a few functions on
 * `window.harness` so a test can load a backend, replay capture bytes through the
 * streaming engine in the page, and time the engine — the same code paths a browser
 * user runs.
 */
import {
  CaptureParser,
  jsKernels,
  loadKernels,
  StreamingEngine,
  summarize,
  type CaptureParserOptions,
  type Kernels,
  type MarketEvent,
  type ScoreUpdate,
} from "../../src/index.js";
import { transcendentalBits } from "../support/transcendentalBits.js";
import { median, pass, shift, spans } from "../../bench/replayLoop.js";
import { decodeBatches, passRatio, runBatches, type Parse, type Runner } from "../../bench/batchLoop.js";

async function kernels(backend: "wasm" | "js", forceScalar: boolean): Promise<Kernels> {
  return backend === "js" ? jsKernels() : loadKernels({ forceScalar });
}

async function gunzip(bytes: ArrayBuffer): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Parses a capture (gzip detected by its magic bytes) into `onEvent`, in capture order; with `decoders`
 * and `onBatch`, the events they decode go to `onBatch` as batch ranges instead. Returns the lines rejected.
 */
async function parse(
  bytes: ArrayBuffer,
  name: string,
  onEvent: (e: MarketEvent) => void,
  options: CaptureParserOptions = {},
): Promise<number> {
  const head = new Uint8Array(bytes, 0, Math.min(2, bytes.byteLength));
  const raw = head[0] === 0x1f && head[1] === 0x8b ? await gunzip(bytes) : new Uint8Array(bytes);
  const parser = new CaptureParser(onEvent, options);
  parser.startFile(name);
  parser.push(raw);
  parser.end();
  parser.dispose();
  return parser.stats().rejected;
}

/** Decodes a capture into events. */
async function decode(bytes: ArrayBuffer, name: string): Promise<{ events: MarketEvent[]; rejected: number }> {
  const events: MarketEvent[] = [];
  const rejected = await parse(bytes, name, (e) => events.push(e));
  return { events, rejected };
}

const harness = {
  async backend(backend: "wasm" | "js", forceScalar = false): Promise<string> {
    return (await kernels(backend, forceScalar)).backend;
  },

  /** test/support/transcendentalBits.ts computed in the page. */
  async transcendentals(backend: "wasm" | "js", forceScalar: boolean, xs: number[]): Promise<string[]> {
    return transcendentalBits(await kernels(backend, forceScalar), xs);
  },

  /** Replays the captures in order; returns the summary without `perf` and every score update as JSON. */
  async replay(captures: { name: string; bytes: ArrayBuffer }[], backend: "wasm" | "js"): Promise<{ summary: string; updates: string }> {
    const updates: ScoreUpdate[] = [];
    const engine = new StreamingEngine(await kernels(backend, false), { onScore: (u) => updates.push(u) });
    for (const c of captures) for (const e of (await decode(c.bytes, c.name)).events) engine.process(e);
    const summary = summarize(engine, 1);
    for (const s of Object.values(summary)) delete (s as { perf?: unknown }).perf;
    engine.dispose();
    return { summary: JSON.stringify(summary), updates: JSON.stringify(updates) };
  },

  /** Engine-only events/s over `passes` passes of the captures (decoded once), median. */
  async benchEngine(
    captures: { name: string; bytes: ArrayBuffer }[],
    backend: "wasm" | "js",
    passes: number,
  ): Promise<{ eventsPerSec: number; p99: number }> {
    const events: MarketEvent[] = [];
    for (const c of captures) events.push(...(await decode(c.bytes, c.name)).events);
    const { idSpan, timeSpan } = spans(events);
    const engine = new StreamingEngine(await kernels(backend, false));
    const results = [];
    for (let p = 0; p < passes + 3; p++) {
      const r = pass(engine, events);
      if (p >= 3) results.push(r);
      shift(events, idSpan, timeSpan);
    }
    engine.dispose();
    return { eventsPerSec: median(results.map((r) => r.eventsPerSec)), p99: median(results.map((r) => r.p99)) };
  },

  /**
   * bench/batchLoop.ts in the page: engines fed the captures as batches and as objects, WASM and JS,
   * taking turns over `passes` passes; each engine's median events/s and the WASM/JS ratios.
   */
  async benchBatches(
    captures: { name: string; bytes: ArrayBuffer }[],
    passes: number,
  ): Promise<{ rates: Record<string, number>; batches: number; objects: number }> {
    const objects: MarketEvent[] = [];
    for (const c of captures) objects.push(...(await decode(c.bytes, c.name)).events);
    const wasm = await kernels("wasm", false),
      js = jsKernels();
    const through =
      (k: Kernels): Parse =>
      async (onEvent, onBatch) => {
        for (const c of captures) await parse(c.bytes, c.name, onEvent, { decoders: k, onBatch });
      };
    const onWasm = await decodeBatches(objects, through(wasm), wasm);
    const onJs = await decodeBatches(
      objects.map((e) => ({ ...e })),
      through(js),
      js,
    );
    const [wb, wo, jb, jo] = runBatches(wasm, js, onWasm, onJs, passes, 3) as [Runner, Runner, Runner, Runner];
    return {
      rates: Object.fromEntries([wb, wo, jb, jo].map((r) => [r.name, median(r.rates)])),
      batches: passRatio(wb, jb).median,
      objects: passRatio(wo, jo).median,
    };
  },
};

/** What a page's global object holds once this script ran (the tests' `page.evaluate` bodies read it). */
export interface HarnessGlobal {
  harness: typeof harness;
}
(globalThis as unknown as HarnessGlobal).harness = harness;
document.body.dataset.ready = "true";
