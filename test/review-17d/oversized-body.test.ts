import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { listen, type Listening } from '../helpers/listening.js'

let t: TestApp
let server: Listening
beforeEach(async () => {
  t = await createTestApp()
  server = await listen(t)
})
afterEach(async () => {
  await server.close()
  t.close()
})

/** Raw bytes to the server; resolves with everything read until the server closes. */
function raw(write: (socket: ReturnType<typeof connect>) => void): Promise<string> {
  const { port } = new URL(server.base)
  return new Promise<string>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => write(socket))
    let text = ''
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
    socket.on('close', () => resolve(text))
    socket.on('error', () => resolve(text + '\n<error>'))
  })
}

describe('a declared oversized body', () => {
  it('a client that sends the whole 1 MiB body at once still reads the 413', async () => {
    const results: (number | string)[] = []
    for (let i = 0; i < 5; i++) {
      const answer = await fetch(`${server.base}/v1/login/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'x'.repeat(1 << 20),
      }).then(
        (a) => a.status,
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
      )
      results.push(answer)
    }
    expect(results).toEqual(Array(5).fill(413))
  })

  it('GET and HEAD with a big Content-Length: 413, closed; a pipelined request is not run', async () => {
    const answer = await raw((s) =>
      s.write(
        'GET /healthz HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n' +
          'x'.repeat(20000) +
          'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n',
      ),
    )
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    const head = await raw((s) =>
      s.write('HEAD /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\nContent-Length: 20000\r\n\r\n'),
    )
    expect(head).toMatch(/^HTTP\/1\.1 413/)
    expect(head).toMatch(/\r\nConnection: close\r\n/i)
  })

  it('an OIDC route with a declared oversized body: 413 and closed', async () => {
    const answer = await raw((s) =>
      s.write(
        'POST /oidc/token HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 20000\r\n\r\n',
      ),
    )
    expect(answer).toMatch(/^HTTP\/1\.1 413/)
    expect(answer).toMatch(/\r\nConnection: close\r\n/i)
  })
})

describe('after a declared oversized body', () => {
  it('a keep-alive client goes on with its next request on a new connection', async () => {
    const first = await fetch(`${server.base}/v1/login/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(20_000),
    })
    expect(first.status).toBe(413)
    expect(first.headers.get('connection')).toBe('close')
    await first.text()
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200)
    expect((await fetch(`${server.base}/.well-known/jwks.json`)).status).toBe(200)
  })

  it('Expect: 100-continue (curl sends it for bodies over 1 KiB): the client still reads the 413', async () => {
    const { port } = new URL(server.base)
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          'POST /v1/login/password HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 10485760\r\n\r\n',
        ),
      )
      let text = ''
      let sent = false
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString()
        // As curl does: the body follows once told to continue.
        if (!sent && text.includes('100 Continue')) {
          sent = true
          socket.write(Buffer.alloc(10 << 20, 0x78), () => undefined)
        }
      })
      socket.on('close', () => resolve(text))
      socket.on('error', (e) => resolve(text + '\n<' + e.message + '>'))
    })
    expect(answer).toMatch(/HTTP\/1\.1 413/)
    // The server says no 100 Continue to a declared oversized body (node-listener.ts
    // createHttpServer): the 413 comes before any of the 10 MiB is sent.
    expect(answer).not.toContain('100 Continue')
  })
})
