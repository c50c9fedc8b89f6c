import { decodeProtectedHeader } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_KEY_ROTATION: '30d' } })
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const kids = async () => {
  const response = await t.call('GET', '/.well-known/jwks.json')
  expect(response.headers.get('cache-control')).toBe('public, max-age=300')
  const body = (await response.json()) as { keys: Record<string, unknown>[] }
  for (const key of body.keys) {
    expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'])
    expect(key).toMatchObject({ alg: 'ES256', kty: 'EC', use: 'sig' })
  }
  return body.keys.map((k) => k.kid as string)
}
const kidOf = (token: string) => decodeProtectedHeader(token).kid!

describe('signing key rotation', () => {
  it('publishes the next key 300 s before it signs, and keeps the old one until its tokens expire', async () => {
    const first = await login(t, 'alice')
    const oldKid = kidOf(first.access_token)
    expect(await kids()).toEqual([oldKid])

    t.clock.advance(30 * 86_400) // rotation due: the next key is published, not yet signing
    const published = await kids()
    expect(published).toHaveLength(2)
    const newKid = published.find((k) => k !== oldKid)!
    const during = await login(t, 'alice')
    expect(kidOf(during.access_token)).toBe(oldKid)

    t.clock.advance(300) // one JWKS cache lifetime later the new key signs
    const after = await login(t, 'alice')
    expect(kidOf(after.access_token)).toBe(newKid)
    expect(await kids()).toEqual([oldKid, newKid])
    expect((await t.call('GET', '/v1/me', { token: during.access_token })).status).toBe(200)

    t.clock.advance(600 + 60) // every token of the old key has expired
    expect(await kids()).toEqual([newKid])
    expect((await t.call('GET', '/v1/me', { token: after.access_token })).status).toBe(401) // expired too
    const latest = await login(t, 'alice')
    expect((await t.call('GET', '/v1/me', { token: latest.access_token })).status).toBe(200)
  })

  it('keeps the private key sealed in the database', async () => {
    await login(t, 'alice')
    const rows = t.services.database.sqlite
      .prepare('SELECT private_sealed FROM signing_keys')
      .all() as {
      private_sealed: string
    }[]
    expect(rows).toHaveLength(1)
    expect(rows[0]!.private_sealed).toMatch(/^v1\./)
    expect(rows[0]!.private_sealed).not.toContain('"d"')
  })

  it('rotates on demand (keys rotate) with the same publish-first delay', async () => {
    const oldKid = kidOf((await login(t, 'alice')).access_token)
    const newKid = await t.services.signingKeys.rotate()
    expect(await kids()).toEqual([oldKid, newKid])
    expect(kidOf((await login(t, 'alice')).access_token)).toBe(oldKid)
    t.clock.advance(300)
    expect(kidOf((await login(t, 'alice')).access_token)).toBe(newKid)
  })
})
