/**
 * Buffers of the JS backend: a typed array behind the Float64Buffer / Uint8Buffer
 * interfaces. Freed like a WASM buffer: after free() its `array` (and so every kernel
 * given it) throws DisposedError, and free() again does nothing. An allocation the
 * engine refuses is an OutOfMemoryError, as on the WASM backend.
 */
import { OutOfMemoryError } from "../../errors.js";
import { requireLive } from "../validate.js";

export class JsBuffer<T extends Float64Array | Uint8Array> {
  readonly length: number;
  private data: T | null;

  private constructor(
    data: T,
    private readonly what: string,
  ) {
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
    return new JsBuffer(
      allocate(() => new Float64Array(length), length * 8),
      "Float64Buffer",
    );
  }

  static uint8(length: number): JsBuffer<Uint8Array> {
    return new JsBuffer(
      allocate(() => new Uint8Array(length), length),
      "Uint8Buffer",
    );
  }
}

function allocate<T>(make: () => T, bytes: number): T {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new OutOfMemoryError(bytes, 0, `the JavaScript engine refused the ArrayBuffer (${e.message})`);
  }
}
