import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'

// Each algorithm's keys are made together at start, so their rotations fall due together:
// three checks, each adding a key and reloading the table, run at once. Each load must leave
// the key set the table holds (a load that read the table before another's insert and
// finished after it would drop that key, and the next check would add it again).
let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_KEY_ROTATION: '1d', AUTH_SIGNING_ALG: 'EdDSA' } })
})
afterEach(() => t.close())

describe('rotations of three algorithms at once', () => {
  it('add one key each, every time, and the loaded set is the table', async () => {
    const keys = t.services.signingKeys
    await Promise.all([keys.ensureCurrent('RS256'), keys.ensureCurrent('ES256')])
    const count = () =>
      (
        t.services.database.sqlite.prepare('SELECT count(*) AS n FROM signing_keys').get() as {
          n: number
        }
      ).n
    expect(count()).toBe(3)
    for (let round = 1; round <= 6; round++) {
      t.clock.advance(86_400 + 300 + round * 7)
      await Promise.all(
        (['RS256', 'ES256', 'EdDSA', 'RS256', 'EdDSA', 'ES256'] as const).map((alg) =>
          keys.ensureCurrent(alg),
        ),
      )
      expect(keys.list()).toHaveLength(count())
      await Promise.all(
        (['RS256', 'ES256', 'EdDSA'] as const).map((alg) => keys.ensureCurrent(alg)),
      )
      expect(count()).toBe(3 + 3 * round)
      expect(keys.list()).toHaveLength(count())
    }
  })
})
