import { isIPv6 } from 'node:net'

/**
 * The `/readyz` URL the HEALTHCHECK asks: the address the service listens on (AUTH_HOST), not
 * always 127.0.0.1 — a service bound to one LAN address does not answer on the loopback. The
 * wildcard addresses are not addresses one can connect to, so they map to the loopback.
 */
export function readinessURL(env: Record<string, string | undefined>): string {
  const port = env.AUTH_PORT?.trim() || env.PORT?.trim() || '3100'
  const host = env.AUTH_HOST?.trim() || '127.0.0.1'
  const bare = host.replace(/^\[(.*)\]$/, '$1')
  // `::` listens dual-stack (Node's default); Docker removes ::1 from containers on networks
  // without IPv6, so the IPv4 loopback is the one address that always answers.
  const target = bare === '0.0.0.0' || bare === '::' ? '127.0.0.1' : bare
  return `http://${isIPv6(target) ? `[${target}]` : target}:${port}/readyz`
}
