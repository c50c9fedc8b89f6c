import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { listen, type Listening } from '../helpers/listening.js'

// The prebuilt answers are the app's: a request the app refuses before any route (a Host
// header no URL can be made of: 400 from @hono/node-server) is refused the same way, not
// answered 200 with a log line and a metrics observation that the app would not make.
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

function statusOf(path: string, host: string): Promise<string> {
  const { port } = new URL(server.base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () =>
      socket.end(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`),
    )
    let answer = ''
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')))
    socket.on('close', () => resolve(answer.split('\r\n')[0]!))
    socket.on('error', reject)
  })
}

describe('the prebuilt answers and the Host header', () => {
  it.each(['a/b', '[::1', 'a:99999', 'a@b', 'a b'])(
    'refuse Host %j as the app does',
    async (host) => {
      for (const path of ['/healthz', '/.well-known/jwks.json']) {
        expect(await statusOf(path, host), `${path} ${host}`).toBe('HTTP/1.1 400 Bad Request')
      }
    },
  )

  it.each(['localhost:3100', 'Auth.Example', '127.0.0.1:80', '[::1]:3100', 'auth.home'])(
    'answer Host %j',
    async (host) => {
      for (const path of ['/healthz', '/.well-known/jwks.json']) {
        expect(await statusOf(path, host), `${path} ${host}`).toBe('HTTP/1.1 200 OK')
      }
    },
  )
})
