/**
 * The Redis flags of the scale-out commands: `--redis URL` (one Redis server) or
 * `--redis-cluster host:port,host:port,…` (a Redis Cluster's seed nodes; one reachable node
 * is enough, the others are learnt from it) — never both. Checked before anything connects.
 */
import { parseClusterNode } from "../cluster/clusterNode.js";
import type { RedisTarget } from "../cluster/connect.js";
import { redisUrl } from "./redisUrl.js";
import { UsageError } from "./usageError.js";

export interface RedisFlags {
  readonly redis?: string;
  readonly redisCluster?: string;
}

const EITHER = "expected --redis redis://host[:port] (one Redis server) or --redis-cluster host:port,… (a Redis Cluster)";

/** The Redis the flags name; null when they name none (a usage error when `required`). */
export function redisTarget(flags: RedisFlags, required: boolean): RedisTarget | null {
  if (flags.redis !== undefined && flags.redisCluster !== undefined)
    throw new UsageError(`--redis and --redis-cluster are both given: ${EITHER}, not both`);
  if (flags.redisCluster !== undefined) {
    const nodes = flags.redisCluster.split(",").map((n) => n.trim());
    const bad = nodes.find((n) => parseClusterNode(n) === null);
    if (bad !== undefined)
      throw new UsageError(
        `--redis-cluster ${flags.redisCluster}: ${bad === "" ? "an empty node" : `'${bad}' is not host:port`}: expected seed nodes like 10.0.0.5:7000,10.0.0.6:7000 (an IPv6 host in brackets: [::1]:7000)`,
      );
    return { cluster: nodes };
  }
  if (flags.redis !== undefined) return { url: redisUrl(flags.redis) };
  if (required) throw new UsageError(`no Redis given: ${EITHER}`);
  return null;
}
