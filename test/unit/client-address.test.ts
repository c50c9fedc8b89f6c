import { describe, expect, it } from 'vitest'
import { parseCIDR, type CIDR } from '../../src/limits/cidr.js'
import {
  addressLimitKey,
  isInsideNetworks,
  resolveClientAddress,
} from '../../src/limits/client-address.js'

const cidrs = (...list: string[]) => list.map((c) => parseCIDR(c)!) as CIDR[]
const proxy = cidrs('10.0.0.2/32', 'fd00::2/128')
const home = cidrs('192.168.1.0/24', 'fd12:3456::/48')

describe('resolveClientAddress', () => {
  it('uses the socket peer when no proxy is trusted', () => {
    const client = resolveClientAddress('192.168.1.20', {}, [])
    expect(client).toMatchObject({ trusted: true })
    expect(client.address?.toString()).toBe('192.168.1.20')
    expect(isInsideNetworks(client, home)).toBe(true)
  })

  it('folds IPv4-mapped IPv6 to IPv4', () => {
    const client = resolveClientAddress('::ffff:192.168.1.20', {}, [])
    expect(client.address?.toString()).toBe('192.168.1.20')
    expect(isInsideNetworks(client, home)).toBe(true)
  })

  it('never believes X-Forwarded-For from a peer that is not a trusted proxy', () => {
    const outside = resolveClientAddress('203.0.113.9', { forwardedFor: '192.168.1.20' }, [])
    expect(outside.address?.toString()).toBe('203.0.113.9')
    expect(isInsideNetworks(outside, home)).toBe(false)
    // A reverse proxy on the LAN that is not declared: the whole internet would look local.
    const lanProxy = resolveClientAddress('192.168.1.5', { forwardedFor: '203.0.113.9' }, [])
    expect(lanProxy).toMatchObject({ trusted: false, untrustedProxy: '192.168.1.5' })
    expect(isInsideNetworks(lanProxy, home)).toBe(false)
    const forwarded = resolveClientAddress('192.168.1.5', { forwarded: 'for=203.0.113.9' }, [])
    expect(isInsideNetworks(forwarded, home)).toBe(false)
  })

  it('walks X-Forwarded-For from the right past trusted proxies', () => {
    const client = resolveClientAddress(
      '10.0.0.2',
      { forwardedFor: '1.2.3.4, 192.168.1.20, 10.0.0.2' },
      proxy,
    )
    expect(client.address?.toString()).toBe('192.168.1.20')
    expect(isInsideNetworks(client, home)).toBe(true)
    // A client cannot smuggle an inside address in front of its real one.
    const spoofed = resolveClientAddress(
      '10.0.0.2',
      { forwardedFor: '192.168.1.20, 203.0.113.9' },
      proxy,
    )
    expect(spoofed.address?.toString()).toBe('203.0.113.9')
    expect(isInsideNetworks(spoofed, home)).toBe(false)
  })

  it('fails closed on an entry that is not an address', () => {
    const client = resolveClientAddress(
      '10.0.0.2',
      { forwardedFor: '192.168.1.20, unknown' },
      proxy,
    )
    expect(client.trusted).toBe(false)
    expect(isInsideNetworks(client, home)).toBe(false)
  })

  // Regression: a trusted proxy that sent no X-Forwarded-For was taken as a household client,
  // so whatever it relayed (the internet, if it forgets the header) could use quick login.
  it('puts a trusted proxy that names no client outside every network', () => {
    const lanProxy = cidrs('192.168.1.2/32')
    const bare = resolveClientAddress('192.168.1.2', {}, lanProxy)
    expect(bare.trusted).toBe(false)
    expect(isInsideNetworks(bare, home)).toBe(false)
    // Nor with only headers it does not understand from a trusted proxy.
    const realIPOnly = resolveClientAddress('192.168.1.2', { realIP: '192.168.1.20' }, lanProxy)
    expect(isInsideNetworks(realIPOnly, home)).toBe(false)
    // With X-Forwarded-For it is walked as usual.
    const named = resolveClientAddress('192.168.1.2', { forwardedFor: '192.168.1.20' }, lanProxy)
    expect(isInsideNetworks(named, home)).toBe(true)
  })

  // Regression: an undeclared LAN proxy that set only X-Real-IP made the internet look local.
  it.each([
    ['realIP', 'X-Real-IP'],
    ['trueClientIP', 'True-Client-IP'],
    ['cfConnectingIP', 'CF-Connecting-IP'],
  ])('fails closed on %s (%s) from a peer that is not a trusted proxy', (key) => {
    const client = resolveClientAddress('192.168.1.5', { [key]: '203.0.113.9' }, [])
    expect(client).toMatchObject({ trusted: false, untrustedProxy: '192.168.1.5' })
    expect(isInsideNetworks(client, home)).toBe(false)
  })

  it.each(['192.168.001.20', '3232235796', '0xc0.168.1.20', '[192.168.1.20]', '192.168.1.20:5000'])(
    'ends the walk on the non-canonical X-Forwarded-For entry %j, failing closed',
    (entry) => {
      const client = resolveClientAddress('10.0.0.2', { forwardedFor: entry }, proxy)
      expect(client.trusted).toBe(false)
      expect(isInsideNetworks(client, home)).toBe(false)
      const behind = resolveClientAddress('10.0.0.2', { forwardedFor: `${entry}, 10.0.0.2` }, proxy)
      expect(isInsideNetworks(behind, home)).toBe(false)
    },
  )

  it('fails closed when X-Forwarded-For names only trusted proxies', () => {
    const client = resolveClientAddress('10.0.0.2', { forwardedFor: '10.0.0.2, 10.0.0.2' }, proxy)
    expect(client.trusted).toBe(false)
  })

  it('reads a link-local peer with a zone as its address', () => {
    const client = resolveClientAddress('fe80::1%eth0', {}, [])
    expect(client).toMatchObject({ trusted: true })
    expect(client.address?.toString()).toBe('fe80::1')
  })

  it('matches IPv6 networks and keys IPv6 limits by /64', () => {
    const a = resolveClientAddress('fd12:3456:0:1::a', {}, [])
    const b = resolveClientAddress('fd12:3456:0:1:ffff::b', {}, [])
    const c = resolveClientAddress('fd12:3456:0:2::a', {}, [])
    expect(isInsideNetworks(a, home)).toBe(true)
    expect(addressLimitKey(a)).toBe(addressLimitKey(b))
    expect(addressLimitKey(a)).not.toBe(addressLimitKey(c))
    expect(addressLimitKey(resolveClientAddress('192.168.1.20', {}, []))).toBe('192.168.1.20')
  })
})
