/**
 * confluence-hft/node — the Node-only pieces: replaying capture files from disk, the
 * engine on worker threads, Redis as the shared cache layer
 * (RedisStore), and scale-out across processes and machines over Redis Streams
 * (publishCaptures, ClusterWorker). (The browser-safe core is the package root.)
 */
export { replayCaptureFiles, type ReplayOptions } from "./captureReader.js";
export { captureSamples, type CaptureSamples, type CaptureSamplesOptions } from "./captureSamples.js";
export { evaluateOnWorkers } from "../parallel/evaluateOnWorkers.js";
export { ParallelEngine, type ParallelEngineOptions } from "../parallel/parallelEngine.js";
export {
  scoreUniverse,
  type UniverseInput,
  type UniverseOptions,
  type UniverseResult,
  type UniverseScore,
  type UniverseError,
} from "../parallel/scoreUniverse.js";
export { scoreContext, type ScoreContext } from "../parallel/scoreContext.js";
export { shardOf } from "../parallel/shardOf.js";
export { RedisStore, type RedisStoreOptions } from "../cache/redisStore.js";
export { publishCaptures, type PublishOptions, type PublishResult } from "../cluster/publisher.js";
export { ClusterWorker, type WorkerOptions, type WorkerSummary } from "../cluster/clusterWorker.js";
export type { SymbolStats } from "../cluster/symbolProcessor.js";
export { connectRedis, connectRedisCluster } from "../cluster/connect.js";
export { SYMBOLS_KEY, inputKey, outputKey, symbolKeys, workersKey, type SymbolKeys } from "../cluster/keys.js";
export { connectBinance } from "./connectBinance.js";
