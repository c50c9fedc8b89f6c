import { decodeProtectedHeader } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSigningKeys } from '../../src/auth/signing-keys.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, PASSWORD } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'

// A verifier caches the JWKS up to 300 s: every JWKS served in the 300 s before a token is
// signed must hold its kid. Sign-ins, JWKS requests and the OIDC provider's key checks run at
// once each step, across a scheduled rotation, a `keys rotate` from another process and a
// clock stepped back.
let t: TestApp
let server: Listening
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_KEY_ROTATION: '1d', AUTH_SIGNING_ALG: 'RS256' } })
  await addUser(t, 'alice')
  server = await listen(t)
})
afterEach(async () => {
  await server.close()
  t.close()
})

describe.each([false, true])('the signing kid, another process rotating: %s', (cli) => {
  it('is in every JWKS served in the 300 s before it signs', async () => {
    const other = createSigningKeys({
      db: t.services.database.db,
      clock: t.clock,
      secretKeys: t.services.secretKeys,
      alg: 'RS256',
      rotationSeconds: 86_400,
      accessTokenTTLSeconds: 600,
    })
    const served: { at: number; kids: Set<string> }[] = []
    const signed: { at: number; kid: string }[] = []
    const now = () => Math.floor(Date.now() / 1000)
    t.clock.advance(86_400 - 400)
    for (let step = 0; step < 40; step++) {
      if (cli && step === 10) {
        await other.load()
        await other.rotate()
      }
      if (step === 20) t.clock.advance(-90) // stepped back
      const at = now()
      const [jwksA, jwksB, signIn] = await Promise.all([
        fetch(`${server.base}/.well-known/jwks.json`).then((a) => a.json()),
        fetch(`${server.base}/.well-known/jwks.json`).then((a) => a.json()),
        server.post('/v1/login/password', { username: 'alice', password: PASSWORD }),
        t.services.signingKeys.ensureCurrent('ES256'),
        t.services.signingKeys.providerKeys('RS256'),
      ])
      for (const jwks of [jwksA, jwksB] as { keys: { kid: string }[] }[]) {
        served.push({ at, kids: new Set(jwks.keys.map((k) => k.kid)) })
      }
      expect(signIn.status).toBe(200)
      const { access_token } = (await signIn.json()) as { access_token: string }
      signed.push({ at, kid: decodeProtectedHeader(access_token).kid! })
      t.clock.advance(37)
    }
    for (const token of signed) {
      for (const jwks of served.filter((j) => j.at > token.at - 300 && j.at <= token.at)) {
        expect(jwks.kids, `${token.kid} signed at ${token.at}, JWKS of ${jwks.at}`).toContain(
          token.kid,
        )
      }
    }
    const keys = t.services.database.sqlite
      .prepare("SELECT count(*) AS n FROM signing_keys WHERE alg = 'RS256'")
      .get() as { n: number }
    expect(keys.n).toBe(2)
  })
})
