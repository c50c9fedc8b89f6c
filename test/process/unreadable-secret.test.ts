import { spawn } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import { freePort } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

// What a NAS does to a Docker secret: the file keeps the host's owner and mode, so a 0600 file
// of root (Unraid) or uid 1026 (Synology) is unreadable to the service's own user. Reproduced by
// making the file as root and running the service as `nobody`.
const NOBODY = 65_534
const isRoot = process.getuid?.() === 0

async function serveAsNobody(env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [join(packageRoot(), 'dist/server/main.js')], {
    cwd,
    uid: NOBODY,
    gid: NOBODY,
    env: { PATH: process.env.PATH ?? '', AUTH_PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, output }
}

/** A folder `nobody` can enter and write to, with a data directory inside. */
function workDir(): string {
  const cwd = tempDir()
  chmodSync(cwd, 0o755)
  mkdirSync(join(cwd, 'data'))
  chownSync(join(cwd, 'data'), NOBODY, NOBODY)
  return cwd
}

describe.skipIf(!isRoot)('a secret file the service cannot read', () => {
  it('names the file, its owner and mode, the uid the service runs as, and the fix', async () => {
    const cwd = workDir()
    const file = join(cwd, 'auth_secret.txt')
    const secret = strongSecret()
    writeFileSync(file, `${secret}\n`, { mode: 0o600 })
    chownSync(file, 1026, 100) // a Synology user's file
    const { code, output } = await serveAsNobody(
      { AUTH_SECRET_FILE: file, AUTH_DATA_DIR: join(cwd, 'data') },
      cwd,
    )
    expect(code).toBe(78)
    const line = output.trim().split('\n')[0]!
    expect(line).toContain(`AUTH_SECRET_FILE: cannot read ${file} (EACCES)`)
    expect(line).toContain('belongs to uid 1026 with mode 600')
    expect(line).toContain(`runs as uid ${NOBODY}`)
    expect(line).toContain(`chown ${NOBODY}:${NOBODY} ${file} && chmod 400 ${file}`)
    expect(line).toContain('chmod 440') // or group-readable
    expect(output).not.toContain(secret)
  })

  it('names the folder the service cannot enter', async () => {
    const cwd = workDir()
    const folder = join(cwd, 'secrets')
    mkdirSync(folder, { mode: 0o700 })
    writeFileSync(join(folder, 'auth_secret.txt'), strongSecret(), { mode: 0o444 })
    const { code, output } = await serveAsNobody(
      { AUTH_SECRET_FILE: join(folder, 'auth_secret.txt'), AUTH_DATA_DIR: join(cwd, 'data') },
      cwd,
    )
    expect(code).toBe(78)
    expect(output).toContain(`runs as uid ${NOBODY}`)
    expect(output).toContain(`cannot enter the folder ${folder} (owner uid 0, mode 700)`)
  })

  it('explains an unreadable generated secret.key the same way', async () => {
    const cwd = workDir()
    const key = join(cwd, 'data', 'secret.key')
    writeFileSync(key, strongSecret(), { mode: 0o600 }) // left by a run as root
    const { code, output } = await serveAsNobody({ AUTH_DATA_DIR: join(cwd, 'data') }, cwd)
    expect(code).toBe(78)
    expect(output).toContain(`AUTH_SECRET: cannot read ${key} (EACCES)`)
    expect(output).toContain('belongs to uid 0 with mode 600')
    expect(output).toContain(`runs as uid ${NOBODY}`)
  })
})
