/**
 * The one WebAssembly boundary, instantiated with `WebAssembly.instantiate` (no loader):
 * both builds load and give the module's own results; the runtime's `abort` import (its
 * only import) becomes a WasmAbortError carrying the runtime's message and source
 * position, read from the module's memory; the module keeps working after a refused
 * allocation; and loading the kernels never touches the global `Response` (which the
 * loader checked, loading Node's undici for every command; run on the built dist/index.js).
 */
import { describe, expect, test } from "vitest";
import { execFileSync } from "node:child_process";
import { WasmAbortError } from "../../src/errors.js";
import { SCALAR_WASM_BASE64, SIMD_WASM_BASE64 } from "../../src/wasm/generated/wasmBytes.js";
import { loadWasm, MAX_BLOCK_BYTES, simdSupported } from "../../src/wasm/module.js";

describe("loadWasm", () => {
  test.each([[false], [true]])(
    "forceScalar %s: the module's only import is env.abort, and it allocates, frees and computes",
    async (forceScalar) => {
      const bytes = Buffer.from(forceScalar ? SCALAR_WASM_BASE64 : SIMD_WASM_BASE64, "base64");
      expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toEqual([{ module: "env", name: "abort", kind: "function" }]);
      const m = await loadWasm({ forceScalar });
      expect(m.simd).toBe(forceScalar ? false : simdSupported());
      const ptr = m.alloc(64);
      expect(ptr % 16, "16-byte aligned").toBe(0);
      const qty = ptr,
        buyer = m.alloc(8),
        out = m.alloc(32);
      m.f64.set([1.5, 2, 0.25, 4], qty >>> 3);
      m.u8.set([1, 0, 1, 0], buyer);
      m.exports.volumeDelta(qty, buyer, 4, out);
      expect(Array.from(m.f64.subarray(out >>> 3, (out >>> 3) + 2)), "buy volume 1.5 + 0.25, sell volume 2 + 4").toEqual([1.75, 6]);
      for (const p of [qty, buyer, out]) m.free(p);
    },
  );

  test("an abort inside the runtime is a WasmAbortError with the runtime's own message and position; the module keeps working", async () => {
    const m = await loadWasm();
    let caught: unknown;
    try {
      // past the wrapper's check (alloc() refuses this size up front): straight into TLSF
      m.exports.alloc(MAX_BLOCK_BYTES + 1);
    } catch (e) {
      caught = e;
    }
    expect(caught, "a typed error, not the loader's plain Error nor a RuntimeError").toBeInstanceOf(WasmAbortError);
    const e = caught as WasmAbortError;
    expect(e.name).toBe("WasmAbortError");
    expect(e.abortMessage).toBe("Allocation too large");
    expect(e.file).toBe("~lib/rt/tlsf.ts");
    expect(e.line).toBeGreaterThan(0);
    expect(e.message).toMatch(/^the WebAssembly module aborted: Allocation too large at ~lib\/rt\/tlsf\.ts:\d+:\d+: expected /);
    const ptr = m.alloc(1024);
    expect(ptr).toBeGreaterThan(0);
    m.free(ptr);
  });

  test("loading and running the kernels never touches the global Response (Node would load undici for it)", () => {
    const script = `
      const { loadKernels } = await import(${JSON.stringify(new URL("../../dist/index.js", import.meta.url).href)});
      await loadKernels();
      process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes("undici"))));`;
    const loaded = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(loaded)).toEqual([]);
  });
});
