import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, startProcess } from '../helpers/process.js'
import { strongSecret } from '../helpers/secrets.js'
import { tempDir } from '../helpers/temp-dir.js'
import { imageLayout, runImageCLI } from './image-layout.js'

const LISTS = 'dist/server/common-words'

/** Entries of a list as the build wrote it (a header line, if any, is not an entry). */
const entriesOf = (text: string) => text.split('\n').filter((line) => !line.startsWith('#'))

// Regression (review of issue 17): the lists of dist/server/common-words were read as they
// came, so a list cut short (a full disk during the build, a partial copy into an image) or
// emptied made every common password and every word-built secret pass, silently.
describe('common-word lists of the bundle, damaged in the image', () => {
  it('a passwords list cut short stops `user add` loudly instead of taking a common password', async () => {
    const app = imageLayout()
    const path = join(app, LISTS, 'passwords.txt')
    const text = readFileSync(path, 'utf8')
    const common = entriesOf(text).findLast((entry) => entry.length >= 15)!
    writeFileSync(path, text.slice(0, text.indexOf(`\n${common}\n`) - 1000))

    const added = await runImageCLI(app, ['user', 'add', 'kid', '--password-stdin'], {}, common)
    expect(added.code).toBe(1)
    expect(added.output).toContain('passwords.txt')
    expect(added.output).not.toMatch(/created/)
  })

  it('an emptied words list stops `check-config` of a secret built from words, never "valid"', async () => {
    const app = imageLayout()
    writeFileSync(join(app, LISTS, 'words.txt'), '')
    const secret = 'correcthorsebatterystaplezebramonkeyfootball'
    const checked = await runImageCLI(app, ['check-config'], { AUTH_SECRET: secret })
    expect(checked.code).not.toBe(0)
    expect(checked.output).toContain('words.txt')
    expect(checked.output).not.toContain(secret)
  })

  // Regression (review of issue 17): Node prints the source line of an uncaught error above its
  // stack, and the bundle's minified lines ran to ~250 KB: one crash wrote a quarter megabyte
  // of code into the container's log.
  it("a damaged list stops `npm start`'s server with exit 1 and a readable error, no line of minified code", async () => {
    const app = imageLayout()
    writeFileSync(join(app, LISTS, 'words.txt'), '')
    const server = startProcess(
      { AUTH_DATA_DIR: join(tempDir(), 'data'), AUTH_SECRET: strongSecret() },
      { cwd: tempDir(), root: app, port: await freePort() },
    )
    expect(await server.exited).toEqual({ code: 1, signal: null })
    expect(server.output()).toContain('words.txt is damaged')
    const longest = Math.max(
      ...server
        .output()
        .split('\n')
        .map((line) => line.length),
    )
    expect(longest).toBeLessThan(1000)
  })

  it('whole lists: the same common password and word-built secret are refused as before', async () => {
    const app = imageLayout()
    const added = await runImageCLI(
      app,
      ['user', 'add', 'kid', '--password-stdin'],
      {},
      'passwordpassword',
    )
    expect(added).toMatchObject({ code: 1 })
    expect(added.output).toContain('too common')
    const secret = 'correcthorsebatterystaplezebramonkeyfootball'
    const checked = await runImageCLI(app, ['check-config'], { AUTH_SECRET: secret })
    expect(checked.code).toBe(78)
    expect(checked.output).toContain('common words')
  })
})
