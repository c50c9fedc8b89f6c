import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, countHashes, login } from '../helpers/fixtures.js'
import { addQuickLoginUser } from '../helpers/household.js'
import { listen, statusCounts, type Listening } from '../helpers/listening.js'
import { enrolTOTP, passwordStep, strongToken } from '../helpers/second-factors.js'
import { uiBrowser } from '../helpers/ui-browser.js'

// One person attacked through every door at once (API, web UI forms, credential routes): the
// doors share one counter per key, so the checks stay at the limit of API §6.
const EACH = 32
let t: TestApp
let server: Listening
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '127.0.0.0/8' } })
  server = await listen(t)
})
afterEach(async () => {
  await server.close()
  t.close()
})

const times = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i))
/** Makes `object[name]` count its calls. */
function counted<T extends object>(object: T, name: keyof T & string): () => number {
  const original = (object[name] as (...args: unknown[]) => unknown).bind(object)
  let calls = 0
  Object.assign(object, { [name]: (...args: unknown[]) => (calls++, original(...args)) })
  return () => calls
}

describe('every door at once', () => {
  it('wrong PINs by the API and the household form: 5 checks', async () => {
    const alice = (await addQuickLoginUser(t, 'alice')).id
    const browser = uiBrowser(t)
    await browser.get(`/ui/household?user=${alice}`)
    const hashes = countHashes(t)
    const counts = await statusCounts([
      ...times(EACH, (i) => server.post('/v1/quick-login', { user_id: alice, pin: `5${i}0917` })),
      ...times(EACH, (i) => browser.post('/ui/household', { user_id: alice, pin: `6${i}0917` })),
    ])
    const row = t.services.database.sqlite.prepare('SELECT pin_failures FROM users').get()
    expect({ counts, checks: hashes() }).toEqual({ counts: { 401: 5, 429: 59 }, checks: 5 })
    expect(row).toEqual({ pin_failures: 5 })
  })

  it('wrong passwords by the API, the sign-in form and current_password: 10 checks', async () => {
    await addUser(t, 'alice')
    const token = (await login(t, 'alice', undefined, '127.0.0.1')).access_token
    const browser = uiBrowser(t)
    await browser.get('/ui/sign-in')
    const hashes = countHashes(t)
    const counts = await statusCounts([
      ...times(EACH, (i) =>
        server.post('/v1/login/password', { username: 'alice', password: `wrong one ${i}` }),
      ),
      ...times(EACH, (i) =>
        browser.post('/ui/sign-in', { username: 'Alice', password: `wrong two ${i}` }),
      ),
      ...times(EACH, (i) =>
        t.call('PUT', '/v1/me/password', {
          token,
          peer: '127.0.0.1',
          json: { current_password: `wrong three ${i}`, new_password: 'a new long passphrase ok' },
        }),
      ),
    ])
    expect({ counts, checks: hashes() }).toEqual({ counts: { 401: 10, 429: 86 }, checks: 10 })
  })

  it('wrong TOTP and recovery codes by the API and the web UI on one mfa_token: 5 checks', async () => {
    await addUser(t, 'alice')
    await enrolTOTP(t, await strongToken(t, 'alice'))
    t.clock.advance(30)
    const { mfa_token } = await passwordStep(t, 'alice')
    const browser = uiBrowser(t)
    await browser.get('/ui/sign-in')
    const checks = [
      counted(t.services.totp, 'verify'),
      counted(t.services.recoveryCodes, 'consume'),
    ]
    const counts = await statusCounts([
      ...times(EACH, (i) => server.post('/v1/login/totp', { mfa_token, code: `${100_000 + i}` })),
      ...times(EACH, (i) =>
        browser.post('/ui/sign-in/totp', { mfa_token, code: `${200_000 + i}` }),
      ),
      ...times(EACH, (i) =>
        server.post('/v1/login/recovery-code', { mfa_token, code: `aaaa-bbbb-${1000 + i}` }),
      ),
      ...times(EACH, (i) =>
        browser.post('/ui/sign-in/recovery-code', { mfa_token, code: `cccc-dddd-${1000 + i}` }),
      ),
    ])
    expect(counts).toEqual({ 401: 5, 429: 4 * EACH - 5 })
    expect(checks[0]!() + checks[1]!()).toBe(5)
  })
})

describe('addresses and names', () => {
  it('an IPv6 /64 rotating its addresses is one address: 10 password checks', async () => {
    await addUser(t, 'alice')
    const hashes = countHashes(t)
    const counts = await statusCounts(
      times(64, (i) =>
        t.call('POST', '/v1/login/password', {
          json: { username: 'alice', password: `wrong ${i}` },
          peer: `2001:db8:7:9:${(i * 977).toString(16)}::${i + 1}`,
        }),
      ),
    )
    expect({ counts, checks: hashes() }).toEqual({ counts: { 401: 10, 429: 54 }, checks: 10 })
  })

  it('an unknown username gets the same answers and work as a known one', async () => {
    await addUser(t, 'alice')
    const hashes = countHashes(t)
    const seen: unknown[] = []
    for (const username of ['alice', 'nobody']) {
      const before = hashes()
      const counts = await statusCounts(
        times(64, (i) => server.post('/v1/login/password', { username, password: `wrong ${i}` })),
      )
      seen.push({ counts, checks: hashes() - before })
    }
    expect(seen[0]).toEqual(seen[1])
    expect(seen[0]).toEqual({ counts: { 401: 10, 429: 54 }, checks: 10 })
  })
})
