import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import { describe, expect, it } from 'vitest'
import { parseAddress, parseCIDR } from '../../src/limits/cidr.js'

// API §1: IPv4 as four decimal octets without leading zeros, IPv6 as RFC 4291 text; anything
// else (octal-looking octets, integers, hex, short forms) is refused, never read another way.
const octet = fc.integer({ min: 0, max: 255 })
const octets = fc.tuple(octet, octet, octet, octet)
const ipv4 = octets.map((o) => o.join('.'))
const group = fc.integer({ min: 0, max: 0xffff })
const ipv6Parts = fc.array(group, { minLength: 8, maxLength: 8 })
const isMapped = (parts: number[]) => parts.slice(0, 5).every((p) => p === 0) && parts[5] === 0xffff

const nonCanonicalIPv4 = fc.oneof(
  // One octet written with leading zeros: `192.168.010.0` must not mean 192.168.8.0.
  fc
    .tuple(octets, fc.integer({ min: 0, max: 3 }), fc.constantFrom('0', '00'))
    .map(([o, i, z]) => o.map((v, j) => (j === i ? `${z}${v}` : String(v))).join('.')),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(String),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }).map((n) => `0x${n.toString(16)}`),
  fc
    .tuple(octets, fc.integer({ min: 0, max: 3 }))
    .map(([o, i]) => o.map((v, j) => (j === i ? `0x${v.toString(16)}` : String(v))).join('.')),
  fc.tuple(octet, fc.integer({ min: 0, max: 0xffffff })).map(([a, rest]) => `${a}.${rest}`),
  fc.tuple(octet, octet, fc.integer({ min: 0, max: 0xffff })).map(([a, b, c]) => `${a}.${b}.${c}`),
  fc
    .tuple(octets, fc.integer({ min: 256, max: 99_999 }), fc.integer({ min: 0, max: 3 }))
    .map(([o, big, i]) => o.map((v, j) => (j === i ? big : v)).join('.')),
  ipv4.map((a) => ` ${a}`),
  ipv4.map((a) => `${a}.`),
)

describe('parseAddress / parseCIDR (property, canonical forms of API §1)', () => {
  it('reads every IPv4 dotted quad as itself, with every prefix 0–32', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), (text, prefix) => {
        expect(parseAddress(text)?.toString()).toBe(text)
        const cidr = parseCIDR(`${text}/${prefix}`)
        expect(cidr && [cidr[0].toString(), cidr[1]]).toEqual([text, prefix])
        expect(parseCIDR(text)?.[1]).toBe(32)
      }),
    )
  })

  it('refuses IPv4 with leading zeros, integers, hex, short or out-of-range forms', () => {
    fc.assert(
      fc.property(nonCanonicalIPv4, fc.integer({ min: 0, max: 32 }), (text, prefix) => {
        expect(parseAddress(text)).toBeNull()
        expect(parseCIDR(text)).toBeNull()
        expect(parseCIDR(`${text}/${prefix}`)).toBeNull()
      }),
    )
  })

  it('reads IPv6 in RFC 5952 and in full form as the same address, with prefixes 0–128', () => {
    fc.assert(
      fc.property(ipv6Parts, fc.integer({ min: 0, max: 128 }), (parts, prefix) => {
        fc.pre(!isMapped(parts)) // those fold to IPv4, below
        const address = new ipaddr.IPv6(parts)
        const short = address.toRFC5952String()
        const full = parts.map((p) => p.toString(16)).join(':')
        for (const text of [short, full, short.toUpperCase()]) {
          expect(parseAddress(text)?.toString(), text).toBe(address.toString())
          const cidr = parseCIDR(`${text}/${prefix}`)
          expect(cidr && [cidr[0].toString(), cidr[1]], text).toEqual([address.toString(), prefix])
        }
      }),
    )
  })

  it('folds an IPv4-mapped IPv6 address to the IPv4 address it maps', () => {
    fc.assert(
      fc.property(octets, (o) => {
        expect(parseAddress(`::ffff:${o.join('.')}`)?.toString()).toBe(o.join('.'))
      }),
    )
  })

  it('refuses prefixes that are too long or written with leading zeros', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 33, max: 999 }), octet, (text, long, p) => {
        expect(parseCIDR(`${text}/${long}`)).toBeNull()
        expect(parseCIDR(`${text}/0${p % 33}`)).toBeNull()
      }),
    )
  })

  it('returns null or a range for any string, never throwing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const cidr = parseCIDR(text)
        if (cidr) expect(cidr[1]).toBeLessThanOrEqual(cidr[0].kind() === 'ipv4' ? 32 : 128)
        parseAddress(text)
      }),
    )
  })
})
