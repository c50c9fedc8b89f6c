import { serve } from '@hono/node-server'
import fc from 'fast-check'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStartingApp } from '../../src/http/shell.js'
import { createLogger } from '../../src/logger.js'
import { createReadiness } from '../../src/readiness.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'

// On a real socket the request frame reads Node's parsed request headers and sets its own
// headers on Node's response (app.request() in the other tests takes hono's way): these
// tests show that the frame's rules hold there too.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const SECURITY = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}
const tooLarge = JSON.stringify({ username: 'alice', password: 'x'.repeat(17 * 1024) })

type Line = Record<string, unknown>
const requestLines = (t: TestApp): Line[] =>
  t.logs.map((line) => JSON.parse(line) as Line).filter((line) => line.msg === 'request')

let t: TestApp
let server: Listening
beforeAll(async () => {
  t = await createTestApp()
  server = await listen(t)
})
afterAll(async () => {
  await server.close()
  t.close()
})

const answers: [string, string, string, number, RequestInit?][] = [
  ['the JWKS', 'GET', '/.well-known/jwks.json', 200],
  ['/healthz', 'GET', '/healthz', 200],
  ['an error (401 without a token)', 'GET', '/v1/me', 401],
  ['an unknown route (404)', 'GET', '/nowhere', 404],
  [
    'a declared oversized body (413)',
    'POST',
    '/v1/login/password',
    413,
    { body: tooLarge, headers: { 'content-type': 'application/json' } },
  ],
]

/** One request with an X-Request-Id, its body read to the end. */
async function send(method: string, path: string, init: RequestInit, requestId: string) {
  const response = await fetch(`${server.base}${path}`, {
    ...init,
    method,
    headers: { ...(init.headers as Record<string, string>), 'x-request-id': requestId },
  })
  await response.arrayBuffer()
  return response
}

describe('the request frame over a real socket', () => {
  it.each(answers)(
    '%s: echoes a safe X-Request-Id, carries the security headers, logs one line',
    async (_name, method, path, status, init = {}) => {
      const id = `frame-${status}-${path.length}`
      const response = await send(method, path, init, id)
      expect(response.status).toBe(status)
      expect(response.headers.get('x-request-id')).toBe(id)
      for (const [name, value] of Object.entries(SECURITY))
        expect(response.headers.get(name)).toBe(value)
      expect(requestLines(t).filter((line) => line.req_id === id)).toEqual([
        expect.objectContaining({ method, path, status }),
      ])
    },
  )

  it.each(answers)(
    '%s: answers an unsafe X-Request-Id with a fresh UUID, logged as such',
    async (_name, method, path, status, init = {}) => {
      for (const given of ['has space', 'x'.repeat(65), 'a,b', 'ünïcode']) {
        const response = await send(method, path, init, given)
        expect(response.status).toBe(status)
        const echoed = response.headers.get('x-request-id')
        expect(echoed).toMatch(UUID)
        expect(requestLines(t).at(-1)).toMatchObject({ req_id: echoed, path, status })
      }
    },
  )

  it('echoes any safe X-Request-Id and replaces anything else (property, as sent by fetch)', async () => {
    const safe = /^[A-Za-z0-9._:-]{1,64}$/
    // Every byte a header value can carry (visible ASCII, Latin-1), as a client may send.
    const headerChar = fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
      .map((code) => String.fromCharCode(code))
    const safeChar = fc.constantFrom(...'AZaz09._:-'.split(''))
    const given = fc.oneof(
      fc.string({ unit: safeChar, minLength: 1, maxLength: 70 }),
      fc.string({ unit: headerChar, maxLength: 70 }),
    )
    await fc.assert(
      fc.asyncProperty(given, fc.constantFrom(...answers), async (id, [, method, path, , init]) => {
        const sent = id.replace(/^[ \t]+|[ \t]+$/g, '')
        const echoed = (await send(method, path, init ?? {}, id)).headers.get('x-request-id')
        if (safe.test(sent)) expect(echoed).toBe(sent)
        else expect(echoed).toMatch(UUID)
      }),
      { numRuns: 150 },
    )
  })

  it('joins a repeated X-Request-Id as one value, which is then not safe', async () => {
    const response = await fetch(`${server.base}/healthz`, {
      headers: [
        ['x-request-id', 'one'],
        ['x-request-id', 'two'],
      ],
    })
    expect(response.headers.get('x-request-id')).toMatch(UUID)
  })

  it('keeps the answer’s own headers beside the frame’s (JWKS caching, a page’s Referrer-Policy)', async () => {
    const jwks = await fetch(`${server.base}/.well-known/jwks.json`)
    expect(jwks.headers.get('content-type')).toBe('application/json')
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300')
    expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0)
    const page = await fetch(`${server.base}/ui/sign-in`)
    await page.arrayBuffer()
    expect(page.status).toBe(200)
    expect(page.headers.get('referrer-policy')).toBe('same-origin')
    expect(page.headers.get('x-frame-options')).toBe('DENY')
  })
})

describe('GET /v1/me over a real socket', () => {
  it('answers with no-store, the frame’s headers and one log line', async () => {
    await addUser(t, 'alice')
    const { access_token } = await login(t, 'alice')
    const response = await fetch(`${server.base}/v1/me`, {
      headers: { authorization: `Bearer ${access_token}`, 'x-request-id': 'me-1' },
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { username: string }).username).toBe('alice')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('x-request-id')).toBe('me-1')
    for (const [name, value] of Object.entries(SECURITY))
      expect(response.headers.get(name)).toBe(value)
    expect(requestLines(t).filter((line) => line.req_id === 'me-1')).toEqual([
      expect.objectContaining({ path: '/v1/me', status: 200 }),
    ])
  })
})

describe('the client address over a real socket (API §6)', () => {
  // /metrics answers only inside AUTH_METRICS_NETWORKS: it shows which address the frame
  // resolved. The socket peer is always 127.0.0.1 here.
  const metricsFrom = (base: string, forwardedFor?: string) =>
    fetch(`${base}/metrics`, {
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    }).then(async (response) => {
      await response.arrayBuffer()
      return response.status
    })

  it('takes the client from X-Forwarded-For when the peer is a trusted proxy', async () => {
    const proxied = await createTestApp({
      env: { AUTH_TRUST_PROXY: '127.0.0.1/32', AUTH_METRICS_NETWORKS: '10.0.0.0/8' },
    })
    const behind = await listen(proxied)
    try {
      expect(await metricsFrom(behind.base, '10.1.2.3')).toBe(200)
      expect(await metricsFrom(behind.base, '10.9.9.9, 127.0.0.1')).toBe(200)
      expect(await metricsFrom(behind.base, '192.0.2.7')).toBe(403)
      // A trusted proxy that names no client relays anyone: outside every network.
      expect(await metricsFrom(behind.base)).toBe(403)
    } finally {
      await behind.close()
      proxied.close()
    }
  })

  it('ignores a spoofed X-Forwarded-For from a peer that is not a trusted proxy, and warns once', async () => {
    expect(await metricsFrom(server.base)).toBe(200)
    const before = t.logs.length
    // Fails closed: the peer's address, but not trusted for network checks.
    expect(await metricsFrom(server.base, '127.0.0.1')).toBe(403)
    expect(await metricsFrom(server.base, '10.1.2.3')).toBe(403)
    const warnings = t.logs
      .slice(before)
      .map((line) => JSON.parse(line) as Line)
      .filter((line) => String(line.msg).includes('not in AUTH_TRUST_PROXY'))
    expect(warnings).toEqual([expect.objectContaining({ peer: '127.0.0.1' })])
  })
})

describe('the starting app over a real socket', () => {
  let starting: Server
  let base: string
  beforeAll(async () => {
    const app = createStartingApp({
      logger: createLogger('silent'),
      readiness: createReadiness(),
      trustProxy: [],
    })
    starting = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
        resolve(s as Server),
      ) as Server
    })
    base = `http://127.0.0.1:${(starting.address() as AddressInfo).port}`
  })
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        starting.closeAllConnections()
        starting.close(() => resolve())
      }),
  )

  it('answers 503 not_ready with the frame’s headers', async () => {
    const response = await fetch(`${base}/v1/me`, { headers: { 'x-request-id': 'early-1' } })
    expect(response.status).toBe(503)
    expect(((await response.json()) as { error: string }).error).toBe('not_ready')
    expect(response.headers.get('x-request-id')).toBe('early-1')
    for (const [name, value] of Object.entries(SECURITY))
      expect(response.headers.get(name)).toBe(value)
  })
})
