import { getConnInfo } from '@hono/node-server/conninfo'
import type { MiddlewareHandler } from 'hono'
import type { CIDR } from '../../limits/cidr.js'
import {
  FORWARDING_HEADER_NAMES,
  resolveClientAddress,
  type ClientAddress,
  type ForwardingHeaders,
} from '../../limits/client-address.js'
import type { Logger } from '../../logger.js'
import type { AppEnv } from '../env.js'

/** Resolves the client address once per request (API §6), for every route to use. */
export function clientAddress(trustProxy: CIDR[], logger: Logger): MiddlewareHandler<AppEnv> {
  const warned = new Set<string>()
  // Without forwarded headers the answer depends on the peer alone, and a household has few
  // peers: remember them rather than parse the same address on every request.
  const byPeer = new Map<string, ClientAddress>()
  return async function clientAddressMiddleware(c, next) {
    let peer: string | undefined
    try {
      peer = getConnInfo(c).remote.address
    } catch {
      peer = undefined
    }
    const headers: ForwardingHeaders = {}
    let forwarded = false
    for (const [key, name] of Object.entries(FORWARDING_HEADER_NAMES)) {
      const value = c.req.header(name)
      if (value === undefined) continue
      headers[key as keyof ForwardingHeaders] = value
      forwarded = true
    }
    const known = peer !== undefined && !forwarded ? byPeer.get(peer) : undefined
    if (known) {
      c.set('client', known)
      return next()
    }
    const client = resolveClientAddress(peer, headers, trustProxy)
    if (client.untrustedProxy && !warned.has(client.untrustedProxy) && warned.size < 1000) {
      warned.add(client.untrustedProxy)
      logger.warn(
        { peer: client.untrustedProxy },
        'forwarded headers from a peer not in AUTH_TRUST_PROXY are ignored; set AUTH_TRUST_PROXY if it is your reverse proxy',
      )
    }
    if (peer !== undefined && !forwarded) {
      if (byPeer.size >= 1000) byPeer.clear()
      byPeer.set(peer, client)
    }
    c.set('client', client)
    await next()
  }
}
