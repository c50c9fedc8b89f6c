import type { CIDR } from '../../limits/cidr.js'
import {
  FORWARDING_HEADER_NAMES,
  resolveClientAddress,
  type ClientAddress,
  type ForwardingHeaders,
} from '../../limits/client-address.js'
import type { Logger } from '../../logger.js'

const FORWARDING = Object.entries(FORWARDING_HEADER_NAMES) as [keyof ForwardingHeaders, string][]

/** How the request frame reads a request header (lower-case name). */
export type HeaderOf = (name: string) => string | undefined

/**
 * Resolves the client address of a request (API §6) from its socket peer and forwarding
 * headers, and warns once per peer that sends forwarding headers without being trusted.
 */
export function clientResolver(trustProxy: CIDR[], logger: Logger) {
  const warned = new Set<string>()
  // Without forwarded headers the answer depends on the peer alone, and a household has few
  // peers: remember them rather than parse the same address on every request.
  const byPeer = new Map<string, ClientAddress>()
  return function clientOf(peer: string | undefined, header: HeaderOf): ClientAddress {
    const headers: ForwardingHeaders = {}
    let forwarded = false
    for (const [key, name] of FORWARDING) {
      const value = header(name)
      if (value === undefined) continue
      headers[key] = value
      forwarded = true
    }
    const known = peer !== undefined && !forwarded ? byPeer.get(peer) : undefined
    if (known) return known
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
    return client
  }
}
