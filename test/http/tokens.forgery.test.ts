import { createServer } from 'node:http'
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { base64url, decodeJwt, exportJWK, SignJWT, UnsecuredJWT } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login } from '../helpers/fixtures.js'

let t: TestApp
let access: string
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice', { role: 'admin' })
  access = (await login(t, 'alice')).access_token
})
afterEach(() => t.close())

const me = (token: string) => t.call('GET', '/v1/me', { token })
const claimsOf = (token: string) => decodeJwt(token)
const decodePart = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>

/** Signs `claims` with a fresh key of our own, as an attacker could. */
async function signWithForeignKey(
  claims: Record<string, unknown>,
  header: Record<string, unknown>,
) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header })
    .sign(privateKey)
}

describe('GET /v1/me with a forged or tampered token', () => {
  it('accepts the genuine token (the control)', async () => {
    expect((await me(access)).status).toBe(200)
  })

  it('refuses alg none', async () => {
    const token = new UnsecuredJWT(claimsOf(access)).encode()
    expect(await errorOf(await me(token))).toEqual({ status: 401, error: 'unauthorized' })
  })

  it('refuses HS256 signed with the public key as the HMAC secret', async () => {
    const jwks = (await (await t.call('GET', '/.well-known/jwks.json')).json()) as {
      keys: { kid: string }[]
    }
    const publicJWK = jwks.keys[0]!
    const pem = createPublicKey({ key: publicJWK as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    })
    for (const secret of [Buffer.from(pem), Buffer.from(JSON.stringify(publicJWK))]) {
      const token = await new SignJWT(claimsOf(access))
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: publicJWK.kid })
        .sign(secret)
      expect(await errorOf(await me(token))).toEqual({ status: 401, error: 'unauthorized' })
    }
  })

  it('refuses a payload changed after signing', async () => {
    const [header, payload, signature] = access.split('.')
    const claims = decodePart(payload!)
    const changed = base64url.encode(
      JSON.stringify({ ...claims, role: 'admin', sub: 'someone-else' }),
    )
    expect((await me(`${header}.${changed}.${signature}`)).status).toBe(401)
  })

  it('refuses a token signed by an unknown key, even with our kid', async () => {
    const kid = decodePart(access.split('.')[0]!).kid
    expect((await me(await signWithForeignKey(claimsOf(access), { kid }))).status).toBe(401)
    expect((await me(await signWithForeignKey(claimsOf(access), { kid: 'other' }))).status).toBe(
      401,
    )
  })

  it('refuses a wrong aud, a wrong iss, an expired token and a missing typ', async () => {
    const key = await t.services.signingKeys.signer()
    const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
      new SignJWT({ ...claimsOf(access), ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...header })
        .sign(key.key)
    expect((await me(await sign({}))).status).toBe(200) // the forger's control: our own key works
    expect((await me(await sign({ aud: 'another-api' }))).status).toBe(401)
    expect((await me(await sign({ iss: 'http://evil.example' }))).status).toBe(401)
    const iat = claimsOf(access).iat!
    expect((await me(await sign({ iat: iat - 3600, exp: iat - 600 }))).status).toBe(401)
    const noTyp = await new SignJWT(claimsOf(access))
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .sign(key.key)
    expect((await me(noTyp)).status).toBe(401)
    expect((await me(await sign({}, { typ: 'JWT' }))).status).toBe(401)
  })

  it('refuses an expired token by the clock, not by wall time, even once verified (cached)', async () => {
    expect((await me(access)).status).toBe(200)
    t.clock.advance(600 + 29)
    expect((await me(access)).status).toBe(200)
    t.clock.advance(2)
    expect((await me(access)).status).toBe(401)
  })

  it('refuses a header carrying jwk or jku, and never fetches the jku', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = { ...(await exportJWK(publicKey)), alg: 'ES256' }
    const embedded = await new SignJWT(claimsOf(access))
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', jwk })
      .sign(createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })))
    expect((await me(embedded)).status).toBe(401)

    let fetched = 0
    const server = createServer((_req, res) => {
      fetched++
      res.end(JSON.stringify({ keys: [{ ...jwk, kid: 'k1' }] }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as { port: number }).port
    const withJku = await new SignJWT(claimsOf(access))
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'at+jwt',
        kid: 'k1',
        jku: `http://127.0.0.1:${port}/jwks`,
      })
      .sign(privateKey)
    expect((await me(withJku)).status).toBe(401)
    server.close()
    expect(fetched).toBe(0)
  })

  it('refuses a token of a revoked session at once', async () => {
    const tokens = await login(t, 'alice')
    const logout = await t.call('POST', '/v1/logout', {
      json: { refresh_token: tokens.refresh_token },
    })
    expect(logout.status).toBe(204)
    expect((await me(tokens.access_token)).status).toBe(401)
    expect((await me(access)).status).toBe(200)
  })

  it('refuses a malformed Authorization header', async () => {
    for (const authorization of [
      'Bearer',
      'Basic YWxpY2U6eA==',
      `bearer  ${access}`,
      `Bearer ${access}x.y`,
    ]) {
      const response = await t.call('GET', '/v1/me', { headers: { authorization } })
      expect(await errorOf(response)).toEqual({ status: 401, error: 'unauthorized' })
    }
  })
})
