/**
 * as-pect: the kernel specs in assembly/__tests__, on the SIMD and the scalar build.
 *
 * Compiler options come from as-pect.asconfig.json (as-pect's default --as-config),
 * which extends ./asconfig.json (runtime "minimal", as in the release builds) and
 * enables SIMD. The scalar run uses this same file with
 * `--as-config as-pect.scalar.asconfig.json` (SIMD disabled; as-pect 8.1 takes the
 * compiler config only from that flag). scripts/test.mjs runs both; each exits 1 on
 * any failed spec.
 */
export default {
  /** Test entries: only the kernel specs. */
  entries: ["assembly/__tests__/**/*.spec.ts"],
  /** Files added to every compilation (none today; helpers are imported explicitly). */
  include: ["assembly/__tests__/**/*.include.ts"],
  /** Entry files matching any of these are skipped. */
  disclude: [/node_modules/],
  /** The specs need no imports of their own beyond as-pect's. */
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  /** Set to true (or pass --output-binary) to keep each spec's .wasm/.wat for codegen review. */
  outputBinary: false,
};
