import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runKeyCommand } from '../../src/cli/key-commands.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, PASSWORD, rowCount } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'

// A rotation falls due and many requests arrive at once: each route that needs the current
// key (the JWKS, a sign-in's signature, the OIDC provider's keys) runs the key schedule's
// check. The checks must be one: each of two at once saw the rotation due and added a key
// (20 requests at once published 20 new keys, each a verifier must fetch and trust).
let t: TestApp
let server: Listening
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_KEY_ROTATION: '30d' } })
  await addUser(t, 'alice')
  server = await listen(t)
  expect((await t.call('GET', '/.well-known/jwks.json')).status).toBe(200)
})
afterEach(async () => {
  await server.close()
  t.close()
})

const keyCount = () => rowCount(t, 'signing_keys')

describe('a rotation that falls due under concurrent requests', () => {
  it('adds one key for 20 JWKS requests at once over a socket, GET and HEAD alike', async () => {
    t.clock.advance(30 * 86_400)
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fetch(`${server.base}/.well-known/jwks.json`, { method: i % 2 ? 'HEAD' : 'GET' }),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200))
    expect(keyCount()).toBe(2)
  })

  it('adds one key for 10 sign-ins and 10 key checks at once', async () => {
    t.clock.advance(30 * 86_400)
    const signIns = Array.from({ length: 10 }, () =>
      t.call('POST', '/v1/login/password', { json: { username: 'alice', password: PASSWORD } }),
    )
    const checks = Array.from({ length: 10 }, () => t.services.signingKeys.ensureCurrent())
    const answers = await Promise.all(signIns)
    await Promise.all(checks)
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200))
    expect(keyCount()).toBe(2)
  })

  it('lets a failed check be tried again by the next request', async () => {
    t.clock.advance(30 * 86_400)
    t.services.database.sqlite.pragma('query_only = ON')
    const failed = await Promise.all(
      Array.from({ length: 3 }, () => t.call('GET', '/.well-known/jwks.json')),
    )
    expect(failed.map((a) => a.status)).toEqual([503, 503, 503])
    t.services.database.sqlite.pragma('query_only = OFF')
    expect((await t.call('GET', '/.well-known/jwks.json')).status).toBe(200)
    expect(keyCount()).toBe(2)
  })

  it('keys rotate (CLI) when the rotation is already due adds that one key, not two', async () => {
    t.clock.advance(30 * 86_400 + 10)
    const env = { AUTH_DATA_DIR: t.dataDir, AUTH_SECRET: t.secret, AUTH_KEY_ROTATION: '30d' }
    const said = await runKeyCommand(['rotate'], env)
    expect(keyCount()).toBe(2)
    const newest = t.services.database.sqlite
      .prepare('SELECT kid FROM signing_keys ORDER BY activates_at DESC LIMIT 1')
      .get() as { kid: string }
    expect(said).toContain(`key ${newest.kid} is published now`)
    // Asked again while that key waits to sign: the same rotation, no key beside it.
    expect(await runKeyCommand(['rotate'], env)).toBe(said)
    expect(keyCount()).toBe(2)
  })
})
