import { decodeProtectedHeader } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'

let t: TestApp
afterEach(() => t.close())

describe('AUTH_SIGNING_ALG', () => {
  it.each([
    ['ES256', 'EC'],
    ['EdDSA', 'OKP'],
    ['RS256', 'RSA'],
  ])('%s signs tokens that this service verifies and publishes a %s key', async (alg, kty) => {
    t = await createTestApp({ env: { AUTH_SIGNING_ALG: alg } })
    await addUser(t, 'alice')
    const { access_token } = await login(t, 'alice')
    expect(decodeProtectedHeader(access_token)).toMatchObject({ alg, typ: 'at+jwt' })
    expect((await t.call('GET', '/v1/me', { token: access_token })).status).toBe(200)
    const jwks = (await (await t.call('GET', '/.well-known/jwks.json')).json()) as {
      keys: Record<string, unknown>[]
    }
    expect(jwks.keys).toEqual([expect.objectContaining({ alg, kty, use: 'sig' })])
    for (const key of jwks.keys)
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret)
  })

  it('refuses a token of another algorithm, even one this service once signed', async () => {
    t = await createTestApp({ env: { AUTH_SIGNING_ALG: 'ES256' } })
    await addUser(t, 'alice')
    t.close()
    const other = await createTestApp({
      env: { AUTH_SIGNING_ALG: 'EdDSA' },
      dataDir: t.dataDir,
      secret: t.secret,
    })
    const { access_token } = await login(other, 'alice')
    other.close()
    t = await createTestApp({
      env: { AUTH_SIGNING_ALG: 'ES256' },
      dataDir: t.dataDir,
      secret: t.secret,
    })
    expect((await t.call('GET', '/v1/me', { token: access_token })).status).toBe(401)
  })
})
