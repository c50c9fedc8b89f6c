import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { listen, type Listening } from '../helpers/listening.js'

// Past 16 KiB on a socket the rest of a body is discarded unread (body.ts): requests written
// inside that rest are body bytes, never parsed as requests of their own, and the connection
// closes after the 413.
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

const smuggled = 'GET /healthz HTTP/1.1\r\nHost: a\r\nX-Request-Id: smuggled\r\n\r\n'

describe('a body over the cap on a keep-alive connection', () => {
  it('answers one 413, closes, and runs nothing written inside the body', async () => {
    const { port } = new URL(server.base)
    const filler = smuggled.repeat(Math.ceil(20_000 / smuggled.length))
    const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /v1/login/password HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n' +
            'Transfer-Encoding: chunked\r\n\r\n' +
            chunk('{"username":"alice","password":"') +
            chunk(filler),
        )
        // the rest of the body comes after the answer has started
        setImmediate(() => socket.write(chunk(filler) + '0\r\n\r\n', () => undefined))
      })
      let answer = ''
      socket.on('data', (data: Buffer) => (answer += data.toString()))
      socket.on('close', () => resolve(answer))
      socket.on('error', (error) => (answer ? resolve(answer) : reject(error)))
    })
    expect(text.match(/^HTTP\/1\.1 /gm)).toEqual(['HTTP/1.1 '])
    expect(text).toContain('413 Payload Too Large')
    expect(text).toMatch(/connection: close/i)
    const ids = t.logs.map((line) => (JSON.parse(line) as { req_id?: string }).req_id)
    expect(ids).not.toContain('smuggled')
  })
})
