import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, PASSWORD } from '../helpers/fixtures.js'
import { uiBrowser, uiSignIn, type UIBrowser } from '../helpers/ui-browser.js'

let t: TestApp
let browser: UIBrowser
beforeEach(async () => {
  t = await createTestApp({ env: { AUTH_ISSUER: 'https://auth.home.arpa' } })
  await addUser(t, 'alice', { role: 'admin' })
  browser = uiBrowser(t, { origin: 'https://auth.home.arpa' })
  await uiSignIn(browser, 'alice', PASSWORD)
})
afterEach(() => t.close())

describe('the members page: groups', () => {
  it('adds a group and sets a member’s groups with checkboxes', async () => {
    const bob = await addUser(t, 'bob')
    await browser.get('/ui/members')
    const added = await browser.post('/ui/members/groups', { name: 'kids', description: 'Young' })
    expect(added.status).toBe(200)
    expect(t.services.groups.list().map((g) => g.name)).toEqual(['kids'])
    const page = await added.text()
    expect(page).toContain(`action="/ui/members/${bob.id}/groups"`)
    expect(page).toContain('aria-label="bob in kids"')

    expect((await browser.post(`/ui/members/${bob.id}/groups`, { group: 'kids' })).status).toBe(200)
    expect(t.services.groups.namesOf(bob.id)).toEqual(['kids'])
    const shown = await (await browser.get('/ui/members')).text()
    expect(shown).toMatch(
      /value="kids" checked="" aria-label="bob in kids"|aria-label="bob in kids"[^>]*checked/,
    )
    // No box ticked: no groups.
    expect((await browser.post(`/ui/members/${bob.id}/groups`, {})).status).toBe(200)
    expect(t.services.groups.namesOf(bob.id)).toEqual([])
  })

  it('shows a refusal on the page (bad name 400, duplicate 409, unknown group 400)', async () => {
    const bob = await addUser(t, 'bob')
    await browser.get('/ui/members')
    expect((await browser.post('/ui/members/groups', { name: 'Not OK' })).status).toBe(400)
    await browser.post('/ui/members/groups', { name: 'kids' })
    expect((await browser.post('/ui/members/groups', { name: 'kids' })).status).toBe(409)
    const unknown = await browser.post(`/ui/members/${bob.id}/groups`, { group: 'nobody' })
    expect(unknown.status).toBe(400)
    expect(await unknown.text()).toContain('role="alert"')
  })

  it('is for admins only', async () => {
    await addUser(t, 'bob')
    const member = uiBrowser(t, { origin: 'https://auth.home.arpa' })
    await uiSignIn(member, 'bob', PASSWORD)
    expect((await member.get('/ui/members')).status).toBe(403)
    expect((await member.post('/ui/members/groups', { name: 'kids' })).status).toBe(403)
    expect((await member.get('/ui/apps')).status).toBe(403)
    expect((await member.post('/ui/apps', { name: 'x' })).status).toBe(403)
    expect(t.services.groups.list()).toEqual([])
    expect(t.services.apps.list()).toEqual([])
    const anonymous = uiBrowser(t)
    expect((await anonymous.get('/ui/apps')).headers.get('location')).toBe('/ui/sign-in')
  })
})

describe('the apps page', () => {
  it('adds a confidential client, shows its secret once, lists it and removes it', async () => {
    t.services.groups.add('parents')
    const page = await (await browser.get('/ui/apps')).text()
    expect(page).toContain('<h1>Apps</h1>')
    expect(page).toContain('href="/ui/apps"')
    const added = await browser.post('/ui/apps', {
      name: 'paperless',
      redirect_uris: 'https://docs.home.arpa/cb\r\nhttps://docs.home.arpa/cb2\r\n',
      domains: '',
      pkce: 'on',
      id_token_alg: 'ES256',
      group: 'parents',
      require_mfa: 'on',
    })
    expect(added.status).toBe(200)
    const html = await added.text()
    const secret = /<code id="client-secret">([^<]+)<\/code>/.exec(html)?.[1]
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const app = t.services.apps.findByName('paperless')!
    expect(app).toMatchObject({
      redirectUris: ['https://docs.home.arpa/cb', 'https://docs.home.arpa/cb2'],
      idTokenAlg: 'ES256',
      groups: ['parents'],
      requireMfa: true,
      allowPin: false,
      public: false,
      pkce: true,
    })
    expect(t.services.apps.verifySecret(app, secret!)).toBe(true)
    const again = await (await browser.get('/ui/apps')).text()
    expect(again).toContain('paperless')
    expect(again).not.toContain(secret)

    expect((await browser.post('/ui/apps/paperless/remove')).status).toBe(200)
    expect(t.services.apps.list()).toEqual([])
  })

  it('refuses what the API refuses, with the message on the page', async () => {
    await browser.get('/ui/apps')
    const bad = await browser.post('/ui/apps', {
      name: 'a',
      redirect_uris: 'http://docs.home.arpa/cb',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('redirect_uris')
    const noPKCE = await browser.post('/ui/apps', {
      name: 'a',
      redirect_uris: 'https://a.example/cb',
      public: 'on',
    })
    expect(noPKCE.status).toBe(400)
    expect(t.services.apps.list()).toEqual([])
  })

  it('asks for a recent sign-in before adding an app, then comes back', async () => {
    t.clock.advance(11 * 60)
    await browser.get('/ui/apps')
    const stale = await browser.post('/ui/apps', { name: 'docs', domains: 'docs.home.arpa' })
    expect(stale.status).toBe(303)
    expect(stale.headers.get('location')).toBe(
      `/ui/sign-in?reauth=1&return_to=${encodeURIComponent('/ui/apps')}`,
    )
    expect(t.services.apps.list()).toEqual([])
    const withPassword = await browser.post('/ui/apps', {
      name: 'docs',
      domains: 'docs.home.arpa',
      current_password: PASSWORD,
    })
    expect(withPassword.status).toBe(200)
    expect(t.services.apps.findByName('docs')!.domains).toEqual(['docs.home.arpa'])
  })
})
