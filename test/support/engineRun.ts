/** Replays capture files through a StreamingEngine and returns the summary (without perf) and score updates. */
import { gzipSync, gunzipSync } from "node:zlib";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { replayCaptureFiles } from "../../src/node/captureReader.js";
import { StreamingEngine, type ScoreUpdate, type EngineOptions } from "../../src/pipeline/engine.js";
import { summarize } from "../../src/pipeline/summary.js";
import type { Kernels } from "../../src/index.js";

export interface Run {
  summary: Record<string, Omit<ReturnType<typeof summarize>[string], "perf">>;
  updates: ScoreUpdate[];
  engine: StreamingEngine;
}

export async function runEngine(k: Kernels, files: readonly string[], options: Omit<EngineOptions, "onScore"> = {}): Promise<Run> {
  const updates: ScoreUpdate[] = [];
  const engine = new StreamingEngine(k, { ...options, onScore: (u) => updates.push(u) });
  await replayCaptureFiles(files, (e) => engine.process(e));
  const full = summarize(engine, 1);
  const summary = Object.fromEntries(
    Object.entries(full).map(([s, v]) => {
      const { perf: _perf, ...rest } = v;
      return [s, rest];
    }),
  );
  return { summary, updates, engine };
}

/** The lines of a capture (decompressed). */
export function captureLines(file: string): string[] {
  return gunzipSync(readFileSync(file))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0);
}

/** Writes lines as a gzip (or plain) capture in a fresh temp directory; returns its path. */
export function writeCapture(lines: readonly string[], name = "capture.jsonl.gz", gzip = true): string {
  const dir = mkdtempSync(join(tmpdir(), "confluence-"));
  const path = join(dir, name);
  const text = `${lines.join("\n")}\n`;
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}
