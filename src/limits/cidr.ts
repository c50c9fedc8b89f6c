import ipaddr from 'ipaddr.js'

export type CIDR = [ipaddr.IPv4 | ipaddr.IPv6, number]

/** Parses one address (`::ffff:a.b.c.d` folded to IPv4); null when it is not an address. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const trimmed = text.trim().replace(/^\[(.*)\]$/, '$1')
  if (!ipaddr.isValid(trimmed)) return null
  const parsed = ipaddr.parse(trimmed)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address()
  }
  return parsed
}

/** Parses `a.b.c.d/n` or `x::/n`; a bare address means a single host. */
export function parseCIDR(text: string): CIDR | null {
  const trimmed = text.trim()
  try {
    if (trimmed.includes('/')) {
      const [address, prefix] = ipaddr.parseCIDR(trimmed)
      if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
        return [(address as ipaddr.IPv6).toIPv4Address(), Math.max(0, prefix - 96)]
      }
      return [address, prefix]
    }
  } catch {
    return null
  }
  const address = parseAddress(trimmed)
  if (!address) return null
  return [address, address.kind() === 'ipv4' ? 32 : 128]
}

export function isInNetworks(address: ipaddr.IPv4 | ipaddr.IPv6, networks: CIDR[]): boolean {
  return networks.some(
    ([network, prefix]) => network.kind() === address.kind() && address.match(network, prefix),
  )
}
