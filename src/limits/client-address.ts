import type ipaddr from 'ipaddr.js'
import { isInNetworks, parseAddress, type CIDR } from './cidr.js'

export interface ClientAddress {
  /** The best-known client address, for limits and the audit log; null if unknowable. */
  address: ipaddr.IPv4 | ipaddr.IPv6 | null
  /**
   * False when the address cannot be trusted for network checks: forwarded headers from a
   * peer that is not a trusted proxy, or a forwarded entry that is not an address.
   */
  trusted: boolean
  /** Set when forwarded headers came from a peer not in AUTH_TRUST_PROXY. */
  untrustedProxy: string | null
}

/**
 * The client address of API §6: the socket peer, unless the peer is a trusted proxy; then
 * X-Forwarded-For is walked from the right and the first address that is not a trusted
 * proxy is the client. Anything odd fails closed (outside every network).
 */
export function resolveClientAddress(
  peer: string | undefined,
  headers: { forwardedFor?: string | undefined; forwarded?: string | undefined },
  trustProxy: CIDR[],
): ClientAddress {
  const peerAddress = peer ? parseAddress(peer) : null
  if (!peerAddress) return { address: null, trusted: false, untrustedProxy: null }
  const hasForwarding = headers.forwardedFor !== undefined || headers.forwarded !== undefined
  if (!isInNetworks(peerAddress, trustProxy)) {
    return hasForwarding
      ? { address: peerAddress, trusted: false, untrustedProxy: peerAddress.toString() }
      : { address: peerAddress, trusted: true, untrustedProxy: null }
  }
  if (headers.forwardedFor === undefined) {
    // A trusted proxy that sends only `Forwarded` is not understood: fail closed.
    return { address: peerAddress, trusted: !hasForwarding, untrustedProxy: null }
  }
  let client = peerAddress
  const entries = headers.forwardedFor.split(',').reverse()
  for (const entry of entries) {
    const address = parseAddress(entry)
    if (!address) return { address: client, trusted: false, untrustedProxy: null }
    client = address
    if (!isInNetworks(address, trustProxy)) break
  }
  return { address: client, trusted: true, untrustedProxy: null }
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
