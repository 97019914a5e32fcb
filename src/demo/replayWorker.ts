/**
 * The dashboard's worker: loads the kernels (WASM SIMD or scalar, whichever this browser
 * supports, or the JS twin when asked), then either decodes the captures and replays
 * them through the streaming engine, or connects to the live streams (liveSession.ts)
 * and scores them as they arrive — off the page's thread, so the page stays responsive
 * at any speed. Every failure comes back to the page as an error message, never as an
 * uncaught exception.
 */
import { jsKernels, loadKernels } from "../kernels/index.js";
import type { Kernels } from "../kernels/types.js";
import { LIVE_BUCKET_MS, LiveSession } from "./liveSession.js";
import { loadCaptures } from "./loadCaptures.js";
import { ReplaySession } from "./replaySession.js";
import { bucketWidth } from "./seriesCollector.js";
import type { FromWorker, Speed, ToWorker } from "./pageProtocol.js";

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  onunhandledrejection: ((event: PromiseRejectionEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker): void => scope.postMessage(message);

let session: ReplaySession | LiveSession | null = null;
/** Settings that arrived while the captures were still loading. */
let pending: { speed?: Speed; paused?: boolean } = {};

scope.onmessage = (event) => {
  const m = event.data;
  switch (m.type) {
    case "start":
      start(m).catch(fail);
      break;
    case "live":
      live(m).catch(fail);
      break;
    case "stop":
      if (session instanceof LiveSession) session.finish().catch(fail);
      break;
    case "speed":
      if (session instanceof ReplaySession) session.setSpeed(m.speed);
      else pending.speed = m.speed;
      break;
    case "pause":
      if (session instanceof ReplaySession) session.setPaused(m.paused);
      else pending.paused = m.paused;
      break;
    case "ack":
      session?.ack();
      break;
  }
};
scope.onunhandledrejection = (event) => {
  event.preventDefault();
  fail(event.reason);
};

function fail(e: unknown): void {
  session?.stop();
  session = null;
  post({ type: "error", message: e instanceof Error ? e.message : String(e) });
}

async function start(m: ToWorker & { type: "start" }): Promise<void> {
  session?.stop();
  session = null;
  pending = {};
  const kernels: Kernels = m.backend === "js" ? jsKernels() : await loadKernels({ forceScalar: m.scalar });
  let lastProgress = 0;
  const loaded = await loadCaptures(
    m.sources,
    (file, bytes, events) => {
      const now = performance.now();
      if (now - lastProgress < 50) return;
      lastProgress = now;
      post({ type: "loading", file, bytes, events });
    },
    // on WASM the capture's lines are decoded in linear memory, as `confluence replay` does
    kernels.backend === "js" ? undefined : kernels,
  );
  const events = loaded.events;
  const firstTime = events[0]!.receiveTime,
    lastTime = events[events.length - 1]!.receiveTime;
  const bucketMs = bucketWidth(lastTime - firstTime);
  post({
    type: "ready",
    backend: kernels.backend,
    files: loaded.files,
    total: events.length,
    decodeMs: loaded.decodeMs,
    firstTime,
    lastTime,
    bucketMs,
    timerResolutionUs: timerResolutionUs(),
    warnings: loaded.warnings,
  });
  session = new ReplaySession(kernels, events, bucketMs, pending.speed ?? m.speed, post);
  if (pending.paused) session.setPaused(true);
  session.start();
}

async function live(m: ToWorker & { type: "live" }): Promise<void> {
  session?.stop();
  session = null;
  const kernels: Kernels = m.backend === "js" ? jsKernels() : await loadKernels({ forceScalar: m.scalar });
  const s = new LiveSession(kernels, m.live, post);
  const url = s.start();
  session = s;
  post({ type: "connecting", backend: kernels.backend, url, bucketMs: LIVE_BUCKET_MS, timerResolutionUs: timerResolutionUs() });
}

/** The smallest non-zero step of performance.now() seen in a short busy loop, µs. */
function timerResolutionUs(): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    let t1 = t0;
    while (t1 === t0) t1 = performance.now();
    best = Math.min(best, t1 - t0);
  }
  return best * 1000;
}
