import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import { runCLI } from '../helpers/process.js'
import { cliArguments, shellCommands } from '../helpers/readme-commands.js'
import { tempDir } from '../helpers/temp-dir.js'

// Every CLI command the README shows is run against the built CLI. A bad AUTH_ON_CONFIG_ERROR
// makes each real command stop at its configuration check (78) before it does anything; an
// unknown command or malformed arguments answer 64 with the usage instead.
const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8')
const invocations = [...new Map(cliArguments(shellCommands(readme)).map((a) => [a.join(' '), a]))]

/** A real command with arguments it takes: it got as far as its configuration check. */
const isAccepted = ({ code, output }: { code: number | null; output: string }) =>
  code !== 64 && !/unknown command|usage:|unknown option|unexpected error/i.test(output)

async function run(args: string[]) {
  const cwd = tempDir()
  return runCLI(args, { AUTH_ON_CONFIG_ERROR: 'not-a-mode', AUTH_DATA_DIR: join(cwd, 'data') }, cwd)
}

describe('the CLI commands named in the README', () => {
  it('finds them', () => {
    expect(invocations.length).toBeGreaterThanOrEqual(6)
  })

  it.each(invocations)('`hail-mary-auth %s` is a command of this CLI', async (_text, args) => {
    const result = await run(args)
    expect(result.output).not.toMatch(/unknown option|unexpected error/i)
    expect(isAccepted(result)).toBe(true)
  })

  it('would tell an unknown command or argument apart', async () => {
    expect(isAccepted(await run(['users', 'list']))).toBe(false)
    expect(isAccepted(await run(['user', 'add', 'owner', '--admin']))).toBe(false)
    expect(isAccepted(await run(['backup']))).toBe(false)
  })
})
