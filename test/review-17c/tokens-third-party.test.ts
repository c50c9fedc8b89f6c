import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { createTestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'
import { listen } from '../helpers/listening.js'

// Tokens serialised by jws-sign.ts, as a third party checks them: jose against the JWKS the
// server publishes (the prebuilt answer), for each algorithm, with names that JSON escapes or
// that are special to JavaScript objects, and across a rotation (a token signed by the key
// before stays good while it lives).
describe.each(['ES256', 'EdDSA', 'RS256'] as const)('%s tokens', (alg) => {
  it('verify against the served JWKS, before and after a rotation', async () => {
    const t = await createTestApp({ env: { AUTH_SIGNING_ALG: alg } })
    const server = await listen(t)
    try {
      const names = ['__proto__', 'Zoë 🚀 "quoted" \\ back\u2028sep', 'constructor']
      for (const [i, name] of names.entries()) {
        await addUser(t, `user${i}`, { displayName: name })
      }
      const jwks = createRemoteJWKSet(new URL(`${server.base}/.well-known/jwks.json`))
      const check = async (token: string, name: string, jwksSet = jwks) => {
        const { payload, protectedHeader } = await jwtVerify(token, jwksSet, {
          issuer: 'http://localhost:3100',
          audience: 'hail-mary-api',
          typ: 'at+jwt',
          algorithms: [alg],
          currentDate: new Date(),
        })
        expect(protectedHeader.alg).toBe(alg)
        expect(payload.name).toBe(name)
        expect(Object.getPrototypeOf(payload)).toBe(Object.prototype)
      }
      const before: string[] = []
      for (const [i, name] of names.entries()) {
        const { access_token } = await login(t, `user${i}`)
        before.push(access_token)
        await check(access_token, name)
      }
      await t.services.signingKeys.rotate()
      t.clock.advance(301)
      const after = (await login(t, 'user0')).access_token
      expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before[0]!).kid)
      const fresh = createRemoteJWKSet(new URL(`${server.base}/.well-known/jwks.json`))
      await check(after, names[0]!, fresh)
      await check(before[1]!, names[1]!, fresh)
      // and the service itself accepts both
      for (const token of [after, before[2]!]) {
        const me = await fetch(`${server.base}/v1/me`, {
          headers: { authorization: `Bearer ${token}` },
        })
        expect(me.status).toBe(200)
      }
    } finally {
      await server.close()
      t.close()
    }
  })
})
