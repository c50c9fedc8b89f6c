import { Writable } from 'node:stream'
import { DrizzleQueryError } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { createShell } from '../../src/http/shell.js'
import { createLogger } from '../../src/logger.js'
import { createReadiness } from '../../src/readiness.js'

describe('the error handler', () => {
  it('logs the root cause of an unexpected error, never the query parameters a wrapper carries', async () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const app = createShell({
      logger: createLogger('info', sink),
      readiness: createReadiness(),
      trustProxy: [],
    })
    const hash = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo'
    app.get('/boom', () => {
      throw new DrizzleQueryError(
        'INSERT INTO users (password_hash) VALUES (?)',
        [hash],
        new Error('disk I/O error'),
      )
    })
    const response = await app.request('/boom')
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({
      error: 'internal',
      message: 'Something went wrong on the server.',
    })
    const log = lines.join('')
    expect(log).toContain('disk I/O error')
    expect(log).not.toContain(hash)
    expect(log).not.toContain('INSERT INTO users')
  })
})
