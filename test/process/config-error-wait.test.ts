import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, runCLI, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitForOutput } from '../helpers/wait-for-output.js'

const WEAK = 'development-secret-change-in-production'
const WAITING = 'with /readyz 503 (AUTH_ON_CONFIG_ERROR=wait)'

async function startWaiting(env: Record<string, string>, port?: number) {
  const cwd = tempDir()
  const running = startProcess(
    { AUTH_DATA_DIR: join(cwd, 'data'), AUTH_ON_CONFIG_ERROR: 'wait', ...env },
    { cwd, entry: 'cli', args: ['serve'], port: port ?? (await freePort()) },
  )
  await waitForOutput(running, WAITING)
  return running
}

describe('serve with AUTH_ON_CONFIG_ERROR=wait (the image default)', () => {
  it('stays up on a weak secret: /healthz 200, /readyz 503 naming AUTH_SECRET, SIGTERM exits 0', async () => {
    const running = await startWaiting({ AUTH_SECRET: WEAK })
    expect(running.output()).toContain('configuration error: AUTH_SECRET: the secret is too weak')

    const live = await fetch(`${running.url}/healthz`)
    expect(live.status).toBe(200)
    expect(await live.json()).toEqual({ status: 'ok' })

    const ready = await fetch(`${running.url}/readyz`)
    expect(ready.status).toBe(503)
    const body = (await ready.json()) as {
      status: string
      checks: { config: { status: string; message: string } }
    }
    expect(body.status).toBe('failed')
    expect(body.checks.config.status).toBe('failed')
    expect(body.checks.config.message).toContain('AUTH_SECRET')
    expect(JSON.stringify(body)).not.toContain(WEAK)

    for (const path of ['/v1/me', '/ui', '/.well-known/jwks.json', '/metrics']) {
      const response = await fetch(`${running.url}${path}`)
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ error: 'not_ready', retry_after: 5 })
      expect(response.headers.get('retry-after')).toBe('5')
    }
    expect(running.output()).not.toContain(WEAK)
    running.child.kill('SIGTERM')
    expect(await running.exited).toEqual({ code: 0, signal: null })
  })

  it('exits 0 on SIGINT too', async () => {
    const running = await startWaiting({ AUTH_ACCESS_TOKEN_TTL: '24h' })
    running.child.kill('SIGINT')
    expect(await running.exited).toEqual({ code: 0, signal: null })
  })

  it('names only the variable in /readyz, never the path of an unreadable file', async () => {
    const missing = join(tempDir(), 'no-such-secret-file')
    const running = await startWaiting({ AUTH_SECRET_FILE: missing })
    expect(running.output()).toContain(`AUTH_SECRET_FILE: cannot read ${missing} (ENOENT)`)
    const text = await (await fetch(`${running.url}/readyz`)).text()
    expect(text).toContain('AUTH_SECRET_FILE')
    expect(text).not.toContain(missing)
    running.child.kill('SIGTERM')
    expect((await running.exited).code).toBe(0)
  })

  it('waits on a database made with another secret, and leaves it alone', async () => {
    const cwd = tempDir()
    const env = { AUTH_DATA_DIR: join(cwd, 'data') }
    const first = startProcess(
      { ...env, AUTH_SECRET: strongSecret() },
      { cwd, port: await freePort() },
    )
    await first.waitForLog('ready')
    first.child.kill('SIGTERM')
    await first.exited
    const port = await freePort()
    const running = startProcess(
      { ...env, AUTH_SECRET: strongSecret(), AUTH_ON_CONFIG_ERROR: 'wait' },
      { cwd, port },
    )
    await waitForOutput(running, WAITING)
    expect(running.output()).toContain('different master secret')
    const ready = await fetch(`${running.url}/readyz`)
    expect(ready.status).toBe(503)
    expect(await ready.text()).toContain('AUTH_SECRET')
    running.child.kill('SIGTERM')
    expect((await running.exited).code).toBe(0)
  })

  it('listens on PORT when AUTH_PORT itself is the bad variable', async () => {
    const port = await freePort()
    const cwd = tempDir()
    const running = startProcess(
      { AUTH_ON_CONFIG_ERROR: 'wait', AUTH_PORT: 'http', PORT: String(port) },
      { cwd },
    )
    await waitForOutput(running, WAITING)
    expect(running.output()).toContain('AUTH_PORT: must be a whole number')
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
    expect(ready.status).toBe(503)
    expect(await ready.text()).toContain('AUTH_PORT')
    running.child.kill('SIGTERM')
    expect((await running.exited).code).toBe(0)
  })

  it('still exits 78 for every other command', async () => {
    const cwd = tempDir()
    for (const args of [['migrate'], ['check-config'], ['user', 'list']]) {
      const result = await runCLI(
        args,
        { AUTH_ON_CONFIG_ERROR: 'wait', AUTH_SECRET: WEAK, AUTH_DATA_DIR: join(cwd, 'data') },
        cwd,
      )
      expect(result.code).toBe(78)
    }
  })
})

describe('serve without AUTH_ON_CONFIG_ERROR (outside the image)', () => {
  it('exits 78 on a weak secret, as before', async () => {
    const cwd = tempDir()
    const running = startProcess(
      { AUTH_SECRET: WEAK, AUTH_DATA_DIR: join(cwd, 'data') },
      { cwd, port: await freePort() },
    )
    expect((await running.exited).code).toBe(78)
    expect(running.output()).not.toContain(WEAK)
  })

  // Review of issue 18: a misspelt mode exited 78, so a typo in the image's compose file
  // brought the restart loop back. Only an explicit `exit` exits; anything else waits.
  it('waits on an AUTH_ON_CONFIG_ERROR that is neither exit nor wait, naming it', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'secret'), strongSecret())
    const running = startProcess(
      { AUTH_ON_CONFIG_ERROR: 'restart', AUTH_SECRET_FILE: join(cwd, 'secret') },
      { cwd, port: await freePort() },
    )
    await waitForOutput(running, WAITING)
    expect(running.output()).toContain('AUTH_ON_CONFIG_ERROR: must be exit or wait')
    expect(await (await fetch(`${running.url}/readyz`)).text()).toContain('AUTH_ON_CONFIG_ERROR')
    running.child.kill('SIGTERM')
    expect((await running.exited).code).toBe(0)
  })
})
