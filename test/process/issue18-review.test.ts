import { chmodSync, mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, startProcess, type RunningProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitForOutput } from '../helpers/wait-for-output.js'

// Restart-loop paths found in review of issue 18: the image (AUTH_ON_CONFIG_ERROR=wait) still
// exited on a taken port and on an AUTH_HOST the container does not have, and an unwritable
// data directory with a given secret was no configuration error at all.
const NOBODY = 65_534
const isRoot = process.getuid?.() === 0
const running: RunningProcess[] = []
const blockers: Server[] = []

afterEach(async () => {
  for (const p of running.splice(0)) if (p.child.exitCode === null) p.child.kill('SIGKILL')
  await Promise.all(blockers.splice(0).map((s) => new Promise((r) => s.close(r))))
})

function serve(env: Record<string, string>, options: { port: number; uid?: number }) {
  const cwd = tempDir()
  chmodSync(cwd, 0o755)
  const child = startProcess(
    { AUTH_DATA_DIR: join(cwd, 'data'), ...env },
    { cwd, entry: 'cli', args: ['serve'], ...options },
  )
  running.push(child)
  return child
}

async function takePort(port: number) {
  const server = createServer()
  blockers.push(server)
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
}

async function readiness(url: string) {
  const response = await fetch(`${url}/readyz`)
  return { status: response.status, text: await response.text() }
}

describe('serve with AUTH_ON_CONFIG_ERROR=wait never exits into a restart loop', () => {
  it('a port already in use: stays up (not listening) and exits 0 on SIGTERM', async () => {
    const port = await freePort()
    await takePort(port)
    for (const env of [{ AUTH_SECRET: 'changeme' }, { AUTH_SECRET: strongSecret() }]) {
      const server = serve({ ...env, AUTH_ON_CONFIG_ERROR: 'wait' }, { port })
      await waitForOutput(server, 'not listening')
      expect(server.output()).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`)
      expect(server.child.exitCode).toBe(null)
      server.child.kill('SIGTERM')
      expect(await server.exited).toEqual({ code: 0, signal: null })
    }
  })

  it('an AUTH_HOST this machine does not have: /readyz on the loopback names AUTH_HOST', async () => {
    const port = await freePort()
    const server = serve(
      { AUTH_SECRET: strongSecret(), AUTH_HOST: '192.0.2.1', AUTH_ON_CONFIG_ERROR: 'wait' },
      { port },
    )
    await waitForOutput(server, `waiting on 127.0.0.1:${port}`)
    expect(server.output()).toContain('configuration error: AUTH_HOST: cannot listen on')
    const ready = await readiness(server.url)
    expect(ready.status).toBe(503)
    expect(ready.text).toContain('AUTH_HOST')
    expect(ready.text).not.toContain('192.0.2.1')
    server.child.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })

  it('still exits non-zero on a taken port outside the image (AUTH_ON_CONFIG_ERROR=exit)', async () => {
    const port = await freePort()
    await takePort(port)
    const server = serve({ AUTH_SECRET: strongSecret() }, { port })
    expect((await server.exited).code).not.toBe(0)
    expect(server.output()).toContain('cannot listen on')
  })
})

describe.skipIf(!isRoot)('a data directory the service cannot write, with a given secret', () => {
  function readOnlyDataDir() {
    const dir = join(tempDir(), 'data')
    chmodSync(join(dir, '..'), 0o755)
    mkdirSync(dir, { mode: 0o755 }) // root's, as a bind mount made by root on Unraid is
    return dir
  }

  it('exits 78 with a line naming AUTH_DATA_DIR (not a database failure in /readyz)', async () => {
    const dataDir = readOnlyDataDir()
    const server = serve(
      { AUTH_SECRET: strongSecret(), AUTH_DATA_DIR: dataDir },
      { port: await freePort(), uid: NOBODY },
    )
    expect((await server.exited).code).toBe(78)
    expect(server.output()).toContain(`AUTH_DATA_DIR: ${dataDir} is not writable (EACCES)`)
  })

  it('waits in the image with /readyz naming AUTH_DATA_DIR and never its path', async () => {
    const dataDir = readOnlyDataDir()
    const server = serve(
      { AUTH_SECRET: strongSecret(), AUTH_DATA_DIR: dataDir, AUTH_ON_CONFIG_ERROR: 'wait' },
      { port: await freePort(), uid: NOBODY },
    )
    await waitForOutput(server, 'with /readyz 503')
    const ready = await readiness(server.url)
    expect(ready.status).toBe(503)
    expect(ready.text).toContain('AUTH_DATA_DIR')
    expect(ready.text).not.toContain(dataDir)
    server.child.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  })
})

// A NAS owner who pastes the secret itself into AUTH_SECRET_FILE: the "cannot read <path>" line
// printed the secret into the container log (often posted to forums when asking for help).
describe('a secret pasted into AUTH_SECRET_FILE', () => {
  it('is never printed: exit 78 naming the variable and saying what it looks like', async () => {
    const secret = strongSecret()
    const server = serve({ AUTH_SECRET_FILE: secret }, { port: await freePort() })
    expect((await server.exited).code).toBe(78)
    expect(server.output()).toContain('AUTH_SECRET_FILE: ')
    expect(server.output()).toContain('looks like a secret itself')
    expect(server.output()).not.toContain(secret)
  })

  it('a path that names no file is still shown, so the operator can see the typo', async () => {
    const path = join(tempDir(), 'secrets', 'auth_secert.txt')
    const server = serve({ AUTH_SECRET_FILE: path }, { port: await freePort() })
    expect((await server.exited).code).toBe(78)
    expect(server.output()).toContain(`AUTH_SECRET_FILE: cannot read ${path} (ENOENT)`)
  })
})

// The other mix-up: the secret file's path given as AUTH_SECRET. "too weak (shorter than 32
// characters)" alone does not tell a NAS owner what went wrong.
describe('a file path given as AUTH_SECRET', () => {
  it('says to use AUTH_SECRET_FILE', async () => {
    const server = serve(
      { AUTH_SECRET: '/run/secrets/auth_secret', AUTH_ON_CONFIG_ERROR: 'exit' },
      { port: await freePort() },
    )
    expect((await server.exited).code).toBe(78)
    expect(server.output()).toContain('AUTH_SECRET: the secret is too weak')
    expect(server.output()).toContain('looks like a file path: set AUTH_SECRET_FILE')
  })
})
