import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRequestListener } from '@hono/node-server'
import { prebuiltAnswers, type NodeAnswer } from '../../src/http/prebuilt-answers.js'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { listen, type Listening } from '../helpers/listening.js'

// GET /healthz and GET /.well-known/jwks.json are answered at Node's level, before hono
// (prebuilt-answers.ts). These tests show that those answers are the app's own, byte for
// byte, that only exactly those requests take that way, and that each keeps its request id,
// log line and metrics.
type Line = Record<string, unknown>
const requestLines = (t: TestApp): Line[] =>
  t.logs.map((line) => JSON.parse(line) as Line).filter((line) => line.msg === 'request')

/** A server whose requests not taken by `answer` get 299 `app`. */
async function serveWith(answer: NodeAnswer): Promise<{ base: string; server: Server }> {
  const server = createServer((request, response) => {
    if (answer(request, response)) return
    request.resume()
    response.writeHead(299).end('app')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

/** One raw HTTP/1.1 request; the whole answer as text. */
function raw(base: string, text: string): Promise<string> {
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(text))
    let answer = ''
    socket.on('data', (chunk) => (answer += chunk.toString()))
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
  })
}

let t: TestApp
let prebuilt: Listening
let honoOnly: { base: string; server: Server }
beforeAll(async () => {
  t = await createTestApp()
  prebuilt = await listen(t)
  // The same app without the prebuilt answers: hono answers everything.
  const app = getRequestListener(t.app.fetch)
  honoOnly = await serveWith((request, response) => (void app(request, response), true))
})
afterAll(async () => {
  await prebuilt.close()
  honoOnly.server.closeAllConnections()
  honoOnly.server.close()
  t.close()
})

/** Status, headers (without Date) and body of one GET. */
async function answerOf(base: string, path: string, requestId?: string) {
  const response = await fetch(`${base}${path}`, {
    headers: requestId ? { 'x-request-id': requestId } : {},
  })
  const headers = Object.fromEntries(response.headers)
  delete headers.date
  return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) }
}

describe('the prebuilt answers', () => {
  for (const path of ['/healthz', '/.well-known/jwks.json', '/healthz?probe=1']) {
    it(`answer GET ${path} exactly as the app does, request id included`, async () => {
      const ours = await answerOf(prebuilt.base, path, 'probe-42')
      const app = await answerOf(honoOnly.base, path, 'probe-42')
      expect(ours).toEqual(app)
      expect(ours.headers['x-request-id']).toBe('probe-42')
      expect(ours.headers['x-frame-options']).toBe('DENY')
      // Without a usable id, each gets a fresh UUID, as the app's do.
      const fresh = await answerOf(prebuilt.base, path, 'bad id\twith tab')
      expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    })
  }

  it('are taken only by an exact GET without a body; everything else goes to the app', async () => {
    const answer = prebuiltAnswers({ logger: t.services.logger, jwks: () => '{"keys":[]}' })
    const { base, server } = await serveWith(answer)
    try {
      expect((await fetch(`${base}/healthz`)).status).toBe(200)
      expect((await fetch(`${base}/.well-known/jwks.json?x=1`)).status).toBe(200)
      const toApp: [string, RequestInit][] = [
        ['/healthz', { method: 'HEAD' }],
        ['/healthz', { method: 'POST', body: '{}' }],
        ['/healthz/', {}],
        ['/healthzz', {}],
        ['/HEALTHZ', {}],
        ['/.well-known/jwks.json/', {}],
        ['/.well-known/jwks', {}],
        ['//healthz', {}],
      ]
      for (const [path, init] of toApp) {
        expect((await fetch(`${base}${path}`, init)).status, `${init.method} ${path}`).toBe(299)
      }
      // A GET that declares a body (length or chunks) and the absolute form go to the app.
      const declared = await raw(
        base,
        'GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
      )
      expect(declared).toMatch(/^HTTP\/1\.1 299/)
      const chunked = await raw(
        base,
        'GET /healthz HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n',
      )
      expect(chunked).toMatch(/^HTTP\/1\.1 299/)
      const absolute = await raw(
        base,
        'GET http://a/healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
      )
      expect(absolute).toMatch(/^HTTP\/1\.1 299/)
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  it('leave the JWKS to the app while no key set is ready or a rotation check is due', async () => {
    const starting = await serveWith(prebuiltAnswers({ logger: t.services.logger }))
    const checking = await serveWith(
      prebuiltAnswers({ logger: t.services.logger, jwks: () => null }),
    )
    try {
      expect((await fetch(`${starting.base}/.well-known/jwks.json`)).status).toBe(299)
      expect((await fetch(`${starting.base}/healthz`)).status).toBe(200)
      expect((await fetch(`${checking.base}/.well-known/jwks.json`)).status).toBe(299)
    } finally {
      for (const { server } of [starting, checking]) {
        server.closeAllConnections()
        server.close()
      }
    }
  })

  it('write one request line and one metrics observation each', async () => {
    const before = requestLines(t).length
    await answerOf(prebuilt.base, '/healthz?x=1', 'line-1')
    await answerOf(prebuilt.base, '/.well-known/jwks.json', 'line-2')
    const lines = requestLines(t).slice(before)
    expect(lines).toEqual([
      expect.objectContaining({ req_id: 'line-1', method: 'GET', path: '/healthz', status: 200 }),
      expect.objectContaining({
        req_id: 'line-2',
        method: 'GET',
        path: '/.well-known/jwks.json',
        status: 200,
      }),
    ])
    for (const line of lines) expect(typeof line.duration_ms).toBe('number')
    const metrics = await (await t.call('GET', '/metrics')).text()
    const count = (route: string) =>
      Number(
        new RegExp(
          `hail_mary_auth_http_requests_total\\{route="${route}",method="GET",status="200"\\} (\\d+)`,
        ).exec(metrics)?.[1] ?? 0,
      )
    expect(count('/healthz')).toBeGreaterThanOrEqual(1)
    expect(count('/.well-known/jwks.json')).toBeGreaterThanOrEqual(1)
  })

  it('serve a rotated key set from the next clock second on', async () => {
    const before = JSON.parse(
      (await answerOf(prebuilt.base, '/.well-known/jwks.json')).body.toString(),
    )
    const kid = await t.services.signingKeys.rotate()
    expect(before.keys.map((k: { kid: string }) => k.kid)).not.toContain(kid)
    t.clock.advance(1)
    const after = JSON.parse(
      (await answerOf(prebuilt.base, '/.well-known/jwks.json')).body.toString(),
    )
    expect(after.keys.map((k: { kid: string }) => k.kid)).toContain(kid)
  })
})
