import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSigningKeys } from '../../src/auth/signing-keys.js'
import { createTestApp, type TestApp } from '../helpers/app.js'

// Another process (the CLI's `keys rotate`) adds a rotation key just before the server's own
// rotation falls due: the server's check, not reloaded for up to 30 s, must not add another.
let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_KEY_ROTATION: '30d' } })
  expect((await t.call('GET', '/.well-known/jwks.json')).status).toBe(200)
})
afterEach(() => t.close())

const rows = () =>
  t.services.database.sqlite.prepare('SELECT kid FROM signing_keys ORDER BY created_at').all()

describe('a rotation another process started', () => {
  it('is found before the server adds its own when the rotation falls due', async () => {
    const cli = createSigningKeys({
      db: t.services.database.db,
      clock: t.clock,
      secretKeys: t.services.secretKeys,
      alg: t.services.config.signingAlg,
      rotationSeconds: 30 * 86_400,
      accessTokenTTLSeconds: t.services.config.accessTokenTTLSeconds,
    })
    t.clock.advance(30 * 86_400 - 20)
    // The server's last look at the table: less than 30 s before the rotation is due.
    expect((await t.call('GET', '/.well-known/jwks.json')).status).toBe(200)
    await cli.load()
    await cli.rotate() // `keys rotate`, 20 s before the schedule's own rotation
    t.clock.advance(25)
    expect((await t.call('GET', '/.well-known/jwks.json')).status).toBe(200)
    expect(rows()).toHaveLength(2)
  })
})
