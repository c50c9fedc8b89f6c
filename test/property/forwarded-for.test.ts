import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseAddress, parseCIDR, type CIDR } from '../../src/limits/cidr.js'
import { resolveClientAddress } from '../../src/limits/client-address.js'

// API §6: X-Forwarded-For is believed only from a trusted proxy, walked from the right; the
// client is the first entry that is not a trusted proxy; anything odd fails closed.
const PROXIES = ['10.0.0.0/8', 'fd00::/8'].map((t) => parseCIDR(t) as CIDR)
const octet = fc.integer({ min: 0, max: 255 })
const proxy = fc.oneof(
  fc.tuple(octet, octet, octet).map(([a, b, c]) => `10.${a}.${b}.${c}`),
  fc.integer({ min: 0, max: 0xffff }).map((g) => `fd00::${g.toString(16)}`),
)
// Public addresses only, so none is inside the trusted ranges.
const client = fc.oneof(
  fc.tuple(octet, octet, octet).map(([a, b, c]) => `198.${a}.${b}.${c}`),
  fc.integer({ min: 1, max: 0xffff }).map((g) => `2001:db8::${g.toString(16)}`),
)
const separator = fc.constantFrom(',', ', ')
const garbage = fc.oneof(
  fc.constantFrom('unknown', '', 'not-an-ip', '192.168.010.1', '3232235796', '0x7f.1', '[::1]'),
  fc.constantFrom('10.0.0.1:8080', '_hidden', '1.2.3'),
)
const header = (entries: string[], sep: string) => entries.join(sep)

describe('resolveClientAddress (property)', () => {
  it('ignores any X-Forwarded-For from a peer that is not a trusted proxy', () => {
    fc.assert(
      fc.property(client, fc.string({ maxLength: 80 }), (peer, forwardedFor) => {
        const resolved = resolveClientAddress(peer, { forwardedFor }, PROXIES)
        expect(resolved.address?.toString()).toBe(peer)
        expect(resolved.trusted).toBe(false)
      }),
    )
  })

  it('takes the rightmost entry that is not a trusted proxy, from a trusted proxy', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(client, proxy, garbage), { maxLength: 4 }),
        client,
        fc.array(proxy, { maxLength: 3 }),
        proxy,
        separator,
        (left, expected, proxies, peer, sep) => {
          const forwardedFor = header([...left, expected, ...proxies], sep)
          const resolved = resolveClientAddress(peer, { forwardedFor }, PROXIES)
          expect(resolved).toMatchObject({ trusted: true })
          expect(resolved.address?.toString()).toBe(expected)
        },
      ),
    )
  })

  it('fails closed on an entry it cannot read before the client is found', () => {
    fc.assert(
      fc.property(
        fc.array(client, { maxLength: 3 }),
        garbage,
        fc.array(proxy, { maxLength: 3 }),
        proxy,
        separator,
        (left, bad, proxies, peer, sep) => {
          const forwardedFor = header([...left, bad, ...proxies], sep)
          expect(resolveClientAddress(peer, { forwardedFor }, PROXIES).trusted).toBe(false)
        },
      ),
    )
  })

  it('never throws, and names only the peer or an address from the header', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), proxy, (forwardedFor, peer) => {
        const resolved = resolveClientAddress(peer, { forwardedFor }, PROXIES)
        const named = resolved.address?.toString()
        if (named !== undefined && named !== parseAddress(peer)?.toString()) {
          expect(resolved.address?.kind()).toMatch(/^ipv[46]$/)
          expect(forwardedFor.toLowerCase()).toContain(named.split('::')[0]!.toLowerCase())
        }
      }),
    )
  })
})
