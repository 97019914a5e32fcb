/**
 * Weights for tests of what the fitted presets switch off: the built-in presets put (nearly) all
 * weight on the book and flow components (src/confluence/fittedPresets.ts), so a test of warm-up,
 * symmetry or decisions across every component names its weights instead of relying on a preset.
 */
import type { ComponentWeights } from "../../src/index.js";

/** The seed's default weights: every component counts. */
export const EVERY_COMPONENT: ComponentWeights = {
  orderbook: 0.25,
  orderflow: 0.25,
  volume: 0.1,
  price_structure: 0.15,
  technical: 0.15,
  sentiment: 0.1,
};

/** The seed's ultraFast weights: book, flow and volume. */
export const BOOK_FLOW_VOLUME: ComponentWeights = {
  orderbook: 0.6,
  orderflow: 0.35,
  volume: 0.05,
  price_structure: 0,
  technical: 0,
  sentiment: 0,
};
