/**
 * ConfluenceAnalyzer checkpoints: the BTCUSDT capture fed as the streaming engine feeds it
 * (trades, best quotes, books; a compute after every event), cut at fast-check points — in the
 * warm-up and after it — and restored into a fresh analyzer on the same or another backend: the
 * update (time, score, every component and feature), `needed` and isStable must then match an
 * uninterrupted run's after every later event. A wrong part tag is a CheckpointError.
 */
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { CheckpointError, ConfluenceAnalyzer, type Kernels } from "../../src/index.js";
import { StateReader, StateWriter } from "../../src/checkpoint/stateCodec.js";
import { backends } from "../support/backends.js";
import { BTCUSDT } from "../support/capture.js";
import { captureEvents, type Event } from "../support/replay.js";
import { resolveConfig } from "../../src/confluence/config.js";

const config = resolveConfig({});
const capture = captureEvents(BTCUSDT, config.depth);

function feed(a: ConfluenceAnalyzer, e: Event): void {
  if (e.kind === "trade") a.onTrade(e);
  else if (e.kind === "quote") a.onQuote(e);
  else a.onBook(e.bids, e.asks);
  a.compute(e.time);
}

/** What a user sees of an analyzer, numbers bit for bit (Object.is through a replacer that keeps NaN and −0 apart). */
function seen(a: ConfluenceAnalyzer): string {
  return JSON.stringify({ latest: a.latest, needed: a.needed, stable: a.isStable }, (_, v) =>
    typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0)) ? String(v === 0 ? "-0" : v) : v,
  );
}

function checkpoint(a: ConfluenceAnalyzer): Uint8Array {
  const w = new StateWriter();
  a.writeState(w);
  return w.finish();
}

const pairs: [Kernels, Kernels][] = backends.flatMap((a) => backends.map((b) => [a, b] as [Kernels, Kernels]));

describe("ConfluenceAnalyzer checkpoints", () => {
  test.each(pairs.map(([a, b]) => [`${a.backend} → ${b.backend}`, a, b] as const))(
    "%s: the BTCUSDT capture continues identically from cuts in and after the warm-up",
    async (_, from, to) => {
      const { events } = await capture;
      const horizon = 3_000;
      for (const cut of [0, 1, 200, ...fc.sample(fc.nat(events.length - horizon), { numRuns: 2, seed: 15 })]) {
        const a = new ConfluenceAnalyzer(from, config, { trusted: true });
        for (const e of events.slice(0, cut)) feed(a, e);
        const bytes = checkpoint(a);
        const b = new ConfluenceAnalyzer(to, config, { trusted: true });
        const r = new StateReader(bytes);
        b.readState(r);
        r.end();
        expect(seen(b), `right after the restore at ${cut}`).toBe(seen(a));
        for (const [i, e] of events.slice(cut, cut + horizon).entries()) {
          feed(a, e);
          feed(b, e);
          if (seen(b) !== seen(a)) expect(seen(b), `event ${cut + i} after the cut at ${cut}`).toBe(seen(a));
        }
        a.dispose();
        b.dispose();
      }
    },
    120_000,
  );

  test("a wrong tag, a truncated part and an unknown phase are CheckpointErrors", () => {
    const [k] = backends;
    const a = new ConfluenceAnalyzer(k!, config);
    const bytes = checkpoint(a);
    a.dispose();
    const bad = bytes.slice();
    bad[4] = 7; // the phase byte after the tag
    for (const b of [bytes.subarray(0, 5), Uint8Array.of(...bytes.subarray(1)), bad]) {
      const c = new ConfluenceAnalyzer(k!, config);
      expect(() => c.readState(new StateReader(b))).toThrow(CheckpointError);
      c.dispose();
    }
  });
});
