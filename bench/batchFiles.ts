/** Capture files decoded for bench/batchLoop.ts in Node: as objects and, through `k`'s decoder, as one batch. */
import type { Kernels, MarketEvent } from "../src/index.js";
import { replayCaptureFiles } from "../src/node/index.js";
import { decodeBatches, type Decoded } from "./batchLoop.js";

export async function decodeFiles(files: readonly string[], k: Kernels): Promise<Decoded> {
  const events: MarketEvent[] = [];
  await replayCaptureFiles(files, (e) => events.push(e));
  return decodeBatches(
    events,
    async (onEvent, onBatch) => {
      await replayCaptureFiles(files, onEvent, { decoders: k, onBatch });
    },
    k,
  );
}
