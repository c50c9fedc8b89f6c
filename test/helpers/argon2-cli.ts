import { execFileSync, execSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'

/** The reference argon2 CLI (Debian's `argon2`); installed here when missing, like Chromium. */
export function ensureArgon2CLI(): void {
  try {
    execSync('command -v argon2', { stdio: 'ignore' })
    return
  } catch {
    // not installed yet
  }
  try {
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq argon2', {
      stdio: 'ignore',
    })
  } catch {
    throw new Error('These tests need the reference argon2 CLI: apt-get install -y argon2')
  }
}

/** An argon2id PHC string made by the reference implementation's own CLI. */
export function argon2CLIHash(
  password: string,
  cost: { memoryKiB: number; timeCost: number; parallelism: number },
): string {
  const salt = randomBytes(12).toString('hex')
  const args = [salt, '-id', '-e', '-t', String(cost.timeCost), '-k', String(cost.memoryKiB)]
  args.push('-p', String(cost.parallelism))
  return execFileSync('argon2', args, { input: password }).toString().trim()
}
