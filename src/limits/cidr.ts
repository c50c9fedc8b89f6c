import { isIPv4, isIPv6 } from 'node:net'
import ipaddr from 'ipaddr.js'

export type IPAddress = ipaddr.IPv4 | ipaddr.IPv6
export type CIDR = [IPAddress, number]

const MAPPED = ipaddr.IPv6.parse('::ffff:0:0')

/**
 * Reads one address written in canonical text only (API §1): IPv4 as four decimal octets
 * without leading zeros, IPv6 as RFC 4291 text without a zone. ipaddr.js alone would read
 * `192.168.010.1` as octal (192.168.8.1) and `3232235796` or `0x7f.1` as addresses, so a
 * network written one way would quietly mean another. Node's `isIPv4`/`isIPv6` accept
 * exactly the canonical forms. `::ffff:a.b.c.d` is folded to IPv4. null when not canonical.
 */
export function parseAddress(text: string): IPAddress | null {
  if (isIPv4(text)) return ipaddr.IPv4.parse(text)
  if (!isIPv6(text) || text.includes('%')) return null
  const address = readIPv6(text)
  return address.isIPv4MappedAddress() ? address.toIPv4Address() : address
}

/**
 * IPv6 text read as RFC 4291 says. ipaddr.js reads `::a.b.c.d` (IPv4-compatible, ::aabb:ccdd)
 * as the mapped ::ffff:a.b.c.d, and libuv prints such a socket peer that way: folded to IPv4,
 * an IPv6 peer would have counted as a household address. The WHATWG URL parser writes any
 * embedded IPv4 as hex first. `text` has passed `isIPv6` and holds no zone.
 */
function readIPv6(text: string): ipaddr.IPv6 {
  const hex = text.includes('.') ? new URL(`http://[${text}]/`).hostname.slice(1, -1) : text
  return ipaddr.IPv6.parse(hex)
}

/**
 * Reads `address/prefix` (a bare address is a single host), canonical text only, the prefix
 * a decimal without leading zeros. An IPv4-mapped range (`::ffff:192.168.1.0/120`) becomes
 * the IPv4 range it maps, since client addresses are folded the same way.
 */
export function parseCIDR(text: string): CIDR | null {
  const match = /^([^/]+)(?:\/(0|[1-9]\d{0,2}))?$/.exec(text)
  if (!match) return null
  const addressText = match[1]!
  const prefixText = match[2]
  if (isIPv4(addressText)) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText)
    return prefix <= 32 ? [ipaddr.IPv4.parse(addressText), prefix] : null
  }
  if (!isIPv6(addressText) || addressText.includes('%')) return null
  const address = readIPv6(addressText)
  const prefix = prefixText === undefined ? 128 : Number(prefixText)
  if (prefix > 128) return null
  if (prefix >= 96 && address.match(MAPPED, 96)) return [address.toIPv4Address(), prefix - 96]
  return [address, prefix]
}

/**
 * True for a range that lets in a whole address family: `0.0.0.0/0`, `::/0`, and any IPv6
 * range that holds all of `::ffff:0:0/96` (every IPv4 address, mapped), which is how
 * `::ffff:0:0/96` once let `8.8.8.8` count as a household address.
 */
export function coversEverything([network, prefix]: CIDR): boolean {
  if (prefix === 0) return true
  return network.kind() === 'ipv6' && prefix <= 96 && MAPPED.match(network, prefix)
}

/** True when two ranges share an address (CIDR ranges either nest or are apart). */
export function rangesOverlap([a, aPrefix]: CIDR, [b, bPrefix]: CIDR): boolean {
  return a.kind() === b.kind() && a.match(b, Math.min(aPrefix, bPrefix))
}

/** The canonical text of a range, for messages. */
export function formatCIDR([network, prefix]: CIDR): string {
  return `${network.toString()}/${prefix}`
}

export function isInNetworks(address: IPAddress, networks: CIDR[]): boolean {
  return networks.some(
    ([network, prefix]) => network.kind() === address.kind() && address.match(network, prefix),
  )
}
