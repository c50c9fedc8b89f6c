import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../src/logger.js'

// Review of issue 17 (the batched stdout logger): whatever shape a log call gives them,
// passwords, PINs, codes, tokens, secrets, the Authorization header and cookies never appear
// (API §9). Regression: a cookie (`headers.cookie`, `req.headers.cookie`, `cookie`) and an
// Authorization header one level deeper were written as they were.
const SECRET = 'S3cr3t-value-that-must-not-leak'

function capture() {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { logger: createLogger('debug', sink), text: () => lines.join('') }
}

const shapes: [string, Record<string, unknown>][] = [
  ['password', { password: SECRET }],
  ['body.new_password', { body: { new_password: SECRET } }],
  ['pin', { pin: SECRET }],
  ['code', { input: { code: SECRET } }],
  ['tokens', { refresh_token: SECRET, res: { access_token: SECRET, mfa_token: SECRET } }],
  ['headers.authorization', { headers: { authorization: `Bearer ${SECRET}` } }],
  ['req.headers.authorization', { req: { headers: { authorization: `Bearer ${SECRET}` } } }],
  ['headers.cookie', { headers: { cookie: `sid=${SECRET}` } }],
  ['req.headers.cookie', { req: { headers: { cookie: `sid=${SECRET}` } } }],
  ['cookie', { cookie: `sid=${SECRET}` }],
  ['set-cookie', { res: { headers: { 'set-cookie': `sid=${SECRET}` } } }],
  ['client_secret', { app: { client_secret: SECRET } }],
]

describe('log lines', () => {
  it.each(shapes)('never carry a secret given as %s', (_name, fields) => {
    const { logger, text } = capture()
    logger.info(fields, 'event')
    logger.error({ err: Object.assign(new Error('failed'), fields) }, 'failure')
    expect(text()).toContain('"msg":"event"')
    expect(text()).not.toContain(SECRET)
  })
})
