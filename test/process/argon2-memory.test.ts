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

/**
 * The process that serves: with a pool larger than libuv's default, the one started re-runs
 * itself with UV_THREADPOOL_SIZE set (src/thread-pool.ts) and only waits for its child.
 */
function servingPid(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')
  return children[0] ? Number(children[0]) : pid
}

describe('memory after sign-ins, as npm start and the image run the server', () => {
  // Regression: each argon2 hash's 19 MiB block stayed resident in the arena of the libuv
  // thread that ran it (glibc's dynamic mmap threshold), ~77 MiB more at rest after a few.
  // Review of issue 17: on more than two cores the process started is only the launcher of the
  // one that serves, and the test measured the launcher (it passed without the tunables).
  // Both are shown here whatever the machine: 2 hashes at once fit libuv's 4 threads (a 2-core
  // NAS), 3 need a relaunch (the tunables must reach the child).
  it.each([
    ['in the process started (2 hashes at once)', '2'],
    ['in the relaunched process (3 hashes at once)', '3'],
  ])(
    'gives argon2 blocks back when freed %s: resident memory at rest barely grows',
    async (_, hashes) => {
      const server = startProcess(
        {
          ...startEnv(),
          AUTH_HASH_CONCURRENCY: hashes,
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
        const pid = servingPid(server.child.pid!)
        expect(pid === server.child.pid).toBe(hashes === '2')
        const atRest = anonMiB(pid)
        for (let i = 0; i < 4; i++) expect((await signIn()).status).toBe(200)
        const parallel = await Promise.all([signIn(), signIn(), signIn(), signIn()])
        expect(parallel.map((a) => a.status)).toEqual([200, 200, 200, 200])
        expect(anonMiB(pid) - atRest).toBeLessThan(15)
      } finally {
        server.child.kill('SIGTERM')
      }
      expect(await server.exited).toEqual({ code: 0, signal: null })
    },
  )
})
