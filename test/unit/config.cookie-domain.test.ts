import { describe, expect, it } from 'vitest'
import { loadConfig, type Env } from '../../src/config.js'

const base: Env = {
  AUTH_ISSUER: 'https://auth.home.example',
  AUTH_TRUST_PROXY: '10.0.0.2/32',
}
const load = (env: Env) => loadConfig({ ...base, ...env }, () => '')
const errorsOf = (env: Env) => {
  const result = load(env)
  return result.ok ? [] : result.errors
}

describe('AUTH_COOKIE_DOMAIN (API §13)', () => {
  it('is off when unset, and kept lower case without a leading dot when good', () => {
    const off = loadConfig({}, () => '')
    expect(off.ok && off.config.cookieDomain).toBe(null)
    const on = load({ AUTH_COOKIE_DOMAIN: '.Home.Example' })
    expect(on.ok && on.config.cookieDomain).toBe('home.example')
    const own = load({
      AUTH_COOKIE_DOMAIN: 'me.duckdns.org',
      AUTH_ISSUER: 'https://me.duckdns.org',
    })
    expect(own.ok && own.config.cookieDomain).toBe('me.duckdns.org')
  })

  it.each([
    // ICANN section and, since browsers use it too, the private section.
    ['com', 'public suffix'],
    ['co.uk', 'public suffix'],
    ['duckdns.org', 'public suffix'],
    ['github.io', 'public suffix'],
    ['home.arpa', 'public suffix'],
    ['example', 'public suffix'],
    ['192.168.1.10', 'IP address'],
    ['[::1]', 'IP address'],
    ['::1', 'IP address'],
    ['home example', 'domain name'],
  ])('refuses %s (%s), naming the variable', (domain, why) => {
    const issuer = `https://auth.${domain.replace(/[[\]]/g, '')}`
    const errors = errorsOf({ AUTH_COOKIE_DOMAIN: domain, AUTH_ISSUER: issuer })
    const line = errors.find((e) => e.startsWith('AUTH_COOKIE_DOMAIN:'))
    expect(line).toBeDefined()
    expect(line).toContain(why)
  })

  it('refuses a domain that does not contain the issuer’s host', () => {
    const [line] = errorsOf({ AUTH_COOKIE_DOMAIN: 'apps.home.example' })
    expect(line).toMatch(/^AUTH_COOKIE_DOMAIN: must contain the host of AUTH_ISSUER/)
    expect(errorsOf({ AUTH_COOKIE_DOMAIN: 'ome.example' })[0]).toMatch(/^AUTH_COOKIE_DOMAIN:/)
  })

  it('needs AUTH_TRUST_PROXY', () => {
    const [line] = errorsOf({ AUTH_COOKIE_DOMAIN: 'home.example', AUTH_TRUST_PROXY: '' })
    expect(line).toMatch(/^AUTH_COOKIE_DOMAIN: needs AUTH_TRUST_PROXY/)
  })
})
