import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import { freePort, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

const healthcheck = (port: number) =>
  spawnSync(process.execPath, [join(packageRoot(), 'dist/src/healthcheck.js')], {
    env: { PATH: process.env.PATH ?? '', AUTH_PORT: String(port) },
  }).status

describe('the image HEALTHCHECK script', () => {
  it('exits 0 when /readyz is 200 and 1 when nothing answers', async () => {
    const port = await freePort()
    expect(healthcheck(port)).toBe(1)
    const server = startProcess({ AUTH_SECRET: strongSecret() }, { cwd: tempDir(), port })
    await server.waitForLog('ready')
    expect(healthcheck(port)).toBe(0)
    server.child.kill('SIGTERM')
    await server.exited
  })
})
