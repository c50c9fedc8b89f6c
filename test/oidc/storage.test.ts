import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

describe('oidc_payloads (the provider’s adapter storage)', () => {
  it('marks a code consumed once: a second consume keeps the first time, a replay is seen', () => {
    const store = t.services.oidcPayloads
    store.upsert('AuthorizationCode', 'c1', { accountId: 'u1', grantId: 'g1' }, 60)
    store.consume('AuthorizationCode', 'c1')
    const first = store.find('AuthorizationCode', 'c1')!.consumed
    expect(first).toEqual(expect.any(Number))
    t.clock.advance(5)
    store.consume('AuthorizationCode', 'c1')
    expect(store.find('AuthorizationCode', 'c1')!.consumed).toBe(first)
  })

  it('forgets expired rows at once and deletes them a day later', () => {
    const store = t.services.oidcPayloads
    store.upsert('AccessToken', 'a1', { accountId: 'u1' }, 60)
    t.clock.advance(61)
    expect(store.find('AccessToken', 'a1')).toBeUndefined()
    store.pruneExpired()
    expect(store.kindsOf('u1')).toEqual(['AccessToken'])
    t.clock.advance(86_400)
    store.pruneExpired()
    expect(store.kindsOf('u1')).toEqual([])
  })

  it('revokes by grant and ends a person’s rows, sessions only when all end', () => {
    const store = t.services.oidcPayloads
    store.upsert('Session', 's1', { accountId: 'u1' }, 600)
    store.upsert('Grant', 'g1', { accountId: 'u1' }, 600)
    store.upsert('RefreshToken', 'r1', { accountId: 'u1', grantId: 'g1' }, 600)
    store.upsert('Interaction', 'i1', { session: { accountId: 'u1' } }, 600)
    store.upsert('Grant', 'g2', { accountId: 'u2' }, 600)
    store.revokeByGrantId('g1')
    expect(store.find('RefreshToken', 'r1')).toBeUndefined()
    store.forgetAccount('u1', { includeSessions: false })
    expect(store.kindsOf('u1')).toEqual(['Session'])
    expect(store.find('Interaction', 'i1')).toBeDefined()
    store.forgetAccount('u1', { includeSessions: true })
    expect(store.kindsOf('u1')).toEqual([])
    expect(store.kindsOf('u2')).toEqual(['Grant'])
  })
})

describe('signing keys for ID tokens', () => {
  it('rotate per algorithm: another algorithm’s key does not retire one', async () => {
    const keys = t.services.signingKeys
    await keys.ensureCurrent()
    const accessKid = keys.list()[0]!.kid
    await keys.ensureCurrent('RS256')
    await keys.ensureCurrent('ES256')
    const listed = keys.list()
    expect(listed.find((k) => k.kid === accessKid)!.retiredAt).toBeNull()
    expect(new Set(listed.map((k) => k.alg))).toEqual(
      new Set([keys.list()[0]!.alg, 'RS256', 'ES256']),
    )
    const published = JSON.parse(keys.publishedJWKS()) as { keys: { kid: string; d?: string }[] }
    expect(published.keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining(listed.map((k) => k.kid)),
    )
    expect(published.keys.every((k) => k.d === undefined)).toBe(true)
  })

  it('hand the provider the current signer first, and the next key only to verify', async () => {
    const keys = t.services.signingKeys
    const [first] = await keys.providerKeys('RS256')
    t.clock.advance(31 * 86_400)
    const during = await keys.providerKeys('RS256')
    expect(during.map((k) => k.kid)[0]).toBe(first!.kid)
    expect(during).toHaveLength(2)
    expect(during.every((k) => k.key_ops === undefined && typeof k.d === 'string')).toBe(true)
    t.clock.advance(301)
    const after = await keys.providerKeys('RS256')
    expect(after[0]!.kid).toBe(during[1]!.kid)
    expect(after.map((k) => k.kid)).toContain(first!.kid)
  })
})
