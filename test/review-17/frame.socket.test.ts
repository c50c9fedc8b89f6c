import fc from 'fast-check'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { countHashes } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'

// Review of issue 17 (one request frame): what Node's parser keeps and what fetch Headers
// make of the same bytes must give the same client address, request id and limits; the
// frame's headers and log line must be on every answer, the OIDC provider's included.
const SECURITY = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
}
type Line = Record<string, unknown>
const lines = (t: TestApp): Line[] => t.logs.map((line) => JSON.parse(line) as Line)

interface RawAnswer {
  status: number
  headers: Record<string, string>
}

/** Sends the request bytes as they are (repeated and oddly cased header lines included). */
function raw(base: string, request: string | Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname)
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (text += chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const [head = ''] = text.split('\r\n\r\n')
      const [statusLine = '', ...headerLines] = head.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of headerLines) {
        const at = line.indexOf(':')
        headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim()
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers })
    })
    socket.end(request)
  })
}

const get = (path: string, headerLines: string[]) =>
  [`GET ${path} HTTP/1.1`, 'Host: x', 'Connection: close', ...headerLines, '', ''].join('\r\n')

describe('forwarding headers: the socket and app.request() agree (API §6)', () => {
  // /metrics answers 200 only to a client inside AUTH_METRICS_NETWORKS: it shows the address.
  const apps: Record<string, { t: TestApp; server: Listening }> = {}
  beforeAll(async () => {
    for (const [name, env] of [
      ['direct', { AUTH_METRICS_NETWORKS: '127.0.0.1/32' }],
      ['proxied', { AUTH_TRUST_PROXY: '127.0.0.1/32', AUTH_METRICS_NETWORKS: '10.0.0.0/8' }],
    ] as const) {
      const t = await createTestApp({ env })
      apps[name] = { t, server: await listen(t) }
    }
  })
  afterAll(async () => {
    for (const { t, server } of Object.values(apps)) {
      await server.close()
      t.close()
    }
  })

  const names = ['X-Forwarded-For', 'x-real-ip', 'X-REAL-IP', 'Forwarded', 'True-Client-IP']
  const values = ['10.1.2.3', '203.0.113.9', '127.0.0.1', '', 'unknown', '10.0.0.1, 10.0.0.2']
  const headerSets = fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...values)), {
    maxLength: 4,
  })

  it('gives the same /metrics answer over a socket as in-process, for any header lines', async () => {
    await fc.assert(
      fc.asyncProperty(headerSets, fc.constantFrom('direct', 'proxied'), async (set, name) => {
        const { t, server } = apps[name]!
        const overSocket = await raw(
          server.base,
          get(
            '/metrics',
            set.map(([header, value]) => `${header}: ${value}`),
          ),
        )
        const headers = new Headers()
        for (const [header, value] of set) headers.append(header, value)
        const inProcess = await t.app.request('/metrics', { headers }, {
          incoming: { socket: { remoteAddress: '127.0.0.1' } },
        } as never)
        await inProcess.arrayBuffer()
        expect(overSocket.status).toBe(inProcess.status)
      }),
      { numRuns: 120 },
    )
  })

  it('believes only the right-most X-Forwarded-For line a trusted proxy appended', async () => {
    const { server } = apps.proxied!
    // A client's forged line first, the proxy's own line after it: the client is outside.
    const forged = ['X-Forwarded-For: 10.1.2.3', 'x-forwarded-for: 203.0.113.9']
    expect((await raw(server.base, get('/metrics', forged))).status).toBe(403)
    const honest = ['x-forwarded-for: 203.0.113.9', 'X-Forwarded-For: 10.1.2.3']
    expect((await raw(server.base, get('/metrics', honest))).status).toBe(200)
    // A trusted proxy with no X-Forwarded-For (only X-Real-IP) relays anyone: outside.
    expect((await raw(server.base, get('/metrics', ['X-Real-IP: 10.1.2.3']))).status).toBe(403)
  })

  it('ignores repeated X-Real-IP lines from an untrusted peer (fails closed)', async () => {
    const { server } = apps.direct!
    const lines = ['X-Real-IP: 127.0.0.1', 'X-Real-IP: 127.0.0.1']
    expect((await raw(server.base, get('/metrics', lines))).status).toBe(403)
    expect((await raw(server.base, get('/metrics', []))).status).toBe(200)
  })
})

// One app on a socket for the tests below.
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

describe('bodies over a real socket', () => {
  const post = (headerLines: string[], body: string) =>
    [
      'POST /v1/login/password HTTP/1.1',
      'Host: x',
      'Connection: close',
      'Content-Type: application/json',
      ...headerLines,
      '',
      body,
    ].join('\r\n')
  const login = JSON.stringify({ username: 'alice', password: 'x'.repeat(17 * 1024) })

  it('answers 413 to a chunked body over 16 KiB, without checking a password', async () => {
    const hashes = countHashes(t)
    const chunked = `${login.length.toString(16)}\r\n${login}\r\n0\r\n\r\n`
    const answer = await raw(server.base, post(['Transfer-Encoding: chunked'], chunked))
    expect(answer.status).toBe(413)
    expect(answer.headers['x-request-id']).toBeTruthy()
    expect(hashes()).toBe(0)
  })

  it('refuses two Content-Length lines, and Content-Length beside chunked, before the app', async () => {
    const hashes = countHashes(t)
    const small = JSON.stringify({ username: 'alice', password: 'y'.repeat(20) })
    const twice = post([`Content-Length: ${small.length}`, 'Content-Length: 99999'], small)
    expect((await raw(server.base, twice)).status).toBe(400)
    const both = post(['Transfer-Encoding: chunked', `Content-Length: ${small.length}`], small)
    expect((await raw(server.base, both)).status).toBe(400)
    expect(hashes()).toBe(0)
  })
})

describe('the OIDC provider’s answers over a real socket', () => {
  // The provider answers on Node's response itself (API §9: the id is always echoed).
  it.each([
    ['discovery', '/.well-known/openid-configuration', 200],
    ['an error page (unknown client)', '/oidc/auth?client_id=nope', 400],
    ['an unknown provider path', '/oidc/nothing', 404],
  ])(
    '%s: echoes X-Request-Id, carries the security headers, logs its status',
    async (_n, path, status) => {
      const id = `oidc-${status}`
      const response = await fetch(`${server.base}${path}`, { headers: { 'x-request-id': id } })
      await response.arrayBuffer()
      expect(response.status).toBe(status)
      expect(response.headers.get('x-request-id')).toBe(id)
      for (const [name, value] of Object.entries(SECURITY))
        expect(response.headers.get(name)).toBe(value)
      expect(lines(t).filter((line) => line.req_id === id)).toEqual([
        expect.objectContaining({ msg: 'request', status }),
      ])
    },
  )
})
