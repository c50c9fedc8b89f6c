import { createRequire } from 'node:module'
import ipaddr from 'ipaddr.js'
import type { CIDR } from './limits/cidr.js'

// tldts carries the whole public-suffix list (~190 KiB of code, a trie built when loaded): read
// from node_modules on first use, which only a server with AUTH_COOKIE_DOMAIN makes.
let tldts: typeof import('tldts') | undefined
const loadTLDTS = () =>
  (tldts ??= createRequire(import.meta.url)('tldts') as typeof import('tldts'))

/**
 * What is wrong with AUTH_COOKIE_DOMAIN (API §13), or null. The proxy cookie is sent to every
 * host under this domain, so it must be the household's own: never a public suffix (judged
 * by the whole list, private section included — `duckdns.org` would hand the cookie to every
 * DuckDNS customer), never an IP address (no subdomains to share it with), and it must hold
 * the issuer's host (the sign-in pages set the cookie, and browsers let a host set a cookie
 * only for a domain containing it). Without AUTH_TRUST_PROXY no proxy could ever be answered.
 */
export function cookieDomainProblem(
  domain: string,
  issuer: URL | null,
  trustProxy: CIDR[],
): string | null {
  const host = domain.replace(/^\[|\]$/g, '')
  if (ipaddr.isValid(host)) return 'must be a domain name, not an IP address'
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
    return 'must be a domain name'
  }
  const parsed = loadTLDTS().parse(host, { allowPrivateDomains: true })
  if (!parsed.domain || parsed.publicSuffix === host) {
    return `is a public suffix (${host}): use a domain of your own under it`
  }
  const issuerHost = issuer?.hostname.toLowerCase()
  if (issuerHost !== undefined && issuerHost !== host && !issuerHost.endsWith(`.${host}`)) {
    return `must contain the host of AUTH_ISSUER (${issuerHost})`
  }
  if (trustProxy.length === 0) return 'needs AUTH_TRUST_PROXY (the reverse proxy asking)'
  return null
}
