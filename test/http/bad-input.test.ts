import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, errorOf, PASSWORD } from '../helpers/fixtures.js'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
})
afterEach(() => t.close())

const LOGIN = '/v1/login/password'
const post = (
  body: string | Uint8Array | ReadableStream,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) =>
  t.app.request(LOGIN, { method: 'POST', body, headers, duplex: 'half' } as RequestInit, {
    incoming: { socket: { remoteAddress: '127.0.0.1' } },
  })
const bigBody = () => JSON.stringify({ username: 'alice', password: 'x'.repeat(17 * 1024) })

describe('bad input', () => {
  it.each([
    ['invalid JSON', () => post('{"username": "alice",'), 400, 'invalid_request'],
    ['a JSON string instead of an object', () => post('"alice"'), 400, 'invalid_request'],
    ['an empty body', () => post(''), 400, 'invalid_request'],
    [
      'invalid UTF-8',
      () => post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
      400,
      'invalid_request',
    ],
    [
      'text/plain',
      () =>
        post(JSON.stringify({ username: 'a', password: 'b' }), { 'content-type': 'text/plain' }),
      415,
      'unsupported_media_type',
    ],
    [
      'no content type',
      () => post(JSON.stringify({ username: 'a', password: 'b' }), {}),
      415,
      'unsupported_media_type',
    ],
    [
      'form data',
      () => post('username=a&password=b', { 'content-type': 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    ],
    [
      '17 KiB with Content-Length',
      () =>
        post(bigBody(), {
          'content-type': 'application/json',
          'content-length': String(bigBody().length),
        }),
      413,
      'payload_too_large',
    ],
    [
      '17 KiB streamed without Content-Length',
      () => post(new Blob([bigBody()]).stream(), { 'content-type': 'application/json' }),
      413,
      'payload_too_large',
    ],
    [
      '17 KiB behind a lying Content-Length',
      () => post(bigBody(), { 'content-type': 'application/json', 'content-length': '40' }),
      413,
      'payload_too_large',
    ],
    [
      'deeply nested arrays',
      () => post('['.repeat(8000) + ']'.repeat(8000)),
      400,
      'invalid_request',
    ],
    [
      'deeply nested objects',
      () => post('{"a":'.repeat(2500) + '1' + '}'.repeat(2500)),
      400,
      'invalid_request',
    ],
    [
      'a password of the wrong type',
      () => post(JSON.stringify({ username: 'alice', password: ['x'] })),
      400,
      'invalid_request',
    ],
  ])('answers %s with the right 4xx', async (_name, send, status, error) => {
    const response = await send()
    expect(await errorOf(response)).toEqual({ status, error })
  })

  it('answers an unknown route with 404 not_found', async () => {
    expect(await errorOf(await t.call('GET', '/v1/nothing-here'))).toEqual({
      status: 404,
      error: 'not_found',
    })
    expect(await errorOf(await t.call('DELETE', '/'))).toEqual({ status: 404, error: 'not_found' })
  })

  it('treats unicode look-alikes in a username as an unknown user', async () => {
    for (const username of ['al\u200bice', 'аlice' /* Cyrillic а */, 'alice\u0000', 'ALİCE']) {
      const response = await t.call('POST', LOGIN, { json: { username, password: PASSWORD } })
      expect(await errorOf(response)).toEqual({ status: 401, error: 'invalid_credentials' })
    }
  })

  it('answers 500 internal without internals when something breaks', async () => {
    t.services.database.sqlite.prepare('DROP TABLE audit_events').run()
    const response = await t.call('POST', LOGIN, { json: { username: 'nobody', password: 'x' } })
    const body = (await response.json()) as Record<string, unknown>
    expect(response.status).toBe(500)
    expect(body).toEqual({ error: 'internal', message: 'Something went wrong on the server.' })
  })

  it('never answers 500 for any of them (the log shows no unhandled error)', async () => {
    await post('{')
    await post(bigBody(), { 'content-type': 'application/json', 'content-length': '40' })
    expect(t.logs.filter((l) => l.includes('"level":50'))).toEqual([])
  })
})

describe('request ids and logs', () => {
  it('echoes a safe X-Request-Id and replaces an unsafe one', async () => {
    const safe = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } })
    expect(safe.headers.get('x-request-id')).toBe('abc-123')
    const unsafe = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'a b{"x":1}' } })
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    const long = await t.call('GET', '/healthz', { headers: { 'x-request-id': 'a'.repeat(65) } })
    expect(long.headers.get('x-request-id')).not.toBe('a'.repeat(65))
  })

  it('logs one line per request with req_id, method, path, status, duration and no secrets', async () => {
    const login = await t.call('POST', LOGIN, {
      json: { username: 'alice', password: PASSWORD },
      headers: { 'x-request-id': 'req-42' },
    })
    const { access_token, refresh_token } = (await login.json()) as {
      access_token: string
      refresh_token: string
    }
    await t.call('GET', '/v1/me?code=123456', {
      token: access_token,
      headers: { 'x-request-id': 'req-43' },
    })
    const lines = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.find((l) => l.req_id === 'req-42')).toMatchObject({
      method: 'POST',
      path: LOGIN,
      status: 200,
      duration_ms: expect.any(Number),
    })
    expect(lines.find((l) => l.req_id === 'req-43')).toMatchObject({ path: '/v1/me', status: 200 })
    const all = t.logs.join('\n')
    for (const secret of [PASSWORD, access_token, refresh_token, t.secret, 'Bearer', '123456']) {
      expect(all).not.toContain(secret)
    }
  })
})
