import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir.js'

// Review of issue 17 (log lines of one event-loop turn leave in one write at its end): the
// lines of the turn that ends the process are still written, in order, however it ends.
const LOGGER = resolve('src/logger.ts')

function run(ending: string) {
  const script = join(tempDir(), 'script.ts')
  writeFileSync(
    script,
    `import { createLogger } from ${JSON.stringify(LOGGER)}
const log = createLogger('info')
log.info({ n: 1 }, 'first turn')
setTimeout(() => {
  for (let n = 2; n <= 50; n++) log.info({ n }, 'last turn')
  ${ending}
}, 5)
`,
  )
  const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
    encoding: 'utf8',
    timeout: 30_000,
  })
  const lines = child.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { n: number }).n)
  return { status: child.status, lines }
}

describe('the batched stdout logger at the end of the process', () => {
  it.each([
    ['an uncaught exception', "throw new Error('boom')", 1],
    ['an unhandled rejection', "void Promise.reject(new Error('boom'))", 1],
    ['process.exit', 'process.exit(3)', 3],
    ['process.exitCode and an empty loop', 'process.exitCode = 4', 4],
  ])('writes every line, in order, on %s', (_name, ending, status) => {
    const result = run(ending)
    expect(result.status).toBe(status)
    expect(result.lines).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
  })
})
