import { describe, expect, it } from 'vitest'
import {
  coversEverything,
  formatCIDR,
  isInNetworks,
  parseAddress,
  parseCIDR,
  rangesOverlap,
  type CIDR,
} from '../../src/limits/cidr.js'
import { networkWarnings, parseNetworkList } from '../../src/limits/network-settings.js'

const cidr = (text: string) => parseCIDR(text) as CIDR

describe('parseAddress', () => {
  it.each(['192.168.1.20', '0.0.0.0', '255.255.255.255', '::1', 'fd00::2', '2001:db8:0:0:0:0:0:1'])(
    'reads the canonical address %s',
    (text) => {
      expect(parseAddress(text)).not.toBeNull()
    },
  )

  // Regression: ipaddr.js reads `192.168.010.1` as octal (192.168.8.1) and `3232235796`,
  // `0x7f.1` as addresses, so a written network could quietly mean another one.
  it.each([
    '192.168.010.1',
    '010.0.0.1',
    '3232235796',
    '0x7f.1',
    '0x7f.0.0.1',
    '127.1',
    '1.2.3',
    '1.2.3.256',
    ' 1.2.3.4',
    '[::1]',
    'fe80::1%eth0',
    '::ffff:01.2.3.4',
    '1::2::3',
    '1.2.3.4:80',
    '',
  ])('refuses the non-canonical %j', (text) => {
    expect(parseAddress(text)).toBeNull()
  })

  it('folds IPv4-mapped IPv6 to IPv4', () => {
    expect(parseAddress('::ffff:192.168.1.20')?.toString()).toBe('192.168.1.20')
    expect(parseAddress('::ffff:c0a8:114')?.toString()).toBe('192.168.1.20')
  })
})

describe('parseCIDR', () => {
  it('reads ranges and bare hosts', () => {
    expect(formatCIDR(cidr('192.168.1.0/24'))).toBe('192.168.1.0/24')
    expect(formatCIDR(cidr('10.0.0.2'))).toBe('10.0.0.2/32')
    expect(formatCIDR(cidr('fd12:3456::/48'))).toBe('fd12:3456::/48')
    expect(formatCIDR(cidr('::1'))).toBe('::1/128')
  })

  it('reads an IPv4-mapped range as the IPv4 range it maps', () => {
    expect(formatCIDR(cidr('::ffff:192.168.1.0/120'))).toBe('192.168.1.0/24')
    expect(formatCIDR(cidr('::ffff:0:0/96'))).toBe('0.0.0.0/0')
  })

  it.each([
    '192.168.010.0/24',
    '3232235796/32',
    '0x7f.1/32',
    '192.168.1.0/024',
    '192.168.1.0/33',
    '192.168.1.0/',
    '::/129',
    'fe80::%eth0/64',
    '192.168.1.0/24/8',
    'proxy.local',
  ])('refuses %j', (text) => {
    expect(parseCIDR(text)).toBeNull()
  })

  // Regression: `192.168.010.0/24` was read as 192.168.8.0/24.
  it('never lets an octal-looking range stand for another network', () => {
    expect(parseNetworkList('192.168.010.0/24', { refuseEverything: false }).networks).toEqual([])
  })
})

describe('coversEverything', () => {
  it.each(['0.0.0.0/0', '::/0', '::ffff:0:0/96', '::ffff:0.0.0.0/96', '::/64', '::fffe:0:0/95'])(
    'is true for %s, which lets in a whole address family',
    (text) => {
      expect(coversEverything(cidr(text))).toBe(true)
    },
  )

  it.each(['0.0.0.0/1', '192.168.0.0/16', '::ffff:192.168.0.0/112', 'fd00::/8', '2000::/3'])(
    'is false for %s',
    (text) => {
      expect(coversEverything(cidr(text))).toBe(false)
    },
  )

  // Regression: `::ffff:0:0/96` was accepted and let 8.8.8.8 count as inside.
  it('is what would otherwise let 8.8.8.8 count as inside', () => {
    const range = cidr('::ffff:0:0/96')
    expect(isInNetworks(parseAddress('8.8.8.8')!, [range])).toBe(true)
    expect(coversEverything(range)).toBe(true)
  })
})

describe('rangesOverlap', () => {
  it('sees nesting and equality, in both directions, within one family', () => {
    expect(rangesOverlap(cidr('192.168.1.0/24'), cidr('192.168.1.5'))).toBe(true)
    expect(rangesOverlap(cidr('192.168.1.5'), cidr('192.168.1.0/24'))).toBe(true)
    expect(rangesOverlap(cidr('172.16.0.0/12'), cidr('172.17.0.0/16'))).toBe(true)
    expect(rangesOverlap(cidr('192.168.1.0/24'), cidr('192.168.2.0/24'))).toBe(false)
    expect(rangesOverlap(cidr('fd00::/8'), cidr('fd12:3456::/48'))).toBe(true)
    expect(rangesOverlap(cidr('::ffff:192.168.1.0/120'), cidr('192.168.1.7'))).toBe(true)
    expect(rangesOverlap(cidr('192.168.1.0/24'), cidr('fd00::/8'))).toBe(false)
  })
})

describe('parseNetworkList', () => {
  it('refuses whole-family ranges only where asked', () => {
    const granting = parseNetworkList('192.168.1.0/24, ::ffff:0:0/96', { refuseEverything: true })
    expect(granting.networks.map(formatCIDR)).toEqual(['192.168.1.0/24'])
    expect(granting.problems).toEqual([expect.stringContaining('"::ffff:0:0/96" covers every')])
    const metrics = parseNetworkList('0.0.0.0/0,::/0', { refuseEverything: false })
    expect(metrics.problems).toEqual([])
    expect(metrics.networks).toHaveLength(2)
  })
})

describe('networkWarnings', () => {
  it('warns once per trusted proxy range that overlaps a quick-login network', () => {
    const warnings = networkWarnings({
      trustProxy: [cidr('172.16.0.0/12'), cidr('192.168.1.2'), cidr('10.0.0.2')],
      quickLoginNetworks: [cidr('192.168.1.0/24'), cidr('172.20.0.0/16')],
    })
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/^AUTH_TRUST_PROXY range 172\.16\.0\.0\/12 overlaps/)
    expect(warnings[1]).toContain(
      '192.168.1.2/32 overlaps AUTH_QUICK_LOGIN_NETWORKS range 192.168.1.0/24',
    )
  })

  it('is silent when the proxy is apart from the household networks', () => {
    expect(
      networkWarnings({
        trustProxy: [cidr('10.0.0.2')],
        quickLoginNetworks: [cidr('192.168.1.0/24')],
      }),
    ).toEqual([])
  })
})
