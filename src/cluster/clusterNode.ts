/**
 * A Redis Cluster seed node as the scale-out takes it: `host:port`, the host a name or an
 * IPv4 address, an IPv6 address in brackets (`[::1]:7000`), the port 1 to 65535. The
 * worker, `publish` and the L2 cache connect to a cluster through a list of these.
 */

/** The host and port of `node`; null when it is not `host:port`. */
export function parseClusterNode(node: string): { host: string; port: number } | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(node);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65_535) return null;
  return { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), port };
}
