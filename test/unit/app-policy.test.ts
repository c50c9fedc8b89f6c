import { describe, expect, it } from 'vitest'
import { redirectURIProblem } from '../../src/auth/app-input.js'
import { checkAppAccess } from '../../src/auth/app-policy.js'

const app = (policy: { groups?: string[]; allowPin?: boolean; requireMfa?: boolean } = {}) => ({
  groups: [],
  allowPin: false,
  requireMfa: false,
  ...policy,
})
const enabled = { disabled: false }
const who = (groups: string[], amr: string[], user = enabled) => ({ user, groups, amr })

describe('checkAppAccess', () => {
  it('lets every member in when the app names no group', () => {
    expect(checkAppAccess(app(), who([], ['pwd']))).toBe('allowed')
  })

  it('needs one of the app’s groups', () => {
    const kids = app({ groups: ['kids', 'parents'] })
    expect(checkAppAccess(kids, who(['parents'], ['pwd']))).toBe('allowed')
    expect(checkAppAccess(kids, who(['gamers'], ['pwd']))).toBe('outside_groups')
    expect(checkAppAccess(kids, who([], ['pwd']))).toBe('outside_groups')
  })

  it('asks a PIN-only session for more unless the app allows PINs', () => {
    expect(checkAppAccess(app(), who([], ['pin']))).toBe('too_weak')
    expect(checkAppAccess(app({ allowPin: true }), who([], ['pin']))).toBe('allowed')
    expect(checkAppAccess(app(), who([], ['pin', 'pwd']))).toBe('allowed')
  })

  it('asks for a second factor when the app requires MFA', () => {
    const strict = app({ requireMfa: true, allowPin: true })
    expect(checkAppAccess(strict, who([], ['pwd']))).toBe('too_weak')
    expect(checkAppAccess(strict, who([], ['hwk']))).toBe('too_weak')
    expect(checkAppAccess(strict, who([], ['pin']))).toBe('too_weak')
    expect(checkAppAccess(strict, who([], ['pwd', 'otp', 'mfa']))).toBe('allowed')
  })

  it('answers outside_groups before too_weak: signing in again would not help', () => {
    const kids = app({ groups: ['kids'], requireMfa: true })
    expect(checkAppAccess(kids, who(['parents'], ['pin']))).toBe('outside_groups')
  })

  it('never lets a disabled person in', () => {
    expect(checkAppAccess(app(), who([], ['pwd', 'mfa'], { disabled: true }))).toBe(
      'outside_groups',
    )
  })
})

describe('redirectURIProblem', () => {
  it.each([
    'https://docs.home.arpa/cb',
    'https://docs.home.arpa:8443/cb?x=1',
    'http://localhost:8080/cb',
    'http://127.0.0.1/cb',
    'http://[::1]:9000/cb',
    'http://app.localhost/cb',
  ])('accepts %s', (uri) => expect(redirectURIProblem(uri, false)).toBeNull())

  it.each([
    '/cb',
    'docs.home.arpa/cb',
    'https://docs.home.arpa/cb#frag',
    'https://docs.home.arpa/cb#',
    'http://docs.home.arpa/cb',
    'http://192.168.1.5/cb',
    'ftp://docs.home.arpa/cb',
    'javascript:alert(1)',
    'https://user:pass@docs.home.arpa/cb',
    `https://docs.home.arpa/${'x'.repeat(2000)}`,
  ])('refuses %s', (uri) => expect(redirectURIProblem(uri, false)).not.toBeNull())

  it('accepts http on the LAN when the service itself runs on http', () => {
    expect(redirectURIProblem('http://docs.home.arpa/cb', true)).toBeNull()
    expect(redirectURIProblem('ftp://docs.home.arpa/cb', true)).not.toBeNull()
  })
})
