/** The three backends every contract and property test runs on. */
import { jsKernels, loadKernels, type Kernels } from "../../src/index.js";

export const backends: Kernels[] = [await loadKernels(), await loadKernels({ forceScalar: true }), jsKernels()];
