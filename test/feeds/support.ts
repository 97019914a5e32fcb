/** Helpers shared by the feed tests: run the parser over bytes, compare events exactly. */
import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { CaptureParser, type CaptureParserOptions, type CaptureStats } from "../../src/feeds/capture.js";
import type { MarketEvent } from "../../src/feeds/events.js";

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Parses `chunks` as one file; returns the events and the counters. */
export function parse(
  chunks: readonly Uint8Array[],
  options: CaptureParserOptions = {},
  file = "test",
): { events: MarketEvent[]; stats: CaptureStats } {
  const events: MarketEvent[] = [];
  const p = new CaptureParser((e) => events.push(e), options);
  p.startFile(file);
  for (const c of chunks) p.push(c);
  p.end();
  p.dispose();
  return { events, stats: p.stats() };
}

/** The decompressed bytes of a capture file. */
export function captureBytes(path: string): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(path)));
}

/**
 * Where two events differ, or null when every field is identical (Object.is: NaN equals
 * NaN, 0 differs from −0; levels compared element by element).
 */
export function difference(a: MarketEvent, b: MarketEvent): string | null {
  const keysA = Object.keys(a),
    keysB = Object.keys(b);
  if (keysA.join() !== keysB.join()) return `fields ${keysA.join()} vs ${keysB.join()}`;
  for (const k of keysA) {
    const x = (a as unknown as Record<string, unknown>)[k],
      y = (b as unknown as Record<string, unknown>)[k];
    if (x instanceof Float64Array && y instanceof Float64Array) {
      if (x.length !== y.length) return `${k}: ${x.length} vs ${y.length} values`;
      for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `${k}[${i}]: ${x[i]} vs ${y[i]}`;
    } else if (!Object.is(x, y)) {
      return `${k}: ${String(x)} vs ${String(y)}`;
    }
  }
  return null;
}

/** The first index where two event sequences differ, with the difference; null when identical. */
export function firstDifference(a: readonly MarketEvent[], b: readonly MarketEvent[]): string | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = difference(a[i]!, b[i]!);
    if (d !== null) return `event ${i} (${a[i]!.type}): ${d}`;
  }
  return a.length === b.length ? null : `${a.length} vs ${b.length} events`;
}
