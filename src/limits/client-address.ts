import type ipaddr from 'ipaddr.js'
import { isInNetworks, parseAddress, type CIDR, type IPAddress } from './cidr.js'

export interface ClientAddress {
  /** The best-known client address, for limits and the audit log; null if unknowable. */
  address: IPAddress | null
  /** False when the address cannot be trusted for network checks (outside every network). */
  trusted: boolean
  /** Set when forwarded headers came from a peer not in AUTH_TRUST_PROXY. */
  untrustedProxy: string | null
}

/** The request headers a client's address can be claimed in (API §6). */
export interface ForwardingHeaders {
  forwardedFor?: string | undefined
  forwarded?: string | undefined
  realIP?: string | undefined
  trueClientIP?: string | undefined
  cfConnectingIP?: string | undefined
}

/** Header names of `ForwardingHeaders`, for the middleware that reads them. */
export const FORWARDING_HEADER_NAMES = {
  forwardedFor: 'x-forwarded-for',
  forwarded: 'forwarded',
  realIP: 'x-real-ip',
  trueClientIP: 'true-client-ip',
  cfConnectingIP: 'cf-connecting-ip',
} as const satisfies Record<keyof ForwardingHeaders, string>

const outside = (address: IPAddress | null): ClientAddress => ({
  address,
  trusted: false,
  untrustedProxy: null,
})

/**
 * The client address of API §6: the socket peer, unless the peer is a trusted proxy; then
 * X-Forwarded-For is walked from the right and the first address that is not a trusted
 * proxy is the client. Anything odd fails closed (outside every network): forwarding headers
 * of any kind from an untrusted peer (a LAN proxy that sets only X-Real-IP would otherwise
 * make the internet look local), a trusted proxy that names no client (it may be relaying
 * anyone), an entry that is not a canonical address, a chain of trusted proxies only.
 */
export function resolveClientAddress(
  peer: string | undefined,
  headers: ForwardingHeaders,
  trustProxy: CIDR[],
): ClientAddress {
  // A link-local peer may carry a zone (`fe80::1%eth0`): the kernel's text, not a claim.
  const peerAddress = peer ? parseAddress(peer.replace(/%.*$/, '')) : null
  if (!peerAddress) return outside(null)
  const hasForwarding = Object.values(headers).some((value) => value !== undefined)
  if (!isInNetworks(peerAddress, trustProxy)) {
    return hasForwarding
      ? { address: peerAddress, trusted: false, untrustedProxy: peerAddress.toString() }
      : { address: peerAddress, trusted: true, untrustedProxy: null }
  }
  // Only X-Forwarded-For is understood from a trusted proxy; without it, no client is known.
  if (headers.forwardedFor === undefined) return outside(peerAddress)
  const entries = headers.forwardedFor.split(',').reverse()
  for (const entry of entries) {
    const address = parseAddress(entry.trim())
    if (!address) return outside(peerAddress)
    if (!isInNetworks(address, trustProxy)) {
      return { address, trusted: true, untrustedProxy: null }
    }
  }
  return outside(peerAddress)
}

/** True only for a trusted address inside one of the networks. */
export function isInsideNetworks(client: ClientAddress, networks: CIDR[]): boolean {
  return client.trusted && client.address !== null && isInNetworks(client.address, networks)
}

/** The key rate limits count an address under: IPv4 as is, IPv6 by its /64 (API §6). */
export function addressLimitKey(client: ClientAddress): string {
  const address = client.address
  if (!address) return 'unknown'
  if (address.kind() === 'ipv4') return address.toString()
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4)
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`
}
