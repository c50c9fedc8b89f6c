import { createRemoteJWKSet, jwtVerify } from 'jose'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createVerifier, requireAccessToken } from '../../src/verify/index.js'
import { freePort, startProcess, type RunningProcess } from '../helpers/process.js'
import { PASSWORD } from '../helpers/fixtures.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

let server: RunningProcess
let issuer: string
beforeAll(async () => {
  const port = await freePort()
  issuer = `http://127.0.0.1:${port}`
  server = startProcess(
    {
      AUTH_SECRET: strongSecret(),
      AUTH_ISSUER: issuer,
      AUTH_INITIAL_ADMIN_USERNAME: 'owner',
      AUTH_INITIAL_ADMIN_PASSWORD: PASSWORD,
    },
    { cwd: tempDir(), port },
  )
  await server.waitForLog('ready')
})
afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
})

async function accessToken(): Promise<string> {
  const response = await fetch(`${server.url}/v1/login/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'owner', password: PASSWORD }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { access_token: string }).access_token
}

describe('verifying access tokens offline through the JWKS URL', () => {
  it("verifies with jose's createRemoteJWKSet against the real server", async () => {
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`))
    const { payload, protectedHeader } = await jwtVerify(await accessToken(), jwks, {
      issuer,
      audience: 'hail-mary-api',
      algorithms: ['ES256'],
      typ: 'at+jwt',
    })
    expect(protectedHeader.typ).toBe('at+jwt')
    expect(payload).toMatchObject({ preferred_username: 'owner', role: 'admin', amr: ['pwd'] })
    for (const claim of ['iss', 'aud', 'sub', 'iat', 'exp', 'jti', 'sid', 'auth_time', 'name']) {
      expect(payload).toHaveProperty(claim)
    }
  })

  it('works through the exported verifier and its Hono middleware', async () => {
    const verifier = createVerifier({
      jwksUrl: `${server.url}/.well-known/jwks.json`,
      issuer,
      audience: 'hail-mary-api',
    })
    const api = new Hono<{ Variables: { auth: { preferred_username: string } } }>()
    api.use('/api/*', requireAccessToken(verifier))
    api.get('/api/whoami', (c) => c.json({ username: c.get('auth').preferred_username }))
    const token = await accessToken()
    const ok = await api.request('/api/whoami', { headers: { authorization: `Bearer ${token}` } })
    expect(await ok.json()).toEqual({ username: 'owner' })
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const refused = await api.request('/api/whoami', {
      headers: { authorization: `Bearer ${tampered}` },
    })
    expect(refused.status).toBe(401)
    expect((await api.request('/api/whoami')).status).toBe(401)
    const otherAudience = createVerifier({
      jwksUrl: `${server.url}/.well-known/jwks.json`,
      issuer,
      audience: 'x',
    })
    await expect(otherAudience.verify(token)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
    })
  })
})
