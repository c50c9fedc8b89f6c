import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, PASSWORD } from '../helpers/fixtures.js'
import { addQuickLoginUser, quickLoginTokens } from '../helpers/household.js'
import { uiBrowser, uiSignIn } from '../helpers/ui-browser.js'

const ISSUER = 'https://auth.home.example'
const PROXY = '10.0.0.2'
const LAN = '192.168.1.20'
const SIGN_IN = `${ISSUER}/ui/sign-in?rd=`
const IMPLEMENTATIONS = ['forward-auth', 'auth-request'] as const
type Implementation = (typeof IMPLEMENTATIONS)[number]

let t: TestApp
/** The proxy cookie of each kind of person, got through the web UI's `rd` step. */
const cookies: Record<'member' | 'stranger' | 'pin', string> = { member: '', stranger: '', pin: '' }

/** A proxy's question about `target`, as Caddy/Traefik or nginx asks it. */
function ask(
  implementation: Implementation,
  target: string,
  options: { method?: string; cookie?: string; peer?: string; headers?: Record<string, string> },
) {
  const url = new URL(target)
  const method = options.method ?? 'GET'
  const headers: Record<string, string> =
    implementation === 'forward-auth'
      ? {
          'x-forwarded-proto': url.protocol.slice(0, -1),
          'x-forwarded-host': url.host,
          'x-forwarded-uri': url.pathname + url.search,
          'x-forwarded-method': method,
        }
      : { 'x-original-url': url.href, 'x-original-method': method }
  if (options.cookie) headers.cookie = options.cookie
  return t.call('GET', `/api/authz/${implementation}`, {
    peer: options.peer ?? PROXY,
    headers: { ...headers, ...options.headers },
  })
}

/** Signs a browser in (password, or a PIN-only session) and takes it through `rd`. */
async function proxyCookieFor(
  rd: string,
  signIn: (b: ReturnType<typeof uiBrowser>) => Promise<unknown>,
) {
  const browser = uiBrowser(t, { peer: LAN, origin: ISSUER })
  await signIn(browser)
  const back = await browser.get(`/ui/sign-in?rd=${encodeURIComponent(rd)}`)
  expect(back.status).toBe(302)
  expect(back.headers.get('location')).toBe(rd)
  const value = browser.cookies.get('__Secure-hma_proxy')
  expect(value).toBeTruthy()
  return { browser, cookie: `__Secure-hma_proxy=${value}`, setCookie: browser.lastSetCookies }
}

beforeAll(async () => {
  t = await createTestApp({
    env: {
      AUTH_ISSUER: ISSUER,
      AUTH_COOKIE_DOMAIN: 'home.example',
      AUTH_TRUST_PROXY: `${PROXY}/32`,
      AUTH_QUICK_LOGIN_NETWORKS: '192.168.1.0/24',
    },
  })
  const { groups, apps } = t.services
  groups.add('family')
  groups.add('kids')
  apps.add('photos', { domains: ['photos.home.example'], groups: ['family'] })
  apps.add('tv', { domains: ['tv.home.example'], allowPin: true })
  apps.add('vault', { domains: ['vault.home.example'], requireMfa: true })
  apps.add('elsewhere', { domains: ['app.other.example'] })
  const member = await addUser(t, 'member', { displayName: 'Zoë Member' })
  groups.setForUser(member.id, ['family', 'kids'])
  await addUser(t, 'stranger')
  const gran = await addQuickLoginUser(t, 'gran')
  groups.setForUser(gran.id, ['family'])

  const password = (name: string) => (b: ReturnType<typeof uiBrowser>) =>
    uiSignIn(b, name, PASSWORD)
  cookies.member = (await proxyCookieFor('https://photos.home.example/', password('member'))).cookie
  cookies.stranger = (
    await proxyCookieFor('https://photos.home.example/a', password('stranger'))
  ).cookie
  const pinOnly = async (b: ReturnType<typeof uiBrowser>) => {
    // The web UI's session cookie holds a refresh token: a PIN-only one, from quick login.
    b.cookies.set('__Host-hma_session', (await quickLoginTokens(t, gran.id)).refresh_token)
  }
  cookies.pin = (await proxyCookieFor('https://tv.home.example/', pinOnly)).cookie
})
afterAll(() => t.close())

type Who = 'nobody' | 'member' | 'stranger' | 'pin on photos' | 'member on vault'
const WHO: Record<Who, { cookie?: string; target: string }> = {
  nobody: { target: 'https://photos.home.example/albums?page=2' },
  member: { cookie: 'member', target: 'https://photos.home.example/albums?page=2' },
  stranger: { cookie: 'stranger', target: 'https://photos.home.example/albums?page=2' },
  // Too weak: a PIN-only session on an app without allow_pin; no second factor on require_mfa.
  'pin on photos': { cookie: 'pin', target: 'https://photos.home.example/albums?page=2' },
  'member on vault': { cookie: 'member', target: 'https://vault.home.example/' },
}
const METHODS = ['GET', 'HEAD', 'POST', 'DELETE']
const CLIENTS: Record<string, Record<string, string>> = {
  browser: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
  json: { accept: 'application/json' },
  xhr: { accept: 'text/html, */*', 'x-requested-with': 'XMLHttpRequest' },
  'no accept': {},
}

/** What API §13 says each case gets. */
function expected(impl: Implementation, who: Who, method: string, client: string, peer: string) {
  if (peer !== PROXY) return { status: 403, error: 'network_not_allowed' }
  if (who === 'member') return { status: 200 }
  if (who === 'stranger') return { status: 403, error: 'forbidden' }
  if (impl === 'auth-request' || client !== 'browser') return { status: 401, error: 'unauthorized' }
  return { status: method === 'GET' || method === 'HEAD' ? 302 : 303 }
}

const cases = IMPLEMENTATIONS.flatMap((impl) =>
  (Object.keys(WHO) as Who[]).flatMap((who) =>
    METHODS.flatMap((method) =>
      Object.keys(CLIENTS).flatMap((client) =>
        [PROXY, LAN].map((peer) => ({ impl, who, method, client, peer })),
      ),
    ),
  ),
)

describe('GET /api/authz/forward-auth and /api/authz/auth-request: the matrix', () => {
  it.each(cases)('$impl: $who, $method, $client, from $peer', async (c) => {
    const { cookie, target } = WHO[c.who]
    const response = await ask(c.impl, target, {
      method: c.method,
      peer: c.peer,
      headers: CLIENTS[c.client]!,
      ...(cookie ? { cookie: cookies[cookie as keyof typeof cookies] } : {}),
    })
    const want = expected(c.impl, c.who, c.method, c.client, c.peer)
    expect(response.status).toBe(want.status)
    if (want.error) expect((await errorOf(response)).error).toBe(want.error)
    if (want.status === 200) {
      expect(response.headers.get('remote-user')).toBe('member')
      expect(Buffer.from(response.headers.get('remote-name')!, 'latin1').toString()).toBe(
        'Zoë Member',
      )
      expect(response.headers.get('remote-email')).toBe('')
      expect(response.headers.get('remote-groups')).toBe('family,kids')
    } else {
      expect(response.headers.get('remote-user')).toBeNull()
    }
    const signIn = SIGN_IN + encodeURIComponent(target)
    if ([302, 303].includes(want.status) || (want.status === 401 && c.impl === 'auth-request')) {
      expect(response.headers.get('location')).toBe(signIn)
    }
  })
})
