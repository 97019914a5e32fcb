/**
 * What the capture parser decodes blocks of capture lines with: the fast path of the four hot
 * Binance kinds into an EventBatch of columns, each line it does not decode exactly listed for
 * the parser's reference path (JSON.parse), in order. Two implementations give the same batches:
 * ColumnDecoder (plain TS, FastDecoder's algorithm) and the WebAssembly decoder in linear memory
 * (Kernels.captureDecoder on the WASM backend, src/kernels/wasm/feeds/captureDecoder.ts).
 */
import type { EventBatch } from "./eventBatch.js";

export interface CaptureBlockDecoder {
  /** The batch handed to `onBatch` (reused from one call to the next). */
  readonly batch: EventBatch;
  /**
   * Decodes every line of `bytes` (the last may lack its newline) into batches, handing each to
   * `onBatch` before the next is written. A line longer than the decoder's limit is declined.
   * The WASM decoder's columns are views of linear memory: read a batch before anything that may
   * grow that memory runs (an engine on the same kernels does), as the capture parser does.
   */
  decode(bytes: Uint8Array, onBatch: (batch: EventBatch) => void): void;
  /** Releases what the decoder holds (linear memory on the WASM backend); later use throws DisposedError. */
  dispose(): void;
}

/** Events (and declined lines) a batch of the capture parser's decoder holds. */
export const CAPTURE_BATCH = 4096;
/** The WASM decoder's input block, and the default longest line a decoder decodes: 256 KiB. */
export const CAPTURE_INPUT_BYTES = 1 << 18;

/** What makes a decoder (Kernels is one: the WASM backend's decoder lives in linear memory). */
export interface CaptureDecoderSource {
  captureDecoder(limits?: CaptureDecoderLimits): CaptureBlockDecoder;
}

/** Options of Kernels.captureDecoder. */
export interface CaptureDecoderLimits {
  /** Longest line decoded (newline excluded), ≥ 64; longer lines are declined. Default 256 KiB. */
  readonly maxLineBytes?: number;
}
