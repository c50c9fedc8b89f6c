import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PASSWORD } from '../helpers/fixtures.js'
import { send, signIn } from '../helpers/live-server.js'
import { tempDir } from '../helpers/temp-dir.js'
import { waitForOutput } from '../helpers/wait-for-output.js'
import { startImageServer } from './image-layout.js'

/**
 * Loaded before the bundle: SIGUSR2 runs a full garbage collection, and each read of the
 * passwords list is printed, so a test sees the WeakRef dropped and the list read again.
 */
const PRELOAD = `
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
let collections = 0
process.on('SIGUSR2', () => {
  globalThis.gc()
  process.stderr.write('collected ' + ++collections + '\\n')
})
const read = fs.readFileSync
fs.readFileSync = function (path, ...rest) {
  if (String(path).endsWith('/common-words/passwords.txt')) process.stderr.write('list read\\n')
  return read.call(this, path, ...rest)
}
syncBuiltinESMExports()
`

const reads = (output: string) => output.split('\n').filter((line) => line === 'list read').length

describe('the common-password list of the bundle after a garbage collection', () => {
  it('is read again once its WeakRef is dropped, and still refuses a common password', async () => {
    const preload = join(tempDir(), 'preload.mjs')
    writeFileSync(preload, PRELOAD)
    const server = await startImageServer({
      NODE_OPTIONS: `--expose-gc --import=${pathToFileURL(preload).href}`,
    })
    try {
      await server.waitForLog('ready')
      const { access_token: token } = await signIn(server.url, 'owner', PASSWORD)
      const change = () =>
        send(
          server.url,
          'PUT',
          '/v1/me/password',
          { current_password: PASSWORD, new_password: 'passwordpassword' },
          token,
        )
      const tooCommon = {
        error: 'invalid_request',
        message: 'new_password: is too common; choose another',
      }

      expect(await change()).toEqual({ status: 400, body: tooCommon })
      // Any collection may drop the list (the start's own did, often): count from here.
      const before = reads(server.output())
      expect(before).toBeGreaterThanOrEqual(1)
      server.child.kill('SIGUSR2')
      await waitForOutput(server, 'collected 1')
      expect(await change()).toEqual({ status: 400, body: tooCommon })
      expect(reads(server.output())).toBe(before + 1)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toEqual({ code: 0, signal: null })
  })
})
