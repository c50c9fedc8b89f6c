import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'

/** Starts the built service; resolves with its exit code, or 'ready' (then stops it). */
async function startWith(env: Record<string, string>) {
  const cwd = tempDir()
  const running = startProcess(
    { AUTH_DATA_DIR: join(cwd, 'data'), AUTH_SECRET: strongSecret(), ...env },
    { cwd, port: await freePort() },
  )
  const outcome = await Promise.race([
    running.exited.then(({ code }) => code),
    running.waitForLog('ready').then(() => 'ready' as const),
  ])
  if (outcome === 'ready') {
    running.child.kill('SIGTERM')
    await running.exited
  }
  return { outcome, output: running.output() }
}

// Regression: ipaddr.js read `192.168.010.0/24` as 192.168.8.0/24, and `0.0.0.0/0` (or
// `::ffff:0:0/96`, which folds to it) turned quick login on for the whole internet.
describe('serve with networks that do not say what they seem to', () => {
  it.each([
    ['AUTH_QUICK_LOGIN_NETWORKS', '192.168.010.0/24'],
    ['AUTH_QUICK_LOGIN_NETWORKS', '0.0.0.0/0'],
    ['AUTH_QUICK_LOGIN_NETWORKS', '::ffff:0:0/96'],
    ['AUTH_TRUST_PROXY', '0.0.0.0/0'],
    ['AUTH_TRUST_PROXY', '3232235796'],
  ])('stops with exit 78 naming %s=%s', async (name, value) => {
    const { outcome, output } = await startWith({ [name]: value })
    expect(outcome).toBe(78)
    expect(output).toContain(`${name}: "${value}" `)
  })
})

describe('serve with a trusted proxy range inside the household networks', () => {
  it('starts, and warns once at start that the two overlap', async () => {
    const { outcome, output } = await startWith({
      AUTH_TRUST_PROXY: '192.168.1.0/24',
      AUTH_QUICK_LOGIN_NETWORKS: '192.168.0.0/16',
    })
    expect(outcome).toBe('ready')
    const warnings = output
      .split('\n')
      .filter((l) => l.includes('"level":40') && /overlap/i.test(l))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('192.168.1.0/24')
  })
})
