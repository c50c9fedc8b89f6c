import { describe, expect, it } from 'vitest'
import { createStartingApp } from '../../src/http/shell.js'
import { createLogger } from '../../src/logger.js'
import { createReadiness } from '../../src/readiness.js'
import { createTestApp } from '../helpers/app.js'
import { errorOf } from '../helpers/fixtures.js'

describe('GET /healthz and /readyz', () => {
  it('is live but not ready while starting, and /v1 answers 503 not_ready', async () => {
    const app = createStartingApp({
      logger: createLogger('silent'),
      readiness: createReadiness(),
      trustProxy: [],
    })
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' })
    const ready = await app.request('/readyz')
    expect(ready.status).toBe(503)
    expect(await ready.json()).toMatchObject({
      status: 'starting',
      checks: { migrations: { status: 'pending' } },
    })
    const v1 = await app.request('/v1/login/password', { method: 'POST' })
    expect(await errorOf(v1)).toEqual({ status: 503, error: 'not_ready' })
    expect(v1.headers.get('retry-after')).toBe('5')
    expect((await app.request('/.well-known/jwks.json')).status).toBe(503)
  })

  it('is ready once migrated with signing keys loaded', async () => {
    const t = await createTestApp()
    const ready = await t.call('GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(ready.headers.get('x-content-type-options')).toBe('nosniff')
    expect(ready.headers.get('x-frame-options')).toBe('DENY')
    expect(ready.headers.get('referrer-policy')).toBe('no-referrer')
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: {
        database: { status: 'ok' },
        migrations: { status: 'ok' },
        signing_keys: { status: 'ok' },
      },
    })
    t.close()
  })
})
