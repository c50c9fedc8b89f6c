import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { packageRoot } from '../../src/package-root.js'
import { tempDir } from '../helpers/temp-dir.js'

/** build/bundle.mjs into `out` (dist/src, which it reads the lists' rules from, is built). */
const bundleInto = (out: string) =>
  execFileSync(process.execPath, ['build/bundle.mjs'], {
    cwd: packageRoot(),
    env: { ...process.env, BUNDLE_OUT: out },
    stdio: 'pipe',
  })

// Regression (review of issue 17): each build removed every chunk it had not written, so a
// server still running from the build before (npm start in a checkout, between a `git pull`
// and its restart; `npm run cli` rebuilds first) answered 500 to the first passkey, TOTP or
// OIDC request: "Cannot find module …/chunks/esm-<old hash>.js".
describe('build/bundle.mjs run again over its output', () => {
  it("keeps the previous build's chunks for the servers started from it, and removes them at the build after next", () => {
    const out = tempDir()
    mkdirSync(join(out, 'chunks'))
    const old = join(out, 'chunks', 'esm-OLDHASH1.js')
    writeFileSync(old, 'export {}')
    writeFileSync(join(out, 'outputs.json'), JSON.stringify(['chunks/esm-OLDHASH1.js']))
    const stray = join(out, 'chunks', 'esm-OLDHASH0.js') // of a build before that one
    writeFileSync(stray, 'export {}')

    bundleInto(out)
    expect(existsSync(join(out, 'main.js'))).toBe(true)
    expect(existsSync(old)).toBe(true)
    expect(existsSync(stray)).toBe(false)

    bundleInto(out)
    expect(existsSync(old)).toBe(false)
    expect(existsSync(join(out, 'main.js'))).toBe(true)
    expect(existsSync(join(out, 'common-words', 'words.txt'))).toBe(true)
  }, 60_000)
})
