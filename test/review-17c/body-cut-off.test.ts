import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, login } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'

// A body cut off by the client while the route is still awaiting something before it reads
// the body (the bearer check verifies the token first): Node has already destroyed the request
// stream, which emits nothing more. The read must still end, with an answer and a log line,
// not wait forever holding the request (one leaked handler per cut request).
let t: TestApp
let server: Listening
let token: string
beforeAll(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
  token = (await login(t, 'alice')).access_token
  server = await listen(t)
})
afterAll(async () => {
  await server.close()
  t.close()
})

type Line = Record<string, unknown>
const lineOf = (id: string) =>
  t.logs.map((line) => JSON.parse(line) as Line).find((l) => l.msg === 'request' && l.req_id === id)

/** Sends the text and closes the connection; resolves once the server closed it too. */
function sendAndHangUp(text: string): Promise<void> {
  const { port } = new URL(server.base)
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(text))
    socket.resume()
    socket.on('close', () => resolve())
    socket.on('error', () => resolve())
  })
}

describe('a body cut off behind the bearer check', () => {
  it('ends the request (a log line) and writes nothing', async () => {
    const body = '{"email":"alice@example.com"}'
    const ids = Array.from({ length: 5 }, (_, i) => `cut-${i}`)
    for (const id of ids) {
      await sendAndHangUp(
        `PATCH /v1/me HTTP/1.1\r\nHost: a\r\nX-Request-Id: ${id}\r\n` +
          `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${body.length + 10}\r\n\r\n${body}`,
      )
    }
    await vi.waitFor(
      () => {
        for (const id of ids) expect(lineOf(id), id).toBeDefined()
      },
      { timeout: 3000, interval: 20 },
    )
    for (const id of ids) expect(lineOf(id)!.status).toBe(400)
    const me = await fetch(`${server.base}/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(((await me.json()) as { email: unknown }).email).toBeNull()
  })
})
