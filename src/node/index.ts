/**
 * confluence-hft/node — the Node-only pieces: replaying capture files from disk, and
 * the replay summary used by the CLI. (The browser-safe core is the package root.)
 */
export { replayCaptureFiles, type ReplayOptions } from "./captureReader.js";
export { summarize, replay, type SymbolSummary, type ReplayOptions as ReplayCommandOptions } from "../cli/replay.js";
