import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.js'
import { rowCount } from '../helpers/fixtures.js'
import { listen, type Listening } from '../helpers/listening.js'

// GET /.well-known/jwks.json when the key schedule's check is due (currentJWKS gives a
// promise): the prebuilt answer must neither start that check a second time beside the app's
// (two rotation keys made by one request) nor drop a failed check's promise (an unhandled
// rejection ends the process on Node 20: a storage fault must not, API §2).
let t: TestApp
let server: Listening
const rejections: unknown[] = []
const onRejection = (reason: unknown) => void rejections.push(reason)
beforeEach(async () => {
  rejections.length = 0
  process.on('unhandledRejection', onRejection)
  t = await createTestApp()
  server = await listen(t)
  expect((await fetch(`${server.base}/.well-known/jwks.json`)).status).toBe(200)
})
afterEach(async () => {
  process.off('unhandledRejection', onRejection)
  await server.close()
  t.close()
})

const keyCount = () => rowCount(t, 'signing_keys')

describe('the JWKS when a rotation falls due', () => {
  it('one request makes one new key', async () => {
    const before = keyCount()
    t.clock.advance(31 * 24 * 3600)
    const response = await fetch(`${server.base}/.well-known/jwks.json`)
    expect(response.status).toBe(200)
    const { keys } = (await response.json()) as { keys: unknown[] }
    expect(keyCount()).toBe(before + 1)
    expect(keys).toHaveLength(before + 1)
  })

  it('requests at once make one new key between them', async () => {
    const before = keyCount()
    t.clock.advance(31 * 24 * 3600)
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${server.base}/.well-known/jwks.json`)),
    )
    const texts = new Set(await Promise.all(answers.map((answer) => answer.text())))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    expect(texts.size).toBe(1)
    expect(keyCount()).toBe(before + 1)
  })

  it('keeps pipelined answers in order while the check runs', async () => {
    t.clock.advance(31 * 24 * 3600)
    const { port } = new URL(server.base)
    const text = await new Promise<string>((resolve, reject) => {
      // written, not ended: a half-closed connection has its requests dropped by Node
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          'GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\nX-Request-Id: first\r\n\r\n' +
            'GET /healthz HTTP/1.1\r\nHost: a\r\nX-Request-Id: second\r\n\r\n' +
            'GET /readyz HTTP/1.1\r\nHost: a\r\nX-Request-Id: third\r\nConnection: close\r\n\r\n',
        ),
      )
      let answer = ''
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
      socket.on('close', () => resolve(answer))
      socket.on('error', reject)
    })
    const ids = [...text.matchAll(/X-Request-Id: (\w+)/gi)].map((match) => match[1])
    expect(ids).toEqual(['first', 'second', 'third'])
    expect(text).toContain('"keys"')
  })

  it('a storage fault in the check is the app’s answer, not an unhandled rejection', async () => {
    t.clock.advance(31 * 24 * 3600)
    t.services.database.sqlite.pragma('query_only = ON')
    const response = await fetch(`${server.base}/.well-known/jwks.json`)
    t.services.database.sqlite.pragma('query_only = OFF')
    expect(response.status).toBe(503)
    // let any dropped promise's rejection surface
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(rejections).toEqual([])
  })
})
