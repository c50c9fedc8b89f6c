import { decodeProtectedHeader } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSigningKeys } from '../../src/auth/signing-keys.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'

// Review of issue 17 (the JWKS answered synchronously, rotation checked once per clock
// second): API §5 "a new key is published at least one cache lifetime before it signs; a
// retired key stays published until every token it signed has expired", with the key rotated
// by another process (`keys rotate` from the CLI, same database) and the clock stepped.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const jwksKids = async () => {
  const response = await t.call('GET', '/.well-known/jwks.json')
  return ((await response.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid)
}
const kidOf = async () => decodeProtectedHeader((await login(t, 'alice')).access_token).kid!

/** `hail-mary-auth keys rotate`: another process's key set on the same database file. */
async function rotateFromCLI(): Promise<string> {
  const cli = createSigningKeys({
    db: t.services.database.db,
    clock: t.clock,
    secretKeys: t.services.secretKeys,
    alg: t.services.config.signingAlg,
    rotationSeconds: t.services.config.keyRotationSeconds,
    accessTokenTTLSeconds: t.services.config.accessTokenTTLSeconds,
  })
  await cli.load()
  return cli.rotate()
}

/**
 * Every JWKS the service answered stays in a verifier's cache for 300 s: a token must be
 * signed by a key that each of those still-fresh documents holds.
 */
function verifierCache() {
  const fetched: { at: number; kids: string[] }[] = []
  const now = () => Math.floor(t.clock.now().getTime() / 1000)
  return {
    async fetch() {
      fetched.push({ at: now(), kids: await jwksKids() })
    },
    stale(kid: string) {
      return fetched.filter((doc) => now() - doc.at < 300 && !doc.kids.includes(kid))
    },
  }
}

describe('a key rotated by the CLI while the service runs', () => {
  it('is published before it signs, even when the rotation lands just after a reload', async () => {
    const cache = verifierCache()
    const first = await kidOf()
    await cache.fetch()
    t.clock.advance(20)
    const next = await rotateFromCLI() // signs 300 s from now
    for (let s = 0; s < 330; s += 1) {
      await cache.fetch()
      const kid = await kidOf()
      expect(cache.stale(kid)).toEqual([])
      t.clock.advance(1)
    }
    expect(await kidOf()).toBe(next)
    expect(await jwksKids()).toContain(first)
  })

  it('is published within the reload interval after the clock was stepped back an hour', async () => {
    await jwksKids()
    t.clock.advance(-3600)
    const next = await rotateFromCLI()
    t.clock.advance(31)
    expect(await jwksKids()).toContain(next)
  })
})

describe('the JWKS with the clock stepped', () => {
  it('keeps a retired key published for the life of its last token (forward and back)', async () => {
    const cache = verifierCache()
    const old = await kidOf()
    await t.services.signingKeys.rotate()
    t.clock.advance(299)
    const lastOld = await kidOf()
    expect(lastOld).toBe(old)
    t.clock.advance(1)
    expect(await kidOf()).not.toBe(old)
    // The old key's last token lives 600 s (+60 s leeway): published all that time.
    for (const step of [100, 200, 250, -50, 100, 50]) {
      t.clock.advance(step)
      expect(await jwksKids()).toContain(old)
    }
    t.clock.advance(61 + 10)
    expect(await jwksKids()).not.toContain(old)
    await cache.fetch()
  })

  it('signs only with a key a fresh JWKS holds after the clock is stepped back', async () => {
    const cache = verifierCache()
    await kidOf()
    await t.services.signingKeys.rotate()
    t.clock.advance(300) // the new key signs
    t.clock.advance(700) // the old key's last token has expired: it is no longer published
    await cache.fetch()
    // Stepped back behind the new key's start, then behind every key's: a verifier's cache
    // (fetched in the real time before the step) holds only the new key.
    for (const step of [-400, -40 * 86_400]) {
      t.clock.advance(step)
      const kid = await kidOf()
      expect(cache.stale(kid)).toEqual([])
    }
  })
})
