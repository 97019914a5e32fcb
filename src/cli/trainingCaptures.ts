/**
 * Training captures by content: a capture file is named in a configuration's `trainedOn` by its
 * file name and the SHA-256 of its bytes as stored, so the same capture under another name or
 * path is still recognised (a decompressed copy is not: its bytes differ). `confluence fit --out`
 * records the files it fitted on; `confluence evaluate` marks the input files among them as in
 * sample. Node-only.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import type { TrainingCapture } from "../confluence/fittedValues.js";

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Each file's name and digest, in order. */
export async function describeCaptures(files: readonly string[]): Promise<TrainingCapture[]> {
  const out: TrainingCapture[] = [];
  for (const file of files) out.push({ file: basename(file), sha256: await sha256Of(file) });
  return out;
}

/** The files among `files` whose bytes are one of `trainedOn`'s captures (a configuration's); standard input never is. */
export async function trainingFiles(files: readonly string[], trainedOn: readonly TrainingCapture[]): Promise<string[]> {
  if (trainedOn.length === 0) return [];
  const known = new Set(trainedOn.map((c) => c.sha256));
  const out: string[] = [];
  for (const file of files) if (file !== "-" && known.has(await sha256Of(file))) out.push(file);
  return out;
}
