import type { MiddlewareHandler } from 'hono'
import ipaddr from 'ipaddr.js'
import { networkNotAllowed } from '../../errors.js'
import type { CIDR } from '../../limits/cidr.js'
import { isInsideNetworks } from '../../limits/client-address.js'
import type { AppEnv } from '../env.js'

/** The host a request names (@hono/node-server builds the URL from `Host`), no brackets. */
const hostNameOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase()

/**
 * Quick login only from AUTH_QUICK_LOGIN_NETWORKS (off when empty); elsewhere one 403 that
 * tells nothing about the household. Checked before any body is read, by the API and the
 * web UI alike.
 *
 * The request must also name this service in `Host` (the issuer's or a WebAuthn origin's
 * host, localhost, or an IP address): otherwise any web page could re-point its own domain
 * at the NAS (DNS rebinding) and, from a household browser, read the profiles and spend the
 * household's PIN attempts.
 */
export function householdNetworkOnly(
  networks: CIDR[],
  serviceHosts: string[],
): MiddlewareHandler<AppEnv> {
  const allowed = new Set(['localhost', ...serviceHosts.map((h) => h.toLowerCase())])
  return async function householdNetworkOnlyMiddleware(c, next) {
    if (!isInsideNetworks(c.get('client'), networks)) throw networkNotAllowed()
    const host = hostNameOf(c.req.url)
    if (!allowed.has(host) && !ipaddr.isValid(host)) throw networkNotAllowed()
    await next()
  }
}

/** The host names this service is reached at: the issuer's and the WebAuthn origins'. */
export const serviceHostsOf = (config: { issuer: string; webauthn: { origins: string[] } }) => [
  new URL(config.issuer).hostname,
  ...config.webauthn.origins.map((origin) => new URL(origin).hostname),
]
