import { createServer, type Server } from 'node:http'
import * as client from 'openid-client'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../helpers/browser.js'
import { addUser, PASSWORD } from '../helpers/fixtures.js'
import { freePort } from '../helpers/process.js'
import { addApp, relyingParty, startOIDCServer, type OIDCServer } from './harness.js'

let server: OIDCServer
let rp: Server
let rpBase: string
let browser: Browser
let page: Page

/**
 * A small web app signing people in with openid-client (confidential, client_secret_basic,
 * PKCE), as Immich or Paperless do: /login, /callback, /logout, /bye.
 */
async function startRelyingParty(config: client.Configuration) {
  const pending = new Map<string, { verifier: string; nonce: string }>()
  let idToken = ''
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', rpBase)
    const html = (body: string) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!DOCTYPE html>${body}`)
    }
    void (async () => {
      if (url.pathname === '/login') {
        const verifier = client.randomPKCECodeVerifier()
        const state = client.randomState()
        const nonce = client.randomNonce()
        pending.set(state, { verifier, nonce })
        const target = client.buildAuthorizationUrl(config, {
          redirect_uri: `${rpBase}/callback`,
          scope: 'openid profile groups offline_access',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        })
        res.writeHead(302, { location: target.href }).end()
      } else if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? ''
        const { verifier, nonce } = pending.get(state)!
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
        })
        idToken = tokens.id_token!
        const claims = tokens.claims()!
        const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
        const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!)
        html(
          `<h1>Hello ${String(info.preferred_username)}</h1>` +
            `<p id="groups">${(claims.groups as string[]).join(',')}</p>` +
            `<p id="refreshed">${refreshed.claims()?.sub === claims.sub}</p>`,
        )
      } else if (url.pathname === '/logout') {
        const target = client.buildEndSessionUrl(config, {
          id_token_hint: idToken,
          post_logout_redirect_uri: `${rpBase}/bye`,
          state: 'bye-state',
        })
        res.writeHead(302, { location: target.href }).end()
      } else if (url.pathname === '/bye') {
        html(`<h1>Signed out of the app</h1><p id="state">${url.searchParams.get('state')}</p>`)
      } else {
        res.writeHead(404).end()
      }
    })().catch((error: Error) => res.writeHead(500).end(error.message))
  })
}

beforeAll(async () => {
  server = await startOIDCServer()
  const { t } = server
  t.services.groups.add('family')
  const anna = await addUser(t, 'anna')
  t.services.groups.setForUser(anna.id, ['family'])
  const port = await freePort()
  rpBase = `http://localhost:${port}`
  const { clientId, clientSecret } = addApp(t, 'photos', {
    redirectUris: [`${rpBase}/callback`],
    postLogoutRedirectUris: [`${rpBase}/bye`],
  })
  rp = await startRelyingParty(await relyingParty(server.base, clientId, 'basic', clientSecret))
  await new Promise<void>((resolve) => rp.listen(port, '127.0.0.1', resolve))
  browser = await launchBrowser()
  page = await (await browser.newContext()).newPage()
  page.setDefaultTimeout(15_000)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  rp?.close()
  await server?.close()
})

describe('openid-client as a web app, signing in through the web UI in Chromium', () => {
  it('sign-in page → back to the app with tokens, userinfo and a refresh', async () => {
    await page.goto(`${rpBase}/login`)
    await page.waitForURL(/\/ui\/sign-in\?return_to=%2Foidc%2Finteraction%2F/)
    await page.getByLabel('Username').fill('anna')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL(/^http:\/\/localhost:\d+\/callback\?/)
    expect(await page.locator('h1').innerText()).toBe('Hello anna')
    expect(await page.locator('#groups').innerText()).toBe('family')
    expect(await page.locator('#refreshed').innerText()).toBe('true')
  })

  it('a second sign-in needs no form: the web UI session is enough', async () => {
    await page.goto(`${rpBase}/login`)
    await page.waitForURL(/^http:\/\/localhost:\d+\/callback\?/)
    expect(await page.locator('h1').innerText()).toBe('Hello anna')
  })

  it('RP-initiated logout: asked here, back to the app with its state, web UI signed out', async () => {
    await page.goto(`${rpBase}/logout`)
    await page.waitForURL(/\/oidc\/session\/end/)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(`${rpBase}/bye?state=bye-state`)
    expect(await page.locator('#state').innerText()).toBe('bye-state')
    await page.goto(`${server.base}/ui/account`)
    await page.waitForURL(/\/ui\/sign-in/)
  })
})
