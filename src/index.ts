/**
 * confluence-hft — the browser-safe public API (imports nothing from node:).
 */
export { loadKernels, jsKernels, type LoadKernelsOptions } from "./kernels/index.js";
export { levelWeights, DEFAULT_TIME_WINDOW_CAPACITY } from "./kernels/checked.js";
export { MAX_WINDOW } from "./kernels/validate.js";
export { simdSupported } from "./wasm/module.js";
export type * from "./kernels/types.js";
export * from "./errors.js";
