import { describe, expect, it } from 'vitest'
import { formatCIDR, parseAddress, parseCIDR, type CIDR } from '../../src/limits/cidr.js'
import { isInsideNetworks, resolveClientAddress } from '../../src/limits/client-address.js'

// RFC 4291 §2.5.5: `::a.b.c.d` is the IPv4-compatible address 0:0:0:0:0:0:aabb:ccdd, not the
// IPv4-mapped ::ffff:a.b.c.d. ipaddr.js reads it as mapped, so it was folded to the IPv4
// address a.b.c.d. libuv prints an IPv4-compatible socket peer (or a proxy its
// X-Forwarded-For entry) exactly so: an IPv6 peer `::c0a8:114` counted as 192.168.1.20.
describe('an IPv4 address written inside IPv6 text', () => {
  it('is the IPv6 address RFC 4291 says, folded to IPv4 only when mapped (::ffff:)', () => {
    expect(parseAddress('::192.168.1.20')?.toString()).toBe('::c0a8:114')
    expect(parseAddress('::192.168.1.20')?.kind()).toBe('ipv6')
    expect(parseAddress('64:ff9b::192.168.1.20')?.toString()).toBe('64:ff9b::c0a8:114')
    expect(parseAddress('::ffff:192.168.1.20')?.toString()).toBe('192.168.1.20')
    expect(parseAddress('::FFFF:192.168.1.20')?.toString()).toBe('192.168.1.20')
    expect(parseAddress('0:0:0:0:0:ffff:192.168.1.20')?.toString()).toBe('192.168.1.20')
  })

  it('never makes an IPv4-compatible peer or forwarded entry a household client', () => {
    const home = [parseCIDR('192.168.1.0/24')!] as CIDR[]
    const peer = resolveClientAddress('::192.168.1.20', {}, [])
    expect(isInsideNetworks(peer, home)).toBe(false)
    const proxy = [parseCIDR('10.0.0.2')!] as CIDR[]
    const forwarded = resolveClientAddress('10.0.0.2', { forwardedFor: '::192.168.1.20' }, proxy)
    expect(isInsideNetworks(forwarded, home)).toBe(false)
  })

  it('reads a range so written as the IPv6 range it is, never as an IPv4 one', () => {
    expect(formatCIDR(parseCIDR('::10.0.0.0/104')!)).toBe('::a00:0/104')
    expect(formatCIDR(parseCIDR('::ffff:10.0.0.0/104')!)).toBe('10.0.0.0/8')
  })
})
