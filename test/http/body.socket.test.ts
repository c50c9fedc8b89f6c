import { request } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { addUser, PASSWORD } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'

// On a socket a JSON or form body is read from Node's request stream itself (body.ts), not
// through the fetch Request that app.request() builds in the other tests: the same caps and
// refusals hold there, and nothing is written by a refused body.
let t: TestApp
let server: Listening
beforeAll(async () => {
  t = await createTestApp()
  await addUser(t, 'alice')
  server = await listen(t)
})
afterAll(async () => {
  await server.close()
  t.close()
})

/** A POST whose body is written in the given pieces, without Content-Length (chunked). */
function postInPieces(path: string, pieces: (string | Buffer)[], type = 'application/json') {
  const { port } = new URL(server.base)
  return new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': type } },
      (res) => {
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
        )
      },
    )
    req.on('error', reject)
    for (const piece of pieces) req.write(piece)
    req.end()
  })
}

const loginBody = JSON.stringify({ username: 'alice', password: PASSWORD })
const sessions = () =>
  t.services.database.sqlite.prepare('SELECT count(*) AS n FROM sessions').get()

describe('a request body on a socket', () => {
  it('is read whole however it is split, and signs in', async () => {
    const pieces = loginBody.split('').map((c) => Buffer.from(c))
    const answer = await postInPieces('/v1/login/password', pieces)
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.body)).toHaveProperty('access_token')
  })

  it('keeps multi-byte characters split across pieces', async () => {
    const bytes = Buffer.from(JSON.stringify({ username: 'zoë', password: 'wrong but long' }))
    const cut = bytes.indexOf(0xc3) + 1 // between the two bytes of ë
    const answer = await postInPieces('/v1/login/password', [
      bytes.subarray(0, cut),
      bytes.subarray(cut),
    ])
    expect(answer.status).toBe(401)
  })

  it('over 16 KiB without Content-Length: 413, nothing written, the connection closed', async () => {
    const before = sessions()
    const answer = await postInPieces('/v1/login/password', [
      '{"username":"alice","password":"',
      ...Array.from({ length: 17 }, () => 'x'.repeat(1024)),
      '"}',
    ])
    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'payload_too_large' })
    expect(answer.connection).toBe('close')
    expect(sessions()).toEqual(before)
    // The server goes on answering.
    expect(
      (await server.post('/v1/login/password', { username: 'alice', password: PASSWORD })).status,
    ).toBe(200)
  })

  it('declared over 16 KiB: 413 before the body is sent, and the connection closes', async () => {
    const { port } = new URL(server.base)
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        // The headers only: a client that waits to be told before sending 10 MiB.
        socket.write(
          'POST /v1/login/password HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n',
        ),
      )
      let text = ''
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
      socket.on('close', () => resolve(text))
      socket.on('error', reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    expect(answer).toMatch(/\r\nConnection: close\r\n/i)
  })

  it('Expect: 100-continue: told to go on within the cap, refused before uploading past it', async () => {
    const { port } = new URL(server.base)
    /** Headers first; the body only once the server says 100 Continue, as curl does. */
    const ask = (length: number, body: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write(
            `POST /v1/login/password HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`,
          ),
        )
        let text = ''
        let sent = false
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString()
          if (!sent && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
            sent = true
            socket.write(body)
          }
        })
        socket.on('close', () => resolve(text))
        socket.on('error', reject)
      })
    const within = await ask(Buffer.byteLength(loginBody), loginBody)
    expect(within).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /)
    const past = await ask(10 << 20, '')
    expect(past).toMatch(/^HTTP\/1\.1 413 /)
    expect(past).not.toContain('100 Continue')
  })

  it('refuses bytes that are not UTF-8, text that is not JSON, and an empty body with 400', async () => {
    const notUtf8 = await postInPieces('/v1/login/password', [Buffer.from([0x7b, 0xff, 0x7d])])
    expect(notUtf8.status).toBe(400)
    expect(notUtf8.body).toContain('UTF-8')
    const notJson = await postInPieces('/v1/login/password', ['{"username":'])
    expect(notJson.status).toBe(400)
    const empty = await postInPieces('/v1/login/password', [])
    expect(empty.status).toBe(400)
  })

  it('refuses a body cut off by the client without answering anything else', async () => {
    const { port } = new URL(server.base)
    const before = sessions()
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /v1/login/password HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":"alice",',
        )
        setImmediate(() => socket.destroy())
      })
      socket.on('close', () => resolve())
    })
    // The next request is answered normally and the cut one wrote nothing.
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200)
    expect(sessions()).toEqual(before)
  })

  it('reads a web UI form the same way', async () => {
    const answer = await postInPieces(
      '/ui/login',
      ['username=alice&', 'password=', encodeURIComponent(PASSWORD)],
      'application/x-www-form-urlencoded',
    )
    // Without the page's CSRF token the form is refused, after its body was read.
    expect(answer.status).toBe(403)
  })
})
