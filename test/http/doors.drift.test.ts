import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addMember, AT_THE_BOX } from '../../src/auth/household.js'
import { AuthError } from '../../src/errors.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, login, PASSWORD } from '../helpers/fixtures.js'
import { addQuickLoginUser, HOME, PIN, quickLoginTokens } from '../helpers/household.js'
import { uiBrowser, uiSignIn } from '../helpers/ui-browser.js'

// Issue 11 review: rules that one door (API, web UI, CLI) kept and another did not. Each
// case drives every door and expects the same answer from the one use case behind them.

let t: TestApp
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24' } })
  await addUser(t, 'root', { role: 'admin' })
})
afterEach(() => t.close())

describe('a new member’s display name longer than 64 characters', () => {
  const long = 'x'.repeat(65)

  it('is refused by the API, the web UI and the CLI alike (was cut short silently in two)', async () => {
    const { access_token } = await login(t, 'root')
    const api = await t.call('POST', '/v1/admin/users', {
      token: access_token,
      json: { username: 'viaapi', display_name: long },
    })
    expect(await errorOf(api)).toEqual({ status: 400, error: 'invalid_request' })

    const browser = uiBrowser(t)
    await uiSignIn(browser, 'root', PASSWORD)
    await browser.get('/ui/members')
    const ui = await browser.post('/ui/members', { username: 'viaui', display_name: long })
    expect(ui.status).toBe(400)

    // The CLI's `user add --display-name` is this call, by the owner at the box.
    const cli = await addMember(t.services, { username: 'viacli', displayName: long }, AT_THE_BOX)
      .then(() => null)
      .catch((error: unknown) => error)
    expect(cli).toBeInstanceOf(AuthError)
    expect((cli as AuthError).code).toBe('invalid_request')

    for (const name of ['viaapi', 'viaui', 'viacli'])
      expect(t.services.users.findByUsername(name)).toBeNull()
  })
})

describe('an admin signed in with a PIN alone', () => {
  it('is refused the admin area with the same 403 step_up_required in the API and the web UI', async () => {
    const kid = await addQuickLoginUser(t, 'parent')
    t.services.users.update(kid.id, { role: 'admin' })
    const tokens = await quickLoginTokens(t, kid.id)
    const api = await t.call('GET', '/v1/admin/users', { token: tokens.access_token })
    expect(await errorOf(api)).toEqual({ status: 403, error: 'step_up_required' })

    const tablet = uiBrowser(t, { peer: HOME })
    await tablet.get(`/ui/household?user=${kid.id}`)
    expect((await tablet.post('/ui/household', { user_id: kid.id, pin: PIN })).status).toBe(303)
    const ui = await tablet.get('/ui/members')
    expect(await errorOf(ui)).toEqual({ status: 403, error: 'step_up_required' })
  })
})

describe('a reset code pasted with the spaces around it', () => {
  it('is redeemed by the API as by the web UI (only the UI trimmed it)', async () => {
    const member = await addUser(t, 'bob')
    const { code } = t.services.codes.create('reset', { userId: member.id, ttlSeconds: 60 })
    const api = await t.call('POST', '/v1/password-reset', {
      json: { code: ` ${code}\n`, new_password: 'a brand new passphrase for bob' },
    })
    expect(api.status).toBe(204)
    const { code: again } = t.services.codes.create('reset', { userId: member.id, ttlSeconds: 60 })
    const browser = uiBrowser(t)
    await browser.get('/ui/reset')
    const ui = await browser.post('/ui/reset', {
      code: ` ${again}\n`,
      new_password: 'another new passphrase for bob',
    })
    expect(ui.status).toBe(200)
    await login(t, 'bob', 'another new passphrase for bob')
  })
})

describe('confirming TOTP before setting it up', () => {
  it('answers 400 with a message for any door, naming no API route', async () => {
    const { access_token } = await login(t, 'root')
    const api = await t.call('POST', '/v1/me/totp/confirm', {
      token: access_token,
      json: { code: '123456' },
    })
    const body = (await api.json()) as { error: string; message: string }
    expect(api.status).toBe(400)
    expect(body.error).toBe('invalid_request')
    expect(body.message).not.toMatch(/\/v1\/|POST/)
  })
})

describe('domain values out (the view layer alone speaks the wire format)', () => {
  it('lists live sessions and audit pages in unix seconds and camelCase; the API in ISO and snake_case', async () => {
    const tokens = await login(t, 'root')
    const root = t.services.users.findByUsername('root')!
    const [live] = t.services.sessions.listLive(root.id, tokens.session_id)
    expect(live).toMatchObject({ id: tokens.session_id, current: true, methods: ['pwd'] })
    expect(typeof live!.createdAt).toBe('number')
    const { events, nextBefore } = t.services.audit.page({ limit: 1 })
    expect(typeof events[0]!.at).toBe('number')
    expect(events[0]!.userId).toBe(root.id)
    expect(typeof nextBefore).toBe('number')

    const listed = await t.call('GET', '/v1/me/sessions', { token: tokens.access_token })
    const [wire] = ((await listed.json()) as { sessions: Record<string, unknown>[] }).sessions
    expect(wire).toMatchObject({ id: tokens.session_id, current: true })
    expect(wire!.created_at).toMatch(/^\d{4}-\d\d-\d\dT/)
    const audit = await t.call('GET', '/v1/admin/audit?limit=1', { token: tokens.access_token })
    const page = (await audit.json()) as { events: Record<string, unknown>[]; next_before: unknown }
    expect(page.events[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(page.events[0]).toHaveProperty('user_id')
    expect(typeof page.next_before).toBe('number')
  })
})
