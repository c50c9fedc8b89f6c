import { serve, type ServerType } from '@hono/node-server'
import * as client from 'openid-client'
import { expect } from 'vitest'
import type { AppSettings } from '../../src/auth/app-input.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { testClock } from '../helpers/clock.js'
import { freePort } from '../helpers/process.js'

/** This service on a real loopback socket: oidc-provider works on raw Node requests. */
export interface OIDCServer {
  t: TestApp
  base: string
  close(): Promise<void>
}

export async function startOIDCServer(env: Record<string, string> = {}): Promise<OIDCServer> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  // The real time: Chromium and the provider's cookie expiry dates must agree.
  const t = await createTestApp({
    env: { AUTH_ISSUER: base, ...env },
    clock: testClock(new Date()),
  })
  const server: ServerType = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' })
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  return {
    t,
    base,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      t.close()
    },
  }
}

/** Registers an app as the admin would; returns its client id and secret. */
export function addApp(t: TestApp, name: string, settings: Partial<AppSettings>) {
  const { app, clientSecret } = t.services.apps.add(name, settings)
  return { clientId: app.clientId!, clientSecret }
}

/** openid-client's view of this service for one app, found by discovery. */
export async function relyingParty(
  base: string,
  clientId: string,
  auth: 'basic' | 'post' | 'none',
  secret?: string,
) {
  const authMethod =
    auth === 'none'
      ? client.None()
      : auth === 'basic'
        ? client.ClientSecretBasic(secret!)
        : client.ClientSecretPost(secret!)
  return client.discovery(new URL(base), clientId, undefined, authMethod, {
    execute: [client.allowInsecureRequests],
  })
}

/** A PKCE authorization request as an app makes it. */
export async function authorizationRequest(
  config: client.Configuration,
  params: Record<string, string>,
) {
  const verifier = client.randomPKCECodeVerifier()
  const state = client.randomState()
  const nonce = client.randomNonce()
  const url = client.buildAuthorizationUrl(config, {
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  })
  return { url, verifier, state, nonce }
}

/**
 * A cookie-keeping HTTP client for flows where a browser adds nothing: follows this service's
 * redirects and stops at the first address outside it (the app's callback), or at a page.
 */
export function cookieBrowser(base: string) {
  const cookies = new Map<string, string>()
  let csrf: string | null = null
  async function send(url: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers)
    if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    const response = await fetch(url, { ...init, headers, redirect: 'manual' })
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair!.indexOf('=')
      const name = pair!.slice(0, at)
      const value = pair!.slice(at + 1)
      const expired = /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)
      if (expired || value === '') cookies.delete(name)
      else cookies.set(name, value)
    }
    return response
  }
  /** Follows redirects inside the service; returns the last response and where it points. */
  async function follow(url: string, init: RequestInit = {}) {
    let response = await send(url, init)
    let at = url
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get('location')
      if (response.status < 300 || response.status >= 400 || !location) break
      at = new URL(location, at).toString()
      if (!at.startsWith(base)) return { response, at, left: true }
      response = await send(at)
    }
    return { response, at, left: false }
  }
  return {
    cookies,
    send,
    follow,
    async page(url: string) {
      const result = await follow(url)
      const html = await result.response.clone().text()
      csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? csrf
      return { ...result, html }
    },
    /** Posts a /ui form as the page itself would (same origin, its CSRF token). */
    async post(path: string, fields: Record<string, string>) {
      return follow(`${base}${path}`, {
        method: 'POST',
        body: new URLSearchParams({ csrf: csrf ?? '', ...fields }),
        headers: { origin: base, 'sec-fetch-site': 'same-origin' },
      })
    },
  }
}
export type CookieBrowser = ReturnType<typeof cookieBrowser>

/**
 * Goes through an authorization as a person would: the request, the sign-in page when asked
 * (username and password), and back to the app. Returns where the service sent the browser.
 */
export async function authorize(
  browser: CookieBrowser,
  base: string,
  url: URL,
  signIn?: { username: string; password: string },
) {
  let result = await browser.page(url.toString())
  if (!result.left && signIn && result.at.startsWith(`${base}/ui/sign-in`)) {
    const returnTo = new URL(result.at).searchParams.get('return_to') ?? ''
    result = {
      ...(await browser.post('/ui/sign-in', { ...signIn, return_to: returnTo })),
      html: '',
    }
  }
  return result
}

export const callbackOf = (result: { at: string; left: boolean }) => {
  expect(result.left).toBe(true)
  return new URL(result.at)
}
