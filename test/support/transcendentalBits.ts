/**
 * The library's exp, log and tanh (through Kernels), tanhApprox and levelWeights(64, 2/64)
 * over `xs`, as hex bit patterns (exact whatever carries them: JSON, a page boundary).
 * The browser harness computes it in Chromium, test/browser/core.test.ts in Node.
 * Layout: [4·i + 0..3] = exp, log, tanh, tanhApprox of xs[i] (NaN → 0 for tanhApprox), then the 64 weights.
 */
import { levelWeights, tanhApprox, type Kernels } from "../../src/index.js";

export function transcendentalBits(k: Kernels, xs: readonly number[]): string[] {
  const out = new Float64Array(xs.length * 4 + 64);
  xs.forEach((x, i) => {
    out[4 * i] = k.exp(x);
    out[4 * i + 1] = k.log(x);
    out[4 * i + 2] = k.tanh(x);
    out[4 * i + 3] = tanhApprox(x === x ? x : 0);
  });
  out.set(levelWeights(64, 2 / 64), xs.length * 4);
  return Array.from(new BigUint64Array(out.buffer), (b) => b.toString(16));
}
