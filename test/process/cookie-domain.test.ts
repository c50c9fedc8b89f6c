import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

describe('serve with a bad AUTH_COOKIE_DOMAIN', () => {
  it('exits 78 naming it for a public suffix of the private section', async () => {
    const cwd = tempDir()
    const running = startProcess(
      {
        AUTH_DATA_DIR: join(cwd, 'data'),
        AUTH_SECRET: strongSecret(),
        AUTH_ISSUER: 'https://auth.duckdns.org',
        AUTH_TRUST_PROXY: '127.0.0.1/32',
        AUTH_COOKIE_DOMAIN: 'duckdns.org',
      },
      { cwd, port: await freePort() },
    )
    const { code } = await running.exited
    expect(code).toBe(78)
    expect(running.output()).toContain('AUTH_COOKIE_DOMAIN: is a public suffix (duckdns.org)')
  })
})
