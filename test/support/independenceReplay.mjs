/**
 * Child process of test/kernels/hostMathIndependence.test.ts (run on the built bundle,
 * with or without `--import ./perturbMath.mjs`): replays a capture through the streaming
 * engine on the WebAssembly and the JS backend, and writes to `out` as JSON every score
 * update, the summary (without perf), the normalizer's and volatilityAdaptive's readings
 * of each score (the tanh paths), level weights, and the host's Math values on probes
 * (so the parent sees that the perturbation took effect).
 *
 * usage: node [--import perturbMath.mjs] independenceReplay.mjs <capture> <out.json>
 */
import { writeFileSync } from "node:fs";
import {
  jsKernels,
  levelWeights,
  loadKernels,
  ScoreNormalizer,
  StreamingEngine,
  summarize,
  tanhApprox,
  volatilityAdaptive,
} from "../../dist/index.js";
import { replayCaptureFiles } from "../../dist/node.js";

const [capture, out] = process.argv.slice(2);
const probes = {
  exp: Math.exp(1),
  expm1: Math.expm1(0.1),
  log: Math.log(3),
  log1p: Math.log1p(0.1),
  log2: Math.log2(3),
  log10: Math.log10(3),
  // biome-ignore lint/style/useExponentiationOperator: the probe must call Math.pow, the function the test perturbs (`**` is not it)
  pow: Math.pow(2, 0.5),
  tanh: Math.tanh(0.5),
  sinh: Math.sinh(1),
  cosh: Math.cosh(1),
  asinh: Math.asinh(1),
  acosh: Math.acosh(2),
  atanh: Math.atanh(0.5),
  sin: Math.sin(1),
  cos: Math.cos(1),
  tan: Math.tan(1),
  asin: Math.asin(0.5),
  acos: Math.acos(0.5),
  atan: Math.atan(1),
  atan2: Math.atan2(1, 2),
  cbrt: Math.cbrt(2),
  hypot: Math.hypot(1, 2),
};
const backends = {};
for (const [name, kernels] of [
  ["wasm", await loadKernels()],
  ["js", jsKernels()],
]) {
  const updates = [];
  const engine = new StreamingEngine(kernels, { onScore: (u) => updates.push(u) });
  await replayCaptureFiles([capture], (e) => engine.process(e));
  const summary = summarize(engine, 1);
  for (const s of Object.values(summary)) delete s.perf;
  engine.dispose();
  const exact = new ScoreNormalizer(kernels),
    table = new ScoreNormalizer(kernels, { approximate: true });
  const normalized = updates.map((u) => [
    exact.onScore(u.score),
    table.onScore(u.score),
    volatilityAdaptive(u.score, u.confidence / 50),
    tanhApprox(u.momentum * 8),
  ]);
  const functions = updates.map((u) => [kernels.exp(u.momentum * 10), kernels.log(u.score), kernels.tanh(u.meanReversion * 3)]);
  backends[name] = { updates, summary, normalized, functions, weights: Array.from(levelWeights(15, 2 / 15)) };
}
writeFileSync(out, JSON.stringify({ probes, backends }));
