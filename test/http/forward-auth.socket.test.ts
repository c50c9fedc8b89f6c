import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, PASSWORD } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'
import { uiBrowser, uiSignIn } from '../helpers/ui-browser.js'

// On a real socket forward auth reads the proxy's headers and the cookie from Node's parsed
// headers and answers a signed-in person with a plain header object (app.request() in the
// other tests takes hono's way): the same answers of API §13 either way, read from the
// database at each request.
const ISSUER = 'https://auth.home.example'
let t: TestApp
let server: Listening
const cookies = { member: '', stranger: '' }

beforeAll(async () => {
  t = await createTestApp({
    env: {
      AUTH_ISSUER: ISSUER,
      AUTH_COOKIE_DOMAIN: 'home.example',
      // The socket's peer: the test's fetch is the proxy.
      AUTH_TRUST_PROXY: '127.0.0.1/32',
    },
  })
  server = await listen(t)
  const { groups, apps } = t.services
  groups.add('family')
  groups.add('a-team')
  apps.add('photos', { domains: ['photos.home.example'], groups: ['family'] })
  const member = await addUser(t, 'member', { displayName: 'Zoë Member' })
  groups.setForUser(member.id, ['family', 'a-team'])
  await addUser(t, 'stranger')
  for (const name of ['member', 'stranger'] as const) {
    const browser = uiBrowser(t, { peer: '192.168.1.20', origin: ISSUER })
    await uiSignIn(browser, name, PASSWORD)
    await browser.get(`/ui/sign-in?rd=${encodeURIComponent('https://photos.home.example/')}`)
    cookies[name] = `__Secure-hma_proxy=${browser.cookies.get('__Secure-hma_proxy')}`
  }
})
afterAll(async () => {
  await server.close()
  t.close()
})

const ASKS: Record<string, Record<string, string>> = {
  member: { cookie: 'member', host: 'photos.home.example' },
  'member, browser': { cookie: 'member', host: 'photos.home.example', accept: 'text/html' },
  stranger: { cookie: 'stranger', host: 'photos.home.example' },
  'signed out, browser': { host: 'photos.home.example', accept: 'text/html' },
  'signed out, xhr': {
    host: 'photos.home.example',
    accept: 'text/html',
    'x-requested-with': 'XMLHttpRequest',
  },
  'unknown app': { cookie: 'member', host: 'wiki.home.example' },
  'other domain': { cookie: 'member', host: 'photos.other.example' },
  'no target': { cookie: 'member' },
  'cookie among others, sent twice': { cookie: 'both', host: 'photos.home.example' },
}

function headersOf(ask: Record<string, string>): [string, string][] {
  const { cookie, host, ...rest } = ask
  const headers: [string, string][] = Object.entries(rest)
  if (host) {
    headers.push(['x-forwarded-proto', 'https'], ['x-forwarded-host', host])
    headers.push(['x-forwarded-uri', '/albums?page=2'], ['x-forwarded-method', 'GET'])
  }
  if (cookie === 'both') {
    headers.push(['cookie', `theme=dark; ${cookies.stranger.replace('proxy=', 'proxy=x')}`])
    headers.push(['cookie', `${cookies.member}; lang=en`])
  } else if (cookie) headers.push(['cookie', cookies[cookie as 'member' | 'stranger']])
  return headers
}

/** What a proxy sees of an answer. */
async function seen(response: Response) {
  const names = ['cache-control', 'location', 'content-type', 'x-frame-options']
  const remote = [...response.headers].filter(([name]) => name.startsWith('remote-'))
  return {
    status: response.status,
    headers: Object.fromEntries([...names.map((n) => [n, response.headers.get(n)]), ...remote]),
    body: await response.text(),
  }
}

describe('forward auth over a real socket', () => {
  it('gives the answers it gives through app.request, Remote-* headers included', async () => {
    for (const [name, ask] of Object.entries(ASKS)) {
      const headers = headersOf(ask)
      const bySocket = await seen(
        await fetch(`${server.base}/api/authz/forward-auth`, { headers, redirect: 'manual' }),
      )
      const inProcess = await seen(
        await t.app.request(
          '/api/authz/forward-auth',
          { headers },
          { incoming: { socket: { remoteAddress: '127.0.0.1' } } },
        ),
      )
      expect({ name, ...bySocket }).toEqual({ name, ...inProcess })
    }
  })

  it('lets the member in with the four Remote-* headers, and no one else', async () => {
    const ask = (name: string) =>
      fetch(`${server.base}/api/authz/forward-auth`, {
        headers: headersOf(ASKS[name]!),
        redirect: 'manual',
      })
    const member = await ask('member')
    expect(member.status).toBe(200)
    expect(member.headers.get('cache-control')).toBe('no-store')
    expect(member.headers.get('remote-user')).toBe('member')
    // UTF-8 bytes, one per character, as a proxy passes them on.
    expect(Buffer.from(member.headers.get('remote-name')!, 'latin1').toString('utf8')).toBe(
      'Zoë Member',
    )
    expect(member.headers.get('remote-email')).toBe('')
    expect(member.headers.get('remote-groups')).toBe('a-team,family')
    expect((await ask('stranger')).status).toBe(403)
    expect((await ask('signed out, browser')).status).toBe(302)
    expect((await ask('unknown app')).status).toBe(403)
  })

  it('reads the database at each request: a group taken away shuts the door at once', async () => {
    const ask = () =>
      fetch(`${server.base}/api/authz/forward-auth`, { headers: headersOf(ASKS.member!) })
    expect((await ask()).status).toBe(200)
    const member = t.services.users.findByUsername('member')!
    t.services.groups.setForUser(member.id, ['a-team'])
    expect((await ask()).status).toBe(403)
    t.services.groups.setForUser(member.id, ['family', 'a-team'])
    expect((await ask()).status).toBe(200)
    t.services.apps.update('photos', { domains: ['pictures.home.example'] })
    expect((await ask()).status).toBe(403)
    t.services.apps.update('photos', { domains: ['photos.home.example'] })
    t.services.users.update(member.id, { disabled: true })
    expect((await ask()).status).toBe(403)
    t.services.users.update(member.id, { disabled: false })
    expect((await ask()).status).toBe(200)
  })
})
