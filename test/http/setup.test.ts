import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { errorOf, login, PASSWORD } from '../helpers/fixtures.js'

let t: TestApp
afterEach(() => t.close())

const setupCodeFrom = (logs: string[]) =>
  /setup code ([A-Z0-9-]+)/.exec(logs.find((l) => l.includes('setup code')) ?? '')?.[1]

describe('the first admin', () => {
  it('is created from AUTH_INITIAL_ADMIN_* once, and a restart changes nothing', async () => {
    const env = { AUTH_INITIAL_ADMIN_USERNAME: 'Owner', AUTH_INITIAL_ADMIN_PASSWORD: PASSWORD }
    t = await createTestApp({ env })
    expect((await login(t, 'owner')).user.role).toBe('admin')
    t.close()
    const again = await createTestApp({ env, dataDir: t.dataDir, secret: t.secret })
    expect(again.services.users.count()).toBe(1)
    expect(setupCodeFrom(again.logs)).toBeUndefined()
    t = again
  })

  it('is not created with a weak initial password; the start goes on with a setup code', async () => {
    t = await createTestApp({
      env: { AUTH_INITIAL_ADMIN_USERNAME: 'owner', AUTH_INITIAL_ADMIN_PASSWORD: 'short' },
    })
    expect(t.services.users.count()).toBe(0)
    expect(setupCodeFrom(t.logs)).toBeDefined()
    expect(t.logs.join('\n')).not.toContain('"short"')
  })

  it('is created with the logged setup code, once', async () => {
    t = await createTestApp()
    const code = setupCodeFrom(t.logs)!
    expect(code).toMatch(/^([A-Z0-9]{4}-){6}[A-Z0-9]{4}$/)
    // The line names the page a person opens to use it.
    expect(t.logs.find((l) => l.includes('setup code'))).toContain('http://localhost:3100/ui/setup')
    const wrong = await t.call('POST', '/v1/setup', {
      json: { code: 'AAAA', username: 'owner', password: PASSWORD },
    })
    expect(await errorOf(wrong)).toEqual({ status: 401, error: 'invalid_grant' })
    const weak = await t.call('POST', '/v1/setup', {
      json: { code, username: 'owner', password: 'short' },
    })
    expect(await errorOf(weak)).toEqual({ status: 400, error: 'invalid_request' })
    const typed = code.toLowerCase().replace(/-/g, ' ')
    const made = await t.call('POST', '/v1/setup', {
      json: { code: typed, username: 'owner', password: PASSWORD },
    })
    expect(made.status).toBe(201)
    expect((await login(t, 'owner')).user.role).toBe('admin')
    const again = await t.call('POST', '/v1/setup', {
      json: { code, username: 'other', password: PASSWORD },
    })
    expect(await errorOf(again)).toEqual({ status: 401, error: 'invalid_grant' })
  })

  // Regression: the code was used up before the username was checked, so a typo burnt the
  // only setup code until the next restart.
  it.each([
    ['a username that breaks the rules', 'Ow', PASSWORD],
    ['a password that breaks the rules', 'owner', 'short'],
    [
      'a password equal to the username once NFKC-folded',
      'ｆｕｌｌｗｉｄｔｈ.ｏｗｎｅｒ',
      'fullwidth.owner',
    ],
  ])('keeps the setup code usable after %s', async (_name, username, password) => {
    t = await createTestApp()
    const code = setupCodeFrom(t.logs)!
    const typo = await t.call('POST', '/v1/setup', { json: { code, username, password } })
    expect(await errorOf(typo)).toEqual({ status: 400, error: 'invalid_request' })
    const made = await t.call('POST', '/v1/setup', {
      json: { code, username: 'owner', password: PASSWORD },
    })
    expect(made.status).toBe(201)
  })
})

describe('password rules', () => {
  const attempt = async (username: string, password: string) => {
    t = await createTestApp()
    const code = setupCodeFrom(t.logs)!
    const response = await t.call('POST', '/v1/setup', { json: { code, username, password } })
    t.close()
    return response
  }

  it.each([
    ['shorter than 15', 'fourteen chars'],
    ['a common password', 'passwordpassword'],
    ['equal to the username', 'the-household-owner'],
    ['257 characters', 'x'.repeat(200) + 'y'.repeat(57)],
    ['14 code points in 28 UTF-16 units', '😀'.repeat(14)],
  ])('refuses %s with 400', async (_name, password) => {
    const response = await attempt('the-household-owner', password)
    expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_request' })
    t = await createTestApp()
  })

  it.each([
    ['15 emoji (15 code points)', '😀'.repeat(15)],
    ['256 characters', 'ab'.repeat(128)],
    ['a ligature that NFKC makes 15 long', 'ﬁ' + 'x7q-k2m-z9p-w'],
  ])('accepts %s', async (_name, password) => {
    expect((await attempt('owner', password)).status).toBe(201)
    t = await createTestApp()
  })
})
