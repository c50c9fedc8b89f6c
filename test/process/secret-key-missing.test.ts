import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, runCLI, startProcess } from '../helpers/process.js'
import { tempDir } from '../helpers/temp-dir.js'

/** A data directory as a first start leaves it, with its generated secret.key then lost. */
async function databaseWithoutKey() {
  const cwd = tempDir()
  const first = startProcess({}, { cwd, port: await freePort() })
  await first.waitForLog('ready')
  first.child.kill('SIGTERM')
  await first.exited
  const keyPath = join(cwd, 'data', 'secret.key')
  rmSync(keyPath)
  return { cwd, keyPath, dbPath: join(cwd, 'data', 'auth.db') }
}

// Regression: the service used to write a fresh secret.key before the fingerprint refused it,
// leaving a wrong key behind that a later backup would take for the real one (API §1.1).
describe('a missing secret.key next to an existing database', () => {
  it('stops serve with exit 78 saying so, and writes no new secret.key', async () => {
    const { cwd, keyPath, dbPath } = await databaseWithoutKey()
    const before = readFileSync(dbPath)
    const running = startProcess({}, { cwd, port: await freePort() })
    expect((await running.exited).code).toBe(78)
    expect(running.output()).toContain('AUTH_SECRET: data/secret.key is missing but the database')
    expect(existsSync(keyPath)).toBe(false)
    expect(readFileSync(dbPath).equals(before)).toBe(true)
  })

  it('stops the CLI the same way', async () => {
    const { cwd, keyPath } = await databaseWithoutKey()
    const result = await runCLI(['user', 'list'], {}, cwd)
    expect(result.code).toBe(78)
    expect(result.output).toContain('is missing but the database')
    expect(existsSync(keyPath)).toBe(false)
  })
})
