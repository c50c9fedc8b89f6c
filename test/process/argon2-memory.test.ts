import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import { PASSWORD } from '../helpers/fixtures.js'
import { send } from '../helpers/live-server.js'
import { freePort, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

/** The NAME=value words before `node` in `npm start` (the image sets the same in its ENV). */
function startEnv(): Record<string, string> {
  const manifest = readFileSync(join(packageRoot(), 'package.json'), 'utf8')
  const start = (JSON.parse(manifest) as { scripts: { start: string } }).scripts.start
  const words = start.split(' ')
  return Object.fromEntries(
    words.slice(0, words.indexOf('node')).map((w) => w.split(/=(.*)/s).slice(0, 2)),
  )
}

const anonMiB = (pid: number) =>
  Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

describe('memory after sign-ins, as npm start and the image run the server', () => {
  // Regression: each argon2 hash's 19 MiB block stayed resident in the arena of the libuv
  // thread that ran it (glibc's dynamic mmap threshold), ~77 MiB more at rest after a few.
  it('gives argon2 blocks back when freed: resident memory at rest barely grows', async () => {
    const server = startProcess(
      {
        ...startEnv(),
        AUTH_SECRET: strongSecret(),
        AUTH_DATA_DIR: tempDir(),
        AUTH_INITIAL_ADMIN_USERNAME: 'owner',
        AUTH_INITIAL_ADMIN_PASSWORD: PASSWORD,
      },
      { cwd: tempDir(), port: await freePort() },
    )
    try {
      await server.waitForLog('ready')
      const signIn = () =>
        send(server.url, 'POST', '/v1/login/password', { username: 'owner', password: PASSWORD })
      expect((await signIn()).status).toBe(200)
      const atRest = anonMiB(server.child.pid!)
      for (let i = 0; i < 4; i++) expect((await signIn()).status).toBe(200)
      const parallel = await Promise.all([signIn(), signIn(), signIn(), signIn()])
      expect(parallel.map((a) => a.status)).toEqual([200, 200, 200, 200])
      expect(anonMiB(server.child.pid!) - atRest).toBeLessThan(15)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })
})
