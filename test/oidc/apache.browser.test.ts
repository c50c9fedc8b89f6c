import { existsSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { addUser, PASSWORD } from '../helpers/fixtures.js'
import { freePort } from '../helpers/process.js'
import { APACHE, startApache } from './apache.js'
import { addApp, startOIDCServer, type OIDCServer } from './harness.js'

let server: OIDCServer
let apache: Awaited<ReturnType<typeof startApache>>
let browser: Browser

beforeAll(async () => {
  if (!existsSync(APACHE)) {
    throw new Error('This test needs apache2 and libapache2-mod-auth-openidc (see .ci/run)')
  }
  server = await startOIDCServer()
  const { t } = server
  t.services.groups.add('family')
  const mum = await addUser(t, 'mum')
  t.services.groups.setForUser(mum.id, ['family'])
  await addUser(t, 'guest')
  const port = await freePort()
  // No groups on this side: the page's own `Require claim groups:family` decides, from the
  // groups claim this service put in the ID token.
  const { clientId, clientSecret } = addApp(t, 'apache', {
    redirectUris: [`http://localhost:${port}/protected/redirect_uri`],
  })
  apache = await startApache({
    port,
    issuer: server.base,
    clientId,
    clientSecret: clientSecret!,
    group: 'family',
  })
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await apache?.stop()
  await server?.close()
})

async function visitAs(username: string) {
  const page = await (await browser.newContext()).newPage()
  page.setDefaultTimeout(15_000)
  await page.goto(`${apache.base}/protected/index.html`)
  await page.waitForURL(/\/ui\/sign-in\?return_to=%2Foidc%2Finteraction%2F/)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(/^http:\/\/localhost:\d+\/protected\//)
  return page
}

describe('Apache mod_auth_openidc with Require claim groups:family, in Chromium', () => {
  it('a member of the group reaches the page', async () => {
    const page = await visitAs('mum')
    await page.waitForURL(`${apache.base}/protected/index.html`)
    expect(await page.locator('h1').innerText()).toBe('Family only')
  })

  it('a person outside the group does not', async () => {
    const page = await visitAs('guest')
    await page.waitForLoadState()
    const response = await page.request.get(`${apache.base}/protected/index.html`, {
      maxRedirects: 0,
    })
    expect(response.status()).toBe(401)
    expect(await page.content()).not.toContain('Family only')
  })
})
