/**
 * Buffers of the JS backend: a typed array behind the Float64Buffer / Uint8Buffer
 * interfaces. Freed like a WASM buffer: after free() its `array` (and so every kernel
 * given it) throws DisposedError, and free() again does nothing.
 */
import { requireLive } from "../validate.js";

export class JsBuffer<T extends Float64Array | Uint8Array> {
  readonly length: number;
  private data: T | null;

  private constructor(data: T, private readonly what: string) {
    this.data = data;
    this.length = data.length;
  }

  get array(): T {
    requireLive(this.data, this.what);
    return this.data;
  }

  free(): void {
    this.data = null;
  }

  static float64(length: number): JsBuffer<Float64Array> {
    return new JsBuffer(new Float64Array(length), "Float64Buffer");
  }

  static uint8(length: number): JsBuffer<Uint8Array> {
    return new JsBuffer(new Uint8Array(length), "Uint8Buffer");
  }
}
