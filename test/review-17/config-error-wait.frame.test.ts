import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { stopOnConfigError } from '../../src/config-error-wait.js'

// Review of issue 17: the frame's rules (API §9: X-Request-Id always echoed; the security
// headers on every answer) do not reach the wait mode's own server (AUTH_ON_CONFIG_ERROR=wait,
// src/config-error-wait.ts, not the request frame) unless that server sets them itself.
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

describe('the wait mode’s answers', () => {
  it('echo X-Request-Id and carry the security headers', async () => {
    const port = await freePort()
    let stop!: (signal: string) => void
    const stopSignal = new Promise<string>((resolve) => (stop = resolve))
    const printed: string[] = []
    const running = stopOnConfigError(
      {
        env: { AUTH_ON_CONFIG_ERROR: 'wait', AUTH_PORT: String(port) },
        stopSignal,
        printError: (line) => printed.push(line),
      },
      ['AUTH_ISSUER: must be an absolute URL, for example AUTH_ISSUER=https://auth.example'],
    )
    try {
      await expect.poll(() => printed.some((line) => line.includes('waiting on'))).toBe(true)
      for (const path of ['/healthz', '/readyz', '/v1/me']) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`, {
          headers: { 'x-request-id': 'wait-1' },
        })
        await response.arrayBuffer()
        expect(response.headers.get('x-request-id')).toBe('wait-1')
        expect(response.headers.get('x-frame-options')).toBe('DENY')
        expect(response.headers.get('referrer-policy')).toBe('no-referrer')
      }
    } finally {
      stop('SIGTERM')
      expect(await running).toBe(0)
    }
  })
})
